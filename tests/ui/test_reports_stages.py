"""The Reports screen's stage picker: one stage of an incident printed as submitted (the very PDF recorded with its
submission) or as drafted now, and a final report refused with what it lacks, as on the command line."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import Qt

from tests.case_samples import full_incident
from tests.ui.test_reports_screen import choose_kind, click_case, message_boxes, pdf_text, preview, tick
from workbench.services import cases
from workbench.services.workspace import Workspace
from workbench.storage import audit


@pytest.fixture
def incident(demo_workspace: Workspace) -> str:
    return full_incident(demo_workspace)  # early warning and notification recorded, each with its snapshot


@pytest.fixture
def reports(qtbot, window, demo_workspace, incident):
    window.session.attach(demo_workspace)
    screen = window.show_screen("reports")
    qtbot.waitUntil(lambda: screen.form.cases.rowCount() > 0)
    return screen


def pick_stage(qtbot, screen, value: str | None) -> None:
    box = screen.form.stage_box
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    while box.currentData() != value:
        qtbot.keyClick(box, Qt.Key.Key_Down)


def test_the_stage_picker_shows_only_for_incident_reports(qtbot, reports) -> None:
    choose_kind(qtbot, reports, "incident")
    assert reports.form.stage_box.isVisible() and reports.form.stage_box.currentData() is None
    choose_kind(qtbot, reports, "exercise")
    assert not reports.form.stage_box.isVisible()
    assert reports.form.request().stage is None


def test_a_submitted_stage_previews_as_the_pdf_recorded_with_its_submission(
    qtbot, reports, demo_workspace, incident
) -> None:
    cases.update_case(demo_workspace, incident, fields={"member_state": "FR"})  # changed since it was sent
    choose_kind(qtbot, reports, "incident")
    click_case(qtbot, reports, incident)
    pick_stage(qtbot, reports, "early-warning")
    prepared = preview(qtbot, reports)
    [snapshot] = [
        entry.details
        for entry in audit.entries(demo_workspace.conn, action="case.stage")
        if entry.details["stage"] == "early-warning"
    ]
    assert prepared.rendered.report_id == snapshot["report_id"] and prepared.rendered.final
    assert hashlib.sha256(prepared.rendered.pdf).hexdigest() == snapshot["sha256"]
    _, text = pdf_text(prepared.rendered.pdf)
    assert "NIS2 early warning" in text and "Member State\nBelgium" in text and "France" not in text
    assert "as submitted" in reports.details.text() and "Incident report stage" in reports.summary.text()

    # The final report is not submitted: it is drafted from the case as it is now, marked DRAFT.
    pick_stage(qtbot, reports, "final")
    assert reports.stale_note.isVisible()
    prepared = preview(qtbot, reports)
    _, text = pdf_text(prepared.rendered.pdf)
    assert "NIS2 final report" in text and "Draft: not yet submitted." in text and not prepared.rendered.final
    assert "France" in text and "as drafted from the case now" in reports.details.text()


def test_a_final_stage_that_lacks_fields_is_refused_naming_them(qtbot, reports, incident) -> None:
    choose_kind(qtbot, reports, "incident")
    click_case(qtbot, reports, incident)
    pick_stage(qtbot, reports, "final")
    tick(qtbot, reports.form.final)
    qtbot.mouseClick(reports.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(message_boxes()))
    [box] = message_boxes()
    assert (
        "cannot be marked final; missing:" in box.text() and "Final report: Type of threat or root cause" in box.text()
    )
    assert reports.prepared is None
    box.accept()
