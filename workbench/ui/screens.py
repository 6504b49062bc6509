"""The one place screens are registered: the navigation lists them in this order.

A screen is one ``ui/<feature>/`` package exposing ``SCREEN`` (a ``ScreenSpec``); registering it here is all it
takes to add it.
"""

from __future__ import annotations

from workbench.ui import audit, cases, exchange, exercise, library, partners, reports
from workbench.ui.common.screen import ScreenSpec

SCREENS: tuple[ScreenSpec, ...] = (
    library.SCREEN,
    cases.SCREEN,
    exercise.SCREEN,
    exchange.SCREEN,
    partners.SCREEN,
    reports.SCREEN,
    audit.SCREEN,
)
