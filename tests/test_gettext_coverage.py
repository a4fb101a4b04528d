"""Every Vietnamese message in survey/ goes through gettext, and every msgid has English (issue #16.7).

The scan reads each module's syntax tree: a string constant (f-string pieces
included) with a Vietnamese letter is a finding unless it is a docstring, an
argument of ``_``/``_l``/``gettext``/``ngettext``/``lazy_gettext``, or listed
below with the reason it stays Vietnamese whatever the reader's language.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

import survey

ROOT = Path(survey.__file__).parent
PROJECT = ROOT.parent
CATALOGUE = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
GETTEXT = {"_", "_l", "gettext", "ngettext", "lazy_gettext", "lazy_ngettext"}
# Vietnamese letters with diacritics (both cases) and đ/Đ: ASCII-only words are not flagged.
VIETNAMESE = re.compile("[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ"
                        "ÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴĐ]")

# Whole modules whose Vietnamese is a document's or a printout's, not an interface's.
ALLOWED_MODULES = {
    "survey/report/": "the DOCX report is an administrative document in Vietnamese for the Department of "
                      "Home Affairs (Nghị định 30/2020 layout), whatever language the officer reads the pages in",
    "survey/results/method_text.py": "the method's wording of that report and of the XLSX method sheet",
    "survey/posters.py": "the printed A4 posters citizens read at the counter",
    "survey/invitations/slips.py": "the printed invitation slips handed to citizens",
    "survey/qr.py": "the warning drawn into a downloaded QR image that is printed",
    "survey/demo/responses.py": "sample comments citizens typed in the demo data",
}
# Single constants that are data, not messages.
ALLOWED_STRINGS = {
    ("survey/units/rows.py", "Tỉnh"): "the word an official unit name starts with (stored in the name)",
    ("survey/units/rows.py", "Thành phố"): "the word an official unit name starts with (stored in the name)",
    ("survey/units/rows.py", "Xã"): "the word an official unit name starts with (stored in the name)",
    ("survey/units/rows.py", "Phường"): "the word an official unit name starts with (stored in the name)",
    ("survey/units/rows.py", "Đặc khu"): "the word an official unit name starts with (stored in the name)",
    ("survey/frame/columns.py", "đ"): "a letter folded to d when headers are compared",
    ("survey/frame/columns.py", "Đ"): "a letter folded to D when headers are compared",
    ("survey/models/plans.py", "CHỦ TỊCH"): "the default signer's title stored with a plan for its report",
    ("survey/plans/operations.py", "CHỦ TỊCH"): "the same default signer's title",
    ("survey/plans/forms.py", "CHỦ TỊCH"): "the same default signer's title",
    ("survey/commands/counters.py", "Counters (quầy) and their survey QR addresses."):
        "English command-line help naming the Vietnamese term of the glossary",
}


def _name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _skipped(tree: ast.AST) -> set[int]:
    """Ids of docstring constants and of every node inside a gettext call's arguments."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.Call) and _name(node) in GETTEXT:
            skip |= {id(inner) for arg in node.args for inner in ast.walk(arg)}
    return skip


def vietnamese_outside_gettext(source: str, path: str) -> list[str]:
    """Return `path:line: text` for each Vietnamese constant of `source` not through gettext nor allowed."""
    tree = ast.parse(source)
    skip = _skipped(tree)
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
                and VIETNAMESE.search(node.value) and (path, node.value) not in ALLOWED_STRINGS):
            found.append(f"{path}:{node.lineno}: {node.value[:70]!r}")
    return found


def _modules():
    for file in sorted(ROOT.rglob("*.py")):
        path = file.relative_to(PROJECT).as_posix()
        if not any(path.startswith(prefix) for prefix in ALLOWED_MODULES):
            yield path, file.read_text(encoding="utf-8")


def test_no_vietnamese_message_outside_gettext():
    found = [hit for path, source in _modules() for hit in vietnamese_outside_gettext(source, path)]
    assert found == [], "put these through _() / _l() (or allow them above, with the reason):\n" + "\n".join(found)


def test_the_scan_finds_what_it_must_and_only_that():
    source = '''
"""Module docstring: Tiếng Việt."""
from flask_babel import gettext as _
A = _("Đã lưu.")
B = "Đã lưu."
C = f"Dòng {n} lỗi"
D = _("Dòng %(n)s", n=f"{x} dòng")  # a keyword's value is not the message: found
E = "plain ascii"
def f():
    """Hàm."""
    raise ValueError("Thiếu mã.")
'''
    found = vietnamese_outside_gettext(source, "survey/x.py")
    assert sorted({int(line.split(":")[1]) for line in found}) == [5, 6, 7, 11]
    assert vietnamese_outside_gettext('X = "Xã"', "survey/units/rows.py") == []


def test_no_f_string_inside_gettext():
    # An f-string cannot be extracted: the catalogue would never hold its text.
    found = []
    for path, source in _modules():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and _name(node) in GETTEXT and node.args:
                if isinstance(node.args[0], ast.JoinedStr):
                    found.append(f"{path}:{node.lineno}")
    assert found == []


def test_every_message_has_an_english_translation():
    catalog = read_po(CATALOGUE.open("rb"))
    messages = [m for m in catalog if m.id]
    assert len(messages) > 300
    empty = [m.id for m in messages if not (m.string if isinstance(m.string, str) else all(m.string))]
    assert empty == [], f"{len(empty)} messages without English: {empty[:20]}"
    assert [m.id for m in messages if m.fuzzy] == []
