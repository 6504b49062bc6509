"""The layering rule of design.md: the Qt-free core never imports PySide6, and imports point downward only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "workbench"
# Which layers each layer may import from.
ALLOWED = {
    "domain": {"domain"},
    "storage": {"domain", "storage"},
    "services": {"domain", "storage", "services"},
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_core_layers_never_import_qt_and_only_import_downward(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no modules found in {layer}/"
    offences = []
    for path in files:
        for name in _imports(path):
            top = name.split(".")[0]
            if top in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}:
                offences.append(f"{path.relative_to(PACKAGE)} imports {name}")
            if top == "workbench":
                parts = name.split(".")
                target = parts[1] if len(parts) > 1 else ""
                if target in {"app", "ui", "cli"} or (target in ALLOWED and target not in ALLOWED[layer]):
                    offences.append(f"{path.relative_to(PACKAGE)} imports {name} (upward)")
    assert offences == []


def test_the_rule_itself_catches_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6.QtCore import QObject\nimport workbench.ui.main\n")
    assert "PySide6.QtCore" in _imports(sample)
    assert "workbench.ui.main" in _imports(sample)
