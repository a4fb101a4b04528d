"""The citizen form's parts and question numbers, from a questionnaire (pure, no Flask).

The page shows "Phần k/N" over each part, numbers every question, and lists
errors in page order with a link to each question, so the order lives in
one place. The scored criteria come first, one part per element; the
optional questions share the last parts.
"""
from __future__ import annotations

from dataclasses import dataclass

from survey.questionnaire.definition import Option, QuestionnaireDefinition, Text

# Optional choice sections, in page order; the template names them (through gettext).
CHOICE_SECTIONS = ("perception", "channel", "respondent")


@dataclass(frozen=True)
class Item:
    code: str
    number: int
    text: Text
    options: tuple[Option, ...]
    kind: str          # "scale": points side by side; "list": two columns; "": one column
    required: bool
    criterion: bool


@dataclass(frozen=True)
class Block:
    heading: str | None      # a choice section ("perception"…) or None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Part:
    title: Text | str        # an element's title or the expectation prompt; "more" for the last part
    optional: bool
    blocks: tuple[Block, ...]


def _kind(options: tuple[Option, ...]) -> str:
    # Short labels side by side ("Nam", "Nữ"), several short ones in two
    # columns, long ones one per line so no label wraps word by word.
    longest = max(len(o.label.vi) for o in options)
    if longest <= 12:
        return "row" if len(options) <= 3 else "list"
    return "list" if longest <= 26 else ""


def parts(q: QuestionnaireDefinition) -> tuple[Part, ...]:
    """Group the questionnaire into the parts of the page, numbering questions in order."""
    number = 0
    out: list[Part] = []

    def item(code, text, options, kind, required=False, criterion=False) -> Item:
        nonlocal number
        number += 1
        return Item(code, number, text, options, kind, required, criterion)

    for e in q.elements:
        items = tuple(item(c.code, c.text, q.satisfaction_scale, "scale", q.criteria_required, True)
                      for c in e.criteria)
        out.append(Part(e.title, False, (Block(None, items),)))
    if q.expectations:
        items = tuple(item(m.code, m.text, q.expectation_scale, "scale") for m in q.expectations)
        out.append(Part(q.expectation_prompt, True, (Block(None, items),)))
    blocks = []
    for section in CHOICE_SECTIONS:
        choices = q.choices_in(section)
        if choices:
            blocks.append(Block(section, tuple(
                item(c.code, c.text, c.options, _kind(c.options)) for c in choices)))
    if blocks:
        out.append(Part("more", True, tuple(blocks)))
    return tuple(out)


def numbers(q: QuestionnaireDefinition) -> dict[str, int]:
    """Each question's number on the page, by item code."""
    return {i.code: i.number for p in parts(q) for b in p.blocks for i in b.items}
