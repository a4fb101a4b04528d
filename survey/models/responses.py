"""Questionnaire versions, responses and their answers.

A response's answers are one byte string (`response.answers`): byte i is the
answer to item i of its questionnaire version's item list
(`questionnaire.items`), 0 for no answer. The list is data, written when a
version is first used, so a new questionnaire still needs no migration; it
only ever grows at its end (survey/questionnaire/sync.py), so a stored
string shorter than the list simply has no answer to the later items.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.models.types import BigIntPK, UTCDateTime, utcnow

# How a response reached us (not the transaction's own channel, which is a
# question of the form): a phone via the counter QR, a counter tablet, a
# paper form keyed in by staff, or a single-use invitation code.
RESPONSE_CHANNELS = ("qr", "kiosk", "paper", "invitation")


class Questionnaire(Base):
    """A loaded questionnaire definition; responses point at the exact version."""

    __tablename__ = "questionnaire"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    # SHA-256 of the definition file: a silently edited file is detected.
    checksum: Mapped[str] = mapped_column(String(64))
    # Item codes in the order of the bytes of `response.answers`; append-only.
    items: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    def pack(self, answers: Mapping[str, int]) -> bytes:
        """This version's byte string of an answer set."""
        return pack_answers(self.items, answers)

    def unpack(self, data: bytes) -> dict[str, int]:
        """The answer set of a byte string of this version."""
        return unpack_answers(self.items, data)


class Response(Base):
    """One submitted questionnaire. Anonymous: no name, contact, IP or user agent."""

    __tablename__ = "response"
    __table_args__ = (
        # Dashboards filter by unit and period, then group by service.
        Index("ix_response_unit_submitted", "unit_id", "submitted_at"),
        Index("ix_response_service_submitted", "service_id", "submitted_at"),
        Index("ix_response_point_submitted", "service_point_id", "submitted_at"),
        # Each unit's first response to a version, also where it has none (migration 0014).
        Index("ix_response_questionnaire_unit_submitted", "questionnaire_id", "unit_id", "submitted_at"),
        # The duplicate check seeks one answer set's recent copies, not every
        # response of a busy counter within the window.
        Index("ix_response_fingerprint_submitted", "fingerprint", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # Random key issued with the form; a replayed POST hits the unique index
    # and stores nothing new (double tap, flaky network retry).
    submission_key: Mapped[str] = mapped_column(String(36), unique=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id"))
    channel: Mapped[str] = mapped_column(String(12))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Suspicious responses are flagged, never deleted; analysis may exclude them.
    flagged: Mapped[bool] = mapped_column(default=False)
    flag_reason: Mapped[str | None] = mapped_column(String(200))
    # Hash of service, answers and comment, set on insert: the duplicate check
    # (survey/integrity.py) compares it instead of loading every recent
    # response's answers. Only compared within minutes, so rows stored before
    # the column existed keep NULL.
    fingerprint: Mapped[str | None] = mapped_column(String(32))
    # One byte per item of the questionnaire's `items` (0 = no answer): one
    # short value instead of a row per item cuts a response's storage by two
    # thirds (BENCHMARKS.md, issue 17.4) and its INSERT to one row.
    answers: Mapped[bytes] = mapped_column(LargeBinary, default=b"")

    questionnaire: Mapped[Questionnaire] = relationship(lazy="joined")
    comment: Mapped[Comment | None] = relationship(
        back_populates="response", cascade="all, delete-orphan", lazy="selectin"
    )


    @property
    def answer_values(self) -> dict[str, int]:
        """The answers as {item code: value}, unanswered items left out."""
        return self.questionnaire.unpack(self.answers)


class Comment(Base):
    """The free comment, kept apart so retention can remove it and keep the scores."""

    __tablename__ = "comment"

    response_id: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    # An analyst may tag the comment with one of the questionnaire's elements.
    element_code: Mapped[str | None] = mapped_column(String(8))

    response: Mapped[Response] = relationship(back_populates="comment")


def pack_answers(items: Sequence[str], answers: Mapping[str, int]) -> bytes:
    """One byte per item of `items`, 0 where unanswered; every answered code must be listed.

    Values must lie in 1..255 (the questionnaire loader refuses options outside).
    """
    packed = bytes(answers.get(code, 0) for code in items)
    if len(answers) > len(items) - packed.count(0):
        unknown = sorted(set(answers) - set(items))
        raise ValueError(f"items not in the questionnaire's item list, or answered 0: {unknown or answers}")
    return packed


def unpack_answers(items: Sequence[str], data: bytes) -> dict[str, int]:
    """The answers of a byte string: {item code: value} for every non-zero byte."""
    return {code: value for code, value in zip(items, data) if value}


def answer_fingerprint(service_id: int, answers: Iterable[tuple[str, int]], comment: str) -> str:
    """Return a short hash of one answer set (items sorted, comment included)."""
    items = ";".join(f"{code}={value}" for code, value in sorted(answers))
    return hashlib.sha256(f"{service_id}|{items}|{comment}".encode()).hexdigest()[:32]


@event.listens_for(Response, "before_insert")
def _set_fingerprint(_mapper, connection, response: Response) -> None:
    # On every insert path (form, kiosk, paper, demo, imports), so a check
    # never compares a response that lacks one.
    if response.fingerprint is None:
        items = connection.scalar(select(Questionnaire.items).where(Questionnaire.id == response.questionnaire_id))
        response.fingerprint = answer_fingerprint(
            response.service_id, unpack_answers(items or [], response.answers or b"").items(),
            response.comment.text if response.comment else "")
