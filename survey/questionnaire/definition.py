"""Immutable description of one questionnaire version."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """A wording in Vietnamese with its English translation."""

    vi: str
    en: str

    def get(self, locale: str) -> str:
        """Return the wording for a locale, Vietnamese by default."""
        return self.en if locale == "en" else self.vi


@dataclass(frozen=True)
class Option:
    """A scale point or a choice option: the stored number and its label."""

    value: int
    label: Text


@dataclass(frozen=True)
class Criterion:
    code: str
    element: str
    text: Text


@dataclass(frozen=True)
class Element:
    code: str
    group: str
    title: Text
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Group:
    code: str
    title: Text


@dataclass(frozen=True)
class Expectation:
    code: str
    text: Text


@dataclass(frozen=True)
class Choice:
    """A single-choice question (perception, channel, respondent profile)."""

    code: str
    section: str
    text: Text
    options: tuple[Option, ...]


@dataclass(frozen=True)
class QuestionnaireDefinition:
    """A validated questionnaire; see survey/questionnaires/*.toml."""

    code: str
    version: str
    title: Text
    basis: str
    checksum: str
    source: str
    criteria_required: bool
    comment_max_length: int
    satisfaction_scale: tuple[Option, ...]
    expectation_scale: tuple[Option, ...]
    expectation_prompt: Text
    groups: tuple[Group, ...]
    elements: tuple[Element, ...]
    expectations: tuple[Expectation, ...]
    choices: tuple[Choice, ...]
    _valid: dict[str, frozenset[int]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for e in self.elements for c in e.criteria)

    def item_codes(self) -> tuple[str, ...]:
        """Every answerable item in questionnaire order: criteria, expectations, choices."""
        return (tuple(c.code for c in self.criteria) + tuple(e.code for e in self.expectations)
                + tuple(c.code for c in self.choices))

    def choices_in(self, section: str) -> tuple[Choice, ...]:
        return tuple(c for c in self.choices if c.section == section)

    def valid_values(self) -> dict[str, frozenset[int]]:
        """Map every answerable item code to the set of values it accepts."""
        if not self._valid:
            sat = frozenset(o.value for o in self.satisfaction_scale)
            exp = frozenset(o.value for o in self.expectation_scale)
            self._valid.update({c.code: sat for c in self.criteria})
            self._valid.update({e.code: exp for e in self.expectations})
            self._valid.update(
                {c.code: frozenset(o.value for o in c.options) for c in self.choices}
            )
        return self._valid

    def scheme_mapping(self) -> dict:
        """Describe the index structure in the plain form `analysis.Scheme` reads."""
        return {
            "groups": [
                {
                    "code": g.code,
                    "elements": [
                        {"code": e.code, "criteria": [c.code for c in e.criteria]}
                        for e in self.elements
                        if e.group == g.code
                    ],
                }
                for g in self.groups
            ],
            "expectations": [e.code for e in self.expectations],
            "choices": [c.code for c in self.choices],
        }
