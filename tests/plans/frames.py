"""Build a synthetic dossier list for the demo commune (CSV bytes)."""
from __future__ import annotations

import random
from datetime import timedelta

from survey.plans.calendar import today

CHANNELS = ("Trực tiếp", "Trực tuyến toàn trình", "Trực tuyến một phần", "Bưu chính")


def frame_csv(counts: dict[str, int], seed: int = 7, late_share: dict[str, float] | None = None) -> bytes:
    """`counts[service code]` dossiers received in the last 20 days, some late."""
    rng = random.Random(seed)
    lines = ["Mã hồ sơ,Mã thủ tục,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,Hình thức nộp,Thanh toán trực tuyến"]
    for code, n in counts.items():
        for i in range(n):
            received = today() - timedelta(days=rng.randint(1, 20))
            due = received + timedelta(days=3)
            late = rng.random() < (late_share or {}).get(code, 0.1)
            returned = due + timedelta(days=2) if late else due - timedelta(days=rng.randint(0, 2))
            fmt = "%d/%m/%Y"
            lines.append(f"{code}-{i:04d},{code},{received:{fmt}},{due:{fmt}},{returned:{fmt}},"
                         f"{rng.choice(CHANNELS)},{rng.choice(['Có', 'Không', ''])}")
    return ("\n".join(lines) + "\n").encode("utf-8")
