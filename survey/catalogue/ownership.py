"""Who may change a catalogue row: one commune must never change another's form.

A shared row (no owning unit: the national list, or a city's) appears on
every commune's form, so only an administrator of a top-level unit (city or
province) edits it; a row a unit added is edited by that unit's administrators
and by those of the units above it.
"""
from __future__ import annotations

from survey.models import Unit


def is_top_level(unit: Unit) -> bool:
    """Return whether the unit is a city or province (nothing above it)."""
    return unit.parent_id is None


def may_edit(row_unit_id: int | None, user_unit: Unit, user_unit_ids: set[int]) -> bool:
    """Return whether an admin of ``user_unit`` (seeing ``user_unit_ids``) may change this row."""
    if row_unit_id is None:
        return is_top_level(user_unit)
    return row_unit_id in user_unit_ids


def owner_for_new(user_unit: Unit) -> int | None:
    """The owner a new row gets: shared when a top-level admin adds it, else the admin's unit."""
    return None if is_top_level(user_unit) else user_unit.id
