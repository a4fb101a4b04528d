"""The built wheel carries every file the service reads at run time.

.ci/wheel-check installs the wheel into a fresh environment and runs it from
an empty folder; this quicker test lists the wheel so a missing data file is
named here, with the folder it was meant to come from.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Checkout folder -> where the wheel must carry it, and which files matter.
SHIPPED = {
    "templates": ("survey/_templates", "*"),  # every file: a template includes form.js too
    "migrations": ("survey/_migrations", "*.py"),
    "survey/questionnaires": ("survey/questionnaires", "*.toml"),
    "survey/demo": ("survey/demo", "*.toml"),
    "survey/static": ("survey/static", "*"),
    "survey/translations": ("survey/translations", "*.mo"),
}


def _tracked_copy(dest: Path) -> None:
    """Copy what git knows of the checkout, so stale build/ output cannot hide a gap."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


@pytest.mark.slow
def test_wheel_ships_templates_migrations_and_data(tmp_path):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files are the project's")
    src, dist = tmp_path / "src", tmp_path / "dist"
    _tracked_copy(src)
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(src)],
                           check=False, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = dist.glob("sipas-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, (packaged, pattern) in SHIPPED.items():
        expected = {f"{packaged}/{p.relative_to(ROOT / folder).as_posix()}"
                    for p in (ROOT / folder).rglob(pattern) if p.is_file() and "__pycache__" not in p.parts}
        assert expected, f"nothing matches {folder}/{pattern}"
        assert expected <= names, f"missing from the wheel: {sorted(expected - names)[:5]}"
    assert "survey/_migrations/script.py.mako" in names
    assert any(n.startswith("analysis/") for n in names)
