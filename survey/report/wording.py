"""The report's words: methods named in Vietnamese, and conclusions drafted from the figures.

Every sentence here states what the data show and how sure it is; what
needs judgement (causes, remedies) is left to the office, marked as such by
the caller.
"""
from __future__ import annotations

import math

from survey.report.docx_helpers import interval, num
from survey.results.comparison import Comparison
from survey.results.config import Method, overall_label, overall_short
from survey.results.method_text import index_method, interval_method, p_text, percent, rule  # noqa: F401
from survey.results.summary import SummaryRow

SIZING = {"yamane": "công thức Yamane n = N ÷ (1 + N·e²)",
          "cochran": "công thức Cochran có hiệu chỉnh tổng thể hữu hạn",
          "wilson": "cỡ mẫu để khoảng tin cậy Wilson đạt sai số mục tiêu"}
CHANNELS = {"qr": "Mã QR tại quầy", "kiosk": "Máy tính bảng tại quầy", "paper": "Phiếu giấy",
            "invitation": "Phiếu mời (mã dùng một lần)"}
COMPARISON_NAMES = {"previous": "kỳ trước", "last_year": "cùng kỳ năm trước"}


def index_name(q) -> str:
    """The overall index in a sentence: SIPAS-DV for an exit survey, SIPAS where both groups are measured."""
    label = overall_label(q)
    return label[:1].lower() + label[1:]


def index_short(q) -> str:
    return overall_short(q)


def settings_text(m: Method, lonely_strata: int | None = None) -> list[str]:
    """The aggregation, per-procedure sample, lonely-strata and degrees-of-freedom rules, explained.

    The rules' own words are survey.results.method_text's (the pages and the
    workbooks' method sheet say the same); ``lonely_strata``: how many strata
    of the period have a single response (None: not said).
    """
    agg = rule("aggregation", m.aggregation)
    other = rule("aggregation", "mean_of_services" if m.aggregation == "pooled" else "pooled")
    own = rule("per_service", m.per_service)
    lonely, dof = rule("lonely", m.lonely), rule("dof", m.dof)
    touched = "" if lonely_strata is None else (
        f" Trong kỳ này có {lonely_strata} tầng chỉ có một phiếu, nên cách xử lý này có ảnh hưởng "
        "đến sai số của các chỉ số liên quan." if lonely_strata else
        " Trong kỳ này không có tầng nào chỉ có một phiếu, nên cách xử lý này không làm thay đổi số liệu.")
    return [
        f"Chỉ số tổng hợp trên một thủ tục (chỉ số chung của đơn vị và của các yếu tố, tiêu chí khi gộp nhiều "
        f"thủ tục) được tính theo cách {agg.name}: {agg.meaning}. Đây là một lựa chọn phương pháp chứ không "
        f"phải một quy định; cách {other.name} ({other.meaning}) có thể cho kết quả chênh lệch vài điểm phần "
        "trăm khi số phiếu giữa các thủ tục không đều, vì vậy mọi bảng số liệu đều ghi kèm cách tổng hợp đã dùng.",
        f"Về sai số của từng thủ tục: {own.name}; {own.meaning}. Phương sai được ước lượng theo thiết kế mẫu "
        "(tuyến tính hóa Taylor, công thức chọn có hoàn lại với hệ số n/(n − 1) trong từng tầng), như gói "
        "survey của phần mềm R.",
        f"Một tầng chỉ có một phiếu thì không tự ước lượng được phương sai; báo cáo xử lý theo cách "
        f"“{lonely.name}”: {lonely.meaning}.{touched}",
        f"Khoảng tin cậy của các chỉ số tổng hợp dùng {dof.name}: {dof.meaning}.",
    ]


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
                   f"(khoảng tin cậy {pct(level)}: {interval(versus_rest.ci_low, versus_rest.ci_high)}): {verdict} "
                   f"({p_text(versus_rest.p_adjusted)}, đã hiệu chỉnh Holm trên các thủ tục).")


def lowest_items(tests, names: dict[str, str], level: float) -> list[str]:
    """The lowest element and criterion, each tested against the mean of the others of its level.

    ``tests``: survey.results.queries.versus_rest of the report's figures
    (a design-based test, Holm over every item of the level).
    """
    out = []
    for r in tests[tests.lowest].itertuples() if len(tests) else ():
        what, rest = ("Yếu tố", "các yếu tố") if r.level == "element" else ("Tiêu chí", "các tiêu chí")
        m = int((tests.level == r.level).sum())
        text = (f"{what} có chỉ số thấp nhất là {names.get(r.code, r.code)} ({r.code}): {num(r.estimate)} %, "
                f"so với trung bình {rest} còn lại là {num(r.rest)} %")
        if r.p_holm != r.p_holm:
            out.append(text + "; chỉ có một phiếu nên không kiểm định được chênh lệch.")
            continue
        gap = (f"chênh lệch {num(r.difference)} điểm phần trăm, khoảng tin cậy {pct(level)}: "
               f"{interval(r.ci_low, r.ci_high)} điểm; {p_text(r.p_holm)}, đã hiệu chỉnh Holm cho {m} phép so sánh")
        if r.p_holm < 1 - level and r.difference < 0:
            out.append(text + f". Mức này thấp hơn có ý nghĩa thống kê so với phần còn lại ({gap}): đây là điểm "
                              "yếu cần ưu tiên cải thiện.")
        else:
            out.append(text + f". Mức này không khác biệt có ý nghĩa thống kê so với phần còn lại ({gap}); chưa "
                              "đủ căn cứ để kết luận là thấp hơn hẳn các nội dung khác.")
    return out


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
