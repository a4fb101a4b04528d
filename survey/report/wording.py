"""The report's words: methods named in Vietnamese, and conclusions drafted from the figures.

Every sentence here states what the data show and how sure it is; what
needs judgement (causes, remedies) is left to the office, marked as such by
the caller.
"""
from __future__ import annotations

import math

from survey.report.docx_helpers import interval, num
from survey.results.comparison import Comparison
from survey.results.method_text import index_method, interval_method, percent  # noqa: F401  (the report's words)
from survey.results.summary import SummaryRow

SIZING = {"yamane": "công thức Yamane n = N ÷ (1 + N·e²)",
          "cochran": "công thức Cochran có hiệu chỉnh tổng thể hữu hạn",
          "wilson": "cỡ mẫu để khoảng tin cậy Wilson đạt sai số mục tiêu"}
CHANNELS = {"qr": "Mã QR tại quầy", "kiosk": "Máy tính bảng tại quầy", "paper": "Phiếu giấy",
            "invitation": "Phiếu mời (mã dùng một lần)"}
COMPARISON_NAMES = {"previous": "kỳ trước", "last_year": "cùng kỳ năm trước"}
INDEX_NAME = "chỉ số hài lòng về cung ứng dịch vụ hành chính công (SIPAS-DV)"
INDEX_SHORT = "SIPAS-DV"


def index_name(q) -> str:
    """An exit survey measures the service-delivery group only: SIPAS-DV; both groups: SIPAS."""
    return INDEX_NAME if len(q.groups) <= 1 else "chỉ số hài lòng về sự phục vụ hành chính (SIPAS)"


def index_short(q) -> str:
    return INDEX_SHORT if len(q.groups) <= 1 else "SIPAS"


def pct(level: float) -> str:
    return percent(level)


def period_text(c: Comparison) -> str:
    return f"từ {c.period.start:%d/%m/%Y} đến {c.period.end:%d/%m/%Y}"


def _points(x: float) -> str:
    return f"{num(abs(x))} điểm phần trăm"


def change_sentence(c: Comparison, subject: str, scope_code: str, code: str, level: float) -> str:
    """"So với kỳ trước (…), <subject> tăng 2,1 điểm phần trăm (…); khác biệt có ý nghĩa thống kê.\""""
    name = f"{COMPARISON_NAMES[c.kind]} ({period_text(c)})"
    row = c.row(scope_code, code)
    if row is None:
        return f"Không có phiếu khảo sát trong {name} để so sánh."
    d, a, b = float(row.difference), num(row.estimate_a), num(row.estimate_b)
    if abs(d) < 0.05:
        move, span = "không thay đổi", f"{a} %"
    elif d > 0:
        move, span = f"tăng {_points(d)}", f"từ {b} % lên {a} %"
    else:
        move, span = f"giảm {_points(d)}", f"từ {b} % xuống {a} %"
    verdict = ("khác biệt có ý nghĩa thống kê" if row.significant
               else "khác biệt không có ý nghĩa thống kê, có thể chỉ do dao động của mẫu")
    return (f"So với {name}, {subject} {move} ({span}; khoảng tin cậy {pct(level)} của chênh lệch: "
            f"{interval(row.ci_low, row.ci_high)} điểm); {verdict}.")


def lowest_procedure(rows: list[SummaryRow], versus_rest, level: float) -> str | None:
    """The procedure with the lowest index and whether the rest are significantly higher.

    ``versus_rest``: the comparison row (difference, interval, significant) of
    that procedure against every other procedure together, or None.
    """
    ranked = [r for r in rows if r.code and r.estimate is not None]
    if len(ranked) < 2:
        return None
    low = min(ranked, key=lambda r: r.estimate if r.estimate is not None else math.inf)
    text = (f"Thủ tục có chỉ số thấp nhất là {low.name} ({low.code}): {num(low.estimate)} % "
            f"(khoảng tin cậy {interval(low.ci_low, low.ci_high)} %, {low.n} phiếu).")
    if versus_rest is None:
        return text
    d = float(versus_rest.difference)
    verdict = ("thấp hơn có ý nghĩa thống kê" if versus_rest.significant and d < 0
               else "chênh lệch không có ý nghĩa thống kê")
    return text + (f" So với các thủ tục còn lại gộp chung, chênh lệch {num(d)} điểm phần trăm "
                   f"(khoảng tin cậy {pct(level)}: {interval(versus_rest.ci_low, versus_rest.ci_high)}): {verdict}.")


def lowest_items(rows, names: dict[str, str], what: str, overall: float | None) -> str | None:
    """The lowest element or criterion, and whether its interval lies wholly below the overall index."""
    ranked = [r for r in rows.itertuples() if r.estimate == r.estimate]  # NaN-free
    if len(ranked) < 2:
        return None
    low = min(ranked, key=lambda r: r.estimate if r.estimate is not None else math.inf)
    text = (f"{what} thấp nhất: {names.get(low.code, low.code)} ({low.code}), {num(low.estimate)} % "
            f"(khoảng tin cậy {interval(low.ci_low, low.ci_high)} %).")
    # Same respondents answer every item, so this is a reading of the interval, not a test.
    if overall is not None and low.ci_high < overall:
        text += (f" Cả cận trên của khoảng tin cậy ({num(low.ci_high)} %) cũng thấp hơn chỉ số chung "
                 f"({num(overall)} %): đây là điểm yếu cần ưu tiên cải thiện.")
    elif overall is not None:
        text += (f" Khoảng tin cậy còn chứa mức chỉ số chung ({num(overall)} %): chưa đủ căn cứ để kết luận "
                 "là thấp hơn hẳn các nội dung khác.")
    return text


def low_n_sentence(rows: list[SummaryRow], min_n: int) -> str:
    few = [r for r in rows if r.code and r.low_n]
    if not few:
        return f"Mọi thủ tục đều có từ {min_n} phiếu trở lên."
    listed = "; ".join(f"{r.name} ({r.code}, {r.n} phiếu)" for r in few)
    return (f"Các thủ tục có dưới {min_n} phiếu, chỉ số kém tin cậy, chỉ dùng để tham khảo: {listed}.")


def reform_sentence(reform, service_sipas: dict[str, float]) -> str | None:
    """On-time and online shares over all measured procedures, and the latest procedure beside its index."""
    resolved = sum(r.resolved for r in reform)
    if not resolved:
        return None
    on_time = sum((r.on_time or 0) * r.resolved for r in reform) / resolved
    late = sum((r.late or 0) * r.resolved for r in reform) / resolved
    text = (f"Về cải cách hành chính, {num(on_time)} % hồ sơ đã trả kết quả đúng hạn, {num(late)} % trễ hạn "
            f"(trên {resolved} hồ sơ đã trả có ngày hẹn).")
    worst = max((r for r in reform if r.late is not None), key=lambda r: r.late, default=None)
    if worst is not None and worst.late > 0 and worst.code in service_sipas:
        text += (f" Thủ tục trễ hạn nhiều nhất là {worst.name} ({num(worst.late)} % trễ hạn), "
                 f"chỉ số hài lòng của thủ tục này {num(service_sipas[worst.code])} %.")
    return text
