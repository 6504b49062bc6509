"""Starting the desktop application."""

from __future__ import annotations

import sys


def run_gui(db: str | None = None, demo: bool = False) -> int:
    print("workbench: the desktop window is not built yet; use the sub-commands (workbench --help)",
          file=sys.stderr)
    return 1
