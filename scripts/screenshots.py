"""Render the window offscreen into resources/guides/images/, the pictures of the guides and the README
(run: PYTHONPATH=. python scripts/screenshots.py, or make screenshots).

Uses the demo workspace (the project's own sample data) and a throw-away settings file, so the pictures are the
same on every machine with the same fonts. The guides name the pictures by file name: keep the names when a
screen changes, and run this again. Then every screen and the main dialogs again on the two screens the window
must fit (1280x720, and 1366x768 at 125 % scaling), into docs/screenshots/fit-1280x720/ and fit-1366x768-125/
(not shipped), through the geometry probe of the tests (``tests/ui/fit_probe.py``), which also says what does not
fit.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget  # noqa: E402

from workbench.app.application import apply_palette, create_application  # noqa: E402
from workbench.app.session import Session  # noqa: E402
from workbench.app.settings import Settings  # noqa: E402
from workbench.app.tasks import SyncTaskRunner  # noqa: E402
from workbench.domain.timestamps import utc_now  # noqa: E402
from workbench.services.demo import DEMO_PASSPHRASE  # noqa: E402
from workbench.ui.help.guide_window import Guide  # noqa: E402
from workbench.ui.main_window import MainWindow  # noqa: E402

OUT = REPO / "resources" / "guides" / "images"
SIZE = (1400, 860)


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        QApplication.processEvents()
        time.sleep(0.005)


def settle() -> None:
    for _ in range(20):
        QApplication.processEvents()


def linger(seconds: float) -> None:
    """Let work that Qt does in threads of its own (QtPdf draws pages there) reach the screen."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, name: str, folder: Path | None = None) -> None:
    settle()
    path = (folder or OUT) / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")


def sample_bundle(folder: Path) -> Path:
    """A small bundle with new objects, one refused object, for the import preview."""
    objects = [
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{n:08d}-1111-4111-8111-111111111111",
            "created": "2026-02-01T10:00:00.000Z",
            "modified": "2026-02-01T10:00:00.000Z",
            "name": f"Phishing sender {n}",
            "pattern": f"[email-addr:value = 'billing{n}@invoice.example']",
            "pattern_type": "stix",
            "valid_from": "2026-02-01T10:00:00Z",
        }
        for n in range(1, 13)
    ]
    objects.append({"type": "indicator", "id": "indicator--not-a-uuid", "name": "broken"})
    objects.append(
        {
            "type": "malware",
            "spec_version": "2.1",
            "id": "malware--22222222-2222-4222-8222-222222222222",
            "created": "yesterday",
            "modified": "2026-02-01T10:00:00.000Z",
            "name": "Bad time",
            "is_family": True,
        }
    )
    path = folder / "partner-bulletin-2026-021.json"
    path.write_bytes(
        orjson.dumps({"type": "bundle", "id": "bundle--33333333-3333-4333-8333-333333333333", "objects": objects})
    )
    return path


def shoot_reports(window: MainWindow) -> None:
    """The Reports screen: the demo incident's report previewed, then a briefing's analyst part being written."""
    reports = window.show_screen("reports")
    wait_until(lambda: reports.form.cases.rowCount() > 0)
    shown: list[object] = []
    reports.preview_shown.connect(shown.append)
    reports.preview()
    wait_until(lambda: bool(shown))
    linger(2.0)
    save(window, "20-report-preview")
    reports.form.kind_box.setCurrentIndex(reports.form.kind_box.findData("briefing"))
    reports.form.from_search.setChecked(True)
    reports.form.query.setText("sandstorm owl")
    editor = reports.editor
    editor.title.setText("Sandstorm Owl targets energy billing")
    editor.audience.setText("Heads of national CSIRTs")
    editor.bluf.setPlainText(
        "Sandstorm Owl phishes billing teams of grid operators with invoice lures.\n"
        "GreyLantern, its backdoor, beacons to cdn-update.example.\n"
        "Block the two C2 indicators and hunt for PaperMoth documents."
    )
    editor.judgements.set_entries(
        [
            {
                "statement": "Sandstorm Owl will target more grid operators this quarter",
                "likelihood": "likely",
                "confidence": "moderate",
                "basis": "Two partner reports, one incident",
            }
        ]
    )
    editor.sources.set_entries(
        [
            {
                "name": "Nordmark CDC bulletin 2026-014",
                "reliability": "B",
                "credibility": "2",
                "description": "Partner bulletin",
            }
        ]
    )
    editor.recommendations.setPlainText("Block the C2 address and domain\nWarn billing teams about invoice lures")
    editor.distribution.setPlainText("National CSIRTs\nEnergy ISAC")
    shown.clear()
    reports.preview()
    wait_until(lambda: bool(shown))
    reports.preview_pane.go_to_page(2)
    reports.tabs.setCurrentIndex(1)
    linger(2.0)
    save(window, "21-briefing-editor")
    reports.tabs.setCurrentIndex(0)


def shoot_cases(window: MainWindow) -> None:
    """The Cases screen on the demo's cases: list and deadline panel, an incident, its timeline, an exercise."""
    from datetime import timedelta

    from workbench.domain.cases.case import RecordKind

    screen = window.show_screen("cases")
    wait_until(lambda: screen.model.rowCount() > 0 and screen.deadlines.model.rowCount() > 0)

    def open_titled(title: str) -> None:
        row = next(row for row in range(screen.model.rowCount()) if screen.model.summary(row).title == title)
        screen.table.selectRow(row)
        wait_until(lambda: screen.editor.view is not None and screen.editor.view.case.title == title)

    open_titled("Invoice-lure intrusion at Nordvik Grid")
    save(window, "cases-1-list-and-incident")
    screen.editor.tabs.setCurrentWidget(screen.editor.reporting)
    save(window, "cases-2-incident-reporting")
    screen.editor.tabs.setCurrentWidget(screen.editor.timeline)
    save(window, "cases-3-incident-timeline")
    open_titled("Winter Ledger tabletop 2026")
    screen.editor.tabs.setCurrentWidget(screen.editor.records[RecordKind.OBJECTIVE])
    save(window, "cases-4-exercise-objectives")
    screen.editor.tabs.setCurrentWidget(screen.editor.timeline)
    save(window, "cases-5-exercise-timeline")
    save(screen.deadlines, "cases-6-deadline-panel")
    dialog = screen.editor.add_record(RecordKind.INJECT)
    start = screen.editor.view.case.exercise.starts_at
    dialog.form.editor("planned_at").set_moment(start - timedelta(hours=1))
    dialog.form.editor("description").set_value("Ransom note found on a file server")
    dialog.accept()
    wait_until(lambda: dialog.error.isVisible())
    save(dialog, "cases-7-inject-refused")
    dialog.reject()


def live_exercise(window: MainWindow) -> str:
    """A tabletop in play for the Exercise screen: started 25 minutes ago at double speed, two injects delivered,
    one held, observations recorded against the evaluation guides."""
    from datetime import UTC, datetime, timedelta

    from workbench.services import cases
    from workbench.services.cases import records as case_records
    from workbench.services.exercise import conduct, evaluation

    ws = window.session.workspace
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(minutes=25)
    ref = cases.create_case(
        ws, "exercise", "Lantern drill: regional grid outage", fields={"starts_at": start, "exercise_type": "tabletop"}
    ).ref
    at = [start + timedelta(minutes=minutes) for minutes in (10, 30, 45, 60, 90, 120)]
    case_records.add_records(
        ws,
        ref,
        {
            "participants": [
                {"organisation": "Demo Analysis Centre", "role": "controller"},
                {"organisation": "Nordvik Grid Operator (fictional)", "role": "player"},
            ],
            "objectives": [
                {"objective": "Triage the intrusion within two hours", "capability": "Detection"},
                {"objective": "Agree the public line with the operator", "capability": "Public information"},
            ],
            "injects": [
                {"number": "1", "planned_at": at[0], "from": "Control cell", "to": "Nordvik SOC",
                 "method": "message", "description": "EDR alert on an engineering workstation"},
                {"number": "2", "planned_at": at[1], "from": "Control cell", "to": "Nordvik SOC",
                 "method": "phone", "description": "Beaconing to a known C2 domain"},
                {"number": "3", "planned_at": at[2], "from": "Nordmark CDC", "to": "Demo Analysis Centre",
                 "method": "package", "description": "Partner bulletin with GreyLantern indicators"},
                {"number": "4", "planned_at": at[3], "from": "Control cell", "to": "Press office",
                 "method": "phone", "description": "Journalist asks about a power cut"},
                {"number": "5", "planned_at": at[4], "from": "Control cell", "to": "Reporting officer",
                 "method": "in-person", "description": "The 24-hour mark approaches"},
                {"number": "6", "planned_at": at[5], "from": "Control cell", "to": "All players",
                 "method": "document", "description": "Minister asks for a briefing"},
            ],
        },
    )  # fmt: skip
    measures = "Incident opened within 30 minutes\nSeverity assessed within 2 hours"
    evaluation.add_critical_task(ws, ref, "1", "Open an incident and start triage", number="1.1", measures=measures)
    measures = "Isolated within 1 hour of confirmed beaconing"
    evaluation.add_critical_task(ws, ref, "1", "Isolate the workstation", number="1.2", measures=measures)
    evaluation.add_critical_task(ws, ref, "2", "Agree the line with the operator", number="2.1")
    conduct.clock_action(ws, ref, "start", speed=2, by="Exercise director", now=start)
    conduct.deliver(ws, ref, "1", by="Control cell", now=start + timedelta(minutes=5))
    conduct.deliver(ws, ref, "2", by="Control cell", now=start + timedelta(minutes=15))
    conduct.hold(ws, ref, "3", reason="Partner bulletin waits for the key check", now=start + timedelta(minutes=21))
    evaluation.observe(ws, ref, task="1.1", text="Incident opened 8 minutes after the alert; playbook followed",
                       rating="P", evaluator="L. Virtanen", now=start + timedelta(minutes=9))  # fmt: skip
    evaluation.observe(ws, ref, task="1.2", text="Isolation waits for the OT engineer's approval",
                       rating="S", evaluator="L. Virtanen", now=start + timedelta(minutes=19))  # fmt: skip
    return ref


def shoot_exercise(window: MainWindow) -> None:
    """The Exercise screen at 1280x720: the controller's clock and MSEL, the evaluator's quick entry, the hot wash;
    into docs/screenshots/ until a guide shows them."""
    ref = live_exercise(window)
    screen = window.show_screen("exercise")
    window.resize(1280, 720)
    screen.open_exercise(ref)
    wait_until(lambda: screen.data is not None and screen.data.case.ref == ref)
    screen.name.setText("Exercise director")
    save(window, "exercise-1-controller")
    screen.tabs.setCurrentWidget(screen.evaluator)
    page = screen.evaluator
    page.task_table.selectRow(2)
    page.text.setPlainText("The analyst asked the OT engineer twice before isolating")
    page.ratings.buttons()[2].setChecked(True)
    save(window, "exercise-2-evaluator")
    screen.tabs.setCurrentWidget(screen.hot_wash)
    save(window, "exercise-3-hot-wash")
    screen.tabs.setCurrentWidget(screen.controller)
    window.resize(*SIZE)


def exchange_screens(window: MainWindow, folder: Path) -> None:
    """The Inbox with the demo's stick, a package preview, the export wizard, the Outbox, Partners."""
    exchange = window.show_screen("exchange")
    inbox = exchange.inbox
    wait_until(lambda: inbox.last_scan is not None and inbox.found.rowCount() > 0)
    package = next(row for row, item in enumerate(inbox.found.items) if item.kind.value == "package")
    inbox.found_table.selectRow(package)
    save(window, "09-exchange-inbox")
    previews: list[QWidget] = []
    exchange.importer.preview_shown.connect(previews.append)
    inbox.import_selected()
    wait_until(lambda: bool(previews))
    save(previews[0], "14-package-preview")
    previews[0].reject()

    wizard = exchange.outbox.start_export()
    wait_until(lambda: wizard.recipient_page.isComplete())
    wizard.next()
    wizard.selection_page.query.setText("Sandstorm Owl")
    wizard.next()
    wizard.next()
    wait_until(lambda: wizard.check_page.preview is not None)
    save(wizard, "15-export-marking-check")
    wizard.check_page.tabs.setCurrentIndex(0)
    save(wizard, "15b-export-what-leaves")
    wizard.next()
    usb = folder / "USB-STICK"
    usb.mkdir()
    wizard.destination_page.picker.folder.setText(str(usb))
    wizard.next()
    wait_until(lambda: wizard.write_page.written_package is not None)
    save(wizard, "16-export-written")
    wizard.accept()
    wait_until(lambda: exchange.outbox.model.rowCount() >= 3)
    exchange.tabs.setCurrentWidget(exchange.outbox)
    save(window, "17-exchange-outbox")

    partners = window.show_screen("partners")
    wait_until(lambda: partners.model.rowCount() > 0)
    save(window, "18-partners")
    exporter = partners.export_key()
    save(exporter, "22-export-our-key")
    exporter.reject()
    dialog = partners.add_partner()
    stick = next(place.folder for place in inbox.last_scan.places if place.volume is None)
    dialog.set_key_file(str(stick / "southland-cert.pub.pem"))
    dialog.name.setText("Southland CERT (fictional)")
    save(dialog, "19-add-partner")
    dialog.reject()


def shoot_backup(window: MainWindow, folder: Path) -> None:
    """The reminder, File > Back up…, then the backup restored from the unlock dialog and opened."""
    from datetime import timedelta

    controller = window.backups
    controller.clock = lambda: utc_now() + timedelta(days=9)  # as nine days after the demo was made
    controller.check()
    wait_until(lambda: controller.reminder.isVisible())
    save(window, "backup-1-reminder")
    controller.clock = utc_now
    stick = folder / "BACKUP-STICK"
    stick.mkdir()
    dialog = controller.show_dialog()
    assert dialog is not None
    dialog.picker.folder.setText(str(stick))
    save(dialog, "backup-2-dialog")
    dialog.start()
    wait_until(lambda: dialog.written is not None)
    written = dialog.written
    assert written is not None
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    save(box, "backup-3-written")
    box.close()
    window.lock_now()
    wait_until(lambda: window.access.dialog is not None)
    restore = window.access.show_restore()
    (folder / "new-computer").mkdir()
    restore.target.setText(str(folder / "new-computer" / "agency.db"))
    restore.set_source(written.path)
    wait_until(lambda: restore.info is not None)
    restore.secret.setText(DEMO_PASSPHRASE)
    save(restore, "backup-4-restore")
    restore.restore()
    wait_until(lambda: restore.workspace is not None)
    save(restore, "backup-5-restored")
    restore.accept()
    wait_until(lambda: window.session.is_open)


def shoot_first_run(window: MainWindow, folder: Path) -> None:
    """The create dialog filled in, then its second page: the new key's fingerprint to read out."""
    create = window.access.show_create()
    create.org.setText("Demo Analysis Centre")
    create.secret.setText("correct horse battery")
    create.repeat.setText("correct horse battery")
    create.path_edit.setText("/home/analyst/.local/share/workbench/workspace.db")
    save(create, "01-create-workspace")
    create.path_edit.setText(str(folder / "first-run.db"))
    create.create_workspace()
    wait_until(lambda: create.pages.currentIndex() == 1)
    save(create, "01b-first-run-fingerprint")
    created, create.workspace = create.workspace, None  # a picture only: not opened in the window
    if created is not None:
        created.close(lock=True)
    QDialog.reject(create)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    app = create_application()
    folder = Path(tempfile.mkdtemp(prefix="workbench-shots-"))
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    session = Session(SyncTaskRunner())
    window = MainWindow(session, settings)
    window.resize(*SIZE)
    window.show()
    library = window.screens["library"]

    shoot_first_run(window, folder)

    window.start(demo=True)
    wait_until(lambda: library.model.rowCount() > 0)
    owl = next(row for row in range(library.model.rowCount()) if library.model.index(row, 0).data() == "Sandstorm Owl")
    library.table.selectRow(owl)
    wait_until(lambda: library.detail.current is not None and library.detail.current.row.name == "Sandstorm Owl")
    save(window, "02-library")
    library.detail.tabs.setCurrentIndex(1)
    save(window, "03-relationships")
    library.detail.tabs.setCurrentIndex(2)
    save(window, "04-graph")
    library.detail.tabs.setCurrentIndex(3)
    save(window, "05-versions")

    library.filters.search.setText("invoice")
    library.filters.search.returnPressed.emit()
    wait_until(lambda: library.model.query[0].searching and not library.model.loading)
    lure = next(
        row
        for row in range(library.model.rowCount())
        if library.model.index(row, 0).data() == "PaperMoth lure document"
    )
    library.table.selectRow(lure)
    wait_until(lambda: library.detail.current is not None and library.detail.current.row.name.startswith("PaperMoth"))
    library.detail.tabs.setCurrentIndex(0)
    save(window, "06-search-plain-text")
    library.filters.reset()

    shown: list[QWidget] = []
    window.imports.preview_shown.connect(shown.append)
    window.imports.import_paths([str(sample_bundle(folder))])
    wait_until(lambda: bool(shown))
    save(shown[0], "07-import-preview")
    shown[0].tabs.setCurrentWidget(shown[0].objects)
    save(shown[0], "07b-import-preview-objects")
    shown[0].reject()

    audit = window.show_screen("audit")
    wait_until(lambda: audit.model.rowCount() > 0)
    audit.verify()
    wait_until(lambda: audit.last_report is not None)
    save(window, "08-audit-verified")

    exchange_screens(window, folder)

    shoot_reports(window)
    shoot_cases(window)
    shoot_exercise(window)

    window.show_screen("library")
    apply_palette(app, dark=True)
    wait_until(lambda: not library.model.loading and library.model.rowCount() > 0)
    owl = next(row for row in range(library.model.rowCount()) if library.model.index(row, 0).data() == "Sandstorm Owl")
    library.table.selectRow(owl)
    wait_until(lambda: library.detail.current is not None and library.detail.current.row.name == "Sandstorm Owl")
    library.detail.tabs.setCurrentIndex(2)
    save(window, "10-graph-dark")
    apply_palette(app, dark=False)

    about = window.show_about()
    save(about, "11-about")
    about.close()
    preferences = window.show_preferences()
    save(preferences, "22-preferences")
    preferences.reject()
    guide = window.show_guide(Guide.USER)
    guide.resize(*SIZE)
    settle()
    receiving = next(
        row for row in range(guide.contents.count()) if "Receiving a USB stick" in guide.contents.item(row).text()
    )
    guide.contents.setCurrentRow(receiving)
    guide.contents.itemClicked.emit(guide.contents.item(receiving))
    save(guide, "23-user-guide")
    guide.close()

    shoot_backup(window, folder)

    window.lock_now()
    wait_until(lambda: window.access.dialog is not None)
    save(window.access.dialog, "12-unlock")
    window.access.dialog.reject()
    save(window, "13-locked")
    window.close()
    return 0


def fit_screens() -> int:
    """Every screen on the two screens the window must fit, each in a process of its own (Qt takes the screen and
    the scale at start); prints what does not fit and returns 1 if anything does not."""
    import json
    import subprocess

    failed = 0
    for width, height, scale, name in ((1280, 720, "1", "fit-1280x720"), (1366, 768, "1.25", "fit-1366x768-125")):
        environment = {key: value for key, value in os.environ.items() if not key.startswith("QT_")}
        environment.update({"QT_SCALE_FACTOR": scale, "PYTHONPATH": str(REPO)})
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.ui.fit_probe",
                str(width),
                str(height),
                "--shots",
                str(REPO / "docs" / "screenshots" / name),
            ],
            capture_output=True,
            text=True,
            env=environment,
            cwd=REPO,
            check=True,
        )
        problems = json.loads(done.stdout.strip().splitlines()[-1])["problems"]
        print(f"wrote {OUT.relative_to(REPO) / name}/ ({len(problems)} views)")
        for view, found in problems.items():
            for problem in found:
                print(f"  {name} {view}: {problem}")
                failed = 1
    return failed


if __name__ == "__main__":
    code = main()
    raise SystemExit(code or fit_screens())
