"""Read the plan form (pure): fields → PlanSettings, or a message."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from survey import params
from survey.forms_text import clean
from survey.plans.operations import PlanError, PlanSettings, ReportSettings


def _line(form, name: str, default: str = "") -> str:
    return clean(form.get(name, default)).strip()


def _lines(form, name: str) -> str:
    return clean(form.get(name, ""), multiline=True).strip()


def _date(raw: str, label: str) -> date:
    # Bounded (survey.params): a plan ending 9999-12-31 overflowed every page that adds a day to its end.
    try:
        value = params.day(raw, label)
    except params.BadParameter as exc:
        raise PlanError(str(exc.description)) from None
    if value is None:
        raise PlanError(_("Vui lòng nhập %(label)s.", label=label.lower()))
    return value


_DECIMAL = re.compile(r"[0-9]{1,6}([.,][0-9]{1,6})?")  # ASCII digits: float() also reads ٣, 1e9, nan and inf


def _float(raw: str, scale: float = 1.0) -> float:
    if not _DECIMAL.fullmatch(raw.strip()):
        raise PlanError(_("Số không hợp lệ."))
    return float(raw.strip().replace(",", ".")) / scale


def report_settings_from(form) -> ReportSettings:
    """The report's administrative settings from the posted form (blank fields stay blank)."""
    return ReportSettings(number=_line(form, "report_number"), office=_line(form, "report_office"),
                          signer_title=_line(form, "signer_title") or "CHỦ TỊCH",
                          signer_name=_line(form, "signer_name"), recipients=_lines(form, "report_recipients"))


def settings_from(form) -> PlanSettings:
    """Build settings from the posted form; percentages are typed as percent."""
    code, _sep, version = form.get("questionnaire", "").partition("|")
    return PlanSettings(
        title=_line(form, "title"), basis=_lines(form, "basis"),
        start_date=_date(form.get("start_date", ""), _("Ngày bắt đầu")),
        end_date=_date(form.get("end_date", ""), _("Ngày kết thúc")),
        questionnaire=(code, version),
        target_margin=_float(form.get("target_margin", "5"), 100),
        conf_level=_float(form.get("conf_level", "95"), 100),
        sizing_method=form.get("sizing_method", "yamane"), allocation=form.get("allocation", "per_service"),
        expected_share=_float(form.get("expected_share", "90"), 100),
        report=report_settings_from(form),
    )
