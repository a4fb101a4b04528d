"""Rollup cache of the results: additive sufficient statistics per local day.

Derived data only: every row can be rebuilt from `response` (its `answers` column)
(`sipas results rollup`), and any write to a response (its answers included) deletes
the marker of its unit-day, by database trigger (survey/models/rollup_triggers.py).
See docs/aggregation.md.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, ForeignKeyConstraint, Index, LargeBinary, String, event
from sqlalchemy.orm import Mapped, mapped_column

from survey.db import Base
from survey.models import rollup_triggers
from survey.models.types import BigIntPK


class StatCell(Base):
    """Sums over the responses of one day sharing every key below.

    `payload` is the float32 vector of survey/results/layout.py: answered and
    satisfied counts per item, the criteria's cross-products, option counts.
    """

    __tablename__ = "stat_cell"
    __table_args__ = (Index("ix_stat_cell_unit_day", "unit_id", "questionnaire_id", "method", "day"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # No foreign keys (migration 0015): checking four per inserted cell cost
    # the build more than all else, and readers trust cells only through the
    # markers, which keep theirs.
    questionnaire_id: Mapped[int]
    method: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int]
    service_id: Mapped[int]
    service_point_id: Mapped[int | None]
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


class StatMonthCell(Base):
    """Sums of a whole month's day cells sharing every key below: the second tier a city reads.

    Valid only while every day of its month has its `stat_month_day` row
    (survey/results/selection.py checks the count before reading).
    """

    __tablename__ = "stat_month_cell"
    __table_args__ = (Index("ix_stat_month_cell_unit_month", "unit_id", "questionnaire_id", "method", "month"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # No foreign keys (migration 0015): checking four per inserted cell cost
    # the build more than all else, and readers trust cells only through the
    # markers, which keep theirs.
    questionnaire_id: Mapped[int]
    method: Mapped[str] = mapped_column(String(12))
    unit_id: Mapped[int]
    service_id: Mapped[int]
    service_point_id: Mapped[int | None]
    channel: Mapped[str] = mapped_column(String(12))
    flagged: Mapped[bool]
    month: Mapped[date] = mapped_column(Date)  # its first local day
    n: Mapped[int]
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class StatMonthDay(Base):
    """One day that a stored month was summed from; deleted with the day's marker.

    The foreign key cascades from `stat_day`: whatever drops a day's marker
    (the triggers on a write, a rebuild, `sipas restore`) drops this row in
    the same statement, and the month stops counting as complete until the
    rollup job sums it again. No trigger needs to know the second tier.
    """

    __tablename__ = "stat_month_day"
    __table_args__ = (
        ForeignKeyConstraint(["questionnaire_id", "method", "unit_id", "day"],
                             ["stat_day.questionnaire_id", "stat_day.method", "stat_day.unit_id", "stat_day.day"],
                             ondelete="CASCADE"),
        Index("ix_stat_month_day_month", "unit_id", "questionnaire_id", "method", "month"),
    )

    questionnaire_id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(String(12), primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    month: Mapped[date] = mapped_column(Date)


# SQLite enforces the cascade only on connections that turned foreign keys on
# (the app's do; the sqlite3 shell or another tool may not): this trigger drops
# the month rows whoever deletes a day marker. PostgreSQL always cascades.
SQLITE_MONTH_TRIGGER = ("CREATE TRIGGER IF NOT EXISTS rollup_month_forget AFTER DELETE ON stat_day BEGIN "
                        "DELETE FROM stat_month_day WHERE questionnaire_id = OLD.questionnaire_id "
                        "AND method = OLD.method AND unit_id = OLD.unit_id AND day = OLD.day; END")


@event.listens_for(Base.metadata, "after_create")
def _install_triggers(_metadata, connection, **_kw) -> None:
    # create_all (tests, a fresh install) gets the same triggers as migrations 0008 and 0012.
    rollup_triggers.create(connection)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(SQLITE_MONTH_TRIGGER)
