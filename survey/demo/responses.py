"""Synthetic demo responses, so a new installation shows a working dashboard."""
from __future__ import annotations

import random
import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import Comment, Response, ServicePoint, Unit
from survey.models.types import utcnow
from survey.questionnaire.loader import shipped
from survey.questionnaire.sync import DEFAULT, ensure_row

COMMENTS = (
    "Cán bộ hướng dẫn tận tình, chu đáo.",
    "Phòng chờ hơi chật vào buổi sáng, mong bố trí thêm ghế.",
    "Nên có thêm máy lấy số thứ tự.",
    "Thủ tục nhanh gọn, trả kết quả đúng hẹn.",
    "Mong niêm yết phí, lệ phí rõ hơn.",
)


def _choice(rng: random.Random, choice) -> int:
    # Harassment and informal payments are rare; other profile answers spread evenly.
    if choice.section == "perception":
        return rng.choices([o.value for o in choice.options], weights=[92, 6, 2][:len(choice.options)])[0]
    return rng.choice(choice.options).value


def seed_responses(s: Session, unit: Unit, points: list[ServicePoint], count: int,
                   days: int = 180, seed: int = 7) -> int:
    """Add `count` varied responses over the last `days` days, once; return how many were added."""
    if count <= 0 or s.scalar(select(func.count(Response.id)).where(Response.unit_id == unit.id)):
        return 0  # idempotent: a unit that already has responses keeps only its own
    q = shipped()[DEFAULT]
    questionnaire = ensure_row(s, q)
    rng = random.Random(seed)
    now = utcnow()
    for _ in range(count):
        point = rng.choice(points)
        service = rng.choice(point.services)
        # Services differ a little, so the per-service table has something to show.
        propensity = 0.80 + 0.15 * (hash(service.code) % 7) / 6
        answers = {c.code: (rng.choice((4, 5)) if rng.random() < propensity else rng.randint(1, 3))
                   for c in q.criteria}
        if rng.random() < 0.7:
            answers.update({m.code: rng.randint(1, 4) for m in q.expectations})
        answers.update({c.code: _choice(rng, c) for c in q.choices if rng.random() < 0.8})
        s.add(Response(
            submission_key=uuid.uuid4().hex,
            questionnaire_id=questionnaire.id,
            unit_id=unit.id,
            service_id=service.id,
            service_point_id=point.id,
            channel="kiosk" if rng.random() < 0.15 else "qr",
            submitted_at=now - timedelta(seconds=rng.randint(0, days * 86400)),
            answers=questionnaire.pack(answers),
            comment=Comment(text=rng.choice(COMMENTS)) if rng.random() < 0.2 else None,
        ))
    s.flush()
    return count
