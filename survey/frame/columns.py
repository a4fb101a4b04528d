"""Recognise the columns of differently named one-stop exports.

Headers and cell values are compared without diacritics, case or
punctuation, so "Mã hồ sơ", "MA HO SO" and "ma_ho_so" are the same column.
"""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

FIELDS = ("code", "procedure", "received", "due", "returned", "channel", "paid_online")
REQUIRED = ("code", "procedure", "received")

ALIASES = {
    "code": ("ma ho so", "so ho so", "ma hs", "ho so", "dossier code", "dossier", "code"),
    "procedure": ("ma thu tuc", "ma tthc", "ma thu tuc hanh chinh", "procedure code", "procedure"),
    "received": ("ngay tiep nhan", "ngay nhan", "ngay nop", "thoi gian tiep nhan", "received date", "received"),
    "due": ("ngay hen tra", "hen tra", "ngay hen tra ket qua", "han xu ly", "due date", "due"),
    "returned": ("ngay tra ket qua", "ngay tra", "ngay hoan thanh", "ngay co ket qua",
                 "returned date", "return date", "returned"),
    "channel": ("hinh thuc nop", "kenh nop", "hinh thuc tiep nhan", "kenh tiep nhan",
                "submission channel", "channel"),
    "paid_online": ("thanh toan truc tuyen", "thanh toan online", "tt truc tuyen", "paid online"),
}

FIELD_LABELS = {
    "code": _l("Mã hồ sơ"), "procedure": _l("Mã thủ tục"), "received": _l("Ngày tiếp nhận"),
    "due": _l("Ngày hẹn trả"), "returned": _l("Ngày trả kết quả"), "channel": _l("Hình thức nộp"),
    "paid_online": _l("Thanh toán trực tuyến"),
}


def plain(text: object) -> str:
    """Lower-case ASCII words: no diacritics (đ → d), no punctuation."""
    raw = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    ascii_only = "".join(ch for ch in raw if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).split())


def guess_mapping(headers: list[str], given: dict[str, str] | None = None) -> dict[str, int]:
    """Map each known field to a column index; `given` ({field: header}) wins over guesses."""
    index = {plain(h): i for i, h in reversed(list(enumerate(headers)))}
    mapping: dict[str, int] = {}
    for name in FIELDS:
        wanted = (given or {}).get(name)
        candidates = (plain(wanted),) if wanted else ALIASES[name]
        found = next((index[c] for c in candidates if c in index), None)
        if found is not None and found not in mapping.values():
            mapping[name] = found
    return mapping


def parse_channel(raw: object) -> str | None:
    """In person, fully or partly online, or by post; only "toàn trình"/level 4 is fully online."""
    text = plain(raw)
    if not text:
        return None
    if "buu chinh" in text or text == "post":
        return "post"
    if "toan trinh" in text or "muc do 4" in text or text in ("fully online", "online full"):
        return "online_full"
    if "truc tuyen" in text or "mot phan" in text or "muc do 3" in text or "online" in text:
        return "online_partial"
    if "truc tiep" in text or "mot cua" in text or text in ("in person", "direct"):
        return "direct"
    raise ValueError(raw)


def parse_flag(raw: object) -> bool | None:
    """Yes/no in the spellings exports use; empty is unknown."""
    text = plain(raw)
    if text in ("", "none", "nan"):
        return None
    if text in ("co", "x", "1", "true", "yes", "da thanh toan", "dung"):
        return True
    if text in ("khong", "0", "false", "no", "chua thanh toan", "chua", "sai"):
        return False
    raise ValueError(raw)
