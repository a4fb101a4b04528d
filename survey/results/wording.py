"""How a figure's method is told to its readers: the same words on every page that shows one."""
from __future__ import annotations

from flask_babel import gettext as _

from survey.charts import pct
from survey.results.config import Method
from survey.results.method_text import index_method, interval_name, p_text, settings


def method_lines(method: Method, groups: int = 1) -> list[str]:
    """Sentences that say how the indices on a page were computed (`groups`: of the form shown).

    The settings' words come from survey.results.method_text, as in the
    workbooks' method sheet and the report.
    """
    level = round(method.level * 100)
    composite = (_("Chỉ số yếu tố là trung bình các chỉ số tiêu chí; chỉ số chung là trung bình các chỉ số "
                   "yếu tố.") if groups == 1 else
                 _("Chỉ số yếu tố là trung bình các chỉ số tiêu chí; chỉ số nhóm là trung bình các chỉ số "
                   "yếu tố của nhóm; chỉ số chung là trung bình các chỉ số nhóm."))
    return [
        _("Chỉ số tiêu chí (phương pháp %(code)s): %(text)s.", code=method.index,
          text=index_method(method.index)),
        composite,
        *(_("%(label)s: %(rule)s.", label=label, rule=r.text()) for label, _code, r in settings(method)),
        _("Khoảng tin cậy %(level)s%%: %(ci)s cho từng tiêu chí; tuyến tính hóa Taylor (có hiệp phương sai "
          "giữa các tiêu chí) cho chỉ số yếu tố và chỉ số chung.", level=level,
          ci=interval_name(method.interval)),
        _("Dưới %(n)s phiếu: ước lượng chưa tin cậy (đánh dấu *).", n=method.min_n),
    ]


def lowest_lines(tests, names: dict[str, str], level: float) -> list[str]:
    """The lowest element and criterion, and whether each is significantly below the rest of its level.

    ``tests``: survey.results.queries.versus_rest of the figures shown.
    """
    out = []
    for r in tests[tests.lowest].itertuples() if len(tests) else ():
        if r.p_holm != r.p_holm:  # no test (a single response)
            continue
        what, rest = ((_("Yếu tố thấp nhất"), _("các yếu tố")) if r.level == "element"
                      else (_("Tiêu chí thấp nhất"), _("các tiêu chí")))
        args = dict(what=what, name=names.get(r.code, r.code), code=r.code, estimate=pct(r.estimate),
                    rest_of=rest, rest=pct(r.rest), difference=pct(r.difference), low=pct(r.ci_low),
                    high=pct(r.ci_high), level=round(level * 100), p=p_text(r.p_holm))
        if r.p_holm < 1 - level and r.difference < 0:
            out.append(_("%(what)s: %(name)s (%(code)s), %(estimate)s %%: thấp hơn có ý nghĩa thống kê so với "
                         "trung bình %(rest_of)s còn lại (%(rest)s %%); chênh lệch %(difference)s điểm, khoảng tin "
                         "cậy %(level)s%%: %(low)s đến %(high)s (%(p)s, đã hiệu chỉnh Holm).", **args))
        else:
            out.append(_("%(what)s: %(name)s (%(code)s), %(estimate)s %%: không khác biệt có ý nghĩa thống kê so "
                         "với trung bình %(rest_of)s còn lại (%(rest)s %%); chênh lệch %(difference)s điểm, khoảng "
                         "tin cậy %(level)s%%: %(low)s đến %(high)s (%(p)s, đã hiệu chỉnh Holm).", **args))
    return out
