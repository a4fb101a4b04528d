"""One way to define a feature, and features that talk through public functions.

Each feature package defines its blueprint in its `__init__`, its `views`
module attaches the routes, and only the app factory imports `views`.
"""
from __future__ import annotations

import ast
from pathlib import Path

SURVEY = Path(__file__).resolve().parents[1] / "survey"


def _modules():
    for path in sorted(SURVEY.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _package(path: Path) -> str:
    return path.relative_to(SURVEY).parts[0]


def _imported_modules(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_every_blueprint_is_made_in_its_feature_package():
    made = {str(path.relative_to(SURVEY)) for path, tree in _modules() for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Blueprint"}
    assert made and all(name.endswith("/__init__.py") for name in made), made


def test_no_package_imports_below_its_code():
    late = []
    for path, tree in _modules():
        if path.name != "__init__.py":
            continue
        seen_code = False
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if seen_code:
                    late.append(f"{path.relative_to(SURVEY)}:{node.lineno}")
            elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                seen_code = True
    assert late == []


def test_only_the_app_factory_imports_a_features_routes():
    importers = {str(path.relative_to(SURVEY)): sorted(m for m in _imported_modules(tree) if m.endswith(".views"))
                 for path, tree in _modules()}
    # admin/views.py gathers the admin package's own route modules.
    bad = {name: mods for name, mods in importers.items() if mods and name not in ("__init__.py", "admin/views.py")}
    assert bad == {}


def test_no_feature_calls_another_features_private_names():
    leaks = []
    for path, tree in _modules():
        own = _package(path)
        aliases = {}  # local name -> package of the survey module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("survey."):
                for a in node.names:
                    origin = node.module.split(".")[1]
                    if a.name.startswith("_"):
                        leaks.append(f"{path.relative_to(SURVEY)} imports {node.module}.{a.name}")
                    aliases[a.asname or a.name] = origin
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and aliases.get(node.value.id, own) != own):
                leaks.append(f"{path.relative_to(SURVEY)}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert leaks == []
