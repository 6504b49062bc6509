"""The audit screen: the hash-chained log in a table, filtered by action, and the chain verified on request."""

from PySide6.QtCore import QCoreApplication

from workbench.ui.common.screen import ScreenSpec


def _build(context):
    from workbench.ui.audit.audit_screen import AuditScreen

    return AuditScreen(context)


SCREEN = ScreenSpec(
    key="audit",
    title=lambda: QCoreApplication.translate("Screens", "Audit"),
    tooltip=lambda: QCoreApplication.translate("Screens", "The append-only audit log and its hash chain"),
    icon="audit",
    factory=_build,
)
