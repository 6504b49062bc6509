"""The Reports screen driven as an analyst would: pick the report and its source, preview its pages, save, print.

The cases come from the test samples (every field filled) added to the demo workspace; PDFs are read back with
pypdf; printing goes through Qt's own print dialog to a PDF file.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton, QRadioButton, QSpinBox

from tests.case_samples import full_exercise, full_incident
from tests.ui.conftest import make_window
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.ui.reports.cases_model import Columns, Roles


@pytest.fixture
def sample_cases(demo_workspace: Workspace) -> dict[str, str]:
    return {"incident": full_incident(demo_workspace), "exercise": full_exercise(demo_workspace)}


@pytest.fixture
def reports(qtbot, window, demo_workspace, sample_cases):
    """The Reports screen of a window open on the demo workspace with the sample cases."""
    window.session.attach(demo_workspace)
    screen = window.show_screen("reports")
    qtbot.waitUntil(lambda: screen.form.cases.rowCount() > 0)
    return screen


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def choose_kind(qtbot, screen, kind: str) -> None:
    box = screen.form.kind_box
    box.setFocus()
    while box.currentData() != kind:  # the arrow keys walk the list as a keyboard user would
        qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.waitUntil(
        lambda: (
            all(
                screen.form.cases.data(screen.form.cases.index(row, 0), Roles.KIND) == kind
                for row in range(screen.form.cases.rowCount())
            )
            or kind == "briefing"
        )
    )


def click_case(qtbot, screen, ref: str) -> None:
    qtbot.waitUntil(lambda: screen.form.cases.row_of(ref) is not None)
    table = screen.form.case_table
    index = screen.form.cases.index(screen.form.cases.row_of(ref), Columns.REF)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    assert screen.form.selected_case() == ref


def preview(qtbot, screen):
    with qtbot.waitSignal(screen.preview_shown, timeout=30_000) as shown:
        qtbot.mouseClick(screen.preview_button, Qt.MouseButton.LeftButton)
    return shown.args[0]


def tick(qtbot, box) -> None:
    """Click a check box on its box (the widget is as wide as the form; its middle may be empty space)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def search_briefing(qtbot, screen, words: str) -> None:
    choose_kind(qtbot, screen, "briefing")
    tick(qtbot, screen.form.from_search)
    assert screen.form.query.isVisible() and not screen.form.case_table.isVisible()
    qtbot.keyClicks(screen.form.query, words)


def test_incident_report_previews_its_pages_from_memory(qtbot, reports, sample_cases, tmp_path) -> None:
    choose_kind(qtbot, reports, "incident")
    click_case(qtbot, reports, sample_cases["incident"])
    before = {path for path in tmp_path.rglob("*")}
    prepared = preview(qtbot, reports)
    pages, text = pdf_text(prepared.rendered.pdf)
    assert reports.preview_pane.page_count == pages == prepared.rendered.pages > 1
    assert "Grid operator intrusion" in text and "TLP:AMBER+STRICT" in text and "DRAFT" in text
    assert reports.preview_pane.page_total.text() == f"of {pages}"
    summary = reports.summary.text()
    assert prepared.rendered.report_id in summary and "Incident report" in summary and f"{pages} pages" in summary
    assert sample_cases["incident"] in reports.details.text()
    assert {path for path in tmp_path.rglob("*")} == before  # nothing written to disk to preview
    assert list(audit.entries(reports.context.session.workspace.conn, action="report.generated")) == []

    pane = reports.preview_pane
    qtbot.mouseClick(pane.next_button, Qt.MouseButton.LeftButton)
    assert pane.current_page == 2 and pane.page_box.value() == 2
    pane.page_box.setValue(pages)
    assert pane.current_page == pages and not pane.next_button.isEnabled()
    qtbot.mouseClick(pane.previous_button, Qt.MouseButton.LeftButton)
    assert pane.current_page == pages - 1
    qtbot.mouseClick(pane.zoom_in_button, Qt.MouseButton.LeftButton)
    zoomed = pane.effective_zoom()
    qtbot.mouseClick(pane.zoom_in_button, Qt.MouseButton.LeftButton)
    assert pane.effective_zoom() > zoomed and pane.zoom_label.text() == f"{pane.effective_zoom():.0%}"
    qtbot.mouseClick(pane.fit_page_button, Qt.MouseButton.LeftButton)
    assert pane.fit_page_button.isChecked() and not pane.fit_width_button.isChecked()


def test_exercise_report_lists_only_exercise_cases(qtbot, reports, sample_cases) -> None:
    choose_kind(qtbot, reports, "exercise")
    refs = {reports.form.cases.index(row, Columns.REF).data() for row in range(reports.form.cases.rowCount())}
    assert sample_cases["exercise"] in refs and sample_cases["incident"] not in refs
    assert not reports.form.from_search.isEnabled()
    click_case(qtbot, reports, sample_cases["exercise"])
    prepared = preview(qtbot, reports)
    pages, text = pdf_text(prepared.rendered.pdf)
    assert reports.preview_pane.page_count == pages
    assert "Cyber Europe 2026" in text and "Improvement plan" in text


def test_briefing_of_a_search_with_the_analysts_part_is_saved_as_previewed(qtbot, reports, tmp_path) -> None:
    search_briefing(qtbot, reports, "sandstorm owl")
    reports.tabs.setCurrentIndex(1)
    editor = reports.editor
    qtbot.keyClicks(editor.title, "Sandstorm Owl targets billing")
    editor.bluf.setFocus()
    for line in ("Sandstorm Owl phishes billing teams.", "GreyLantern is its backdoor.", "Block the C2 now."):
        qtbot.keyClicks(editor.bluf, line)
        qtbot.keyClick(editor.bluf, Qt.Key.Key_Return)
    add = next(
        button for button in editor.findChildren(QPushButton) if button.accessibleName() == "Add to Key judgements"
    )
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)  # a new row, its first cell open for typing
    qtbot.waitUntil(lambda: editor.judgement_view.viewport().findChild(QLineEdit) is not None)
    cell = editor.judgement_view.viewport().findChild(QLineEdit)
    qtbot.keyClicks(cell, "Sandstorm Owl will target more grid operators this quarter")
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    model = editor.judgements  # the delegate commits the cell on the next turn of the event loop
    qtbot.waitUntil(lambda: model.index(0, 0).data() == "Sandstorm Owl will target more grid operators this quarter")
    model.setData(model.index(0, 1), "likely")
    model.setData(model.index(0, 2), "moderate")
    model.setData(model.index(0, 3), "Two partner reports")
    assert model.index(0, 1).data() == "likely (55-80%)"
    source = editor.sources.add_row()
    for column, value in enumerate(("Nordmark CDC bulletin", "B", "2", "Bulletin 2026-014")):
        editor.sources.setData(editor.sources.index(source, column), value)
    reports.tabs.setCurrentIndex(0)
    tick(qtbot, reports.form.final)

    prepared = preview(qtbot, reports)
    pages, text = pdf_text(prepared.rendered.pdf)
    assert prepared.rendered.final and reports.preview_pane.page_count == pages
    assert "Sandstorm Owl targets billing" in text and "more grid operators this quarter" in text
    assert "likely" in text and "B2" in text and "DRAFT" not in text

    target = tmp_path / "briefing.pdf"
    reports.save()
    dialog = reports.save_dialog
    assert dialog is not None and Path(dialog.selectedFiles()[0]).name == prepared.suggested_name
    dialog.selectFile(str(target))
    # Saving grows the audit log, which refreshes the screens: the case list is read again.
    with qtbot.waitSignals([reports.report_saved, reports.form.cases.modelReset], timeout=10_000):
        dialog.accept()
    assert target.read_bytes() == prepared.rendered.pdf
    [entry] = audit.entries(reports.context.session.workspace.conn, action="report.generated")
    assert entry.details["sha256"] == prepared.rendered.sha256 and entry.details["kind"] == "briefing"
    assert entry.details["source"]["query"] == "sandstorm owl" and entry.details["report_id"] in reports.summary.text()
    assert f"Saved to {target}" in reports.details.text()
    # That refresh keeps the same selection: the preview is still up to date.
    assert reports.save_button.isEnabled() and not reports.stale_note.isVisible()


def test_a_final_briefing_without_key_judgements_shows_the_services_message(qtbot, reports) -> None:
    search_briefing(qtbot, reports, "sandstorm owl")
    reports.editor.bluf.setPlainText("One.\nTwo.\nThree.")
    tick(qtbot, reports.form.final)
    qtbot.mouseClick(reports.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(message_boxes()))
    [box] = message_boxes()
    assert box.text() == 'a final briefing needs at least one key judgement ("key_judgements")'
    assert reports.tabs.currentIndex() == 1  # the analyst is shown where to add it
    assert reports.prepared is None and reports.preview_pane.page_count == 0
    box.accept()


def test_a_hostile_description_previews_literally(qtbot, reports, demo_workspace) -> None:
    from tests.conftest import malware
    from workbench.app.session import StoreChange
    from workbench.storage.objects import ObjectStore

    hostile = '<img src="/etc/passwd"/> <font size=500>huge <b>unclosed <para> ' + "A" * 100_000 + " שלום עולם مرحبا"
    obj = malware(name="Zephyrquill <b>loader", description=hostile)
    with demo_workspace.transaction() as conn:
        store = ObjectStore(conn)
        store.put(obj, store.add_source("file", "hostile.json"))
    reports.context.session.notify_changed(StoreChange("test"))
    search_briefing(qtbot, reports, "zephyrquill")
    prepared = preview(qtbot, reports)
    pages, text = pdf_text(prepared.rendered.pdf)
    assert reports.preview_pane.page_count == pages
    assert "Zephyrquill <b>loader" in text and '<img src="/etc/passwd"/>' in text and "<font size=500>" in text
    assert not message_boxes()


def test_printing_through_the_dialog_to_a_pdf_file_records_the_print(qtbot, reports, sample_cases, tmp_path) -> None:
    choose_kind(qtbot, reports, "incident")
    click_case(qtbot, reports, sample_cases["incident"])
    prepared = preview(qtbot, reports)
    reports.print_report()
    dialog = reports.print_dialog
    assert dialog is not None and dialog.isVisible()
    target = tmp_path / "printed.pdf"
    name = dialog.findChild(QLineEdit, "filename")
    name.setText(str(target))
    with qtbot.waitSignal(reports.report_printed, timeout=60_000) as printed:
        dialog.accept()
    result = printed.args[0]
    assert len(PdfReader(target).pages) == prepared.rendered.pages == len(result.pages)
    [entry] = audit.entries(reports.context.session.workspace.conn, action="report.printed")
    assert entry.details["sha256"] == prepared.rendered.sha256 and entry.details["copies"] == 1
    assert entry.details["printer"] == "PDF file printed.pdf" and "page_range" not in entry.details


def test_two_copies_of_two_pages_print_four_sheets(qtbot, reports, sample_cases, tmp_path) -> None:
    choose_kind(qtbot, reports, "incident")
    click_case(qtbot, reports, sample_cases["incident"])
    preview(qtbot, reports)
    reports.print_report()
    dialog = reports.print_dialog
    dialog.findChild(QLineEdit, "filename").setText(str(tmp_path / "two.pdf"))
    # Qt's own dialog, filled in as the analyst would: pages 2 to 3, two copies.
    next(button for button in dialog.findChildren(QRadioButton) if button.objectName() == "printRange").click()
    dialog.findChild(QSpinBox, "to").setValue(3)
    dialog.findChild(QSpinBox, "from").setValue(2)
    dialog.findChild(QSpinBox, "copies").setValue(2)
    with qtbot.waitSignal(reports.report_printed, timeout=60_000) as printed:
        dialog.accept()
    assert printed.args[0].pages == (2, 3) and printed.args[0].copies == 2
    assert len(PdfReader(tmp_path / "two.pdf").pages) == 4
    [entry] = audit.entries(reports.context.session.workspace.conn, action="report.printed")
    assert entry.details["copies"] == 2 and entry.details["page_range"] == "2-3"


def test_a_changed_form_must_be_previewed_again_before_saving(qtbot, reports, sample_cases) -> None:
    choose_kind(qtbot, reports, "incident")
    click_case(qtbot, reports, sample_cases["incident"])
    preview(qtbot, reports)
    assert reports.save_button.isEnabled() and reports.print_button.isEnabled()
    reports.form.tlp_box.setCurrentIndex(reports.form.tlp_box.findText("TLP:RED"))
    assert not reports.save_button.isEnabled() and not reports.print_button.isEnabled()
    assert reports.stale_note.isVisible()
    prepared = preview(qtbot, reports)
    assert prepared.rendered.tlp.label == "TLP:RED" and reports.save_button.isEnabled()
    assert not reports.stale_note.isVisible()


def test_locking_drops_the_preview_and_what_was_typed(qtbot, reports, sample_cases) -> None:
    choose_kind(qtbot, reports, "briefing")
    click_case(qtbot, reports, sample_cases["incident"])
    reports.editor.bluf.setPlainText("Secret assessment")
    preview(qtbot, reports)
    reports.context.session.lock()
    assert reports.preview_pane.page_count == 0 and reports.prepared is None
    assert reports.form.cases.rowCount() == 0 and reports.editor.bluf.toPlainText() == ""
    assert not reports.save_button.isEnabled()


def test_cancelling_a_preview_shows_nothing_and_records_nothing(
    qtbot, threaded_session, settings, demo_workspace, sample_cases
) -> None:
    window = make_window(qtbot, threaded_session, settings)
    threaded_session.attach(demo_workspace)
    screen = window.show_screen("reports")
    qtbot.waitUntil(lambda: screen.form.cases.rowCount() > 0)
    choose_kind(qtbot, screen, "briefing")
    click_case(qtbot, screen, sample_cases["incident"])
    shown: list[object] = []
    screen.preview_shown.connect(shown.append)
    qtbot.mouseClick(screen.preview_button, Qt.MouseButton.LeftButton)
    progress = screen.progress
    task = screen._task
    assert progress is not None and task is not None
    with qtbot.waitSignal(task.cancelled, timeout=30_000):
        qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not screen.busy)
    assert shown == [] and screen.prepared is None and screen.preview_pane.page_count == 0
    assert screen.preview_button.isEnabled()
