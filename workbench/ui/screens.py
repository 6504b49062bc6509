"""The one place screens are registered: the navigation lists them in this order.

A screen is one ``ui/<feature>/`` package exposing ``SCREEN`` (a ``ScreenSpec``); registering it here is all it
takes to add it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from workbench.ui import audit, cases, library, reports
from workbench.ui.common.placeholder import placeholder
from workbench.ui.common.screen import ScreenSpec


def _t(text: str) -> str:
    return QCoreApplication.translate("Screens", text)


SCREENS: tuple[ScreenSpec, ...] = (
    library.SCREEN,
    cases.SCREEN,
    placeholder("exchange", lambda: _t("Exchange"),
                lambda: _t("Inbox: signed packages found on removable media or in a folder, each with its "
                           "verification verdict before anything is imported. Outbox: the export wizard with the "
                           "marking check, progress and a verified result; delivery status from receipts."),
                "exchange"),
    placeholder("partners", lambda: _t("Partners"),
                lambda: _t("Partner agencies and their pinned public keys: add from a PEM file, compare the "
                           "fingerprint, set TLP ceilings and validity, revoke."), "partners"),
    reports.SCREEN,
    audit.SCREEN,
)
