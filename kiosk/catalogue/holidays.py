"""Public holidays and working-day arithmetic for appointment dates ("Ngày nhận kết quả").

Processing times are counted in working days (Labour Code 2019 Art. 112 for the holidays; government offices
work Monday to Friday). The holidays are data (`holidays_vn.yaml`, overridable by `catalogue.holidays_file`)
because Tết and the bridge days are announced each year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

SHIPPED_HOLIDAYS = Path(__file__).with_name("holidays_vn.yaml")


class HolidaysInvalidError(ValueError):
    """The holidays file is unreadable or an entry is malformed (the message names the entry)."""

    message_key = "services.holidays_refused"

    @property
    def message_params(self) -> dict[str, str]:
        return {"detail": str(self)}


@dataclass(frozen=True)
class HolidayCalendar:
    holidays: frozenset[date]
    first_year: int
    last_year: int

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

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


@dataclass(frozen=True)
class HolidaysLoadResult:
    calendar: HolidayCalendar
    refused: str = ""  # why a configured file was refused; the shipped calendar is then in use


def load_active_holidays(path: Path | None) -> HolidaysLoadResult:
    """The configured calendar, or the shipped one when the configured file is broken.

    Like a malformed catalogue, a malformed holidays file must not stop the kiosk: citizens are served with the
    shipped calendar while the technician screen says what is wrong with the file.
    """
    try:
        return HolidaysLoadResult(load_holidays(path))
    except HolidaysInvalidError as exc:
        if path is None:
            raise  # the shipped file itself is broken: a packaging error, not a technician's typo
        return HolidaysLoadResult(load_holidays(None), refused=str(exc))


def load_holidays(path: Path | None = None) -> HolidayCalendar:
    path = path or SHIPPED_HOLIDAYS
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise HolidaysInvalidError(f"{path}: unreadable: {exc}") from exc
    entries = raw.get("holidays") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise HolidaysInvalidError(f"{path}: 'holidays' must be a non-empty list")
    days: set[date] = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), dict):
            raise HolidaysInvalidError(f"{path}: holidays[{i}] needs a name with vi and en")
        first = entry.get("date", entry.get("from"))
        last = entry.get("date", entry.get("to"))
        if not isinstance(first, date) or not isinstance(last, date) or last < first:
            raise HolidaysInvalidError(f"{path}: holidays[{i}] needs date, or from and to (YYYY-MM-DD, from ≤ to)")
        while first <= last:
            days.add(first)
            first += timedelta(days=1)
    years = sorted(d.year for d in days)
    return HolidayCalendar(frozenset(days), years[0], years[-1])
