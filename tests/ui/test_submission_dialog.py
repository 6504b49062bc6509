"""The Record submission dialog: the stage as it will be sent saved or printed first, then recorded with that very
PDF as its snapshot; a changed form drops the rendering; a second record at the same time needs Amend."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QLineEdit

from tests.ui.case_helpers import click, open_cases, type_time, wait_dialog
from workbench.services import cases
from workbench.services.cases import records as case_records
from workbench.storage import audit
from workbench.ui.cases.submission_dialog import SubmissionDialog


def open_dialog(qtbot, window, ws, ref: str) -> SubmissionDialog:
    screen = open_cases(qtbot, window, ws)
    screen.open_case(ref)
    qtbot.waitUntil(lambda: screen.editor.view is not None)
    reporting = screen.editor.reporting
    screen.editor.tabs.setCurrentWidget(reporting)
    click(qtbot, reporting.submissions.add_button)
    return wait_dialog(qtbot, SubmissionDialog)


def incident(ws) -> tuple[str, datetime]:
    aware = (datetime.now(UTC) - timedelta(hours=6)).replace(second=0, microsecond=0)
    ref = cases.create_case(
        ws,
        "incident",
        "Payment outage at a bank",
        fields={"awareness_at": aware, "member_state": "LU", "suspected_malicious": "yes", "cross_border": "no"},
    ).ref
    return ref, aware


def test_the_stage_saved_from_the_dialog_is_the_pdf_recorded_with_the_submission(
    qtbot, window, ui_workspace, tmp_path: Path
) -> None:
    ref, aware = incident(ui_workspace)
    dialog = open_dialog(qtbot, window, ui_workspace, ref)
    assert (
        dialog.windowTitle() == "Record a report submission" and dialog.form.editor("stage").value() == "early-warning"
    )
    type_time(qtbot, dialog.form.editor("submitted_at"), aware + timedelta(hours=2))
    qtbot.keyClicks(dialog.form.editor("reference").input, "LU-CERT-77")

    click(qtbot, dialog.save_button)
    qtbot.waitUntil(lambda: dialog.save_dialog is not None, timeout=30_000)
    (tmp_path / "sent").mkdir()
    target = tmp_path / "sent" / "early-warning.pdf"
    assert dialog.save_dialog.selectedFiles()[0].endswith("-early-warning.pdf")
    # The name typed into the dialog's file name box, as an analyst does.
    dialog.save_dialog.findChild(QLineEdit, "fileNameEdit").setText(str(target))
    with qtbot.waitSignal(dialog.pdf_saved, timeout=10_000) as saved:
        dialog.save_dialog.accept()
    assert saved.args == [str(target)]
    sent = target.read_bytes()
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "NIS2 early warning" in text and "Luxembourg" in text and "DRAFT" not in text
    assert "Record the submission once it is sent" in dialog.state.text()

    # Something changes in the case meanwhile: what is recorded is still what was sent.
    cases.update_case(ui_workspace, ref, fields={"member_state": "BE"})
    with qtbot.waitSignal(dialog.finished, timeout=30_000):
        click(qtbot, dialog.ok_button)
    [submission] = cases.get_case(ui_workspace, ref).stages
    assert submission.reference == "LU-CERT-77"
    [frozen] = [e.details for e in audit.entries(ui_workspace.conn, action="case.stage")]
    [saved] = [e.details for e in audit.entries(ui_workspace.conn, action="report.generated")]
    assert frozen["sha256"] == saved["sha256"] == hashlib.sha256(sent).hexdigest()
    assert frozen["report_id"] == saved["report_id"]
    assert case_records.snapshot_reports(ui_workspace, cases.get_case(ui_workspace, ref)) == {
        submission.uid: frozen["report_id"]
    }


def test_printing_then_changing_the_time_records_a_fresh_rendering(qtbot, window, ui_workspace, tmp_path) -> None:
    ref, aware = incident(ui_workspace)
    dialog = open_dialog(qtbot, window, ui_workspace, ref)
    type_time(qtbot, dialog.form.editor("submitted_at"), aware + timedelta(hours=1))
    click(qtbot, dialog.print_button)
    qtbot.waitUntil(lambda: dialog.print_dialog is not None, timeout=30_000)
    target = tmp_path / "printed.pdf"
    dialog.print_dialog.findChild(QLineEdit, "filename").setText(str(target))
    with qtbot.waitSignal(dialog.stage_printed, timeout=60_000):
        dialog.print_dialog.accept()
    [printed] = [e.details for e in audit.entries(ui_workspace.conn, action="report.printed")]
    assert target.exists() and dialog.prepared is not None

    type_time(qtbot, dialog.form.editor("submitted_at"), aware + timedelta(hours=3))
    assert dialog.prepared_for_form() is None and "save or print it again" in dialog.state.text()
    with qtbot.waitSignal(dialog.finished, timeout=30_000):
        click(qtbot, dialog.ok_button)
    [frozen] = [e.details for e in audit.entries(ui_workspace.conn, action="case.stage")]
    assert frozen["report_id"] != printed["report_id"]  # rendered again for the time recorded


def test_a_second_record_at_the_same_time_is_refused_until_amend_is_ticked(qtbot, window, ui_workspace) -> None:
    ref, aware = incident(ui_workspace)
    at = aware + timedelta(hours=2)
    case_records.record_stage(ui_workspace, ref, "early-warning", at)
    dialog = open_dialog(qtbot, window, ui_workspace, ref)
    dialog.form.editor("stage").set_value("early-warning")
    type_time(qtbot, dialog.form.editor("submitted_at"), at)
    qtbot.keyClicks(dialog.form.editor("reference").input, "corrected")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=30_000)
    assert "recorded already" in dialog.error.text() and "amendment" in dialog.error.text()
    click(qtbot, dialog.amend)
    with qtbot.waitSignal(dialog.finished, timeout=30_000):
        click(qtbot, dialog.ok_button)
    [submission] = cases.get_case(ui_workspace, ref).stages
    assert submission.reference == "corrected" and submission.version == 1
