"""Layers point one way: the data layer imports nothing above it, and registers nothing process-wide."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What survey.models may import: the package itself (its factory imports
# nothing at import time), settings, paths, the engine and the models.
DATA_LAYER = ("survey", "survey.config", "survey.paths", "survey.db", "survey.models")
EVENTS = ("after_flush", "after_transaction_end", "before_flush", "after_commit", "after_begin")


def _allowed(name: str) -> bool:
    return name in DATA_LAYER or name.startswith("survey.models.")


def test_model_modules_import_nothing_above_them():
    """Also imports hidden inside functions, which import-time checks cannot see."""
    found = []
    for path in sorted((ROOT / "survey" / "models").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] if node.module != "survey" else [f"survey.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            found += [f"{path.name}: {n}" for n in names if n.startswith("survey") and not _allowed(n)]
    assert found == []


def test_importing_the_models_loads_no_feature_and_no_global_session_listener():
    code = ("import json, sys; import survey.models; from sqlalchemy.orm import Session; s = Session(); "
            f"print(json.dumps([sorted(sys.modules), {{n: len(getattr(s.dispatch, n)) for n in {EVENTS!r}}}]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    modules, listeners = json.loads(out.stdout)
    above = [m for m in modules if m.startswith("survey") and not _allowed(m)]
    assert above == []
    assert listeners == dict.fromkeys(EVENTS, 0)  # listeners live on an app's own session factory


def test_the_app_registers_its_listeners_on_its_own_session_factory(app):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from survey.results import selection

    factory = app.extensions["sipas.sessionmaker"]
    assert event.contains(factory, "after_flush", selection._forget)  # the results memo is forgotten
    assert not event.contains(Session, "after_flush", selection._forget)
