"""What the dialogs that change one partner share: an explanation, a form, Save and Cancel, the change run as one
task (Save does nothing while it runs), the other screens told, and a refusal shown in a dialog of its own; what
was chosen as JSON values (``state``), kept at locking when it differs from how the dialog opened and put back at
unlocking (``put_back``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from workbench.app.session import Session, StoreChange
from workbench.app.tasks import TaskFailure, TaskHandle
from workbench.services.exchange import Partner
from workbench.services.workspace import Workspace
from workbench.ui.common.dialogs import show_error
from workbench.ui.common.text import plain_label


class PartnerChangeDialog(QDialog):
    changed = Signal(object)
    """The ``Partner`` as saved."""

    def __init__(self, session: Session, partner: Partner, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._session = session
        self._partner = partner
        self._task: TaskHandle | None = None
        self.form = QFormLayout()
        self._intro = plain_label("", self, wrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        session.locking.connect(self.reject)
        #: ``state()`` as the dialog opened; set by each dialog once its fields are filled.
        self.opened_with: dict[str, Any] = {}

    @property
    def partner_name(self) -> str:
        return self._partner.name

    def state(self) -> dict[str, Any]:
        """What is chosen, as JSON values: kept at locking when it differs from ``opened_with``."""
        raise NotImplementedError

    def put_back(self, kept: dict[str, Any]) -> None:
        """Show what ``state`` returned before the workspace locked (values that no longer fit are left)."""
        raise NotImplementedError

    def set_intro(self, text: str) -> None:
        self._intro.setText(text)

    def change(self) -> Callable[[Workspace, object], Partner] | None:
        """The service call Save runs (None: nothing to save)."""
        raise NotImplementedError

    def saved_text(self, partner: Partner) -> str:
        raise NotImplementedError

    def refused_title(self) -> str:
        raise NotImplementedError

    def _save(self) -> None:
        if self._task is not None:
            return
        work = self.change()
        if work is None:
            return
        self._task = self._session.run(self.objectName(), work)
        self._task.succeeded.connect(self._saved)
        self._task.failed.connect(self._failed)

    def _saved(self, partner: Partner) -> None:
        self._task = None
        self._session.notify_changed(StoreChange("partner", self.saved_text(partner)))
        self.changed.emit(partner)
        self.accept()

    def _failed(self, failure: TaskFailure) -> None:
        self._task = None
        show_error(self, failure.message, title=self.refused_title())
