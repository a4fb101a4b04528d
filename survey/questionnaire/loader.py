"""Load and validate questionnaire files; every error names file, item and problem."""
from __future__ import annotations

import hashlib
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from survey.questionnaire.definition import (
    Choice,
    Criterion,
    Element,
    Expectation,
    Group,
    Option,
    QuestionnaireDefinition,
    Text,
)

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "questionnaires"
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,15}$")
SECTIONS = ("perception", "channel", "respondent")


class QuestionnaireError(ValueError):
    """A questionnaire file is broken; the message says where and why."""

    def __init__(self, source: str, item: str, problem: str):
        super().__init__(f"{source}: {item}: {problem}")
        self.source, self.item, self.problem = source, item, problem


class _Reader:
    """Carry the file name so each check can report where it failed."""

    def __init__(self, source: str):
        self.source = source
        self.seen: set[str] = set()

    def fail(self, item: str, problem: str) -> QuestionnaireError:
        return QuestionnaireError(self.source, item, problem)

    def get(self, table: dict, key: str, kind: type, item: str):
        if key not in table:
            raise self.fail(item, f"missing '{key}'")
        value = table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(item, f"'{key}' must be {kind.__name__}, got {type(value).__name__}")
        return value

    def text(self, table: dict, item: str) -> Text:
        vi, en = self.get(table, "vi", str, item), self.get(table, "en", str, item)
        if not vi.strip() or not en.strip():
            raise self.fail(item, "wording must not be empty in Vietnamese or English")
        return Text(vi=vi.strip(), en=en.strip())

    def code(self, table: dict, item: str) -> str:
        code = self.get(table, "code", str, item)
        if not CODE_RE.match(code):
            raise self.fail(item, f"code {code!r} must be upper-case letters and digits")
        if code in self.seen:
            raise self.fail(code, "code used twice")
        self.seen.add(code)
        return code

    def options(self, raw: object, item: str) -> tuple[Option, ...]:
        if not isinstance(raw, list) or len(raw) < 2:
            raise self.fail(item, "needs a list of at least two options")
        options = []
        for i, point in enumerate(raw, 1):
            where = f"{item} option {i}"
            if not isinstance(point, dict):
                raise self.fail(where, "must be a table with value, vi and en")
            options.append(Option(self.get(point, "value", int, where), self.text(point, where)))
        values = [o.value for o in options]
        if len(set(values)) != len(values):
            raise self.fail(item, "option values repeat")
        if not all(1 <= v <= 255 for v in values):
            # A response keeps each answer in one byte, 0 meaning no answer.
            raise self.fail(item, "option values must lie in 1..255")
        return tuple(options)


def _scale(r: _Reader, data: dict, name: str, size: int) -> tuple[Option, ...]:
    scale = data.get("scales", {}).get(name)
    if not isinstance(scale, dict):
        raise r.fail(f"scales.{name}", "missing")
    options = r.options(scale.get("points"), f"scales.{name}")
    if [o.value for o in options] != list(range(1, size + 1)):
        raise r.fail(f"scales.{name}", f"points must be numbered 1 to {size}")
    return options


def _elements(r: _Reader, data: dict, groups: dict[str, Group]) -> tuple[Element, ...]:
    raw = data.get("elements")
    if not isinstance(raw, list) or not raw:
        raise r.fail("elements", "at least one element is required")
    elements = []
    for i, table in enumerate(raw, 1):
        code = r.code(table, f"elements[{i}]")
        group = r.get(table, "group", str, code)
        if group not in groups:
            raise r.fail(code, f"unknown group {group!r}")
        criteria_raw = r.get(table, "criteria", list, code)
        if not criteria_raw:
            raise r.fail(code, "an element needs at least one criterion")
        criteria = []
        for j, c in enumerate(criteria_raw, 1):
            ccode = r.code(c, f"{code} criterion {j}")
            if not ccode.startswith(code):
                raise r.fail(ccode, f"criterion code must start with its element code {code}")
            criteria.append(Criterion(ccode, code, r.text(c, ccode)))
        elements.append(Element(code, group, r.text(table, code), tuple(criteria)))
    for g in groups:
        if not any(e.group == g for e in elements):
            raise r.fail(g, "group has no element")
    return tuple(elements)


def _choices(r: _Reader, data: dict) -> tuple[Choice, ...]:
    choices = []
    for i, table in enumerate(data.get("choices", []), 1):
        code = r.code(table, f"choices[{i}]")
        section = r.get(table, "section", str, code)
        if section not in SECTIONS:
            raise r.fail(code, f"section must be one of {', '.join(SECTIONS)}")
        options = r.options(table.get("options"), code)
        choices.append(Choice(code, section, r.text(table, code), options))
    return tuple(choices)


def parse(data: dict, source: str, checksum: str = "") -> QuestionnaireDefinition:
    """Validate a decoded definition and build the immutable questionnaire."""
    r = _Reader(source)
    code = r.get(data, "code", str, "code")
    version = r.get(data, "version", str, "version")
    groups_raw = r.get(data, "groups", list, "groups")
    groups = {}
    for i, g in enumerate(groups_raw, 1):
        gcode = r.code(g, f"groups[{i}]")
        groups[gcode] = Group(gcode, r.text(g, gcode))
    if not groups:
        raise r.fail("groups", "at least one group is required")
    expectations_raw = data.get("expectations", {"items": [], "vi": "-", "en": "-"})
    expectations = tuple(
        Expectation(r.code(e, f"expectations {i}"), r.text(e, f"expectations {i}"))
        for i, e in enumerate(r.get(expectations_raw, "items", list, "expectations"), 1)
    )
    max_len = data.get("comment_max_length", 1000)
    if not isinstance(max_len, int) or not 50 <= max_len <= 5000:
        raise r.fail("comment_max_length", "must be a whole number from 50 to 5000")
    return QuestionnaireDefinition(
        code=code,
        version=version,
        title=r.text(r.get(data, "title", dict, "title"), "title"),
        basis=data.get("basis", ""),
        checksum=checksum,
        source=source,
        criteria_required=bool(data.get("criteria_required", True)),
        comment_max_length=max_len,
        satisfaction_scale=_scale(r, data, "satisfaction", 5),
        expectation_scale=_scale(r, data, "expectation", 4) if expectations else (),
        expectation_prompt=r.text(expectations_raw, "expectations"),
        groups=tuple(groups.values()),
        elements=_elements(r, data, groups),
        expectations=expectations,
        choices=_choices(r, data),
    )


def load_file(path: Path | str) -> QuestionnaireDefinition:
    """Read and validate one questionnaire file."""
    path = Path(path)
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise QuestionnaireError(path.name, "file", f"not valid UTF-8 TOML: {exc}") from exc
    return parse(data, path.name, hashlib.sha256(raw).hexdigest())


@lru_cache(maxsize=None)
def shipped() -> dict[tuple[str, str], QuestionnaireDefinition]:
    """Return every questionnaire shipped with the service, keyed by (code, version)."""
    found = {}
    for path in sorted(SHIPPED_DIR.glob("*.toml")):
        q = load_file(path)
        found[(q.code, q.version)] = q
    return found
