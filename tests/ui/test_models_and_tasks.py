"""Every model passes pytest-qt's model tester; the task runner delivers outcomes in the GUI thread."""

from __future__ import annotations

import gc
import threading
import uuid
import weakref

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QModelRoleDataSpan, Qt, QThread
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTableView

from workbench.app.tasks import Lane, SyncTaskRunner, TaskProgress, TaskRunner
from workbench.domain.errors import InvalidInput, WorkspaceError
from workbench.services import library
from workbench.services.importing.importer import Finding
from workbench.ui.about.licences_model import LicencesModel
from workbench.ui.audit.audit_model import AuditModel
from workbench.ui.common.table_model import TableModel
from workbench.ui.common.text import one_line
from workbench.ui.importing.findings_model import FindingsModel
from workbench.ui.library.detail_models import LinksModel, VersionsModel
from workbench.ui.library.library_model import LibraryModel, _RowStore


def test_library_model(qtmodeltester, qtbot, session, demo_workspace) -> None:
    session.attach(demo_workspace)
    model = LibraryModel(session, page_size=50)
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() == 50)
    qtmodeltester.check(model, force_py=True)
    assert model.canFetchMore(QModelIndex()) or model.loading


def test_audit_model(qtmodeltester, qtbot, session, demo_workspace) -> None:
    session.attach(demo_workspace)
    model = AuditModel(session, page_size=2)
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() >= 2)
    qtmodeltester.check(model, force_py=True)


def test_detail_models(qtmodeltester, demo_workspace) -> None:
    owl = library.search(demo_workspace, library.LibraryFilter(search="Sandstorm Owl")).rows
    detail = library.object_detail(demo_workspace, next(r.id for r in owl if r.type == "threat-actor"))
    links = LinksModel()
    links.set_items(detail.links)
    qtmodeltester.check(links, force_py=True)
    versions = VersionsModel()
    versions.set_items(detail.versions)
    qtmodeltester.check(versions, force_py=True)


def test_findings_and_licences_models(qtmodeltester) -> None:
    qtmodeltester.check(
        FindingsModel([Finding("indicator--x", "id", "bad id"), Finding(None, None, "file")]), force_py=True
    )
    qtmodeltester.check(LicencesModel([("a", "1", "b", "MIT")]), force_py=True)


@pytest.mark.parametrize("runner_class", [TaskRunner, SyncTaskRunner])
def test_outcomes_arrive_in_the_gui_thread(qtbot, app, runner_class) -> None:
    runner = runner_class(app)  # parented: it must outlive the deferred deletes of its handles
    gui = QThread.currentThread()
    seen: list[object] = []

    def work(control) -> str:
        control.progress(1, 2)
        return threading.current_thread().name

    handle = runner.run("ok", work)
    handle.succeeded.connect(lambda _value: seen.append(QThread.currentThread()))
    handle.progressed.connect(lambda progress: seen.append(progress))
    with qtbot.waitSignal(handle.finished):
        pass
    assert seen[-1] is gui
    assert TaskProgress(1, 2) in seen
    failing = runner.run("bad", lambda _control: (_ for _ in ()).throw(InvalidInput("that file is not STIX")))
    with qtbot.waitSignal(failing.failed) as failed:
        pass
    assert failed.args[0].message == "that file is not STIX" and failed.args[0].expected
    runner.shutdown()


def test_a_cancelled_task_reports_cancelled(qtbot, app) -> None:
    runner = TaskRunner(app)
    started = threading.Event()

    def work(control) -> None:
        started.set()
        while True:
            control.check()

    handle = runner.run("long", work)
    started.wait(10)
    with qtbot.waitSignal(handle.cancelled, timeout=10_000):
        handle.cancel()
    assert handle.outcome == "cancelled"
    runner.shutdown()


def test_a_long_task_never_holds_back_what_the_screens_read(qtbot, app) -> None:
    runner = TaskRunner(app)
    release = threading.Event()
    order: list[str] = []

    def long_work(control) -> None:
        release.wait(10)
        order.append("import")

    def read(name: str):
        def work(_control) -> str:
            order.append(name)
            return threading.current_thread().name

        return work

    importing = runner.run("import", long_work, lane=Lane.LONG)
    first = runner.run("page 1", read("page 1"))
    second = runner.run("page 2", read("page 2"))
    with qtbot.waitSignal(second.succeeded, timeout=10_000):
        pass
    assert order == ["page 1", "page 2"] and not importing.done  # read while the import still runs, in order
    assert first.result == second.result  # one thread reads, one after the other
    release.set()
    with qtbot.waitSignal(importing.finished, timeout=10_000):
        pass
    assert order[-1] == "import"
    runner.shutdown()


def test_worker_connections_close_on_lock(qtbot, threaded_session, ui_workspace) -> None:
    threaded_session.attach(ui_workspace)
    handle = threaded_session.run("count", lambda ws, _control: ws.objects.count())
    with qtbot.waitSignal(handle.succeeded) as done:
        pass
    assert done.args[0] > 0
    threaded_session.lock()
    with pytest.raises(WorkspaceError, match="locked"), threaded_session.connection():
        pass
    late = threaded_session.run("late", lambda ws, _control: ws.objects.count())
    with qtbot.waitSignal(late.failed) as failed:
        pass
    assert "locked" in failed.args[0].message


class _Styled(TableModel):
    """Cells with every role a delegate paints: text, font, colours, alignment, check state."""

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 40

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return f"cell {row}:{column}"
        if role == Qt.ItemDataRole.FontRole and row % 3 == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.BackgroundRole and row % 2:
            return QBrush(QColor("#fce8e6"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.CheckStateRole and column == 3:
            return Qt.CheckState.Checked if row % 2 else Qt.CheckState.Unchecked
        return None


class _RoleByRole(_Styled):
    """The same cells, asked for role by role as Qt's own ``multiData`` does."""

    def multiData(self, index: QModelIndex, roleDataSpan: QModelRoleDataSpan) -> None:
        QAbstractTableModel.multiData(self, index, roleDataSpan)


def test_table_models_paint_the_same_when_qt_asks_every_role_of_a_cell_at_once(qapp) -> None:
    images = []
    for model in (_Styled(), _RoleByRole()):
        view = QTableView()
        view.setModel(model)
        view.resize(520, 400)
        images.append(view.grab().toImage())
    assert images[0] == images[1]


def test_library_rows_keep_every_name_as_it_was_stored() -> None:
    names = ["GreyLantern", "", "Ünïcödé ✓ 😀", "lone \ud800 surrogate", "two\nlines", "x" * 5000]
    rows = _RowStore()
    rows.append(
        [
            library.ObjectRow(
                n + 1,
                f"malware--{uuid.UUID(int=n)}",
                "malware",
                name,
                "2026-01-10T08:00:00Z",
                None,
                False,
                1,
                1,
                "bundle.json",
            )
            for n, name in enumerate(names)
        ]
    )
    assert [rows.name(n) for n in range(len(names))] == [one_line(name) for name in names]
    assert rows.stix_id(2) == f"malware--{uuid.UUID(int=2)}"


def test_a_finished_task_and_its_result_are_freed_without_waiting_for_a_garbage_collection(qtbot, app) -> None:
    runner = TaskRunner(app)

    class Page:
        """Stands for a page of rows."""

    handle = runner.run("page", lambda _control: Page())
    with qtbot.waitSignal(handle.finished, timeout=10_000):
        pass
    result = weakref.ref(handle.result)
    del handle
    gc.disable()  # a reference cycle would keep it until the next collection, which the window then waits for
    try:
        qtbot.waitUntil(lambda: result() is None, timeout=5_000)
    finally:
        gc.enable()
    runner.shutdown()
