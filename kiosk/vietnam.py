"""Vietnam's civil time for everything the kiosk stamps, prints, counts by day or sends to the portal.

Vietnam keeps UTC+7 all year (Indochina Time, no daylight saving since 1975), so a fixed offset is exact and needs
no time zone database; ISO 8601 times from the portal and the hospital carry it as `+07:00`.
"""

from datetime import timedelta, timezone

VIETNAM_TIME = timezone(timedelta(hours=7))
