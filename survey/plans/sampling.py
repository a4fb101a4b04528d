"""Size the sample per service and draw dossiers reproducibly from the frame."""
from __future__ import annotations

import random
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from analysis import sample_size
from survey.models import Dossier, Plan, SampledDossier, Service


def size_for(plan: Plan, population: int) -> int:
    """Responses needed from a population of `population` dossiers, by the plan's method."""
    if population <= 0:
        return 0
    e, level = plan.target_margin, plan.conf_level
    if plan.sizing_method == "cochran":
        n = sample_size.cochran(population, e, 0.5, level)
    elif plan.sizing_method == "wilson":
        n = sample_size.wilson_target(e, plan.expected_share, level, population)
    else:
        n = sample_size.yamane(population, e)
    return min(n, population)


def _frame(plan: Plan):
    return (Dossier.unit_id == plan.unit_id,
            Dossier.received_on >= plan.start_date, Dossier.received_on <= plan.end_date)


def frame_sizes(s: Session, plan: Plan) -> dict[int, int]:
    """Dossiers per measured service in the plan's period."""
    ids = [ps.service_id for ps in plan.services]
    rows = s.execute(select(Dossier.service_id, func.count()).where(*_frame(plan), Dossier.service_id.in_(ids))
                     .group_by(Dossier.service_id)).all()
    counts = dict(rows)
    return {sid: counts.get(sid, 0) for sid in ids}


def set_targets(s: Session, plan: Plan) -> None:
    """Record each service's frame size and target sample.

    per_service: each service is sized on its own (so each has its own
    margin); proportional: the whole frame is sized once and the total is
    shared in proportion to the services' dossiers.
    """
    sizes = frame_sizes(s, plan)
    if plan.allocation == "proportional" and sum(sizes.values()) > 0:
        total = size_for(plan, sum(sizes.values()))
        shares = sample_size.allocate(total, {sid: n for sid, n in sizes.items()}, "proportional")
        targets = {sid: int(shares[sid]) for sid in sizes}
    else:
        targets = {sid: size_for(plan, n) for sid, n in sizes.items()}
    for ps in plan.services:
        ps.frame_size, ps.target = sizes[ps.service_id], targets[ps.service_id]
    s.flush()


def draw(s: Session, plan: Plan, seed: int | None = None) -> int:
    """Draw each service's target from its dossiers, replacing any earlier draw.

    The seed is recorded on the plan. Each service's draw depends only on
    the seed, the service code and the frame's dossier codes (sorted), so
    the same frame and seed give the same dossiers on any machine.
    """
    if seed is None:
        seed = plan.seed if plan.seed is not None else secrets.randbelow(2**31)
    plan.seed = seed
    set_targets(s, plan)
    s.execute(delete(SampledDossier).where(SampledDossier.plan_id == plan.id))
    drawn = 0
    for ps in sorted(plan.services, key=lambda p: p.service.code):
        rows = s.execute(select(Dossier.id, Dossier.code).where(*_frame(plan), Dossier.service_id == ps.service_id)
                         .order_by(Dossier.code)).all()
        rng = random.Random(f"{seed}|{ps.service.code}")
        chosen = rng.sample(rows, min(ps.target, len(rows)))
        s.add_all(SampledDossier(plan_id=plan.id, dossier_id=d.id, draw_order=i) for i, d in enumerate(chosen))
        drawn += len(chosen)
    s.flush()
    return drawn


def sampled(s: Session, plan: Plan) -> list[tuple[str, str, str]]:
    """The call list: (service code, service name, dossier code) in draw order."""
    rows = s.execute(select(Service.code, Service.name, Dossier.code).select_from(SampledDossier)
                     .join(Dossier, Dossier.id == SampledDossier.dossier_id)
                     .join(Service, Service.id == Dossier.service_id)
                     .where(SampledDossier.plan_id == plan.id)
                     .order_by(Service.code, SampledDossier.draw_order)).all()
    return [(code, name, dossier) for code, name, dossier in rows]
