"""About the workbench: version, the runtime, and the licences of the components bundled with it."""

from __future__ import annotations

import platform
from importlib import metadata

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench import __version__
from workbench.app.application import app_icon
from workbench.ui.about.licences_model import LicencesModel
from workbench.ui.common.text import plain_label
from workbench.ui.common.views import read_only_rows

# (distribution name, what it does here, licence). The licence is stated here rather than read from package
# metadata, which frozen builds often strip.
COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("PySide6", "Qt for Python: the window, printing, the report preview", "LGPL-3.0-only (Qt for Python and Qt)"),
    ("sqlcipher3", "SQLCipher: the encrypted database", "zlib (binding); BSD-3-Clause (SQLCipher)"),
    ("cryptography", "Ed25519 signatures", "Apache-2.0 OR BSD-3-Clause"),
    ("stix2", "STIX 2.1 objects", "BSD-3-Clause"),
    ("stix2-patterns", "checking STIX patterns", "BSD-3-Clause"),
    ("reportlab", "PDF reports", "BSD-3-Clause"),
    ("orjson", "JSON", "Apache-2.0 OR MIT"),
    ("rfc8785", "canonical JSON for manifests", "Apache-2.0"),
    ("rl_accel", "ReportLab's accelerators", "BSD-3-Clause"),
    ("python-dateutil", "calendar months for NIS2 deadlines", "Apache-2.0 OR BSD-3-Clause"),
    ("jsonschema", "checking the case extension's schema", "MIT"),
    ("zxcvbn", "passphrase strength hint", "MIT"),
    ("markdown-it-py", "Markdown in descriptions printed as plain words", "MIT"),
    ("ioc-fanger", "indicators defanged for print", "MIT"),
    ("pypdf", "indicators attached to report PDFs", "BSD-3-Clause"),
    ("pytimeparse", "durations typed as analysts write them (90m, 1d6h)", "MIT"),
    ("DejaVu fonts", "the typeface of the reports", "Bitstream Vera and Arev licences (free to redistribute)"),
)


def installed_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Workbench"))
        self.setWindowIcon(app_icon())
        self.setMinimumSize(640, 460)
        title = plain_label(self.tr("Workbench {0}").format(__version__), self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        title.setObjectName("aboutTitle")
        text = plain_label(
            self.tr(
                "An air-gapped workbench for cyber threat analysts: an encrypted STIX 2.1 store, "
                "signed exchange on removable media, cases and reports. It never uses the "
                "network."
            ),
            self,
            wrap=True,
        )
        runtime = plain_label(
            self.tr("Python {0} · Qt {1} · Qt for Python {2} · {3}").format(
                platform.python_version(), qVersion(), PySide6.__version__, platform.platform(terse=True)
            ),
            self,
            wrap=True,
            selectable=True,
        )
        licence = plain_label(
            self.tr(
                "Workbench is licensed under the Apache License 2.0. It bundles these "
                "components, each under its own licence:"
            ),
            self,
            wrap=True,
        )
        table = QTableView(self)
        table.setObjectName("licencesTable")
        table.setAccessibleName(self.tr("Bundled components and their licences"))
        table.setModel(
            LicencesModel([(name, installed_version(name), use, lic) for name, use, lic in COMPONENTS], table)
        )
        read_only_rows(table)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.licences = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        for widget in (title, text, runtime, licence):
            layout.addWidget(widget)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
