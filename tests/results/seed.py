"""A seeded dataset with known answers, stored as rows and kept as a DataFrame."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
from sqlalchemy import select

from survey import db
from survey.models import Comment, Response, Service
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT, ensure_row

Q = shipped()[DEFAULT]
CRITERIA = [c.code for c in Q.criteria]
EXPECTATIONS = [e.code for e in Q.expectations]
# (service code, responses): the third service stays under SIPAS_MIN_N=30.
PLAN = [("1.001193", 45), ("1.000894", 34), ("2.000815", 7)]
COMMENTS = ["Cán bộ nhiệt tình, hướng dẫn rõ ràng", "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>",
            "Phòng chờ quá nóng", "+1 cho bộ phận một cửa", "@SUM(A1)", "-2 điểm vì chờ lâu"]


def seed(app, demo, rng_seed: int = 7, key: tuple[str, str] = DEFAULT, plan=PLAN) -> pd.DataFrame:
    """Store responses for the demo commune; return one row per response (raw data).

    `key` picks the questionnaire version (registered on first use, as the
    citizen form does); the answers cover its criteria and expectations.
    """
    rng = np.random.default_rng(rng_seed)
    q = shipped()[key]
    criteria, expectations = [c.code for c in q.criteria], [e.code for e in q.expectations]
    rows = []
    with app.app_context():
        s = db.session()
        questionnaire = ensure_row(s, q)
        qid = questionnaire.id
        services = {v.code: v for v in s.scalars(select(Service))}
        point = demo.points[0].id
        i = 0
        for code, count in plan:
            for _ in range(count):
                # Local dates from Jan to Jun 2024; 23:30 local is the previous day in UTC.
                local = datetime(2024, 1 + i % 6, 1 + i % 27, 23 if i % 5 == 0 else 9, 30,
                                 tzinfo=timezone(timedelta(hours=7)))
                answers = {c: int(rng.choice([2, 3, 4, 5], p=[.1, .15, .4, .35])) for c in criteria}
                if i % 3:
                    answers.update({m: int(rng.integers(1, 5)) for m in expectations[: 4 + i % 7]})
                answers.update(NT1=int(rng.choice([1, 2, 3], p=[.8, .15, .05])),
                               NT2=int(rng.choice([1, 2], p=[.9, .1])), KENH=1 + i % 3)
                comment = COMMENTS[i % len(COMMENTS)] if i % 4 == 0 else None
                flagged = i % 17 == 16
                r = Response(submission_key=uuid.uuid4().hex, questionnaire_id=qid,
                             unit_id=demo.unit_id, service_id=services[code].id,
                             service_point_id=point if i % 2 else None,
                             channel=("qr", "kiosk", "paper")[i % 3],
                             submitted_at=local.astimezone(timezone.utc), flagged=flagged,
                             answers=questionnaire.pack(answers),
                             comment=Comment(text=comment) if comment else None)
                s.add(r)
                s.flush()
                rows.append({"id": r.id, "questionnaire": key, "service": code, "month": local.strftime("%Y-%m"),
                             "local_date": local.date(), "flagged": flagged,
                             "point": r.service_point_id, "channel": r.channel,
                             "comment": comment, **answers})
                i += 1
        s.commit()
    df = pd.DataFrame(rows)
    for c in criteria + expectations:
        if c not in df:
            df[c] = np.nan  # asked by the form, answered by nobody here
        df[c] = df[c].astype(float)
    return df
