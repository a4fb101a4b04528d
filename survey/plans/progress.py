"""Fieldwork progress per service: responses against target, rate, precision, pace."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from survey.invitations.queries import counts as invitation_counts
from survey.models import Plan
from survey.plans.calendar import today


@dataclass(frozen=True)
class ServiceProgress:
    service_id: int
    code: str
    name: str
    frame_size: int
    target: int
    responses: int
    invitations: int
    invitations_used: int
    half_width: float | None  # of the service's SIPAS interval, in points
    target_half_width: float  # the plan's target margin of error, in points
    days_left: int  # fieldwork days after the given day
    projected: int  # responses at the end at the current pace
    phase: str  # "before", "running" or "ended" (see phase())

    @property
    def response_rate(self) -> float | None:
        """Share of issued invitation codes that came back answered, in %."""
        return 100.0 * self.invitations_used / self.invitations if self.invitations else None

    @property
    def done(self) -> float | None:
        return 100.0 * self.responses / self.target if self.target else None

    @property
    def precise_enough(self) -> bool | None:
        """Whether the interval is already as narrow as the plan asked (None: no interval yet)."""
        return None if self.half_width is None else self.half_width <= self.target_half_width

    @property
    def at_risk(self) -> bool:
        """Will miss the target at the current pace (only while the fieldwork runs)."""
        return (self.phase == "running" and self.target > 0
                and self.responses < self.target and self.projected < self.target)

    @property
    def missed(self) -> bool:
        """The fieldwork is over and the target was not reached."""
        return self.phase == "ended" and self.target > 0 and self.responses < self.target


def phase(start: date, end: date, on: date) -> str:
    """Where `on` falls against the plan's inclusive dates."""
    return "before" if on < start else "ended" if on > end else "running"


def pace(responses: int, start: date, end: date, on: date) -> int:
    """Responses expected by the end date if they keep coming at the rate so far.

    Days count inclusively, `on` as a day elapsed: responses × total days ÷
    days elapsed, rounded down. Before the start there is no pace yet, so
    the count so far is returned; after the end, the count itself.
    """
    if on < start:
        return responses
    elapsed = (min(on, end) - start).days + 1
    total = (end - start).days + 1
    return responses * total // elapsed


def days_left(start: date, end: date, on: date) -> int:
    """Fieldwork days still to come after `on` (all of them before the start)."""
    if on < start:
        return (end - start).days + 1
    return max(0, (end - on).days)


def service_progress(s, plan: Plan, estimates: pd.DataFrame, on: date | None = None) -> list[ServiceProgress]:
    """One row per measured service; `estimates` is the plan's scoped estimate table."""
    on = on or today()
    sipas = estimates[(estimates.scope == "service") & (estimates.code == "SIPAS")].set_index("scope_code")
    issued = invitation_counts(s, plan.id)
    start, end = plan.start_date, plan.end_date
    rows = []
    for ps in sorted(plan.services, key=lambda p: p.service.code):
        code = ps.service.code
        row = sipas.loc[code] if code in sipas.index else None
        n = int(row.n) if row is not None else 0
        half = (row.ci_high - row.ci_low) / 2 if row is not None and pd.notna(row.ci_high) else None
        inv, used = issued.get(ps.service_id, (0, 0))
        rows.append(ServiceProgress(ps.service_id, code, ps.service.name, ps.frame_size, ps.target, n, inv, used,
                                    half, 100 * plan.target_margin, days_left(start, end, on),
                                    pace(n, start, end, on), phase(start, end, on)))
    return rows
