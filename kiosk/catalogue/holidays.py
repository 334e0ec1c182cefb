"""Public holidays and working-day arithmetic for appointment dates ("Ngày nhận kết quả").

Processing times are counted in working days: government offices work Monday to Friday and close on the public
holidays of the Labour Code 2019 Art. 112 (New Year, five days of Tết, Hùng Kings' day, 30/4, 1/5, 2/9 with one
adjacent day, and from 2026 Vietnam Culture Day 24/11), with a day off in lieu when a holiday falls on a weekend.
Those statutory days come from the `holidays` package, which computes them for any year (Tết and the Hùng Kings'
day follow the lunar calendar).

On top of them, `holidays_vn.yaml` (and a province's own file, `catalogue.holidays_file`) records what the
government announces each year: days off moved next to a holiday (`holidays`, e.g. Monday 31/08/2026) and the
Saturdays worked in exchange (`working_days`, e.g. 26/04/2025 and 22/08/2026), plus which years have been
checked against the announcements (`years`). A year nobody has checked is "not covered": the technician screen
and `kiosk services check` warn when the next 12 months reach such a year.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import holidays as statutory_holidays
import yaml

from kiosk.catalogue.loader import load_yaml

SHIPPED_HOLIDAYS = Path(__file__).with_name("holidays_vn.yaml")
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
MAX_HOLIDAY_DAYS = 31
COVERAGE_DAYS = 365  # "the next 12 months" the calendar must cover
YEAR_STATES = ("announced", "provisional")
_SECTIONS = ("years", "holidays", "working_days")


class HolidaysInvalidError(ValueError):
    """The holidays file is unreadable or an entry is malformed (the message names the entry)."""

    message_key = "services.holidays_refused"

    @property
    def message_params(self) -> dict[str, str]:
        return {"detail": str(self)}


class _Statutory:
    """The Labour Code's holidays per year, computed by the `holidays` package the first time a year is asked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._years: dict[int, frozenset[date]] = {}

    def days(self, year: int) -> frozenset[date]:
        found = self._years.get(year)
        if found is None:
            with self._lock:  # the kiosk and the portal simulator count days from several threads
                found = self._years.get(year)
                if found is None:
                    found = frozenset(statutory_holidays.country_holidays("VN", years=year).keys())
                    self._years[year] = found
        return found


_STATUTORY = _Statutory()


@dataclass(frozen=True)
class HolidayCalendar:
    """Statutory holidays, plus the announced days off (`days_off`) and make-up working days of the files.

    `years` maps each year checked against the government's announcements to "announced" (swaps recorded) or
    "provisional" (statutory days only, swaps not yet announced)."""

    days_off: frozenset[date] = frozenset()
    working_days: frozenset[date] = frozenset()
    years: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))

    def is_day_off(self, day: date) -> bool:
        """A public holiday or an announced day off, whatever the weekday."""
        return day not in self.working_days and (day in self.days_off or day in _STATUTORY.days(day.year))

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:  # a make-up Saturday, or a correction of a provisional day off
            return True
        return day.weekday() < 5 and not self.is_day_off(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start`; 0 days means the first working day from `start` on."""
        day = start
        while not self.is_working_day(day):
            day += timedelta(days=1)
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days `end` lies after `start`: the inverse of `add_working_days` (0 when `end` is the
        first working day from `start` on, or earlier)."""
        day = start
        while not self.is_working_day(day):
            day += timedelta(days=1)
        count = 0
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def uncovered_years(self, today: date, days: int = COVERAGE_DAYS) -> tuple[int, ...]:
        """The years between `today` and `days` later that no holidays file has checked; empty when covered."""
        last = (today + timedelta(days=days)).year
        return tuple(y for y in range(today.year, last + 1) if y not in self.years)


@dataclass(frozen=True)
class HolidaysLoadResult:
    calendar: HolidayCalendar
    refused: str = ""  # why a configured file was refused; the shipped calendar is then in use


def load_active_holidays(path: Path | None) -> HolidaysLoadResult:
    """The configured calendar, or the shipped one when the configured file is broken.

    Like a malformed catalogue, a malformed holidays file must not stop the kiosk: citizens are served with the
    shipped calendar while the technician screen says what is wrong with the file.
    """
    _STATUTORY.days(date.today().year)  # the first year costs ~0.1 s (lunar tables): at start-up, not at a form
    try:
        return HolidaysLoadResult(load_holidays(path))
    except HolidaysInvalidError as exc:
        if path is None:
            raise  # the shipped file itself is broken: a packaging error, not a technician's typo
        return HolidaysLoadResult(load_holidays(None), refused=str(exc))


@dataclass(frozen=True)
class _FileDays:
    days_off: frozenset[date]
    working_days: frozenset[date]
    years: dict[int, str]


def load_holidays(path: Path | None = None) -> HolidayCalendar:
    """The statutory holidays, the shipped announcements and, when `path` is given, a province's own file on top
    (its days off and working days are added; its `years` mark more years as checked)."""
    layers = [_read(SHIPPED_HOLIDAYS)]
    if path is not None and Path(path) != SHIPPED_HOLIDAYS:
        layers.append(_read(Path(path)))
    years: dict[int, str] = {}
    for layer in layers:
        years.update(layer.years)
    return HolidayCalendar(days_off=frozenset().union(*(layer.days_off for layer in layers)),
                           working_days=frozenset().union(*(layer.working_days for layer in layers)),
                           years=MappingProxyType(years))


def _read(path: Path) -> _FileDays:
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))  # a date or name given twice is refused
    except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: a date or number YAML cannot build
        raise HolidaysInvalidError(f"{path}: unreadable: {exc}") from exc
    if not isinstance(raw, dict):
        raise HolidaysInvalidError(f"{path}: 'holidays' must be a non-empty list")
    unknown = sorted(str(k) for k in raw if k not in _SECTIONS)
    if unknown:
        raise HolidaysInvalidError(f"{path}: unknown section {unknown[0]!r} (expected {', '.join(_SECTIONS)})")
    days_off = _days(path, raw, "holidays")
    working = _days(path, raw, "working_days")
    if not days_off and not working:
        raise HolidaysInvalidError(f"{path}: 'holidays' must be a non-empty list")
    both = sorted(days_off & working)
    if both:
        raise HolidaysInvalidError(f"{path}: {both[0]} is both a day off and a working day")
    return _FileDays(days_off, working, _years(path, raw.get("years")))


def _days(path: Path, raw: dict[str, Any], section: str) -> frozenset[date]:
    entries = raw.get(section)
    if entries is None:
        return frozenset()
    if not isinstance(entries, list):
        raise HolidaysInvalidError(f"{path}: '{section}' must be a list")
    days: set[date] = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), dict):
            raise HolidaysInvalidError(f"{path}: {section}[{i}] needs a name with vi and en")
        first = entry.get("date", entry.get("from"))
        last = entry.get("date", entry.get("to"))
        if not isinstance(first, date) or not isinstance(last, date) or last < first:
            raise HolidaysInvalidError(f"{path}: {section}[{i}] needs date, or from and to (YYYY-MM-DD, from ≤ to)")
        # A real holiday lies in this century and lasts days, not months; anything else is a typo that would make
        # counting working days slow or run past the end of the calendar.
        if not (first >= EARLIEST and last <= LATEST) or (last - first).days >= MAX_HOLIDAY_DAYS:
            raise HolidaysInvalidError(f"{path}: {section}[{i}] must lie between {EARLIEST} and {LATEST} and last "
                                       f"under {MAX_HOLIDAY_DAYS} days")
        while first <= last:
            days.add(first)
            first += timedelta(days=1)
    return frozenset(days)


def _years(path: Path, raw: Any) -> dict[int, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise HolidaysInvalidError(f"{path}: 'years' must map a year to announced or provisional")
    years: dict[int, str] = {}
    for year, state in raw.items():
        if isinstance(year, bool) or not isinstance(year, int) or not EARLIEST.year <= year <= LATEST.year:
            raise HolidaysInvalidError(f"{path}: years: {year!r} is not a year between {EARLIEST.year} and "
                                       f"{LATEST.year}")
        if state not in YEAR_STATES:
            raise HolidaysInvalidError(f"{path}: years.{year} must be announced or provisional")
        years[year] = str(state)
    return years
