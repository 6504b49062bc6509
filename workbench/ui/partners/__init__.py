"""The Partners screen: partner agencies and their pinned keys; add from a PEM file, ceilings, validity, revoke."""

from PySide6.QtCore import QCoreApplication

from workbench.ui.common.screen import ScreenSpec


def _build(context):
    from workbench.ui.partners.partners_screen import PartnersScreen

    return PartnersScreen(context)


SCREEN = ScreenSpec(
    key="partners",
    title=lambda: QCoreApplication.translate("Screens", "Partners"),
    tooltip=lambda: QCoreApplication.translate(
        "Screens",
        "Partner agencies and their pinned public keys: add from a PEM file, compare the fingerprint, "
        "set TLP ceilings and validity, revoke",
    ),
    icon="partners",
    factory=_build,
)
