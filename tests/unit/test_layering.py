"""The layout rules of docs/architecture.md: imports point downward only (relative imports included), nothing
below the window imports Qt, the window and the command line reach the workspace through services given a
``Workspace``, and command modules register their commands explicitly."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "workbench"
# Which layers each layer may import from, bottom to top. The command line is the program's entry point: it starts
# the window (``ui.launch``, imported when ``workbench gui`` runs) and otherwise uses services only.
ALLOWED = {
    "domain": {"domain"},
    "storage": {"domain", "storage"},
    "services": {"domain", "storage", "services"},
    "app": {"domain", "services", "app"},
    "ui": {"domain", "services", "app", "ui"},
    "cli": {"domain", "services", "app", "ui", "cli"},
}
QT_FREE = {"domain", "storage", "services", "cli"}
QT = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str | None = None) -> list[str]:
    """Every module ``path`` imports, at any depth of the file; relative imports resolved to absolute names as
    seen from ``module`` (by default the module the path is)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (module or _module_name(path)).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names.append(base)
            if node.module is None:  # ``from . import x``: x is a module of that package
                names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def _offences(layer: str, path: Path, module: str | None = None) -> list[str]:
    found = []
    for name in _imports(path, module):
        top = name.split(".")[0]
        if top in QT and layer in QT_FREE:
            found.append(f"{path.name} imports {name}")
        if top == "workbench":
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else ""
            if target in ALLOWED and target not in ALLOWED[layer]:
                found.append(f"{path.name} imports {name} (not below {layer}/)")
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_from_the_layers_below(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no modules found in {layer}/"
    assert [offence for path in files for offence in _offences(layer, path)] == []


def test_every_module_is_in_a_layer() -> None:
    loose = sorted(
        path.name
        for path in PACKAGE.glob("*.py")
        if path.name not in ("__init__.py", "__main__.py")  # the version, and ``python -m workbench``
    )
    assert loose == []
    assert {path.name for path in PACKAGE.iterdir() if path.is_dir() and (path / "__init__.py").exists()} == set(
        ALLOWED
    )


def test_the_rules_catch_what_they_name(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from PySide6.QtCore import QObject\n"
        "from ..app import tasks\n"
        "from . import keys\n"
        "def later():\n    from workbench.ui import screens\n"
    )
    # Read as if it were workbench/services/sample.py: ``..app`` is workbench.app, ``.`` is workbench.services.
    found = _offences("services", sample, "workbench.services.sample")
    assert [offence.split(" imports ")[1] for offence in found] == [
        "PySide6.QtCore",
        "workbench.app (not below services/)",
        "workbench.ui (not below services/)",
    ]


def test_the_command_line_loads_no_qt() -> None:
    """``workbench import`` on a transfer station pays nothing for the window: Qt is loaded by ``workbench gui``."""
    probe = "import sys, workbench.cli; print(sorted(name for name in sys.modules if name.startswith('PySide6')))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def _connections_handed_over(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            values = [*node.args, *(keyword.value for keyword in node.keywords)]
            if any(isinstance(value, ast.Attribute) and value.attr == "conn" for value in values):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


@pytest.mark.parametrize("layer", ["cli", "app", "ui"])
def test_the_window_and_the_command_line_hand_services_a_workspace(layer: str) -> None:
    """services/__init__.py: what cli/, app/ and ui/ call takes the Workspace; a Connection is for the steps of a
    transaction already open, which only services run."""
    found = [hit for path in sorted((PACKAGE / layer).rglob("*.py")) for hit in _connections_handed_over(path)]
    assert found == []


def test_handing_over_a_connection_is_seen(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("library.count(ws.conn, flt)\nsomething.check(p, conn=ws.conn)\nws.conn.interrupt()\n")
    assert len(_connections_handed_over(sample)) == 2


def test_command_modules_register_only_their_own_commands() -> None:
    """No command module changes another one's state when imported (sub-commands added by side effect)."""
    offences = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "noqa: F401" in text:
            offences.append(f"{path.name}: an import kept for its side effect")
        for node in ast.parse(text).body:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                offences.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert offences == []
    from workbench.cli import build_parser

    keys = next(
        action
        for action in build_parser()._subparsers._group_actions[0].choices["keys"]._actions  # type: ignore[union-attr]
        if action.dest == "keys_command"
    )
    assert {"add-partner", "ceilings", "revoke", "trust", "readmit"} < set(keys.choices)
