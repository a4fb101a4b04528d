"""Administrative-reform figures from the dossier list, read beside satisfaction.

Per service and period (dossiers received from start to end, inclusive):
% resolved on time (returned on or before the promised date, early
included), % early, % late, all three out of the resolved dossiers (returned
and with a promised date); dossiers not returned yet are counted apart as
pending, and as overdue once their promised date has passed. % submitted
fully online and % paid online are out of the dossiers where the export
says. A measured service without dossiers has a row of zero counts and no
percentages. Then how lateness relates to satisfaction across services.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from survey.models import Dossier, Service
from survey.plans.calendar import today


@dataclass(frozen=True)
class ReformFigures:
    service_id: int
    code: str
    name: str
    dossiers: int
    resolved: int  # with both a promised and a return date: the base of on_time/early/late
    pending: int  # not returned yet
    overdue: int  # not returned and past the promised date
    on_time: float | None
    early: float | None
    late: float | None
    online_full: float | None
    paid_online: float | None


def _pct(part, whole) -> float | None:
    return 100.0 * float(part) / whole if whole else None


def reform_figures(s: Session, unit_id: int, service_ids: list[int], start: date, end: date,
                   on: date | None = None) -> list[ReformFigures]:
    """Figures per service over dossiers received in [start, end]; overdue as on `on` (today)."""
    on = on or today()
    resolved = Dossier.returned_on.is_not(None) & Dossier.due_on.is_not(None)
    pending = Dossier.returned_on.is_(None)

    def count(cond):
        return func.sum(case((cond, 1), else_=0))
    rows = s.execute(
        select(Service.id, Service.code, Service.name, func.count(Dossier.id), count(resolved),
               count(pending), count(pending & (Dossier.due_on < on)),
               count(resolved & (Dossier.returned_on <= Dossier.due_on)),
               count(resolved & (Dossier.returned_on < Dossier.due_on)),
               count(resolved & (Dossier.returned_on > Dossier.due_on)),
               count(Dossier.channel == "online_full"), count(Dossier.channel.is_not(None)),
               count(Dossier.paid_online.is_(True)), count(Dossier.paid_online.is_not(None)))
        .join(Service, Service.id == Dossier.service_id)
        .where(Dossier.unit_id == unit_id, Dossier.service_id.in_(service_ids),
               Dossier.received_on >= start, Dossier.received_on <= end)
        .group_by(Service.id, Service.code, Service.name)).all()
    figures = [ReformFigures(sid, code, name, int(n), int(res), int(pend), int(over), _pct(ot, res), _pct(ea, res),
                             _pct(la, res), _pct(onl, known_ch), _pct(paid, known_paid))
               for sid, code, name, n, res, pend, over, ot, ea, la, onl, known_ch, paid, known_paid in rows]
    seen = {f.service_id for f in figures}
    figures += [ReformFigures(v.id, v.code, v.name, 0, 0, 0, 0, None, None, None, None, None)
                for v in s.scalars(select(Service).where(Service.id.in_(set(service_ids) - seen)))]
    return sorted(figures, key=lambda f: f.code)


@dataclass(frozen=True)
class Correlation:
    """Pearson's r across services with its Fisher-z interval (None when undefined)."""

    k: int
    r: float | None
    low: float | None
    high: float | None


def correlation(xs: list[float], ys: list[float], level: float = 0.95) -> Correlation:
    """Pearson's r of paired values and a Fisher-z interval (needs k ≥ 4).

    Notes
    -----
    z = atanh(r), se = 1/sqrt(k - 3), interval tanh(z ± z_{1-α/2} se). It
    treats each service's figures as exact; with few services the interval
    is wide, which is the honest message.
    """
    from scipy.stats import norm

    pairs = [(x, y) for x, y in zip(xs, ys) if x is not None and y is not None
             and not (math.isnan(x) or math.isnan(y))]
    k = len(pairs)
    if k < 3:
        return Correlation(k, None, None, None)
    mx, my = sum(p[0] for p in pairs) / k, sum(p[1] for p in pairs) / k
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    sxx, syy = sum((x - mx) ** 2 for x, _ in pairs), sum((y - my) ** 2 for _, y in pairs)
    if sxx == 0 or syy == 0:
        return Correlation(k, None, None, None)
    r = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    if k < 4 or abs(r) == 1:
        return Correlation(k, r, None, None)
    z, half = math.atanh(r), norm.ppf(0.5 + level / 2) / math.sqrt(k - 3)
    return Correlation(k, r, math.tanh(z - half), math.tanh(z + half))
