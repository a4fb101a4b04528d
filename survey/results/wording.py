"""How a figure's method is told to its readers: the same words on every page that shows one."""
from __future__ import annotations

from flask_babel import gettext as _

from survey.results.config import Method


def index_method_text(index: str) -> str:
    if index == "mean_pct":
        return _("điểm trung bình quy về thang 0–100: (điểm trung bình − 1) ÷ 4 × 100")
    return _("tỷ lệ trả lời 4 (Hài lòng) hoặc 5 (Rất hài lòng) trên số trả lời hợp lệ")


def interval_text(interval: str) -> str:
    names = {"wilson": _("Wilson"), "exact": _("Clopper–Pearson (chính xác)"), "jeffreys": _("Jeffreys")}
    return names.get(interval, interval)


def method_lines(method: Method, groups: int = 1) -> list[str]:
    """Sentences that say how the indices on a page were computed (`groups`: of the form shown)."""
    level = round(method.level * 100)
    composite = (_("Chỉ số yếu tố là trung bình các chỉ số tiêu chí; chỉ số chung là trung bình các chỉ số "
                   "yếu tố; tính gộp mọi phiếu trong phạm vi đã chọn.") if groups == 1 else
                 _("Chỉ số yếu tố là trung bình các chỉ số tiêu chí; chỉ số nhóm là trung bình các chỉ số "
                   "yếu tố của nhóm; chỉ số chung là trung bình các chỉ số nhóm; tính gộp mọi phiếu trong "
                   "phạm vi đã chọn."))
    return [
        _("Chỉ số tiêu chí (phương pháp %(code)s): %(text)s.", code=method.index,
          text=index_method_text(method.index)),
        composite,
        _("Khoảng tin cậy %(level)s%%: %(ci)s cho từng tiêu chí; tuyến tính hóa Taylor (có hiệp phương sai "
          "giữa các tiêu chí) cho chỉ số yếu tố và chỉ số chung.", level=level,
          ci=interval_text(method.interval)),
        _("Dưới %(n)s phiếu: ước lượng chưa tin cậy (đánh dấu *).", n=method.min_n),
    ]
