"""Parse one keying of a paper form (pure): digits per item, 0 or blank for no answer."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask_babel import gettext as _

from survey.citizen.submission import clean_text
from survey.params import whole_number
from survey.questionnaire.definition import QuestionnaireDefinition


@dataclass
class Keying:
    number: str = ""
    service: str = ""
    answers: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def payload(self) -> str:
        return json.dumps({"service": self.service, "answers": self.answers, "comment": self.comment},
                          sort_keys=True, ensure_ascii=False)


def items(q: QuestionnaireDefinition) -> list[str]:
    """Item codes in the order they appear on the paper form."""
    return list(q.item_codes())


def widths(q: QuestionnaireDefinition, services: int) -> dict[str, int]:
    """Digits each box takes: the widest valid value, and the number of the last service.

    Only a one-digit box moves the cursor on by itself; a wider one waits for
    Enter, so keying `10` never stores 1 and pushes the 0 into the next box.
    """
    valid = q.valid_values()
    return {"service": len(str(max(services, 1))), **{code: len(str(max(valid[code]))) for code in items(q)}}


def parse(form, q: QuestionnaireDefinition, service_codes: list[str]) -> Keying:
    """Read the entry screen's fields; the service is keyed as its number in the list."""
    k = Keying(number=form.get("number", "").strip()[:20], comment=clean_text(form.get("comment", ""))[:q.comment_max_length])
    if not (k.number.isascii() and k.number.isalnum()):
        k.errors["number"] = _("Nhập số phiếu ghi trên tờ phiếu (chữ và số).")
    number = whole_number(form.get("service", "").strip(), max_digits=6)
    if number is not None and 1 <= number <= len(service_codes):
        k.service = service_codes[number - 1]
    else:
        k.errors["service"] = _("Nhập số thứ tự thủ tục từ 1 đến %(n)s.", n=len(service_codes))
    valid = q.valid_values()
    required = {c.code for c in q.criteria} if q.criteria_required else set()
    for code in items(q):
        raw = form.get(code, "").strip()
        if raw in ("", "0"):
            if code in required:
                k.errors[code] = _("Bắt buộc")
            continue
        value = whole_number(raw, max_digits=6)
        if value is None or value not in valid[code]:
            k.errors[code] = _("Sai giá trị")
        else:
            k.answers[code] = value
    return k


def differences(a: str, b: str) -> list[str]:
    """Item codes (and 'service', 'comment') where two keyings' payloads differ."""
    pa, pb = json.loads(a), json.loads(b)
    diff = [key for key in ("service", "comment") if pa[key] != pb[key]]
    codes = sorted(set(pa["answers"]) | set(pb["answers"]))
    return diff + [c for c in codes if pa["answers"].get(c) != pb["answers"].get(c)]
