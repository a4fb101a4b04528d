"""How the city comparison is told: the rule of the city figure, the adjustment, the flags."""
from __future__ import annotations

from flask_babel import gettext as _


def rule_text(rule: str) -> str:
    """How the city figure is formed, said on the page and in the files."""
    return {
        "mean_of_units": _("Chỉ số của thành phố là trung bình cộng chỉ số của các xã, phường, đặc khu "
                           "(mỗi đơn vị có trọng số như nhau, như chỉ số SIPAS quốc gia lấy trung bình các tỉnh)."),
        "pooled": _("Chỉ số của thành phố tính gộp mọi phiếu của các xã, phường, đặc khu (đơn vị nhiều phiếu "
                    "có trọng số lớn hơn)."),
        "mean_of_services": _("Chỉ số của thành phố là trung bình cộng chỉ số của các thủ tục trong mọi xã, "
                              "phường, đặc khu."),
    }[rule]


def adjustment_text(adjustment: str, level: float) -> str:
    name = {"holm": _("Holm"), "bh": _("Benjamini–Hochberg")}[adjustment]
    return _("“Cao hơn” hoặc “thấp hơn” thành phố: hiệu giữa chỉ số của đơn vị và chỉ số thành phố khác 0 "
             "có ý nghĩa thống kê ở mức %(alpha)s sau khi hiệu chỉnh %(name)s cho mọi đơn vị (kiểm định Wald "
             "với sai số chuẩn của hiệu). Thứ tự trong bảng không phải là xếp hạng: các đơn vị còn lại không "
             "khác thành phố một cách tin cậy.", alpha=f"{1 - level:.2f}".replace(".", ","), name=name)


def direction_label(direction: str) -> str:
    return {"above": _("Cao hơn"), "below": _("Thấp hơn"), "": _("Không khác biệt rõ")}[direction]


def kind_label(kind: str) -> str:
    return {"commune": _("Xã"), "ward": _("Phường"), "special": _("Đặc khu")}.get(kind, kind)
