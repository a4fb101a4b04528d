"""Which responses a figure is computed over: unit scope, period and filters."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from zoneinfo import ZoneInfo

from survey.models.responses import RESPONSE_CHANNELS
from survey.questionnaire.sync import DEFAULT

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD_KINDS = ("month", "quarter", "year", "custom")


@dataclass(frozen=True)
class Period:
    """Local calendar dates, both ends included."""

    kind: str
    start: date
    end: date

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """Return [start, end) as UTC instants: the day boundaries are Vietnamese."""
        lo = datetime.combine(self.start, time(), LOCAL)
        hi = datetime.combine(self.end + timedelta(days=1), time(), LOCAL)
        return lo.astimezone(timezone.utc), hi.astimezone(timezone.utc)


@dataclass(frozen=True)
class Filters:
    """A selection of responses; ``unit_ids=None`` means every unit (CLI only).

    ``questionnaires`` holds the versions of one comparable form (one
    criteria pool, survey/results/forms.py), oldest first; ``None`` means
    every questionnaire, for lists that need no criteria (comments, counts).
    """

    unit_ids: tuple[int, ...] | None
    period: Period | None = None
    field_id: int | None = None
    service_id: int | None = None
    service_point_id: int | None = None
    channel: str | None = None
    include_flagged: bool = False
    questionnaires: tuple[tuple[str, str], ...] | None = (DEFAULT,)

    @property
    def questionnaire(self) -> tuple[str, str]:
        """The newest version of the form: its wording names the items."""
        if not self.questionnaires:
            raise ValueError("a selection over every questionnaire has no single form")
        return self.questionnaires[-1]

    def narrowed(self, **changes) -> "Filters":
        return replace(self, **changes)


def month_period(year: int, month: int) -> Period:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return Period("month", date(year, month, 1), nxt - timedelta(days=1))


def quarter_period(year: int, quarter: int) -> Period:
    first = month_period(year, 3 * quarter - 2)
    return Period("quarter", first.start, month_period(year, 3 * quarter).end)


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def today() -> date:
    return datetime.now(LOCAL).date()


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def parse_period(args: Mapping[str, str]) -> Period:
    """Read the period from query arguments; anything invalid falls back to this year."""
    kind = args.get("ky") if args.get("ky") in PERIOD_KINDS else "year"
    now = today()
    year = _int(args.get("nam")) or now.year
    if not 2000 <= year <= 2100:
        year = now.year
    if kind == "month":
        month = _int(args.get("thang")) or now.month
        return month_period(year, month if 1 <= month <= 12 else now.month)
    if kind == "quarter":
        quarter = _int(args.get("quy")) or (now.month - 1) // 3 + 1
        return quarter_period(year, quarter if 1 <= quarter <= 4 else 1)
    if kind == "custom":
        start, end = _date(args.get("tu")), _date(args.get("den"))
        if start and end and start <= end:
            return Period("custom", start, end)
    return year_period(year)


def parse_filters(args: Mapping[str, str], unit_ids: tuple[int, ...] | None) -> Filters:
    """Build filters from a dashboard's GET arguments within the caller's unit scope."""
    channel = args.get("kenh")
    unit = _int(args.get("don_vi"))
    if unit is not None and (unit_ids is None or unit in unit_ids):
        unit_ids = (unit,)  # narrowing only: a unit outside the scope is ignored
    return Filters(
        unit_ids=unit_ids,
        period=parse_period(args),
        field_id=_int(args.get("linh_vuc")),
        service_id=_int(args.get("thu_tuc")),
        service_point_id=_int(args.get("quay")),
        channel=channel if channel in RESPONSE_CHANNELS else None,
        include_flagged=args.get("gan_co") == "1",
    )
