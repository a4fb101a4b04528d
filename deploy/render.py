"""Fill the @NAME@ placeholders of the deployment files with one site's values.

    python3 deploy/render.py VALUES_FILE OUT_DIR

VALUES_FILE holds NAME=value lines (see deploy/values.example); every file
under deploy/ except this script and the values files is written to OUT_DIR
with the same relative path. A placeholder without a value, or a value no
file uses, is an error: a half-filled unit must not reach /etc. Standard
library only, so it runs on a host before the service is installed. The
failover test renders the same files with its own addresses
(tests/failover/), so what is written here is what was exercised.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")
NOT_TEMPLATES = {"render.py", "values.example"}


class RenderError(ValueError):
    """A placeholder has no value, or a value names no placeholder."""


def templates() -> list[Path]:
    """Return the deployment files, relative to deploy/."""
    return sorted(p.relative_to(HERE) for p in HERE.rglob("*")
                  if p.is_file() and p.name not in NOT_TEMPLATES and "__pycache__" not in p.parts)


def read_values(path: Path) -> dict[str, str]:
    """Parse NAME=value lines; blank lines and # comments are skipped."""
    values = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not PLACEHOLDER.fullmatch(f"@{name.strip()}@"):
            raise RenderError(f"{path}:{number}: expected NAME=value, got {line!r}")
        values[name.strip()] = value.strip()
    return values


def render_text(text: str, values: dict[str, str], where: str = "") -> str:
    """Replace every @NAME@ in text; refuse a name without a value."""
    missing = sorted({m for m in PLACEHOLDER.findall(text) if m not in values})
    if missing:
        raise RenderError(f"{where}: no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def render(values: dict[str, str], out_dir: Path) -> list[Path]:
    """Write every deployment file filled with values into out_dir; return the paths written."""
    used: set[str] = set()
    written = []
    for relative in templates():
        text = (HERE / relative).read_text(encoding="utf-8")
        used.update(PLACEHOLDER.findall(text))
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_text(text, values, str(relative)), encoding="utf-8")
        target.chmod((HERE / relative).stat().st_mode & 0o777)
        written.append(target)
    unused = sorted(set(values) - used)
    if unused:
        raise RenderError(f"values no file uses (misspelt?): {', '.join(unused)}")
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        for path in render(read_values(Path(argv[0])), Path(argv[1])):
            print(path)
    except RenderError as exc:
        print(f"render: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
