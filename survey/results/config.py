"""How indices are computed: settings read once per call, recorded next to every figure."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

import analysis
from survey.questionnaire.definition import QuestionnaireDefinition
from survey.questionnaire.loader import shipped


@dataclass(frozen=True)
class Method:
    """Every setting a figure is computed with; each table records them beside the figure.

    ``aggregation``: how a figure above one procedure is formed (``pooled``,
    ``mean_of_services``, ``mean_of_units``); ``lonely``: what a stratum with
    one response contributes to a variance (R's names); ``dof``: degrees of
    freedom of the intervals (R's ``degf`` or ``inf``); ``per_service``:
    ``own`` makes each procedure its own sample (its own n/(n-1): the plan
    draws a quota per procedure), ``domain`` a domain of the whole commune.
    """

    index: str = "top2box"
    interval: str = "wilson"
    level: float = 0.95
    min_n: int = 30
    aggregation: str = "pooled"
    lonely: str = "adjust"
    dof: str = "degf"
    per_service: str = "own"

    @classmethod
    def from_config(cls) -> "Method":
        config = current_app.config
        return cls(index=config.get("SIPAS_INDEX_METHOD", "top2box"),
                   interval=config.get("SIPAS_CI_METHOD", "wilson"),
                   level=float(config.get("SIPAS_CONF_LEVEL", 0.95)),
                   min_n=int(config.get("SIPAS_MIN_N", 30)),
                   aggregation=config.get("SIPAS_AGGREGATION", "pooled"),
                   lonely=config.get("SIPAS_LONELY_STRATA", "adjust"),
                   dof=config.get("SIPAS_CI_DF", "degf"),
                   per_service=config.get("SIPAS_PER_SERVICE_SAMPLE", "own"))

    def columns(self) -> tuple[str, ...]:
        """Cell keys the aggregation rule needs beside a table's own groups."""
        return {"mean_of_services": ("service",), "mean_of_units": ("unit",)}.get(
            self.aggregation, ())


def overall_label(q: QuestionnaireDefinition) -> str:
    """What the overall index is called: plain "SIPAS" only where both groups are measured.

    An exit survey measures the service-delivery group alone (METHOD.md).
    """
    if len(q.groups) > 1:
        return _("Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)")
    return _("Chỉ số hài lòng về cung ứng dịch vụ hành chính công (SIPAS-DV)")


def overall_short(q: QuestionnaireDefinition) -> str:
    """The overall index's code where a table has no room for :func:`overall_label`."""
    return "SIPAS" if len(q.groups) > 1 else "SIPAS-DV"


def definition(key: tuple[str, str]) -> QuestionnaireDefinition:
    return shipped()[key]


def scheme_of(q: QuestionnaireDefinition) -> analysis.Scheme:
    return analysis.Scheme.from_mapping(q.scheme_mapping())
