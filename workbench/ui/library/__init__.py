"""The library: the store in a table with filters and search, and the selected object's detail and graph."""

from PySide6.QtCore import QCoreApplication

from workbench.ui.common.screen import ScreenSpec


def _build(context):
    from workbench.ui.library.library_screen import LibraryScreen

    return LibraryScreen(context)


SCREEN = ScreenSpec(
    key="library",
    title=lambda: QCoreApplication.translate("Screens", "Library"),
    tooltip=lambda: QCoreApplication.translate(
        "Screens", "Every STIX object in the workspace: search, filter, follow relationships"
    ),
    icon="library",
    factory=_build,
)
