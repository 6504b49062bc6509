"""The one place screens are registered: the navigation lists them in this order.

A screen is one ``ui/<feature>/`` package exposing ``SCREEN`` (a ``ScreenSpec``). Cases, Exchange, Partners and
Reports are placeholders until their services land; replacing the placeholder line by the package's ``SCREEN``
is all it takes to add them.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from workbench.ui import audit, exchange, library, partners
from workbench.ui.common.placeholder import placeholder
from workbench.ui.common.screen import ScreenSpec


def _t(text: str) -> str:
    return QCoreApplication.translate("Screens", text)


SCREENS: tuple[ScreenSpec, ...] = (
    library.SCREEN,
    placeholder("cases", lambda: _t("Cases"),
                lambda: _t("Incident and exercise cases: timeline, linked objects, NIS2 and CISA reporting fields, "
                           "HSEEP after-action structure."), "cases"),
    exchange.SCREEN,
    partners.SCREEN,
    placeholder("reports", lambda: _t("Reports"),
                lambda: _t("Incident, exercise and briefing reports as PDF, marked with TLP on every page."),
                "reports"),
    audit.SCREEN,
)
