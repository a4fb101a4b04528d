"""A serving worker does not load the printing, charting or migration libraries until a request needs them.

Each gunicorn worker is its own process: matplotlib, python-docx,
reportlab, qrcode (with PIL and lxml) and Alembic at import time cost it
~55 MB before its first request (191 MB instead of 245 MB after
`create_app`), and a city host runs several workers.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFERRED = ("matplotlib", "docx", "reportlab", "qrcode", "PIL", "alembic")

PROBE = """
import json, sys
from survey import create_app
app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "probe", "SIPAS_ROLLUP_EVERY_MINUTES": 0})
client = app.test_client()
client.get("/staff/login")
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _loaded(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_create_app_defers_the_heavy_libraries():
    loaded = _loaded(PROBE)
    assert "flask" in loaded and "survey" in loaded  # the probe did build the app
    assert not loaded & set(DEFERRED), sorted(loaded & set(DEFERRED))


def test_the_deferred_modules_still_import():
    """The views import them on demand: the modules they name must exist and load."""
    loaded = _loaded("import json, sys; import survey.posters, survey.report.document, survey.qr, "
                     "survey.invitations.slips, survey.report.city, survey.commands.database as d; "
                     "d._alembic(); print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    assert set(DEFERRED) <= loaded
