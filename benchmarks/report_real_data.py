"""What the importer makes of the shared real STIX data: ``python benchmarks/report_real_data.py [DATA_FOLDER]``.

Imports every file under ``stix/`` and ``bad/`` into its own fresh workspace and prints, as docs/import.md lists them,
the files refused whole and the objects refused with their reasons, then the warnings by kind and data set.
"""

from __future__ import annotations

import collections
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench.domain.errors import WorkbenchError  # noqa: E402
from workbench.services.importing.importer import import_file  # noqa: E402
from workbench.services.workspace import Workspace, create_workspace  # noqa: E402
from workbench.storage.database import Database  # noqa: E402


def main() -> int:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"
    files = sorted((data / "stix").rglob("*.json")) + sorted((data / "bad").rglob("*.json"))
    scratch = Path(tempfile.mkdtemp(prefix="real-data-"))
    warnings: collections.Counter[tuple[str, str, str]] = collections.Counter()
    try:
        template = create_workspace(scratch / "template.db", "report", "Report")
        template.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        key = template.db.key
        template.db.conn.close()
        for path in files:
            copy = scratch / "workspace.db"
            shutil.copyfile(scratch / "template.db", copy)
            ws = Workspace(Database.open_with_key(copy, key), "", "")
            relative = path.relative_to(data)
            try:
                summary = import_file(ws, path)
            except WorkbenchError as exc:
                print(f"- `{relative}`: file refused: {exc}")
                continue
            finally:
                ws.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(str(copy) + suffix).unlink(missing_ok=True)
            if summary.objects_refused:
                reasons = collections.Counter(
                    _reason(finding.property, finding.message) for finding in summary.refusal_reasons
                )
                listed = "; ".join(
                    f"{reason}" + (f" (x{count})" if count > 1 else "") for reason, count in reasons.most_common()
                )
                print(f"- `{relative}`: {summary.objects_refused} of {summary.objects_read} objects refused: {listed}")
            for finding in summary.warnings:
                warnings[(relative.parts[1], finding.property or "", _reason(None, finding.message))] += 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\nwarnings by data set and kind:")
    for (dataset, prop, message), count in warnings.most_common():
        print(f"  {count:5d}  {dataset:20} {prop:28} {message}")
    return 0


def _reason(prop: str | None, message: str) -> str:
    """A message with the quoted value left out, so that equal reasons count together."""
    text = message.split(": ", 1)[-1] if message.startswith("'") and "': " in message else message
    if text.startswith("'") and "' is not" in text:
        text = "..." + text[text.index("' is not") + 1 :]
    if "Error found at line" in text:
        text = text.split("Error found at line")[0] + "syntax error (" + text.split(". ", 1)[-1][:60] + ")"
    return f"{prop}: {text}" if prop else text


if __name__ == "__main__":
    raise SystemExit(main())
