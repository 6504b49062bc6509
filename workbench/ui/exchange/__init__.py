"""The Exchange screen: the Inbox of packages and receipts carried in, and the Outbox with the export wizard."""

from PySide6.QtCore import QCoreApplication

from workbench.ui.common.screen import ScreenSpec


def _build(context):
    from workbench.ui.exchange.exchange_screen import ExchangeScreen

    return ExchangeScreen(context)


SCREEN = ScreenSpec(
    key="exchange",
    title=lambda: QCoreApplication.translate("Screens", "Exchange"),
    tooltip=lambda: QCoreApplication.translate(
        "Screens",
        "Inbox: signed packages on removable media or in a folder, verified before import. Outbox: the "
        "export wizard and the packages sent, with their delivery",
    ),
    icon="exchange",
    factory=_build,
)
