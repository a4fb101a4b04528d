"""Two cities with several communes each, their counters and responses, kept as raw rows."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import numpy as np
import pandas as pd
from sqlalchemy import select

from survey import db
from survey.catalogue import operations as ops
from survey.models import Questionnaire, Response, Service, Unit
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT, ensure_row

Q = shipped()[DEFAULT]
CRITERIA = [c.code for c in Q.criteria]
# (code, name, kind, responses, chance of a 4-5 answer): the demo city's communes, then another city's
COMMUNES = [("C-HIGH", "Phường Cao", "ward", 120, .95), ("C-LOW", "Xã Thấp", "commune", 120, .45),
            ("C-MID", "Đặc khu Giữa", "special", 80, .75), ("C-FEW", "Xã Ít Phiếu", "commune", 12, .8)]
OTHER_CITY = [("D-ONE", "Xã Thành Phố Khác", "commune", 50, .7)]


def _responses(s, rng, qid, unit, point, services, count, p_high, city_code) -> list[dict]:
    rows = []
    for i in range(count):
        local = datetime(2024, 1 + i % 6, 1 + i % 27, 9, 30, tzinfo=timezone(timedelta(hours=7)))
        answers = {c: int(rng.choice([4, 5]) if rng.random() < p_high else rng.choice([1, 2, 3]))
                   for c in CRITERIA if rng.random() > .03}
        service = services[i % len(services)]
        s.add(Response(submission_key=uuid.uuid4().hex, questionnaire_id=qid, unit_id=unit.id,
                       service_id=service.id, service_point_id=point.id, channel="qr",
                       submitted_at=local.astimezone(timezone.utc), flagged=False,
                       answers=s.get(Questionnaire, qid).pack(answers)))
        rows.append({"unit": unit.code, "city": city_code, "service": service.id,
                     "field": service.field_id, **answers})
    return rows


def seed_cities(app, demo, seed: int = 5) -> SimpleNamespace:
    """The demo city gets four more communes (xã, phường, đặc khu); a second city one commune."""
    rng = np.random.default_rng(seed)
    rows = []
    with app.app_context():
        s = db.session()
        qid = ensure_row(s, Q).id
        city = s.get(Unit, demo.city_id)
        other = ops.upsert_unit(s, "TP-KHAC", "Thành phố Khác", "city")
        services = list(s.scalars(select(Service).order_by(Service.code)))[:3]
        for parent, plan in ((city, COMMUNES), (other, OTHER_CITY)):
            for code, name, kind, count, p_high in plan:
                unit = ops.upsert_unit(s, code, name, kind, parent)
                point = ops.upsert_service_point(s, unit, "Quầy một cửa", services)
                s.flush()
                rows += _responses(s, rng, qid, unit, point, services, count, p_high, parent.code)
        s.commit()
        ids = {u.code: u.id for u in s.scalars(select(Unit))}
        service_ids = [(v.id, v.field_id) for v in services]
    df = pd.DataFrame(rows)
    for c in CRITERIA:
        df[c] = df[c].astype(float)
    return SimpleNamespace(raw=df, ids=ids, city_id=demo.city_id, other_city_id=ids["TP-KHAC"],
                           services=service_ids)
