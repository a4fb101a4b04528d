"""Local dates: plans are set in Vietnamese calendar days, whatever the server's zone."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def today(now: datetime | None = None) -> date:
    """Return today's date in Vietnam (now: an aware datetime, for tests)."""
    return (now or datetime.now(timezone.utc)).astimezone(LOCAL).date()


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Return [start 00:00, day after end 00:00) local, as UTC datetimes."""
    lo = datetime.combine(start, time(), LOCAL)
    hi = datetime.combine(end + timedelta(days=1), time(), LOCAL)
    return lo.astimezone(timezone.utc), hi.astimezone(timezone.utc)


def parse_dmy(raw: str) -> date:
    """Parse dd/mm/yyyy (also dd-mm-yyyy, dd.mm.yyyy and ISO yyyy-mm-dd)."""
    text = raw.strip().split(" ")[0].split("T")[0]
    for sep in "/-.":
        parts = text.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            a, b, c = (int(p) for p in parts)
            return date(a, b, c) if len(parts[0]) == 4 else date(c, b, a)
    raise ValueError(raw)
