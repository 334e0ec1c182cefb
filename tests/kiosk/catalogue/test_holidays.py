from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.catalogue.holidays import HolidaysInvalidError, load_holidays


def test_shipped_calendar_has_tet_and_national_day() -> None:
    calendar = load_holidays()
    assert calendar.is_day_off(date(2026, 2, 17))  # Tết Bính Ngọ
    assert calendar.is_day_off(date(2025, 9, 2))
    assert not calendar.is_working_day(date(2026, 2, 20))


def test_working_days_skip_weekends_and_holidays() -> None:
    calendar = load_holidays()
    assert calendar.add_working_days(date(2026, 11, 17), 3) == date(2026, 11, 20)  # Tue → Fri
    assert calendar.add_working_days(date(2026, 11, 26), 3) == date(2026, 12, 1)   # Thu → Tue, over a weekend
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)    # Fri → Mon after Tết
    assert calendar.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday → Monday


def test_the_swapped_day_off_of_31_august_2026_and_its_make_up_saturday() -> None:
    calendar = load_holidays()
    assert calendar.is_day_off(date(2026, 8, 31))          # Monday, swapped for Saturday 22/08
    assert not calendar.is_working_day(date(2026, 9, 1))    # the day adjacent to National Day
    assert calendar.is_working_day(date(2026, 8, 22))       # the make-up Saturday: offices are open
    assert not calendar.is_working_day(date(2026, 8, 29))   # an ordinary Saturday
    assert calendar.add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)   # Fri → the working Saturday
    assert calendar.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)    # Fri → Thu, over 31/8–2/9


def test_the_make_up_saturday_of_26_april_2025_and_its_swap() -> None:
    calendar = load_holidays()
    assert calendar.is_working_day(date(2025, 4, 26))
    assert calendar.is_day_off(date(2025, 5, 2))
    assert calendar.add_working_days(date(2025, 4, 25), 2) == date(2025, 4, 28)   # Fri → Sat 26 → Mon 28


def test_vietnam_culture_day_is_a_day_off_from_2026() -> None:
    calendar = load_holidays()
    assert calendar.is_day_off(date(2026, 11, 24))
    assert calendar.is_day_off(date(2027, 11, 24))
    assert calendar.is_working_day(date(2025, 11, 24))     # a Monday before the day existed
    assert calendar.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 25)


def test_statutory_holidays_continue_after_the_years_of_the_file() -> None:
    calendar = load_holidays()
    assert calendar.is_day_off(date(2028, 1, 26))   # Tết Mậu Thân
    assert calendar.is_day_off(date(2030, 9, 2))
    assert calendar.is_day_off(date(2031, 4, 30))


def test_counting_working_days_back_inverts_adding_them() -> None:
    calendar = load_holidays()
    start = date(2025, 1, 1)
    for offset in range(0, 3 * 365, 5):
        day = start + timedelta(days=offset)
        for days in (0, 1, 3, 10, 15):
            assert calendar.working_days_between(day, calendar.add_working_days(day, days)) == days


def test_coverage_of_the_next_twelve_months() -> None:
    calendar = load_holidays()
    assert calendar.uncovered_years(date(2026, 12, 2)) == ()          # through 2027, checked provisionally
    assert calendar.uncovered_years(date(2027, 1, 5)) == (2028,)
    assert calendar.uncovered_years(date(2029, 6, 1)) == (2029, 2030)


def test_a_province_file_adds_days_and_years_on_top_of_the_shipped_one(tmp_path: Path) -> None:
    local = tmp_path / "local.yaml"
    local.write_text(
        "years: {2028: announced}\n"
        "holidays:\n  - {date: 2028-01-24, name: {vi: Nghỉ hoán đổi, en: Day off}}\n"
        "working_days:\n  - {date: 2028-02-05, name: {vi: Làm bù, en: Make-up day}}\n", encoding="utf-8")
    calendar = load_holidays(local)
    assert calendar.is_day_off(date(2028, 1, 24))
    assert calendar.is_working_day(date(2028, 2, 5))
    assert calendar.is_day_off(date(2026, 8, 31))             # the shipped swap still applies
    assert calendar.uncovered_years(date(2027, 1, 5)) == ()


@pytest.mark.parametrize(("text", "problem"), [
    ("workdays:\n  - {date: 2026-08-22, name: {vi: a, en: b}}\n", "unknown section 'workdays'"),
    ("years: {2026: maybe}\nholidays:\n  - {date: 2026-08-31, name: {vi: a, en: b}}\n", "years.2026"),
    ("years: {'next': announced}\nholidays:\n  - {date: 2026-08-31, name: {vi: a, en: b}}\n", "not a year"),
    ("holidays:\n  - {date: 2026-08-22, name: {vi: a, en: b}}\n"
     "working_days:\n  - {date: 2026-08-22, name: {vi: a, en: b}}\n", "both a day off and a working day"),
    ("working_days:\n  - {date: 2026-08-22}\n", r"working_days\[0\] needs a name"),
])
def test_malformed_swaps_are_refused(tmp_path: Path, text: str, problem: str) -> None:
    bad = tmp_path / "h.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(HolidaysInvalidError, match=problem):
        load_holidays(bad)


def test_malformed_holidays_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "h.yaml"
    bad.write_text("holidays:\n  - {from: 2026-02-20, to: 2026-02-14, name: {vi: a, en: b}}\n", encoding="utf-8")
    with pytest.raises(HolidaysInvalidError, match=r"holidays\[0\]"):
        load_holidays(bad)
    bad.write_text("nothing: here\n", encoding="utf-8")
    with pytest.raises(HolidaysInvalidError):
        load_holidays(bad)


def test_a_key_given_twice_in_the_holidays_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "h.yaml"
    bad.write_text("holidays:\n  - {date: 2026-01-01, date: 2026-01-02, name: {vi: a, en: b}}\n", encoding="utf-8")
    with pytest.raises(HolidaysInvalidError, match=r"holidays\[0\]\.date given twice \(line 2\)"):
        load_holidays(bad)


@pytest.mark.parametrize("entry", [
    "{from: 0001-01-01, to: 9999-12-31, name: {vi: a, en: b}}",  # millions of days, and dates at the calendar's end
    "{date: 9999-12-31, name: {vi: a, en: b}}",
    "{from: 2026-01-01, to: 2026-12-31, name: {vi: a, en: b}}",
])
def test_holiday_dates_have_sane_ranges(tmp_path: Path, entry: str) -> None:
    bad = tmp_path / "h.yaml"
    bad.write_text(f"holidays:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(HolidaysInvalidError, match=r"holidays\[0\]"):
        load_holidays(bad)


def test_an_impossible_date_in_the_holidays_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "h.yaml"
    bad.write_text("holidays:\n  - {date: 2026-02-30, name: {vi: a, en: b}}\n", encoding="utf-8")
    with pytest.raises(HolidaysInvalidError, match="unreadable"):
        load_holidays(bad)
