"""`kiosk demo --service CODE [--lang en] [--persona elderly|volunteer] --out DIR` (python -m ui.demo): the persona
through any service in the real window, a numbered screenshot per screen and the printed documents in DIR."""

from __future__ import annotations

from pathlib import Path

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
