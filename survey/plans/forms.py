"""Read the plan form (pure): fields → PlanSettings, or a message."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from survey.forms_text import clean
from survey.plans.operations import PlanError, PlanSettings, ReportSettings


def _line(form, name: str, default: str = "") -> str:
    return clean(form.get(name, default)).strip()


def _lines(form, name: str) -> str:
    return clean(form.get(name, ""), multiline=True).strip()


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PlanError(_("Ngày không hợp lệ.")) from None


def _float(raw: str, scale: float = 1.0) -> float:
    try:
        return float(raw.replace(",", ".")) / scale
    except ValueError:
        raise PlanError(_("Số không hợp lệ.")) from None


def report_settings_from(form) -> ReportSettings:
    """The report's administrative settings from the posted form (blank fields stay blank)."""
    return ReportSettings(number=_line(form, "report_number"), office=_line(form, "report_office"),
                          signer_title=_line(form, "signer_title") or "CHỦ TỊCH",
                          signer_name=_line(form, "signer_name"), recipients=_lines(form, "report_recipients"))


def settings_from(form) -> PlanSettings:
    """Build settings from the posted form; percentages are typed as percent."""
    code, _, version = form.get("questionnaire", "").partition("|")
    return PlanSettings(
        title=_line(form, "title"), basis=_lines(form, "basis"),
        start_date=_date(form.get("start_date", "")), end_date=_date(form.get("end_date", "")),
        questionnaire=(code, version),
        target_margin=_float(form.get("target_margin", "5"), 100),
        conf_level=_float(form.get("conf_level", "95"), 100),
        sizing_method=form.get("sizing_method", "yamane"), allocation=form.get("allocation", "per_service"),
        expected_share=_float(form.get("expected_share", "90"), 100),
        report=report_settings_from(form),
    )
