"""The Exchange screen with a large package: the Inbox's verdict, the import through the preview, the export wizard.

A partner workspace writes a package of N generated indicators (default 20,000; a fifth AMBER, the rest GREEN) onto
a folder standing in for a stick. The window (real task runner, offscreen) then scans the folder, previews and
imports the package, and exports everything back through the wizard with a GREEN ceiling (so that the marking
check lists the AMBER fifth as held back). For each step it prints the time the analyst waits, the same work
done straight through the services in this process (the reference), and the GUI thread's longest stall (a 5 ms
timer; the idle window is the reference for that). The jobs run in the workspace's worker process;
``--in-process`` runs them in a thread of the window's process instead, for comparison.

Run: python benchmarks/bench_exchange_window.py [--objects N] [--in-process]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from PySide6.QtCore import QSettings

from benchmarks.bench_gui_stall import StallMeter, run_until, trace_file
from workbench.app.application import create_application, settle_heap
from workbench.app.session import Session
from workbench.app.settings import Settings
from workbench.app.tasks import TaskRunner
from workbench.domain.tlp import Tlp
from workbench.services import exchange, keys
from workbench.services.exchange import inbox_scan
from workbench.services.importing.importer import import_file
from workbench.services.workspace import create_workspace
from workbench.ui.main_window import MainWindow

GREEN = Tlp.GREEN.marking_id
AMBER = Tlp.AMBER.marking_id


def stocked_partner(folder: Path, count: int):
    partner = create_workspace(folder / "partner.db", "benchmark passphrase", "Partner Agency")
    objects = [
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid4()}",
            "created": "2026-01-10T08:00:00.000Z",
            "modified": "2026-01-10T08:00:00.000Z",
            "name": f"Indicator {n}",
            "object_marking_refs": [AMBER if n % 5 == 0 else GREEN],
            "pattern": f"[ipv4-addr:value = '10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}']",
            "pattern_type": "stix",
            "valid_from": "2026-01-10T08:00:00Z",
        }
        for n in range(count)
    ]
    path = folder / "stock.json"
    path.write_bytes(orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}))
    import_file(partner, path)
    path.unlink()
    return partner


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=20_000)
    parser.add_argument(
        "--trace-stalls", metavar="PATH", help="write every thread's stack to PATH at each GUI stall over 60 ms"
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the jobs in a thread of the window's process, not in its worker process (for comparison)",
    )
    args = parser.parse_args()
    app = create_application()
    folder = Path(tempfile.mkdtemp(prefix="bench-exchange-window-"))
    ours = create_workspace(folder / "ours.db", "benchmark passphrase", "Our Agency")
    partner = stocked_partner(folder, args.objects)
    exchange.add_partner(ours, "Partner Agency", keys.public_pem(keys.active_key(partner).public_der))
    exchange.add_partner(partner, "Our Agency", keys.public_pem(keys.active_key(ours).public_der))
    stick = folder / "stick"
    stick.mkdir()
    package = exchange.export_package(partner, stick, "Our Agency")
    print(f"package: {package.object_count:,} objects, {package.size / 1e6:.1f} MB")

    started = time.perf_counter()
    inbox_scan.examine(ours, package.path)
    reference_verdict = time.perf_counter() - started
    started = time.perf_counter()
    exchange.preview_package(ours, package.path)
    reference_preview = time.perf_counter() - started

    session = Session(TaskRunner(app), worker_process=not args.in_process)
    window = MainWindow(session, Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)))
    screen = window.screens["exchange"]
    screen.media.proc_root = screen.media.sys_root = folder / "no-media"
    window.show()
    settle_heap()  # as run_gui does
    session.attach(ours)
    window.show_screen("exchange")
    inbox = screen.inbox
    run_until(lambda: inbox.last_scan is not None, 60)

    meter = StallMeter(trace_file(args.trace_stalls))
    meter.start()
    idle_until = time.monotonic() + 2
    run_until(lambda: time.monotonic() > idle_until, 10)
    idle = meter.stop()
    rows: list[tuple[str, float, float | None, int]] = []

    scans: list = []
    inbox.scanned.connect(scans.append)
    meter.start()
    started = time.perf_counter()
    inbox.set_folder(stick, remember=False)
    run_until(lambda: bool(scans), 600)
    rows.append(
        (
            "Inbox verdict (scan the folder, quarantine, verify)",
            time.perf_counter() - started,
            reference_verdict,
            meter.stop(),
        )
    )

    previews: list = []
    imported: list = []
    screen.importer.preview_shown.connect(previews.append)
    screen.importer.item_imported.connect(imported.append)
    meter.start()
    started = time.perf_counter()
    inbox.import_selected()
    run_until(lambda: bool(previews), 600)
    preview_time = time.perf_counter() - started
    preview_stall = meter.stop()
    rows.append(("preview (dry-run import) until the dialog shows", preview_time, reference_preview, preview_stall))
    meter.start()
    started = time.perf_counter()
    previews[0].accept()
    run_until(lambda: bool(imported), 1200)
    rows.append(("import after Confirm", time.perf_counter() - started, None, meter.stop()))

    back = folder / "back"
    back.mkdir()
    wizard = screen.outbox.start_export()
    run_until(wizard.recipient_page.isComplete, 60)
    wizard.recipient_page.ceiling_box.set_level(Tlp.GREEN)  # the AMBER fifth is held back and listed
    wizard.next()
    wizard.selection_page.all_button.setChecked(True)
    wizard.next()
    wizard.next()
    meter.start()
    started = time.perf_counter()
    run_until(lambda: wizard.check_page.preview is not None, 600)
    rows.append(("export wizard: marking check", time.perf_counter() - started, None, meter.stop()))
    held = len(wizard.check_page.preview.held_back)
    wizard.next()
    wizard.destination_page.picker.folder.setText(str(back))
    meter.start()
    started = time.perf_counter()
    wizard.next()
    run_until(lambda: wizard.write_page.written_package is not None, 600)
    written = wizard.write_page.written_package
    rows.append(("export wizard: write, read back, verify", time.perf_counter() - started, None, meter.stop()))
    wizard.accept()
    again = folder / "again"
    again.mkdir()
    started = time.perf_counter()
    exchange.export_package(ours, again, "Partner Agency", tlp_max=Tlp.GREEN)
    reference_export = time.perf_counter() - started
    rows[-1] = (rows[-1][0], rows[-1][1], reference_export, rows[-1][3])

    print(f"GUI thread idle: longest stall {idle} ms")
    print(f"{'step':58s} {'window':>9s} {'services':>9s} {'ratio':>6s} {'stall':>8s}")
    for name, seconds, reference, stall in rows:
        ref = f"{reference:8.2f}s" if reference is not None else "        -"
        ratio = f"{seconds / reference:5.2f}x" if reference else "     -"
        print(f"{name:58s} {seconds:8.2f}s {ref} {ratio} {stall:6d}ms")
    print(f"written back: {written.object_count:,} objects, {held:,} held back (AMBER, above the GREEN chosen)")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
