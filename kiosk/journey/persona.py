"""A scripted citizen who uses the kiosk alone, and what the journey costs them.

`Persona.next_command(view)` is a plain function of the screen in front of it: it places the card on the welcome
screen, looks at the camera, taps the service, gives the typical answer to each question (typing only what no
tap can give), sends, and takes the card away at the end. `play()` drives a `Visit` with it and counts what an
elderly first-time user spends: screens read, taps, characters typed and seconds of speech heard. Speech is
measured, not guessed: each distinct prompt (normalised as the voice guide would say it) is rendered once with
`espeak-ng -v vi -w` and the WAV's length is read. Typed characters are key presses on the simple Vietnamese
keyboard (a letter, then a key per mark). Progress views (reading the card, sending) are not counted as
screens: nobody has to read or answer them.

The estimate for an elderly user (the budgets in bench/journey.py) is 8 s per screen, 3 s per tap, 2 s per typed
character, the speech, and 15 s for the face check.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unicodedata
import wave
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.journey.commands import CardPlaced, CardRemoved, Command, QrRead, Tap, Tick, Typed
from kiosk.journey.views import ScreenView
from kiosk.journey.visit import Visit

SECONDS_PER_SCREEN = 8.0
SECONDS_PER_TAP = 3.0
SECONDS_PER_CHARACTER = 2.0
FACE_CHECK_S = 15.0


@dataclass(frozen=True)
class Address:
    """A typical address answer: letters typed to find the ward, the ward to pick, and the street."""

    search: str
    ward: str          # the start of the ward button's label
    street: str


@dataclass(frozen=True)
class Same:
    """Tap the suggestion that repeats an earlier answer (an address given before, a name from the card)."""

    text: str = ""     # part of the suggestion's label; empty: the first suggestion


@dataclass(frozen=True)
class Item:
    """One item of a list (group): its sub-answers by sub-field key."""

    answers: Mapping[str, object]


Answer = str | Address | Same | list[Item]

# The answers a typical citizen gives, by field key; a choice not listed here is answered with its first option.
TYPICAL: dict[str, Answer] = {
    "applicant.phone": "0912345678",
    "purpose": "bank",
    "stay.address": Address("ngoc ha", "Phường Ngọc Hà", "Số 5 ngõ 10 Kim Mã"),
    "is_head": "yes",
    "proof.kind": "rental",
    "reason": "work",
    "absence.from": "10032026",
    "absence.to": "10092026",
    "absence.destination": Address("ben thanh", "Phường Bến Thành", "Số 20 Lê Lợi"),
    "applicant.relation": "mother",
    "child.full_name": "Lê Minh An",
    "child.sex": "M",
    "child.date_of_birth": "20022026",
    "child.birth_place": "Bệnh viện Phụ sản Hà Nội",
    "other_parent.full_name": Same("Lê Minh Quân"),
    "other_parent.date_of_birth": "05081988",
    "other_parent.id_number": "001088012345",
    "head.full_name": Same("Nguyễn Thị Thanh Hương"),
    "head.relation": "child",
    "insurance.facility": "ward_health_station",
    "insurance.delivery": "vneid",
    "mother.full_name": Same("Nguyễn Thị Thanh Hương"),
    "mother.birth_year": "1990",
    "birth_place": "Hà Nội",
    "residence_history": [Item({"from": "031990", "to": "032026", "place": "Hà Nội", "job": "Kế toán"})],
    "certificate_type": "1",
    "record_status": "none",
    "vehicle.plate": "29A12345",
    "vehicle.kind": "motorbike",
    "specialty": "NOI",
    # the combined death procedure: a daughter registers her father's death, with the funeral allowance
    "scope": "3",
    "deceased.full_name": Same("Nguyễn Văn Đức"),
    "deceased.sex": "M",
    "deceased.date_of_birth": "12071958",
    "deceased.id_number": "001058001234",
    "deceased.date_of_death": "25022026",
    "deceased.place_of_death": "Bệnh viện Bạch Mai",
    "deceased.residence": Same(),
    "deceased.insurance_number": "0158001234",
    "allowance.payout": "bank",
    "allowance.bank_account": "0011001234567",
    "allowance.bank_name": "Vietcombank",
    # permanent residence: a rented flat, the owner's signed consent scanned
    "case": "rented",
    "residence.address": Address("ngoc ha", "Phường Ngọc Hà", "Số 5 ngõ 10 Kim Mã"),
    "rental.people": "2",
    "rental.floor_area": "30",
    "consent.method": "paper",
}
# Where one key means something else in another service, that service's typical answer.
TYPICAL_FOR: dict[str, dict[str, Answer]] = {
    "death_combined": {"applicant.relation": "parent"},
}


@dataclass
class Counts:
    service: str
    screens: int = 0
    taps: int = 0
    typed_chars: int = 0
    spoken_s: float = 0.0
    face_checks: int = 0
    path: list[str] = field(default_factory=list)   # the screens seen, for reading and for tests

    @property
    def estimated_s(self) -> float:
        return (SECONDS_PER_SCREEN * self.screens + SECONDS_PER_TAP * self.taps
                + SECONDS_PER_CHARACTER * self.typed_chars + self.spoken_s + FACE_CHECK_S * self.face_checks)

    def row(self) -> dict[str, object]:
        return {"service": self.service, "screens": self.screens, "taps": self.taps,
                "typed_chars": self.typed_chars, "spoken_s": round(self.spoken_s, 1),
                "estimated_s": round(self.estimated_s, 1)}


class Persona:
    """`service`: a catalogue code, "status_lookup" or "withdrawal" (both from the welcome screen, no card)."""

    def __init__(self, service: str, answers: Mapping[str, Answer] | None = None, *, receipt_qr: str = "",
                 file_code: str = "") -> None:
        self.service = service
        self.answers: dict[str, Answer] = {**TYPICAL, **TYPICAL_FOR.get(service, {}), **(answers or {})}
        if file_code:
            self.answers["file_code"] = file_code
        self.receipt_qr = receipt_qr
        self._card_placed = False
        self._card_for_withdrawal = False
        self._item: dict[str, int] = {}   # the list item being answered, by list key (counted on the list's own screen)

    @property
    def uses_card(self) -> bool:
        return self.service not in ("status_lookup", "withdrawal")

    def next_command(self, view: ScreenView) -> Command | None:
        screen = view.screen
        ids = view.choice_ids()
        if view.warning:
            return Tap("more_time")
        if screen == "welcome":
            if self._card_placed:
                return None  # the visit is over
            if not self.uses_card:
                self._card_placed = True
                return Tap("status")
            self._card_placed = True
            return CardPlaced()
        if screen in ("card_reading", "face", "submitting"):
            return Tick()
        if screen == "services":
            target = f"service:{self.service}"
            return Tap(target if target in ids else "more")
        if screen == "question":
            return self._answer(view)
        if screen == "assisted_offer":   # the typical citizen goes on alone (a volunteer is offered, not imposed)
            return Tap("start_assisted" if "start_assisted" in ids else "continue_alone")
        if screen == "review":
            return Tap("send")
        if screen == "done":
            return CardRemoved()
        if screen == "payment":
            # The receipt already carries the VietQR code: the typical citizen pays later from a banking app.
            return CardRemoved() if self.uses_card else Tap("pay_later")
        if screen == "supplement":
            return Tap("send" if view.pages and "send" in ids else "scan")
        if screen == "supplement_done":
            return Tap("finish")
        if screen == "status_find":
            return QrRead(self.receipt_qr) if self.receipt_qr else None
        if screen == "status":
            if self.service == "withdrawal" and "withdraw" in ids:
                return Tap("withdraw")
            return Tap("finish")
        if screen == "withdraw_confirm":
            # A reason, then the card read again (only the file's holder may withdraw it), then the confirmation.
            reasons = [c.id for c in view.choices if c.id.startswith("reason:")]
            if reasons and not any(c.selected for c in view.choices if c.id.startswith("reason:")):
                return Tap(reasons[0])
            if "withdraw_yes" in ids:
                return Tap("withdraw_yes")
            if self._card_for_withdrawal:
                raise PersonaStuckError(f"the card did not open the withdrawal ({view.error_key})")
            self._card_for_withdrawal = True
            return CardPlaced()
        if screen == "withdraw_done":
            if self._card_for_withdrawal:
                self._card_for_withdrawal = False
                return CardRemoved()   # the card goes back in the wallet before leaving
            return Tap("finish")
        raise PersonaStuckError(f"the persona does not know what to do on {screen} ({view.error_key})")

    def _answer(self, view: ScreenView) -> Command:
        if view.camera and self.receipt_qr:   # the receipt held up to the camera instead of typing its code
            return QrRead(self.receipt_qr)
        if view.error_key and view.input is None:
            raise PersonaStuckError(f"{view.field}: {view.error_key}")
        key, _, part = view.field.partition(":")
        answer = self.answers.get(key)
        ids = view.choice_ids()
        if isinstance(answer, list):
            return self._group(view, key, part, answer)
        if isinstance(answer, Address):
            return self._address(view, answer, part)
        return self._single(view, answer, ids)

    def _single(self, view: ScreenView, answer: object, ids: tuple[str, ...]) -> Command:
        if isinstance(answer, Same):
            for choice in view.choices:
                if choice.kind == "suggestion" and answer.text in choice.label:
                    return Tap(choice.id)
            raise PersonaStuckError(f"{view.field}: no suggestion {answer.text!r}")
        if view.pages and "done" in ids:   # one side scanned is enough for the typical paper
            return Tap("done")
        if "scan" in ids:
            return Tap("scan")
        answers = [c.id for c in view.choices if c.kind == "answer"]
        if answers:
            wanted = f"choice:{answer}" if answer is not None else answers[0]
            return Tap(wanted if wanted in answers else answers[0])
        if view.input is not None:
            if answer is None:
                raise PersonaStuckError(f"{view.field}: no typical answer to type")
            if view.input.text != str(answer):
                return Typed(view.input.field, str(answer))
            if view.error_key:
                raise PersonaStuckError(f"{view.field}: {view.error_key}")
            return Tap("next")
        raise PersonaStuckError(f"{view.field}: nothing to answer with")

    def _address(self, view: ScreenView, answer: Address, part: str) -> Command:
        assert view.input is not None
        if part == "street":
            if view.input.text != answer.street:
                return Typed(view.input.field, answer.street)
            return Tap("next")
        for choice in view.choices:
            if choice.id.startswith("ward:") and choice.label.startswith(answer.ward):
                return Tap(choice.id)
        # Type one more letter until the ward shows among the buttons, as a person would.
        typed = view.input.text
        if len(typed) < len(answer.search):
            return Typed(view.input.field, answer.search[:max(2, len(typed) + 1)])
        raise PersonaStuckError(f"{view.field}: no ward {answer.ward!r} for {answer.search!r}")

    def _group(self, view: ScreenView, key: str, part: str, items: list[Item]) -> Command:
        if not part:
            # The list's own screen shows one line per item already added; a sub-question's lines are its help.
            filled = len(view.lines)
            self._item[key] = filled
            return Tap("add" if filled < len(items) else "done")
        item = items[min(self._item.get(key, 0), len(items) - 1)]
        return self._single(view, item.answers.get(part), view.choice_ids())


class PersonaStuckError(RuntimeError):
    """The persona met a screen it has no answer for: the journey or the persona needs a look."""


class SpeechTimer:
    """Seconds of speech per prompt text, from espeak-ng's rendering (each distinct text rendered once)."""

    def __init__(self, voice: str = "vi", normalise: Callable[[str], str] | None = None) -> None:
        self.voice = voice
        self.normalise = normalise or _normaliser(voice)
        self._cache: dict[str, float] = {}
        self.available = shutil.which("espeak-ng") is not None

    def seconds(self, text: str) -> float:
        if not text.strip() or not self.available:
            return 0.0
        said = self.normalise(text)
        if said not in self._cache:
            self._cache[said] = _espeak_length(said, self.voice)
        return self._cache[said]


def _normaliser(voice: str) -> Callable[[str], str]:
    from kiosk.speech.normaliser import SpeechNormaliser

    normaliser = SpeechNormaliser.from_catalogue()
    lang = "en" if voice.startswith("en") else "vi"
    return lambda text: normaliser.normalise(text, lang)


def _espeak_length(text: str, voice: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "prompt.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(out), "--stdin"], input=text.encode("utf-8"),
                       check=True, capture_output=True, timeout=60)
        with wave.open(str(out)) as wav:
            frames: int = wav.getnframes()
            rate: int = wav.getframerate()
        return frames / float(rate)


def key_presses(text: str) -> int:
    """Keys pressed to type `text` on the kiosk's simple Vietnamese keyboard: each letter, then one key per mark
    ("ệ" is e, the hat key and the dot key: three), so marked names cost what they cost a citizen."""
    return len(unicodedata.normalize("NFD", text))


def play(visit: Visit, persona: Persona, *, place_card: Callable[[], None], take_card: Callable[[], None],
         speech: SpeechTimer | None = None, max_commands: int = 2000) -> Counts:
    """Drive `visit` with `persona` until the visit is over; count what the citizen spent on the way.

    `place_card`/`take_card` put the card on the reader and take it off (the hand the persona stands for) before
    the matching command is handed to the visit."""
    counts = Counts(persona.service)
    timer = speech or SpeechTimer()
    view = visit.view()
    last: tuple[str, str] | None = None
    typed: dict[str, str] = {}
    for _ in range(max_commands):
        shown = (view.screen, view.field)
        if (not view.pending and shown != last and view.screen != "welcome") or last is None:
            counts.screens += 1
            counts.path.append(view.screen if not view.field else f"{view.screen}:{view.field}")
            counts.spoken_s += sum(timer.seconds(p.text) for p in view.prompts)
            if view.screen == "face":
                counts.face_checks += 1
        last = shown
        command = persona.next_command(view)
        if command is None:
            return counts
        if isinstance(command, Tap):
            counts.taps += 1
        elif isinstance(command, Typed):
            before = typed.get(command.field, "")
            new = command.text[len(before):] if command.text.startswith(before) else command.text
            counts.typed_chars += key_presses(new)
            typed[command.field] = command.text
        elif isinstance(command, CardPlaced):
            place_card()
        elif isinstance(command, CardRemoved):
            take_card()
        view = visit.handle(command)
        if view.screen == "welcome" and isinstance(command, CardRemoved | Tap):
            return counts
    raise PersonaStuckError(f"no end after {max_commands} commands (on {view.screen} {view.field})")


LOOKUPS = ("status_lookup", "withdrawal")


def every_journey(visit: Visit, services: list[str], *, place_card: Callable[[], None],
                  take_card: Callable[[], None], speech: SpeechTimer | None = None) -> list[Counts]:
    """Play the persona through each service in turn on one kiosk, then the status look-up and the withdrawal of
    the first file sent (read from the QR code on its receipt, as the citizen would show it to the camera)."""
    timer = speech or SpeechTimer()
    rows: list[Counts] = []
    receipt_qr = ""
    file_code = ""
    for code in services:
        witness = _Witness(visit, Persona(code, file_code=file_code, receipt_qr=receipt_qr))
        rows.append(play(visit, witness, place_card=place_card, take_card=take_card, speech=timer))
        if not receipt_qr and witness.receipt[0]:
            receipt_qr, file_code = witness.receipt
    for code in LOOKUPS:
        rows.append(play(visit, Persona(code, receipt_qr=receipt_qr), place_card=place_card, take_card=take_card,
                         speech=timer))
    return rows


class _Witness(Persona):
    """The persona, keeping the receipt it was handed (its QR code and file code) before the visit is wiped."""

    def __init__(self, visit: Visit, persona: Persona) -> None:
        super().__init__(persona.service, persona.answers, receipt_qr=persona.receipt_qr)
        self._visit = visit
        self.receipt: tuple[str, str] = ("", "")

    def next_command(self, view: ScreenView) -> Command | None:
        outcome = self._visit.outcome
        if view.screen == "done" and self._visit.receipt_qr and outcome is not None and outcome.file_code:
            self.receipt = (self._visit.receipt_qr, outcome.file_code)
        return super().next_command(view)

