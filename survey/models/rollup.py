"""Rollup cache of the results: additive sufficient statistics per local day.

Derived data only: every row can be rebuilt from `response`/`answer`
(`sipas results rollup`), and any write to a response of a past day deletes
the rows of that unit-day (survey/results/invalidate.py). See
docs/aggregation.md.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from survey.db import Base
from survey.models.types import BigIntPK


class StatCell(Base):
    """Sums over the responses of one day sharing every key below.

    `payload` is the float64 vector of survey/results/layout.py: answered and
    satisfied counts per item, the criteria's cross-products, option counts.
    """

    __tablename__ = "stat_cell"
    __table_args__ = (Index("ix_stat_cell_unit_day", "unit_id", "questionnaire_id", "method", "day"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(12))
    flagged: Mapped[bool]
    day: Mapped[date] = mapped_column(Date)  # Vietnam local date
    n: Mapped[int]
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class StatDay(Base):
    """Marker: the cells of this unit-day are computed (also when it had no response)."""

    __tablename__ = "stat_day"

    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), primary_key=True)
    method: Mapped[str] = mapped_column(String(12), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


@event.listens_for(Session, "after_flush")
def _invalidate_after_flush(session: Session, _context) -> None:
    # Imported here: survey.results imports the models.
    from survey.results.invalidate import after_flush

    after_flush(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_transaction(session: Session, transaction) -> None:
    if transaction.parent is None:
        from survey.results.invalidate import transaction_ended

        transaction_ended(session)
