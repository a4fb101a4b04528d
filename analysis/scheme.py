"""The questionnaire structure the indices are computed over.

A :class:`Scheme` says which criterion codes make up which element, which
elements make up which group (service delivery, policy-making), how they are
weighted, and which expectation codes are asked. It is plain data so the web
app can build it from its versioned questionnaire file.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

CRITERION_SCALE = (1, 5)
EXPECTATION_SCALE = (1, 4)
OVERALL_CODE = "SIPAS"

# perceptions (harassment, informal payment), channel, then the respondent:
# gender, age band, education, occupation, ethnicity
SERVICE_DELIVERY_CHOICES = ("NT1", "NT2", "KENH", "GIOI", "TUOI", "HOCVAN", "NGHE", "DANTOC")

_SERVICE_DELIVERY = {
    "TC": 3, "TT": 4, "CC": 3, "KQ": 3, "PA": 3,
}


def _weights(given: Sequence[float] | None, k: int, where: str) -> tuple[float, ...]:
    """Normalise weights to sum to one; equal weights when none are given."""
    if given is None:
        return tuple([1.0 / k] * k)
    w = np.asarray(given, dtype=float)
    if w.shape != (k,) or not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"{where}: weights must be {k} non-negative numbers, not all zero")
    return tuple((w / w.sum()).tolist())


@dataclass(frozen=True)
class Element:
    """An element (yếu tố): the weighted mean of its criterion indices."""

    code: str
    criteria: tuple[str, ...]
    weights: tuple[float, ...]


@dataclass(frozen=True)
class Group:
    """A group of elements (e.g. service delivery): weighted mean of element indices."""

    code: str
    elements: tuple[Element, ...]
    weights: tuple[float, ...]


@dataclass(frozen=True)
class Scheme:
    """Questionnaire structure: groups -> elements -> criterion codes.

    Build it with :meth:`from_mapping` (the shape of the web app's
    questionnaire file) or :meth:`sipas_service_delivery`. Weights are
    normalised to sum to one and are equal unless given.

    Notes
    -----
    The overall index is ``sum_g v_g G_g`` with group index
    ``G_g = sum_e u_e E_e`` and element index ``E_e = sum_j c_j R_j`` over
    criterion indices ``R_j``. With one group the overall index is the group
    index; with two (policy and service delivery) it is their mean by default,
    as METHOD.md prescribes.
    """

    groups: tuple[Group, ...]
    group_weights: tuple[float, ...]
    expectations: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # single-choice questions: perceptions, channel, respondent
    criterion_scale: tuple[int, int] = CRITERION_SCALE
    expectation_scale: tuple[int, int] = EXPECTATION_SCALE

    @classmethod
    def from_mapping(cls, spec: Mapping[str, Any]) -> "Scheme":
        """Build a scheme from a plain dict.

        ``{"groups": [{"code": "DV", "weight": 1, "elements": [{"code": "TC",
        "criteria": ["TC1", "TC2"], "weights": [1, 1]}]}], "expectations":
        ["MM1"], "choices": ["NT1", "KENH"]}``; ``weight``/``weights`` keys
        are optional. ``choices`` names the single-choice questions (not
        indices) a data file may carry beside the answers.
        """
        raw_groups = spec.get("groups")
        if not raw_groups:
            raise ValueError("scheme: 'groups' must list at least one group")
        groups = []
        for g in raw_groups:
            elements = []
            for e in g.get("elements") or ():
                crit = tuple(str(c) for c in e.get("criteria") or ())
                if not crit:
                    raise ValueError(f"scheme: element {e.get('code')!r} has no criteria")
                elements.append(Element(str(e["code"]), crit,
                                        _weights(e.get("weights"), len(crit), str(e["code"]))))
            if not elements:
                raise ValueError(f"scheme: group {g.get('code')!r} has no elements")
            ew = [e.get("weight", 1.0) for e in g["elements"]]
            groups.append(Group(str(g["code"]), tuple(elements),
                                _weights(ew, len(elements), str(g["code"]))))
        gw = _weights([g.get("weight", 1.0) for g in raw_groups], len(groups), "groups")
        scheme = cls(tuple(groups), gw, tuple(str(c) for c in spec.get("expectations") or ()),
                     tuple(str(c) for c in spec.get("choices") or ()))
        codes = scheme.criteria + scheme.expectations + scheme.choices
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"scheme: codes used twice: {', '.join(dupes)}")
        return scheme

    @classmethod
    def sipas_service_delivery(cls) -> "Scheme":
        """The national service-delivery form: 5 elements, 16 criteria, MM1-MM10."""
        return cls.from_mapping({
            "groups": [{"code": "DV", "elements": [
                {"code": el, "criteria": [f"{el}{i}" for i in range(1, k + 1)]}
                for el, k in _SERVICE_DELIVERY.items()]}],
            "expectations": [f"MM{i}" for i in range(1, 11)],
            "choices": list(SERVICE_DELIVERY_CHOICES),
        })

    @property
    def criteria(self) -> tuple[str, ...]:
        """All criterion codes, in questionnaire order."""
        return tuple(c for g in self.groups for e in g.elements for c in e.criteria)

    @property
    def elements(self) -> tuple[Element, ...]:
        return tuple(e for g in self.groups for e in g.elements)

    def composites(self) -> tuple[list[tuple[str, str]], np.ndarray]:
        """Return the composite rows and their weights over the criteria.

        Returns ``(labels, M)``: ``labels`` is a list of ``(level, code)`` for
        every element, every group (only when there are several) and the
        overall index; ``M[i] @ R`` is composite ``i`` given criterion
        indices ``R``. Composites are linear in ``R``, which is why one
        matrix carries both the point estimates and the influence values.
        """
        index = {c: j for j, c in enumerate(self.criteria)}
        labels, rows = [], []
        group_rows = []
        for g in self.groups:
            g_row = np.zeros(len(index))
            for e, u in zip(g.elements, g.weights):
                row = np.zeros(len(index))
                for c, w in zip(e.criteria, e.weights):
                    row[index[c]] += w
                labels.append(("element", e.code))
                rows.append(row)
                g_row += u * row
            group_rows.append(g_row)
        if len(self.groups) > 1:
            for g, row in zip(self.groups, group_rows):
                labels.append(("group", g.code))
                rows.append(row)
        labels.append(("overall", OVERALL_CODE))
        rows.append(sum((v * r for v, r in zip(self.group_weights, group_rows)), np.zeros(len(index))))
        return labels, np.vstack(rows)
