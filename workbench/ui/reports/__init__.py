"""The Reports screen: incident, exercise and briefing PDFs previewed inside the window, saved and printed."""

from PySide6.QtCore import QCoreApplication

from workbench.ui.common.screen import ScreenSpec


def _build(context):
    from workbench.ui.reports.reports_screen import ReportsScreen

    return ReportsScreen(context)


SCREEN = ScreenSpec(
    key="reports",
    title=lambda: QCoreApplication.translate("Screens", "Reports"),
    tooltip=lambda: QCoreApplication.translate(
        "Screens", "Incident, exercise and briefing reports as PDF, marked with TLP on every page: preview, save, print"
    ),
    icon="reports",
    factory=_build,
)
