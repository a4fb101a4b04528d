"""Comparable forms: which questionnaire versions a figure may pool, and which one a page shows.

Versions with the same criteria (the same groups, elements and criterion
codes, in order) measure the same thing, so they are one *form*: sipas-dv
2024.1 and a 2025.1 that rewords an item are pooled, each version's cells
copied onto the form's layout (expectations or choices that only one
version asks simply have no answers in the other). A form with other
criteria (the population survey) cannot share an index with it and is shown
on its own; pages name the form shown and count the responses of the others,
so no response is ever out of sight.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import analysis
from survey.models import Questionnaire, Response
from survey.questionnaire.definition import Choice, QuestionnaireDefinition
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT
from survey.results import selection, sql
from survey.results.cells import KEYS, Cells
from survey.results.config import overall_label
from survey.results.filters import Filters
from survey.results.layout import Layout, layout_of

Key = tuple[str, str]  # (questionnaire code, version)


def pool(q: QuestionnaireDefinition) -> tuple:
    """What makes two versions comparable: groups, elements and criteria, in order."""
    return tuple((g["code"], tuple((e["code"], tuple(e["criteria"])) for e in g["elements"]))
                 for g in q.scheme_mapping()["groups"])


def _version_order(key: Key) -> tuple:
    parts = key[1].split(".")
    return (key[0], [int(p) if p.isdigit() else 0 for p in parts], key[1])


def text_key(key: Key) -> str:
    """A version as a query-string value, `sipas-dv:2024.1`."""
    return f"{key[0]}:{key[1]}"


@dataclass(frozen=True)
class Form:
    """One comparable form as found in a selection."""

    versions: tuple[Key, ...]  # oldest first
    responses: int             # counted as the selection counts (flagged left out unless included)
    flagged: int = 0           # flagged responses of the form in the selection

    @property
    def key(self) -> str:
        return text_key(self.versions[0])

    def holds(self, text: str | None) -> bool:
        return text is not None and text in {text_key(v) for v in self.versions}

    @property
    def definition(self) -> QuestionnaireDefinition:
        """The newest version: its wording names the items."""
        return shipped()[self.versions[-1]]

    @property
    def label(self) -> str:
        """`sipas-dv 2024.1, 2025.1`: every code with its versions."""
        by_code: dict[str, list[str]] = {}
        for code, version in self.versions:
            by_code.setdefault(code, []).append(version)
        return "; ".join(f"{code} {', '.join(versions)}" for code, versions in by_code.items())


@dataclass(frozen=True)
class FormChoice:
    """The form a page shows and the others with responses in the same selection."""

    shown: Form
    others: tuple[Form, ...]

    @property
    def forms(self) -> tuple[Form, ...]:
        return (self.shown, *self.others)


def version_counts(s: Session, f: Filters) -> dict[Key, tuple[int, int]]:
    """Responses per questionnaire version in the selection, any questionnaire: (counted, flagged).

    Shipped versions are counted from the rollup cells of the configured
    index method (selection.counts_for: the count of a city's year in SQL
    reads a million rows); a version this release does not ship has no
    cells and is counted in SQL.
    """
    from survey.results.config import Method  # reads the app's settings

    method = Method.from_config().index
    known = shipped()
    out: dict[Key, tuple[int, int]] = {}
    unshipped = []
    for qid, code, version in s.execute(select(Questionnaire.id, Questionnaire.code, Questionnaire.version)):
        if (code, version) not in known:
            unshipped.append(qid)
            continue
        counted = selection.counts_for(s, f, qid, method)
        if counted[False] or counted[True]:
            out[(code, version)] = (counted[False], counted[True])
    if unshipped:
        rows = s.execute(select(Questionnaire.code, Questionnaire.version, Response.flagged, func.count())
                         .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
                         .where(Response.questionnaire_id.in_(unshipped),
                                *sql.scope(f.narrowed(questionnaires=None, include_flagged=True)))
                         .group_by(Questionnaire.code, Questionnaire.version, Response.flagged)).all()
        for code, version, flagged, n in rows:
            kept, left = out.get((code, version), (0, 0))
            out[(code, version)] = (kept, left + n) if flagged else (kept + n, left)
    return out


def forms_in(s: Session, f: Filters) -> list[Form]:
    """Every form with responses in the selection, most responses first (the default form on ties)."""
    known = shipped()
    groups: dict[tuple, list[Key]] = {}
    kept: dict[tuple, int] = {}
    flagged: dict[tuple, int] = {}
    for key, (k, fl) in version_counts(s, f).items():
        if key not in known:
            continue  # a version whose file is not shipped cannot be read (sync refuses to start)
        p = pool(known[key])
        groups.setdefault(p, []).append(key)
        kept[p], flagged[p] = kept.get(p, 0) + k, flagged.get(p, 0) + fl
    forms = [Form(tuple(sorted(keys, key=_version_order)),
                  kept[p] + (flagged[p] if f.include_flagged else 0), flagged[p])
             for p, keys in groups.items()]
    return sorted(forms, key=lambda fm: (-fm.responses, DEFAULT not in fm.versions, fm.label))


def parse_key(text: str | None) -> Key | None:
    """A shipped version from `code:version`, or None."""
    code, _, version = (text or "").partition(":")
    return (code, version) if (code, version) in shipped() else None


def choose(s: Session, f: Filters, wanted: str | None) -> tuple[Filters, FormChoice]:
    """The selection narrowed to the form asked for (else the one with most responses), and the choice."""
    forms = forms_in(s, f)
    shown = next((fm for fm in forms if fm.holds(wanted)), None)
    if shown is None:
        asked = parse_key(wanted)
        # Asked for a form without responses here (a plan not yet answered): show it, empty.
        shown = Form((asked,), 0) if asked else (forms[0] if forms else Form((DEFAULT,), 0))
    others = tuple(fm for fm in forms if fm is not shown and fm.versions != shown.versions)
    return f.narrowed(questionnaires=shown.versions), FormChoice(shown, others)


def same_form(s: Session, f: Filters, key: Key) -> tuple[Key, ...]:
    """`key` and every version of its form with responses in the selection, oldest first."""
    target = pool(shipped()[key])
    found = {k for k in version_counts(s, f) if k in shipped() and pool(shipped()[k]) == target}
    return tuple(sorted(found | {key}, key=_version_order))


def comparable_versions(key: Key) -> tuple[Key, ...]:
    """Every shipped version with the criteria of `key` (its form), oldest first: no query needed."""
    target = pool(shipped()[key])
    return tuple(sorted((k for k, q in shipped().items() if pool(q) == target), key=_version_order))


def definitions(versions: tuple[Key, ...]) -> list[QuestionnaireDefinition]:
    """The definitions of a form's versions, newest first."""
    return [shipped()[v] for v in reversed(versions)]


def item_names(versions: tuple[Key, ...]) -> dict[str, str]:
    """Vietnamese names of a form's index codes; the newest version's wording wins."""
    names = {"SIPAS": overall_label(definitions(versions)[0]) if versions else "SIPAS"}
    for q in reversed(definitions(versions)):  # oldest first, so newer wording overwrites
        names |= {g.code: g.title.vi for g in q.groups} | {e.code: e.title.vi for e in q.elements}
        names |= {c.code: c.text.vi for c in q.criteria} | {e.code: e.text.vi for e in q.expectations}
    return names


@lru_cache(maxsize=64)
def form_layout(versions: tuple[Key, ...], method: str) -> Layout:
    """One layout holding every item any version of the form asks (criteria of the newest first)."""
    layouts = [layout_of(q, method) for q in definitions(versions)]
    base = layouts[0]
    if all(lay == base for lay in layouts):
        return base
    codes, scales = list(base.codes), dict(zip(base.codes, base.scales))
    choices: dict[str, set[int]] = {}
    for lay in layouts:
        for code, scale in zip(lay.codes[lay.k_crit:], lay.scales[lay.k_crit:]):
            if code not in scales:
                codes.append(code)
                scales[code] = scale
        for code, options in lay.choices:
            choices.setdefault(code, set()).update(options)
    return Layout(tuple(codes), base.k_crit, tuple(scales[c] for c in codes),
                  tuple((c, tuple(sorted(o))) for c, o in choices.items()), method)


@lru_cache(maxsize=64)
def form_scheme(versions: tuple[Key, ...], method: str) -> analysis.Scheme:
    """The `analysis` scheme of a form: the newest version's structure, every version's expectations."""
    mapping = definitions(versions)[0].scheme_mapping()
    layout = form_layout(versions, method)
    return analysis.Scheme.from_mapping({**mapping, "expectations": list(layout.codes[layout.k_crit:])})


def form_choices(versions: tuple[Key, ...], section: str) -> list[Choice]:
    """The single-choice questions of a section that any version asks (newest wording)."""
    seen: dict[str, Choice] = {}
    for q in definitions(versions):
        for c in q.choices_in(section):
            seen.setdefault(c.code, c)
    return list(seen.values())


def cells_for(s: Session, f: Filters, method: str, grain: tuple[str, ...] = KEYS) -> tuple[Layout, Cells]:
    """Every cell of the selection over all versions of its form, on the form's layout.

    `grain`: the cell keys kept (selection.cells_for).
    """
    versions = f.questionnaires
    if not versions:
        raise ValueError("cells need one form")
    if len(versions) == 1:
        return selection.cells_for(s, f, method, grain)
    target = form_layout(versions, method)
    out = Cells.empty(target, grain)
    for version in versions:
        layout, cells = selection.cells_for(s, f.narrowed(questionnaires=(version,)), method, grain)
        if layout != target:
            own, dst = layout.columns_in(target)
            sums = np.zeros((len(cells.n), target.size))
            sums[:, dst] = cells.sums[:, own]
            cells = Cells(cells.keys, cells.n, sums)
        out += cells
    return target, out
