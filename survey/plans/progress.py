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
    days_left: int
    projected: int  # responses at the end at the current pace

    @property
    def response_rate(self) -> float | None:
        """Share of issued invitation codes that came back answered, in %."""
        return 100.0 * self.invitations_used / self.invitations if self.invitations else None

    @property
    def done(self) -> float | None:
        return 100.0 * self.responses / self.target if self.target else None

    @property
    def at_risk(self) -> bool:
        """Will miss the target at the current pace (only while time remains)."""
        return self.target > 0 and self.responses < self.target and self.projected < self.target


def pace(responses: int, start: date, end: date, on: date) -> int:
    """Responses expected by the end date if they keep coming at the rate so far."""
    if on < start:
        return responses
    elapsed = (min(on, end) - start).days + 1
    total = (end - start).days + 1
    return int(responses * total / elapsed)


def service_progress(s, plan: Plan, estimates: pd.DataFrame, on: date | None = None) -> list[ServiceProgress]:
    """One row per measured service; `estimates` is the plan's scoped estimate table."""
    on = on or today()
    sipas = estimates[(estimates.scope == "service") & (estimates.code == "SIPAS")].set_index("scope_code")
    issued = invitation_counts(s, plan.id)
    days_left = max(0, (plan.end_date - on).days)
    rows = []
    for ps in sorted(plan.services, key=lambda p: p.service.code):
        code = ps.service.code
        row = sipas.loc[code] if code in sipas.index else None
        n = int(row.n) if row is not None else 0
        half = (row.ci_high - row.ci_low) / 2 if row is not None and pd.notna(row.ci_high) else None
        inv, used = issued.get(ps.service_id, (0, 0))
        rows.append(ServiceProgress(ps.service_id, code, ps.service.name, ps.frame_size, ps.target, n,
                                    inv, used, half, days_left, pace(n, plan.start_date, plan.end_date, on)))
    return rows
