"""Privacy: nothing about the citizen's device or network is stored."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from tests.reliability.helpers import database_snapshot, kiosk_token, stored, submit

ADDRESS = "198.51.100.213"
AGENT = "SipasProbe/9.7 (UniqueAgent-7f3a; Android 14)"
PROBES = (ADDRESS, "198.51.100", "UniqueAgent", "SipasProbe")


def test_no_address_or_user_agent_in_any_column_of_any_table(make_app, demo):
    # Limits on, as in production: the limiter must not write the address anywhere either.
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT,
                                "HTTP_X_FORWARDED_FOR": ADDRESS})
    point = demo.points[0]
    assert submit(client, f"/s/{point.token}", point.services[0], comment="Không có gì").status_code == 303
    assert submit(client, f"/k/{kiosk_token(app, point.id)}", point.services[0], base=2).status_code == 303
    assert stored(app) == 2
    snapshot = database_snapshot(app)
    dump = "\n".join(row for rows in snapshot.values() for row in rows)
    assert "Không có gì" in dump  # the scan does see what was stored
    for probe in PROBES:
        assert probe not in dump, probe
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite":  # the raw file and its WAL too
        for path in (Path(url.database), Path(url.database + "-wal")):
            if path.exists():
                raw = path.read_bytes()
                for probe in PROBES:
                    assert probe.encode() not in raw, (path, probe)


def test_the_form_links_a_vietnamese_privacy_notice(client, demo):
    html = client.get(f"/s/{demo.points[0].token}").get_data(as_text=True)
    assert "không lưu địa chỉ IP" in html and "Nghị định 13/2023/NĐ-CP" in html
    assert len(html.encode()) < 36 * 1024  # 7.6 KB gzipped; see tests/citizen/test_form_page.py
