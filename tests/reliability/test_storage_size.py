"""A stored response costs under 1 KB with its answers, comment and every index (issue 17.4)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import insert, inspect, select, text

from survey import db
from survey.models import Comment, Questionnaire, Response, Service
from survey.models.responses import answer_fingerprint
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT

N = 3000
TABLES = ("response", "answer", "comment")  # `answer` held the answers before migration 0013


def _size(conn, table: str) -> int:
    if conn.dialect.name == "postgresql":
        return conn.execute(text("SELECT pg_total_relation_size(:t)"), {"t": table}).scalar_one()
    names = [table, *conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"),
                                  {"t": table}).scalars()]
    return sum(conn.execute(text("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = :n"),
                            {"n": n}).scalar_one() for n in names)


def test_a_response_with_every_answer_costs_under_one_kilobyte(app, demo):
    q = shipped()[DEFAULT]
    rng = np.random.default_rng(1)
    valid = q.valid_values()
    with app.app_context():
        s = db.session()
        questionnaire = s.scalar(select(Questionnaire).where(Questionnaire.code == q.code))
        service = s.scalar(select(Service.id).where(Service.code == demo.points[0].services[0]))
        start = datetime(2024, 3, 1, tzinfo=timezone.utc)
        rows, comments = [], []
        for i in range(N):
            # Every item answered (the most a response can store) and a comment on one in seven.
            answers = {code: int(rng.choice(sorted(values))) for code, values in valid.items()}
            comment = "Cán bộ hướng dẫn tận tình, chu đáo, trả kết quả đúng hẹn." if i % 7 == 0 else ""
            rows.append({"submission_key": uuid.uuid4().hex, "questionnaire_id": questionnaire.id,
                         "unit_id": demo.unit_id, "service_id": service, "service_point_id": demo.points[0].id,
                         "channel": "qr", "submitted_at": start + timedelta(seconds=37 * i), "flagged": False,
                         "fingerprint": answer_fingerprint(service, answers.items(), comment),
                         "answers": questionnaire.pack(answers)})
            if comment:
                comments.append(comment)
        ids = s.execute(insert(Response).returning(Response.id), rows).scalars().all()
        s.execute(insert(Comment), [{"response_id": r, "text": c} for r, c in zip(ids[::7], comments)])
        s.commit()
    engine = db_engine(app)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
    present = [t for t in TABLES if inspect(engine).has_table(t)]
    with engine.connect() as conn:
        per_response = sum(_size(conn, t) for t in present) / N
    assert per_response < 1024, f"{per_response:.0f} bytes per response"


def db_engine(app):
    return app.extensions["sipas.engine"]
