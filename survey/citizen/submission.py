"""Parse and validate a posted questionnaire; pure, no database."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from survey.forms_text import clean
from survey.params import whole_number
from survey.questionnaire.definition import QuestionnaireDefinition

KEY_RE = re.compile(r"[0-9a-f]{32}\Z")  # \Z: "$" would let a trailing newline through
# Fields the form itself carries besides the questionnaire items.
FORM_FIELDS = {"csrf_token", "submission_key", "service", "comment", "website", "lang"}


@dataclass
class Submission:
    """What the citizen sent, the valid part of it, and what was wrong."""

    answers: dict[str, int] = field(default_factory=dict)
    service_code: str | None = None
    comment: str = ""
    submission_key: str | None = None
    honeypot: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def clean_text(raw: str) -> str:
    """Normalise to NFC and drop control characters, keeping line breaks."""
    return clean(unicodedata.normalize("NFC", raw), multiline=True).strip()


def _single(form: MultiDict, key: str, sub: Submission) -> str:
    values = form.getlist(key)
    if len(values) > 1:
        sub.errors[key] = _("Câu này chỉ được chọn một đáp án.")
        return ""
    return values[0] if values else ""


def _parse_int(raw: str) -> int | None:
    return whole_number(raw, max_digits=2)


def parse(form: MultiDict, q: QuestionnaireDefinition, services: set[str],
          preset_service: str | None) -> Submission:
    """Check every posted field against the questionnaire and the counter's services."""
    sub = Submission()
    valid = q.valid_values()
    unknown = [k for k in form.keys() if k not in FORM_FIELDS and k not in valid]
    if unknown:
        sub.errors["_form"] = _("Biểu mẫu gửi lên có câu hỏi không có trong phiếu: %(codes)s.",
                                codes=", ".join(sorted(unknown)[:5])[:120])
    required = {c.code for c in q.criteria} if q.criteria_required else set()
    for code, allowed in valid.items():
        raw = _single(form, code, sub).strip()
        if code in sub.errors:
            continue
        if raw == "":
            if code in required:
                sub.errors[code] = _("Vui lòng chọn một mức đánh giá cho câu này.")
            continue
        value = _parse_int(raw)
        if value is None or value not in allowed:
            sub.errors[code] = _("Giá trị không hợp lệ, vui lòng chọn lại.")
        else:
            sub.answers[code] = value

    service = _single(form, "service", sub).strip()
    if preset_service is not None:
        if service and service != preset_service:
            sub.errors["service"] = _("Thủ tục gửi lên không khớp với mã QR.")
        sub.service_code = preset_service
    elif service in services:
        sub.service_code = service
    elif service:
        sub.errors["service"] = _("Thủ tục không có ở quầy này, vui lòng chọn lại.")
    else:
        sub.errors["service"] = _("Vui lòng chọn thủ tục Ông/Bà vừa thực hiện.")

    sub.comment = clean_text(_single(form, "comment", sub))
    if len(sub.comment) > q.comment_max_length:
        sub.errors["comment"] = _("Ý kiến dài quá %(n)d ký tự, vui lòng rút gọn.", n=q.comment_max_length)

    key = _single(form, "submission_key", sub)
    if KEY_RE.match(key):
        sub.submission_key = key
    else:
        sub.errors.setdefault("_form", _("Phiếu không hợp lệ hoặc đã cũ, vui lòng bấm Gửi lại."))
    sub.honeypot = bool(_single(form, "website", sub))
    return sub
