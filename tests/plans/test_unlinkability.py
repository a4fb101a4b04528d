"""Stored answers cannot be linked back to a dossier or person (docs/privacy-invitations.md)."""
from __future__ import annotations

import random

from sqlalchemy import Date, DateTime, inspect, select

from survey import db
from survey.db import Base
from survey.frame.operations import import_dossiers
from survey.frame.reader import read_table
from survey.invitations.operations import issue_for_sample
from survey.models import Dossier, Invitation, Plan, Response, SampledDossier
from survey.plans import sampling
from tests.plans.frames import frame_csv
from tests.plans.helpers import make_plan
from tests.plans.invite import answer_invitation

PRIVATE = {"invitation", "dossier", "sampled_dossier", "paper_form", "paper_entry"}
ANSWERS = {"response", "comment"}  # answers are a column of response


def test_schema_has_no_link_between_answers_and_invitations_or_dossiers():
    tables = Base.metadata.tables
    for name in ANSWERS:
        targets = {fk.column.table.name for fk in tables[name].foreign_keys}
        assert not targets & PRIVATE, (name, targets)
        assert not any(c.name.startswith(("invitation", "dossier", "paper")) for c in tables[name].columns)
    inv = tables["invitation"]
    assert {fk.column.table.name for fk in inv.foreign_keys} <= {"plan", "service"}
    # no time of use: no datetime column, and the only dates are set when codes are issued
    assert not any(isinstance(c.type, DateTime) or "DateTime" in type(c.type).__name__ for c in inv.columns)
    assert {c.name for c in inv.columns if isinstance(c.type, Date)} == {"issued_on", "expires_on"}


def test_analyst_view_cannot_map_a_response_to_a_dossier(app, client, demo):
    service = "1.001193"
    plan_id = make_plan(app, demo, services=[service])
    with app.app_context():
        s = db.session()
        import_dossiers(s, demo.unit_id, *read_table("f.csv", frame_csv({service: 12})))
        plan = s.get(Plan, plan_id)
        sampling.draw(s, plan, 5)
        issue_for_sample(s, plan)
        s.commit()
        before = {i.code: {c.key: getattr(i, c.key) for c in inspect(Invitation).mapper.column_attrs}
                  for i in s.scalars(select(Invitation))}
    assert len(before) == 12  # yamane(12) = 12: every dossier sampled, one code each
    used = random.Random(3).sample(sorted(before), 5)
    for k, code in enumerate(used):
        assert answer_invitation(client, code, base=k).status_code == 303
    with app.app_context():
        s = db.session()
        after = {i.code: {c.key: getattr(i, c.key) for c in inspect(Invitation).mapper.column_attrs}
                 for i in s.scalars(select(Invitation))}
        # using a code changed nothing but the flag: no trace of when, or of which response
        for code in before:
            diff = {k for k in before[code] if before[code][k] != after[code][k]}
            assert diff == ({"used"} if code in used else set())
        # Everything an analyst can join on: each response's candidate dossiers are
        # every sampled dossier of its service, whatever the order of use.
        sampled = set(s.scalars(select(Dossier.code).join(SampledDossier, SampledDossier.dossier_id == Dossier.id)))
        responses = s.scalars(select(Response).where(Response.channel == "invitation")).all()
        assert len(responses) == 5
        # no response's key or time appears among invitation codes or dossier codes
        response_values = {str(v) for r in responses for v in (r.submission_key, r.submitted_at)}
        private_values = set(after) | set(s.scalars(select(Dossier.code)))
        assert not response_values & private_values
        for r in responses:
            candidates = set(s.scalars(select(Dossier.code).join(SampledDossier, SampledDossier.dossier_id == Dossier.id)
                                       .where(Dossier.service_id == r.service_id)))
            assert candidates == sampled and len(candidates) == 12
