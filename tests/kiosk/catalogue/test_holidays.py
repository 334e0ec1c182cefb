from datetime import date
from pathlib import Path

import pytest

from kiosk.catalogue.holidays import HolidaysInvalidError, load_holidays


def test_shipped_calendar_covers_2025_to_2027_with_tet() -> None:
    calendar = load_holidays()
    assert (calendar.first_year, calendar.last_year) == (2025, 2027)
    assert date(2026, 2, 17) in calendar.holidays  # Tết Bính Ngọ
    assert date(2025, 9, 2) in calendar.holidays


def test_working_days_skip_weekends_and_holidays() -> None:
    calendar = load_holidays()
    assert calendar.add_working_days(date(2026, 11, 24), 3) == date(2026, 11, 27)  # Tue → Fri
    assert calendar.add_working_days(date(2026, 11, 26), 3) == date(2026, 12, 1)   # Thu → Tue, over a weekend
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)    # Fri → Mon after Tết
    assert calendar.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday → Monday


def test_malformed_holidays_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "h.yaml"
    bad.write_text("holidays:\n  - {from: 2026-02-20, to: 2026-02-14, name: {vi: a, en: b}}\n", encoding="utf-8")
    with pytest.raises(HolidaysInvalidError, match=r"holidays\[0\]"):
        load_holidays(bad)
    bad.write_text("nothing: here\n", encoding="utf-8")
    with pytest.raises(HolidaysInvalidError):
        load_holidays(bad)
