"""The index and interval methods named and explained in Vietnamese, for documents and workbooks.

Codes such as `top2box` or `wilson` are settings; a reader sees these words.
"""
from __future__ import annotations

INDEX_METHODS = {
    "top2box": "tỷ lệ hài lòng (mức 4–5): số người trả lời “Hài lòng” hoặc “Rất hài lòng” chia cho số trả lời hợp lệ",
    "mean_pct": "điểm trung bình quy về thang 0–100: (điểm trung bình − 1) ÷ 4 × 100",
}
INTERVAL_METHODS = {"wilson": "khoảng tin cậy Wilson", "exact": "khoảng tin cậy chính xác Clopper–Pearson",
                    "jeffreys": "khoảng tin cậy Jeffreys"}


def percent(level: float) -> str:
    """0.95 → `95 %` (Vietnamese documents put a space before the sign)."""
    return f"{level * 100:.0f} %"


def index_method(code: str) -> str:
    return INDEX_METHODS.get(code, "phương pháp do đơn vị thiết lập")


def interval_method(code: str, level: float) -> str:
    return f"{INTERVAL_METHODS.get(code, 'khoảng tin cậy')} {percent(level)}"
