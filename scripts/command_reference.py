"""Write resources/guides/commands.md from the program's own argument parser (run after changing a command).

PYTHONPATH=. python scripts/command_reference.py          # write the page
PYTHONPATH=. python scripts/command_reference.py --check  # exit 1 when the page is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench.cli import build_parser  # noqa: E402
from workbench.cli.reference import render_reference  # noqa: E402

PAGE = REPO / "resources" / "guides" / "commands.md"


def main(argv: list[str]) -> int:
    text = render_reference(build_parser())
    if "--check" in argv:
        if not PAGE.is_file() or PAGE.read_text(encoding="utf-8") != text:
            print(f"{PAGE.relative_to(REPO)} is out of date: run scripts/command_reference.py", file=sys.stderr)
            return 1
        return 0
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
