"""The shape of the code (DESIGN.md §1, §3, §10.13), checked on the source with `ast`.

1. Apps depend downward only: `api`, `search` → `votes` → `documents` → `sessions` →
   `ratsinfo`. No module of an app imports a module of an app above it, nor names one of its
   models in a relation field ("documents.Paper"). Migrations are generated and left out. The
   project wiring modules `ratsinfo/settings.py`, `ratsinfo/urls.py` and `ratsinfo/asgi.py` are
   exempt: they compose the whole project, so they must name every app. Apps that do not exist
   yet are simply absent.
2. Only `ratsinfo/visibility.py` filters on `public`: a `filter()`, `exclude()`, `get()` or `Q()`
   with a `public` lookup anywhere else bypasses the visibility rule. Tests, migrations and the
   demo data builder (which sets `public=` when creating objects) are not checked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Lower rank = lower layer. Apps of equal rank do not depend on each other's layer order.
LAYERS = {"ratsinfo": 0, "sessions": 1, "documents": 2, "votes": 3, "search": 4, "api": 4}
# Model references in relation fields use app labels, not package names.
APP_LABELS = {"ratsinfo": "ratsinfo", "meetings": "sessions", "documents": "documents"}
APP_LABELS.update({name: name for name in ("votes", "search", "api")})
WIRING = {"ratsinfo/settings.py", "ratsinfo/urls.py", "ratsinfo/asgi.py"}
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
FILTER_CALLS = {"filter", "exclude", "get", "Q"}
VISIBILITY_MODULE = "ratsinfo/visibility.py"
DEMO_PACKAGE = "documents/demo/"


def app_modules() -> Iterator[tuple[str, str]]:
    """(app, path relative to the repo) of every module of every existing app."""
    for app in LAYERS:
        package = REPO / app
        if not (package / "__init__.py").exists():
            continue
        for path in sorted(package.rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            if "/migrations/" not in relative:
                yield app, relative


def imported_modules(tree: ast.AST, module_path: str) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import, relative imports resolved against `module_path`."""
    package_parts = module_path.removesuffix(".py").split("/")[:-1]
    if module_path.endswith("__init__.py"):
        package_parts = module_path.split("/")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])
            elif node.module:
                yield node.lineno, node.module


def referenced_models(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, app label) of every "label.Model" string given to a relation field."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or call_name(node) not in RELATION_FIELDS:
            continue
        targets = [*node.args[:1], *(kw.value for kw in node.keywords if kw.arg == "to")]
        for target in targets:
            if isinstance(target, ast.Constant) and "." in str(target.value):
                yield node.lineno, str(target.value).split(".")[0]


def call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None


def upward_dependencies(app: str, source: str, module_path: str) -> list[str]:
    tree = ast.parse(source, filename=module_path)
    found = []
    for line, module in imported_modules(tree, module_path):
        target = module.split(".")[0]
        if LAYERS.get(target, -1) > LAYERS[app]:
            found.append(f"{module_path}:{line} imports {module}")
    for line, label in referenced_models(tree):
        target = APP_LABELS.get(label, "")
        if LAYERS.get(target, -1) > LAYERS[app]:
            found.append(f"{module_path}:{line} refers to a model of {label}")
    return found


def public_lookups(source: str, module_path: str) -> list[str]:
    """Filter calls with a keyword such as `public=True`, `public__exact` or `paper__public`."""
    found = []
    for node in ast.walk(ast.parse(source, filename=module_path)):
        if not isinstance(node, ast.Call) or call_name(node) not in FILTER_CALLS:
            continue
        keywords: list[object] = [kw.arg for kw in node.keywords if kw.arg]
        for mapping in (kw.value for kw in node.keywords if kw.arg is None):
            if isinstance(mapping, ast.Dict):
                keywords += [k.value for k in mapping.keys if isinstance(k, ast.Constant)]
        for keyword in keywords:
            if "public" in str(keyword).split("__"):
                found.append(f"{module_path}:{node.lineno} {call_name(node)}({keyword}=…)")
    return found


# --- the checkers can fail -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("sessions", "from documents.models import Paper"),
        ("sessions", "import votes.services"),
        ("documents", "from votes import rules"),
        ("ratsinfo", "from sessions.models import Meeting"),
        ("ratsinfo", "paper = models.ForeignKey('documents.Paper', models.CASCADE)"),
        ("ratsinfo", "meeting = ForeignKey('meetings.Meeting', models.CASCADE)"),
        ("ratsinfo", "papers = models.ManyToManyField(to='documents.Paper')"),
        ("votes", "from api import serializers"),
    ],
)
def test_upward_dependency_is_detected(app, source):
    assert upward_dependencies(app, source, f"{app}/example.py")


@pytest.mark.parametrize(
    ("module_path", "source", "resolved"),
    [
        ("documents/demo/build.py", "from ..models import Paper", "documents.models"),
        ("documents/demo/build.py", "from . import texts", "documents.demo"),
        ("documents/demo/__init__.py", "from .build import run", "documents.demo.build"),
    ],
)
def test_relative_import_is_resolved_inside_its_app(module_path, source, resolved):
    tree = ast.parse(source)

    assert [name for _line, name in imported_modules(tree, module_path)] == [resolved]


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("documents", "from sessions.models import Meeting"),
        ("documents", "from ratsinfo.visibility import visible"),
        ("documents", "from . import models"),
        ("sessions", "person = models.ForeignKey('ratsinfo.Person', models.CASCADE)"),
        ("sessions", "parent = models.ForeignKey('self', models.CASCADE)"),
        ("api", "from search import backends"),
        ("ratsinfo", "from django.db import models"),
    ],
)
def test_downward_dependency_is_allowed(app, source):
    assert upward_dependencies(app, source, f"{app}/example.py") == []


@pytest.mark.parametrize(
    "source",
    [
        "Paper.objects.filter(public=True)",
        "qs.exclude(public=False)",
        "Q(public=True) | Q(deleted=False)",
        "File.objects.filter(paper__public=True)",
        "qs.filter(public__exact=True)",
        "qs.filter(**{'agenda_item__public': True})",
    ],
)
def test_hand_written_public_filter_is_detected(source):
    assert public_lookups(source, "example.py")


@pytest.mark.parametrize(
    "source",
    [
        "Paper.objects.create(public=False)",
        "PaperFactory(public=True)",
        "qs.filter(contact_public=True)",
        "qs.filter(published_at__lte=now)",
    ],
)
def test_public_outside_a_filter_call_is_allowed(source):
    assert public_lookups(source, "example.py") == []


# --- the code base ---------------------------------------------------------------------------


def test_apps_exist_to_be_checked():
    apps = {app for app, _path in app_modules()}

    assert {"ratsinfo", "sessions", "documents"} <= apps


def test_no_app_depends_on_an_app_above_it():
    violations = [
        violation
        for app, path in app_modules()
        if path not in WIRING
        for violation in upward_dependencies(app, (REPO / path).read_text(), path)
    ]

    assert violations == []


def test_only_the_visibility_module_filters_on_public():
    violations = [
        violation
        for _app, path in app_modules()
        if path != VISIBILITY_MODULE and not path.startswith(DEMO_PACKAGE)
        for violation in public_lookups((REPO / path).read_text(), path)
    ]

    assert violations == []
