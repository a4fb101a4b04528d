"""How indices are computed: settings read once per call, recorded next to every figure."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

import analysis
from survey.questionnaire.definition import QuestionnaireDefinition
from survey.questionnaire.loader import shipped


@dataclass(frozen=True)
class Method:
    """Index method, interval method, confidence level and the low-n threshold."""

    index: str = "top2box"
    interval: str = "wilson"
    level: float = 0.95
    min_n: int = 30

    @classmethod
    def from_config(cls) -> "Method":
        config = current_app.config
        return cls(index=config.get("SIPAS_INDEX_METHOD", "top2box"),
                   interval=config.get("SIPAS_CI_METHOD", "wilson"),
                   level=float(config.get("SIPAS_CONF_LEVEL", 0.95)),
                   min_n=int(config.get("SIPAS_MIN_N", 30)))


def definition(key: tuple[str, str]) -> QuestionnaireDefinition:
    return shipped()[key]


def scheme_of(q: QuestionnaireDefinition) -> analysis.Scheme:
    return analysis.Scheme.from_mapping(q.scheme_mapping())
