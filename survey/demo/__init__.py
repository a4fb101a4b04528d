"""Seed an idempotent demo: one Hải Phòng commune with its counters and procedures."""
from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy.orm import Session

from survey.catalogue import operations as ops
from survey.models import ServicePoint, Unit

DEMO_FILE = Path(__file__).resolve().parent / "hai-phong.toml"


def seed(s: Session) -> tuple[Unit, list[ServicePoint]]:
    """Create or refresh the demo catalogue; running it twice changes nothing."""
    data = tomllib.loads(DEMO_FILE.read_text(encoding="utf-8"))
    city = ops.upsert_unit(s, data["city"]["code"], data["city"]["name"], "city", name_en=data["city"].get("name_en"))
    commune = ops.upsert_unit(s, data["commune"]["code"], data["commune"]["name"], "commune", city,
                              data["commune"].get("name_en"))
    fields = {f["code"]: ops.upsert_field(s, f["code"], f["name"]) for f in data["fields"]}
    services = [ops.upsert_service(s, v["code"], v["name"], fields[v["field"]], v.get("name_en")) for v in data["services"]]
    points = [
        ops.upsert_service_point(
            s, commune, c["name"], [v for v in services if v.field.code in c["fields"]], c.get("name_en")
        )
        for c in data["counters"]
    ]
    return commune, points
