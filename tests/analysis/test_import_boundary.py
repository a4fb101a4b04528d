"""analysis/ stays a pure statistics package: no web framework, no database."""
import json
import subprocess
import sys

from conftest import ROOT


def test_import_analysis_loads_no_flask_sqlalchemy_or_survey():
    code = ("import json, sys; import analysis, analysis.cli; "
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    loaded = json.loads(out.stdout)
    assert "analysis" in loaded
    forbidden = [m for m in loaded
                 if m.split(".")[0] in {"flask", "sqlalchemy", "survey", "werkzeug",
                                        "statsmodels", "openpyxl"}]
    assert forbidden == []
