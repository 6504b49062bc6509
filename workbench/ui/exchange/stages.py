"""Words for the stages the exchange services report through ``progress(stage, done, total)``."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("Exchange", text)


def stage_text(stage: str) -> str:
    """What the analyst reads under a progress bar for a stage of an import or an export."""
    texts = {
        "copy": _t("Copying from the medium into quarantine…"),
        "verify": _t("Checking the signature, the files and the markings…"),
        "import": _t("Importing the objects…"),
        "write": _t("Writing the package…"),
        "read-back": _t("Reading the package back from the medium and verifying it…"),
    }
    return texts.get(stage, stage)
