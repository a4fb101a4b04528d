"""Which responses a figure is computed over: unit scope, period and filters."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from survey import params
from survey.models.responses import RESPONSE_CHANNELS
from survey.questionnaire.sync import DEFAULT

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD_KINDS = ("month", "quarter", "year", "custom")
FIRST_YEAR, LAST_YEAR = params.FIRST_DAY.year, params.LAST_DAY.year


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


def parse_period(args: Mapping[str, str]) -> Period:
    """Read the period from query arguments; absent parts mean this year (month, quarter); a bad one is a 400."""
    kind = params.choice(args.get("ky"), _("Kỳ báo cáo"), PERIOD_KINDS, "year")
    now = today()
    year = params.integer(args.get("nam"), _("Năm"), FIRST_YEAR, LAST_YEAR, now.year) or now.year
    if kind == "month":
        month = params.integer(args.get("thang"), _("Tháng"), 1, 12, now.month) or now.month
        return month_period(year, month)
    if kind == "quarter":
        quarter = params.integer(args.get("quy"), _("Quý"), 1, 4, (now.month - 1) // 3 + 1) or 1
        return quarter_period(year, quarter)
    if kind == "custom":
        start, end = params.day(args.get("tu"), _("Từ ngày")), params.day(args.get("den"), _("Đến ngày"))
        if start and end:
            if start > end:
                raise params.refuse(_("Ngày bắt đầu phải trước hoặc trùng ngày kết thúc."))
            return Period("custom", start, end)
    return year_period(year)


def parse_filters(args: Mapping[str, str], unit_ids: tuple[int, ...] | None) -> Filters:
    """Build filters from a dashboard's GET arguments within the caller's unit scope."""
    unit = params.identifier(args.get("don_vi"), _("Đơn vị"))
    if unit is not None and (unit_ids is None or unit in unit_ids):
        unit_ids = (unit,)  # narrowing only: a unit outside the scope is ignored
    return Filters(
        unit_ids=unit_ids,
        period=parse_period(args),
        field_id=params.identifier(args.get("linh_vuc"), _("Lĩnh vực")),
        service_id=params.identifier(args.get("thu_tuc"), _("Thủ tục")),
        service_point_id=params.identifier(args.get("quay"), _("Quầy")),
        channel=params.choice(args.get("kenh"), _("Kênh"), RESPONSE_CHANNELS),
        include_flagged=params.flag(args.get("gan_co"), _("Gồm phiếu bị gắn cờ")),
    )
