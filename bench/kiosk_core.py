"""Benchmark of the kiosk core: how fast the session wipes, and what voice, typing and PIN checks cost.

Run: .venv/bin/python bench/kiosk_core.py   (prints a table; the espeak-ng rows need espeak-ng installed)
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
import wave
from collections.abc import Callable
from datetime import date
from pathlib import Path

from devices.card.identity import Identity
from devices.speech.espeak import EspeakSpeaker
from kiosk.config import SessionConfig
from kiosk.i18n import Translator
from kiosk.session import ManualClock, Session
from kiosk.session.events import SessionWiped
from kiosk.speech.normaliser import SpeechNormaliser
from kiosk.staff import DEFAULT_ITERATIONS, hash_pin, verify_pin
from kiosk.vietnamese_input import InputMode, VietnameseComposer


class _Form:
    def __init__(self) -> None:
        self.answers = {f"q{i}": "x" * 50 for i in range(40)}

    def wipe(self) -> None:
        self.answers.clear()


class _WipeTimer:
    at = 0.0

    def __call__(self, event: object) -> None:
        if isinstance(event, SessionWiped):
            self.at = time.perf_counter()


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def bench_wipe(runs: int = 2000) -> list[float]:
    identity = Identity("001090012345", "090012345", "A", date(1950, 1, 1), "F", "VN")
    samples: list[float] = []
    for _ in range(runs):
        session = Session(SessionConfig(), clock=ManualClock())
        for _ in range(3):
            session.register_collaborator(_Form())
        session.subscribe(lambda e: None)
        session.start()
        session.choose_language("vi")
        session.card_inserted()
        session.identified(identity)
        session.face_verified()
        session.choose_service("1.001", _Form())
        wiped_at = _WipeTimer()
        session.subscribe(wiped_at)
        start = time.perf_counter()
        session.card_removed()
        samples.append(wiped_at.at - start)
    return samples


def bench_tick(runs: int = 20000) -> list[float]:
    session = Session(SessionConfig(), clock=ManualClock())
    session.start()
    return _timed(session.tick, runs)


def bench_normaliser() -> tuple[list[float], int]:
    norm = SpeechNormaliser.from_catalogue()
    t = Translator()
    texts = [t.text(k, file_code="H26.01-250312-0001", seconds=30, step=2, total=5, name="An")
             for k in t.catalogue if k.startswith("session.")]
    texts.append("Hẹn ngày 12/3/2025 lúc 14:30, gọi 0912 345 678, phí 1.500.000đ, thẻ BHYT, UBND phường.")
    per_text = []
    for _ in range(20):
        for text in texts:
            start = time.perf_counter()
            norm.normalise(text, "vi")
            per_text.append(time.perf_counter() - start)
    return per_text, len(texts)


def bench_composer(runs: int = 500) -> list[float]:
    keys = "Nguyeenx Thij Huwowng Traanf Vaawn Ddaij Phuwowngf"
    per_key = []
    for _ in range(runs):
        c = VietnameseComposer(InputMode.TELEX, names=True)
        start = time.perf_counter()
        for key in keys:
            c.press(key)
        per_key.append((time.perf_counter() - start) / len(keys))
    return per_key


def bench_pin() -> list[float]:
    encoded = hash_pin("482913")
    return _timed(lambda: verify_pin("482913", encoded), 5)


def bench_espeak() -> tuple[float, float, float, int] | None:
    if shutil.which("espeak-ng") is None:
        return None
    text = SpeechNormaliser.from_catalogue().normalise(Translator().text("session.place_card"), "vi")
    speaker = EspeakSpeaker({"vi": "vi"}, rate_wpm=140)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.wav"
        start = time.perf_counter()
        speaker.render_wav(text, "vi", path)
        render = time.perf_counter() - start
        with wave.open(str(path)) as w:
            audio = w.getnframes() / w.getframerate()
    start = time.perf_counter()
    speaker.say(text, "vi")
    returned = time.perf_counter() - start
    speaker.stop()
    return render, audio, returned, len(text.split())


def _row(name: str, samples: list[float], unit: float, unit_name: str) -> str:
    ordered = sorted(samples)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    return (f"| {name:<44} | {statistics.median(samples) / unit:>10.1f} | {p99 / unit:>10.1f} | "
            f"{max(samples) / unit:>10.1f} | {unit_name:<4} |")


def main() -> None:
    print("| measurement                                  |     median |        p99 |        max | unit |")
    print("|----------------------------------------------|-----------:|-----------:|-----------:|------|")
    print(_row("card_removed → SessionWiped (4 wipeables)", bench_wipe(), 1e-6, "µs"))
    print(_row("session.tick()", bench_tick(), 1e-6, "µs"))
    per_text, count = bench_normaliser()
    print(_row(f"normalise one prompt ({count} prompts, vi)", per_text, 1e-6, "µs"))
    print(_row("Telex composer, per key", bench_composer(), 1e-6, "µs"))
    print(_row(f"verify PIN (PBKDF2, {DEFAULT_ITERATIONS} iterations)", bench_pin(), 1e-3, "ms"))
    espeak = bench_espeak()
    if espeak is None:
        print("| espeak-ng not installed: speech rows skipped  |")
        return
    render, audio, returned, words = espeak
    blank = "|            |            |"
    print(f"| {f'espeak-ng: render a {words}-word prompt to WAV':<44} | {render * 1e3:>10.1f} {blank} ms   |")
    print(f"| {'espeak-ng: that prompt lasts':<44} | {audio:>10.2f} {blank} s    |")
    print(f"| {'espeak-ng: say() returns after':<44} | {returned * 1e3:>10.2f} {blank} ms   |")


if __name__ == "__main__":
    main()
