"""Cases: the incident and exercise list with filters, their editors, the timeline and the deadline panel."""

from PySide6.QtCore import QCoreApplication

from workbench.ui.common.screen import ScreenSpec


def _build(context):
    from workbench.ui.cases.cases_screen import CasesScreen

    return CasesScreen(context)


SCREEN = ScreenSpec(
    key="cases",
    title=lambda: QCoreApplication.translate("Screens", "Cases"),
    tooltip=lambda: QCoreApplication.translate(
        "Screens",
        "Incident and exercise cases: NIS2 and CISA reporting "
        "fields and deadlines, timeline, linked objects, after-action "
        "structure",
    ),
    icon="cases",
    factory=_build,
)
