"""`kiosk demo --service CODE [--lang en] [--persona elderly|volunteer] --out DIR` (python -m ui.demo): the persona
through any service in the real window, a numbered screenshot per screen and the printed documents in DIR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from ui.demo import main


def pngs(out: Path) -> list[Path]:
    return sorted(out.glob("[0-9][0-9]-*.png"))


def test_the_hospital_check_in_demo_saves_every_screen_and_the_exam_slip(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert main(["--out", str(out), "--service", "hospital_checkin"]) == 0
    shots = pngs(out)
    assert [p.name[:2] for p in shots] == [f"{n:02d}" for n in range(1, len(shots) + 1)]
    assert any("specialty" in p.name for p in shots) and shots[-1].name.endswith("done.png")
    assert (out / "receipt.pdf").read_bytes().startswith(b"%PDF")
    with Image.open(shots[0]) as image:
        assert image.size == (1080, 1920)
    assert not (out / ".kiosk-data").exists()  # nothing of the demo's data folder is left behind


def test_the_withdrawal_demo_in_english_with_a_volunteer_signs_in_and_withdraws(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert main(["--out", str(out), "--service", "withdrawal", "--lang", "en", "--persona", "volunteer"]) == 0
    names = [p.name for p in pngs(out)]
    assert names[0].endswith("welcome.png") and names[1].endswith("assisted.png")
    assert any("withdraw_confirm" in n for n in names) and names[-1].endswith("withdraw_done.png")
    assert (out / "receipt.pdf").exists()   # the file sent first, to have something to withdraw


def test_an_unknown_service_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--out", str(tmp_path / "demo"), "--service", "no_such_service"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no_such_service" in err and "id_confirmation" in err and len(err.splitlines()) == 1


def test_the_demo_at_150_percent_high_contrast_writes_a_transcript_of_every_screen(tmp_path: Path) -> None:
    normal, large = tmp_path / "normal", tmp_path / "large"
    assert main(["--out", str(normal), "--service", "status_lookup"]) == 0
    assert main(["--out", str(large), "--service", "status_lookup", "--text-scale", "150", "--high-contrast"]) == 0
    # The same journey, screen for screen, drawn differently.
    assert [p.name for p in pngs(large)] == [p.name for p in pngs(normal)]
    differing = [p.name for p, q in zip(pngs(normal), pngs(large), strict=True)
                 if p.read_bytes() != q.read_bytes()]
    assert len(differing) == len(pngs(large))
    transcript = (large / "transcript.txt").read_text(encoding="utf-8")
    # One entry per screen of the screenshotted play (a progress view is an entry of its own), with what was said.
    entries = [line for line in transcript.splitlines()[2:] if line and not line.startswith(" ")]
    assert len(entries) >= len(pngs(large)) - 1 and "  " in transcript
    assert transcript == (normal / "transcript.txt").read_text(encoding="utf-8")


def test_a_text_size_other_than_100_125_150_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--out", str(tmp_path / "demo"), "--text-scale", "140"])
    assert stop.value.code == 2


def test_kiosk_demo_passes_the_text_size_and_theme_to_the_window(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    kiosk = Path(sys.executable).with_name("kiosk")
    out = tmp_path / "cli"
    # No display: the CLI itself chooses Qt's offscreen platform.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([str(kiosk), "demo", "--service", "status_lookup", "--out", str(out),
                           "--text-scale", "150", "--high-contrast"], cwd=tmp_path, env=env, timeout=300,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-400:]
    assert main(["--out", str(tmp_path / "direct"), "--service", "status_lookup", "--text-scale", "150",
                 "--high-contrast"]) == 0
    assert main(["--out", str(tmp_path / "plain"), "--service", "status_lookup"]) == 0

    def pixels(folder: Path) -> Any:
        with Image.open(pngs(folder)[1]) as image:
            return np.asarray(image.convert("L"), dtype=np.float32)

    # The CLI's screen looks like the 150 % high-contrast one, not like the plain one.
    cli = pixels(out)
    assert np.abs(cli - pixels(tmp_path / "direct")).mean() < np.abs(cli - pixels(tmp_path / "plain")).mean() / 4
    assert (out / "transcript.txt").exists()
