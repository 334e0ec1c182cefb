"""What the journey costs a first-time elderly citizen, service by service, measured by a scripted persona.

Run: .venv/bin/python bench/journey.py [--json]

The persona (kiosk/journey/persona.py) drives the Qt-free journey core on the demo kiosk (virtual card read
through the card-front QR, simulated face check, portal simulator, PDF printer) through every service of the
catalogue, then the status look-up and the withdrawal of a file by its receipt's QR code. Per service: screens
read, taps, characters typed, seconds of speech (espeak-ng's rendering of each prompt heard), and the estimate
8 s × screens + 3 s × taps + 2 s × typed characters + speech + 15 s for the face check.
Budgets: confirmation of the old ID ≤ 3 min and ≤ 25 taps; temporary residence ≤ 4 min and ≤ 35 taps; hospital
check-in ≤ 90 s; combined birth procedure ≤ 10 min and ≤ 100 taps.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.bootstrap import DemoSetup, build_kiosk, build_visit
from kiosk.config import load_config
from kiosk.journey.persona import Counts, SpeechTimer, every_journey

# service → (most seconds, most taps); None: no budget on that measure
BUDGETS: dict[str, tuple[float | None, int | None]] = {
    "id_confirmation": (180.0, 25),
    "temporary_residence": (240.0, 35),
    "hospital_checkin": (90.0, None),
    "birth_combined": (600.0, 100),
}
DEMO_DAY = datetime(2026, 3, 2, 9, 0)   # a Monday: the same due dates on every run


def measure() -> list[Counts]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        config = load_config(None, {"kiosk": {"data_dir": str(tmp / "data")}, "speech": {"backend": "silent"},
                                    "printer": {"output_dir": str(tmp / "receipts")},
                                    "hospital": {"enabled": True, "queue_db": str(tmp / "hospital.db")}})
        kiosk = build_kiosk(config, DemoSetup(enabled=True, fast=True, now=DEMO_DAY))
        try:
            visit = build_visit(kiosk)
            services = [s.code for s in visit.offered_services()]
            return every_journey(visit, services, place_card=kiosk.insert_virtual_card,
                                 take_card=kiosk.remove_virtual_card, speech=SpeechTimer())
        finally:
            kiosk.close()


def verdict(row: Counts) -> str:
    seconds, taps = BUDGETS.get(row.service, (None, None))
    if seconds is None and taps is None:
        return ""
    parts = []
    if seconds is not None:
        parts.append(f"≤{seconds:.0f}s")
    if taps is not None:
        parts.append(f"≤{taps} taps")
    ok = (seconds is None or row.estimated_s <= seconds) and (taps is None or row.taps <= taps)
    return f"{' '.join(parts)} {'ok' if ok else 'OVER'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the rows as a JSON list")
    args = parser.parse_args(argv)
    rows = measure()
    if args.json:
        print(json.dumps([r.row() for r in rows], ensure_ascii=False))
        return 0
    print(f"{'service':<22}{'screens':>8}{'taps':>6}{'typed':>7}{'spoken s':>10}{'est. s':>8}{'est. min':>10}  budget")
    for r in rows:
        print(f"{r.service:<22}{r.screens:>8}{r.taps:>6}{r.typed_chars:>7}{r.spoken_s:>10.1f}{r.estimated_s:>8.1f}"
              f"{r.estimated_s / 60:>10.1f}  {verdict(r)}")
    over = [r.service for r in rows if verdict(r).endswith("OVER")]
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
