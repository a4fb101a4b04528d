"""Keep the questionnaire table in step with the shipped definition files."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import Questionnaire
from survey.questionnaire.definition import QuestionnaireDefinition
from survey.questionnaire.loader import QuestionnaireError, shipped

DEFAULT = ("sipas-dv", "2024.1")


def find_row(s: Session, definition: QuestionnaireDefinition) -> Questionnaire | None:
    """Return the database row of a definition, or None before its first use."""
    return s.scalar(select(Questionnaire).where(
        Questionnaire.code == definition.code, Questionnaire.version == definition.version))


def ensure_row(s: Session, definition: QuestionnaireDefinition) -> Questionnaire:
    """Return the database row of a definition, creating it on first use.

    The row's `items` fix the byte order of its responses' answers; a row
    that lacks some of the definition's items (one the migration to compact
    answers listed from stored answers only) gets them appended, never
    reordered, so stored answers keep their meaning.
    """
    row = find_row(s, definition)
    if row is None:
        row = Questionnaire(code=definition.code, version=definition.version,
                            title=definition.title.vi, checksum=definition.checksum,
                            items=list(definition.item_codes()))
        s.add(row)
        s.flush()
    elif row.checksum != definition.checksum:
        # Responses already point at this version: its file must not change.
        raise QuestionnaireError(
            definition.source, "file",
            "changed after responses were recorded against this version; publish a new version instead",
        )
    elif missing := [c for c in definition.item_codes() if c not in row.items]:
        row.items = [*row.items, *missing]
        s.flush()
    return row


def sync_shipped(s: Session) -> list[Questionnaire]:
    """Register every shipped questionnaire version."""
    return [ensure_row(s, d) for d in shipped().values()]
