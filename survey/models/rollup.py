"""Rollup cache of the results: additive sufficient statistics per local day.

Derived data only: every row can be rebuilt from `response`/`answer`
(`sipas results rollup`), and any write to a response or an answer deletes
the marker of its unit-day, by database trigger (survey/models/rollup_triggers.py).
See docs/aggregation.md.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, event
from sqlalchemy.orm import Mapped, mapped_column

from survey.db import Base
from survey.models import rollup_triggers
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
    # The triggers drop a (unit, day) whatever the questionnaire and method.
    __table_args__ = (Index("ix_stat_day_unit_day", "unit_id", "day"),)

    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), primary_key=True)
    method: Mapped[str] = mapped_column(String(12), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)



@event.listens_for(Base.metadata, "after_create")
def _install_triggers(_metadata, connection, **_kw) -> None:
    # create_all (tests, a fresh install) gets the same triggers as migration 0008.
    rollup_triggers.create(connection)
