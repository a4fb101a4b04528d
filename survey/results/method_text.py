"""How a figure is computed, in words: the one source for pages, workbooks and the report.

Codes such as `top2box`, `wilson` or `mean_of_services` are settings; a
reader sees these words. Each is a lazy translation, so a page follows its
reader's language while workbooks and the report, built outside a request
or under ``force_locale("vi")``, stay Vietnamese documents.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from survey.results.config import Method

INDEX_METHODS = {
    "top2box": _l("tỷ lệ hài lòng (mức 4–5): số người trả lời 4 (Hài lòng) hoặc 5 (Rất hài lòng) chia "
                  "cho số trả lời hợp lệ"),
    "mean_pct": _l("điểm trung bình quy về thang 0–100: (điểm trung bình − 1) ÷ 4 × 100"),
}
INTERVAL_NAMES = {"wilson": _l("Wilson"), "exact": _l("Clopper–Pearson (chính xác)"),
                  "jeffreys": _l("Jeffreys")}


@dataclass(frozen=True)
class Rule:
    """One value of a setting: its short name and what it does to the figures."""

    name: object  # lazy strings: rendered in the reader's language when shown
    meaning: object

    def text(self) -> str:
        return f"{self.name} ({self.meaning})"


# Each setting a figure depends on (issue 13), with R survey's names as codes.
RULES: dict[str, dict[str, Rule]] = {
    "aggregation": {
        "pooled": Rule(_l("gộp chung"), _l("mọi phiếu trong phạm vi được tính cùng một lúc, thủ tục "
                                            "nhiều phiếu có sức nặng lớn hơn")),
        "mean_of_services": Rule(_l("trung bình các thủ tục"),
                                 _l("tính chỉ số của từng thủ tục rồi lấy trung bình cộng, mỗi thủ tục "
                                    "có sức nặng như nhau")),
        "mean_of_units": Rule(_l("trung bình các đơn vị"),
                              _l("tính chỉ số của từng xã, phường rồi lấy trung bình cộng, như SIPAS "
                                 "quốc gia lấy trung bình các tỉnh")),
    },
    "per_service": {
        "own": Rule(_l("mỗi thủ tục là một mẫu riêng"),
                    _l("kế hoạch giao chỉ tiêu theo thủ tục, nên sai số của thủ tục dùng hệ số "
                       "n/(n − 1) của chính thủ tục đó, tức phân tầng theo thủ tục")),
        "domain": Rule(_l("thủ tục là một phần của mẫu chung"),
                       _l("sai số của thủ tục tính như một miền con của toàn bộ mẫu của đơn vị")),
    },
    "lonely": {
        "adjust": Rule(_l("tính quanh trung bình chung"),
                       _l("tầng đó vẫn góp sai số, đo quanh trung bình chung; cách thận trọng, mặc định")),
        "certainty": Rule(_l("coi như khảo sát toàn bộ"), _l("tầng đó không góp sai số")),
        "average": Rule(_l("lấy sai số trung bình"), _l("tầng đó nhận sai số trung bình của các tầng khác")),
        "fail": Rule(_l("không tính"), _l("từ chối tính sai số khi có tầng như vậy")),
    },
    "dof": {
        "degf": Rule(_l("bậc tự do của thiết kế mẫu"),
                     _l("phân phối t với bậc tự do bằng số phiếu trừ số tầng, như mặc định của gói "
                        "survey trong R; khoảng tin cậy rộng hơn khi ít phiếu")),
        "inf": Rule(_l("phân phối chuẩn"), _l("bậc tự do vô hạn, không điều chỉnh cho mẫu nhỏ")),
    },
}
LABELS = {"aggregation": _l("Cách tổng hợp trên một thủ tục"), "per_service": _l("Mẫu của từng thủ tục"),
          "lonely": _l("Tầng chỉ có một phiếu"), "dof": _l("Bậc tự do của khoảng tin cậy")}


def rule(setting: str, code: str) -> Rule:
    """The words of one setting's value (an unknown code is shown as it is)."""
    return RULES[setting].get(code) or Rule(code, code)


def settings(method: Method) -> list[tuple[str, str, Rule]]:
    """``(label, code, rule)`` of every setting beyond the index and interval, in reading order."""
    return [(str(LABELS[name]), getattr(method, name), rule(name, getattr(method, name))) for name in LABELS]


def percent(level: float) -> str:
    """0.95 → `95 %` (Vietnamese documents put a space before the sign)."""
    return f"{level * 100:.0f} %"


def index_method(code: str) -> str:
    return str(INDEX_METHODS.get(code, _l("phương pháp do đơn vị thiết lập")))


def interval_name(code: str) -> str:
    return str(INTERVAL_NAMES.get(code, code))


def interval_method(code: str, level: float) -> str:
    return f"{_l('khoảng tin cậy')} {interval_name(code)} {percent(level)}"


def p_text(p: float) -> str:
    """A p-value the Vietnamese way: `p = 0,012`, `p < 0,001`."""
    return "p < 0,001" if p < 0.001 else f"p = {p:.3f}".replace(".", ",")
