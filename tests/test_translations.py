"""The compiled English catalogue matches its source."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import survey

CATALOGUE = Path(survey.__file__).parent / "translations" / "en" / "LC_MESSAGES"


def test_compiled_catalogue_is_up_to_date():
    source = read_po((CATALOGUE / "messages.po").open("rb"))
    compiled = read_mo((CATALOGUE / "messages.mo").open("rb"))
    def table(catalog):
        # Plural messages come back as lists from a .mo file and tuples from a .po.
        as_tuple = lambda v: tuple(v) if isinstance(v, (list, tuple)) else v  # noqa: E731
        return {as_tuple(m.id): as_tuple(m.string) for m in catalog if m.id and m.string and not m.fuzzy}

    assert table(compiled) == table(source)
    assert len(table(source)) > 50


def test_citizen_interface_is_fully_translated():
    source = read_po((CATALOGUE / "messages.po").open("rb"))
    citizen = [m for m in source if m.id and any(
        f.startswith(("templates/citizen", "survey/citizen", "templates/errors")) for f, _ in m.locations)]
    assert len(citizen) > 20
    assert [m.id for m in citizen if not m.string] == []
