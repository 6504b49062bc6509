"""Case figures: creating cases, the case list and deadline panel over many incidents, exporting and adopting a
case with many linked objects, as a bundle file and as a signed exchange package. Ratios are against storing the
same number of indicators in one transaction, run in the same process, so that a loaded machine moves both sides
alike.

Run: PYTHONPATH=. python benchmarks/bench_cases.py [CASES]
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.domain.timestamps import now_stix
from workbench.services import cases, exchange, keys
from workbench.services.cases import exchange as case_exchange
from workbench.services.cases import links as case_links
from workbench.services.cases import records as case_records
from workbench.services.cases import stix as case_stix
from workbench.services.intake import import_source
from workbench.services.workspace import create_workspace
from workbench.storage.objects import ObjectStore


def indicator(number: int) -> dict[str, object]:
    stamp = now_stix()
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": stamp,
        "modified": stamp,
        "name": f"Address {number}",
        "pattern_type": "stix",
        "valid_from": stamp,
        "pattern": f"[ipv4-addr:value = '10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}']",
    }


def timed(label: str, work, reference: float | None = None) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    work()
    elapsed = time.perf_counter() - start
    ratio = f"  ({elapsed / reference:5.1f}x the reference)" if reference else ""
    print(f"{label:58s} {elapsed * 1000:9.1f} ms{ratio}")
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    folder = Path(tempfile.mkdtemp(prefix="bench-cases-"))
    ws = create_workspace(folder / "a.db", "benchmark passphrase", "Bench Agency")
    partner = create_workspace(folder / "b.db", "benchmark passphrase", "Bench Partner")
    objects = [indicator(number) for number in range(count)]

    def reference() -> None:
        with ws.transaction() as conn:
            store = ObjectStore(conn)
            source = store.add_source("file", "reference")
            for obj in objects:
                store.put(obj, source)

    print(f"{count} cases; reference: storing {count} indicators in one transaction")
    base = timed("reference", reference)
    refs: list[str] = []

    def create() -> None:
        for number in range(count):
            ref = cases.create_case(
                ws,
                "incident",
                f"Incident {number}",
                fields={"sector": "energy", "member_state": "BE", "awareness_at": "2026-03-02T08:00:00Z"},
            ).ref
            refs.append(ref)

    timed(f"create {count} incident cases, one transaction each", create, base)

    def records() -> None:
        for ref in refs[: count // 10]:
            case_records.record_stage(ws, ref, "early-warning", "2026-03-02T18:00:00Z")
            case_records.add_record(ws, ref, "event", {"at": "2026-03-02T07:00:00Z", "title": "Detection"})

    timed(f"stage and event on {count // 10} cases", records, base)
    timed("case list with next due report of every incident", lambda: cases.list_cases(ws, limit=10_000), base)
    timed("deadline panel", lambda: cases.deadline_panel(ws), base)
    timed("full-text case search", lambda: cases.list_cases(ws, text="incident 17"), base)
    ids = [str(obj["id"]) for obj in objects]
    timed(f"link {count} indicators to one case", lambda: case_links.link_objects(ws, refs[0], ids), base)
    out = folder / "case.json"
    timed(f"export that case with {count} linked objects", lambda: case_stix.export_case(ws, refs[0], out), base)
    # Importing jsonschema is paid once per process; with the optional rfc3987-syntax package installed (it is in the
    # development virtualenv, not a dependency of the workbench) that alone takes seconds. Shown on its own line.
    timed("once per process: import jsonschema (validator of case extensions)", lambda: __import__("jsonschema"), base)
    timed(
        "import it into a second workspace and adopt the case",
        lambda: import_source(partner, out),
        base,
    )

    third = create_workspace(folder / "c.db", "benchmark passphrase", "Bench Third")
    for here, there, name in ((ws, third, "Bench Third"), (third, ws, "Bench Agency")):
        pem = folder / f"{name}.pem"
        keys.export_public(there, pem)
        exchange.add_partner(here, name, pem.read_bytes())
    medium = folder / "usb"
    medium.mkdir()
    written: list[exchange.ExportResult] = []
    timed(
        "signed package of that case (plan, write, sign, read back)",
        lambda: written.append(
            exchange.export_package(ws, medium, "Bench Third", case_exchange.CaseSelection(refs[0]))
        ),
        base,
    )
    timed(
        "verify, import and adopt it in a third workspace",
        lambda: import_source(third, written[0].path),
        base,
    )
    for workspace in (ws, partner, third):
        workspace.close()


if __name__ == "__main__":
    main()
