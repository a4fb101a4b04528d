"""Write plans: create and edit a plan, set the services it measures."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from survey.models import Plan, PlanService
from survey.models.plans import ALLOCATIONS, SIZING_METHODS
from survey.questionnaire.loader import shipped


class PlanError(ValueError):
    """A plan's settings are inconsistent; the message is shown to staff."""


@dataclass
class ReportSettings:
    """The administrative form of the plan's report: what only the office knows."""

    number: str = ""  # the register number; empty: the văn thư writes it by hand
    office: str = ""  # the drafting office shown under the issuing body, if any
    signer_title: str = "CHỦ TỊCH"
    signer_name: str = ""  # empty: a blank line to write the name by hand
    recipients: str = ""  # one recipient a line, besides "Như trên" and the archive

    def check(self) -> None:
        limits = ((self.number, 20), (self.office, 200), (self.signer_title, 100), (self.signer_name, 100),
                  (self.recipients, 2000))
        if any(len(value) > limit for value, limit in limits):
            raise PlanError(_("Thông tin báo cáo quá dài (số hiệu tối đa 20 ký tự, cơ quan soạn thảo 200, "
                              "chức vụ và họ tên người ký 100, nơi nhận 2000)."))
        if not self.signer_title.strip():
            raise PlanError(_("Vui lòng nhập chức vụ người ký."))


@dataclass
class PlanSettings:
    title: str
    start_date: date
    end_date: date
    questionnaire: tuple[str, str] = ("sipas-dv", "2024.1")
    target_margin: float = 0.05
    conf_level: float = 0.95
    sizing_method: str = "yamane"
    allocation: str = "per_service"
    expected_share: float = 0.9
    basis: str = ""
    report: ReportSettings = field(default_factory=ReportSettings)

    def check(self) -> None:
        self.report.check()
        if not self.title.strip():
            raise PlanError(_("Vui lòng nhập tên kế hoạch."))
        if len(self.title.strip()) > 300:  # the column's String(300): PostgreSQL refuses more
            raise PlanError(_("Tên kế hoạch dài quá 300 ký tự. Vui lòng rút gọn rồi lưu lại."))
        if self.end_date < self.start_date:
            raise PlanError(_("Ngày kết thúc phải sau ngày bắt đầu."))
        if self.questionnaire not in shipped():
            raise PlanError(_("Không có phiếu khảo sát này."))
        if not 0.005 <= self.target_margin <= 0.25:
            raise PlanError(_("Sai số mục tiêu phải từ %(low)s đến %(high)s.", low="0,5%", high="25%"))
        if self.sizing_method not in SIZING_METHODS or self.allocation not in ALLOCATIONS:
            raise PlanError(_("Phương pháp tính cỡ mẫu không hợp lệ."))
        if not 0.5 <= self.conf_level < 1 or not 0 < self.expected_share < 1:
            raise PlanError(_("Độ tin cậy hoặc tỷ lệ hài lòng dự kiến không hợp lệ."))


def save_plan(s: Session, unit_id: int, settings: PlanSettings, plan: Plan | None = None) -> Plan:
    """Create a plan (or update `plan`) from checked settings; flush, the caller commits."""
    settings.check()
    plan = plan or Plan(unit_id=unit_id)
    plan.title, plan.basis = settings.title.strip(), settings.basis.strip()
    plan.start_date, plan.end_date = settings.start_date, settings.end_date
    plan.questionnaire_code, plan.questionnaire_version = settings.questionnaire
    plan.target_margin, plan.conf_level = settings.target_margin, settings.conf_level
    plan.sizing_method, plan.allocation = settings.sizing_method, settings.allocation
    plan.expected_share = settings.expected_share
    apply_report_settings(plan, settings.report)
    s.add(plan)
    s.flush()
    return plan


def apply_report_settings(plan: Plan, report: ReportSettings) -> None:
    """Store the report's number, office, signer and recipients on the plan (checked, stripped)."""
    report.check()
    plan.report_number, plan.report_office = report.number.strip(), report.office.strip()
    plan.signer_title, plan.signer_name = report.signer_title.strip(), report.signer_name.strip()
    plan.report_recipients = "\n".join(line.strip(" -;\t") for line in report.recipients.splitlines()
                                        if line.strip(" -;\t"))


def set_services(s: Session, plan: Plan, service_ids: list[int]) -> None:
    """Make the plan measure exactly these services, keeping existing targets."""
    keep = {ps.service_id: ps for ps in plan.services}
    plan.services = [keep.get(sid) or PlanService(service_id=sid) for sid in dict.fromkeys(service_ids)]
    s.flush()
