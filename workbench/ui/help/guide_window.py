"""Help > User guide: the guides shipped with the program, read offline in a window of their own.

The guides are Markdown files in ``resources/guides/`` (in the wheel, the frozen folder and the .deb), rendered by
Qt itself (``QTextBrowser`` reads Markdown since Qt 5.14), with their screenshots beside them. A list of the
document's headings jumps to a section; Find searches the text. Links to the other guides open here; any other
link is not followed (the workstation has no network), and the status line says so.
"""

from __future__ import annotations

import enum
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.app.application import app_icon, resource_path
from workbench.ui.common.text import plain_label

logger = logging.getLogger(__name__)


class Guide(enum.Enum):
    """The guides, by file name in ``resources/guides``."""

    USER = "user-guide.md"
    ADMIN = "admin-guide.md"
    COMMANDS = "commands.md"

    @property
    def path(self) -> Path:
        return guides_folder() / self.value


def guides_folder() -> Path:
    return resource_path("guides")


class GuideWindow(QWidget):
    """One window showing one guide at a time; ``show_guide`` switches and brings it to the front."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("guideWindow")
        self.setWindowIcon(app_icon())
        self.resize(1100, 760)
        self.guide: Guide | None = None
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideText")
        self.browser.setAccessibleName(self.tr("Guide"))
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._link)
        self.browser.viewport().installEventFilter(self)
        self._natural: dict[str, QSize] = {}
        self._fitted_width = 0
        self.contents = QListWidget(self)
        self.contents.setObjectName("guideContents")
        self.contents.setAccessibleName(self.tr("Contents"))
        self.contents.itemActivated.connect(self._jump)
        self.contents.itemClicked.connect(self._jump)
        self.contents.setWordWrap(True)
        self.contents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.find = QLineEdit(self)
        self.find.setObjectName("guideFind")
        self.find.setPlaceholderText(self.tr("Find in this guide"))
        self.find.setAccessibleName(self.tr("Find in this guide"))
        self.find.returnPressed.connect(self.find_next)
        find_next = QPushButton(self.tr("&Next"), self)
        find_next.setToolTip(self.tr("Find the next place (Enter)"))
        find_next.clicked.connect(self.find_next)
        self.status = plain_label("", self)
        self.status.setObjectName("guideStatus")
        self.guide_buttons: dict[Guide, QPushButton] = {}
        top = QHBoxLayout()
        for guide, title in self._titles().items():
            button = QPushButton(title, self)
            button.setCheckable(True)
            button.clicked.connect(lambda _checked=False, chosen=guide: self.show_guide(chosen))
            self.guide_buttons[guide] = button
            top.addWidget(button)
        top.addStretch(1)
        top.addWidget(self.find)
        top.addWidget(find_next)
        splitter = QSplitter(self)
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 800])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        QShortcut(QKeySequence.StandardKey.Find, self, self.find.setFocus)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

    def _titles(self) -> dict[Guide, str]:
        return {
            Guide.USER: self.tr("&User guide"),
            Guide.ADMIN: self.tr("&Administrator's guide"),
            Guide.COMMANDS: self.tr("&Command reference"),
        }

    def show_guide(self, guide: Guide) -> bool:
        """Show ``guide`` (its own file, images beside it); False, with a message, when it is not installed."""
        for key, button in self.guide_buttons.items():
            button.setChecked(key is guide)
        path = guide.path
        title = self._titles()[guide].replace("&", "")
        self.setWindowTitle(self.tr("{0} — Workbench").format(title))
        if not path.is_file():
            self.guide = None
            self.browser.clear()
            self.contents.clear()
            self.status.setText(self.tr("The guide is not installed: {0} is missing.").format(str(path)))
            return False
        self.guide = guide
        self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)
        self._natural.clear()
        self._fitted_width = 0
        self.fit_images()
        self._fill_contents()
        self.status.setText("")
        self.show()
        if QGuiApplication.platformName() != "offscreen":  # which cannot raise a window, and says so on stderr
            self.raise_()
        self.activateWindow()
        return True

    def headings(self) -> list[tuple[int, str]]:
        """(level, text) of each heading of the shown guide, in order."""
        found = []
        block = self.browser.document().begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level:
                found.append((level, block.text()))
            block = block.next()
        return found

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.browser.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_images()
        return super().eventFilter(watched, event)

    def fit_images(self) -> None:
        """Show each picture at its own size, or narrower to fit the page's width (the screenshots are wide)."""
        width = max(200, self.browser.viewport().width() - 40)
        if width == self._fitted_width:
            return
        self._fitted_width = width
        document = self.browser.document()
        block = document.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                text_format = fragment.charFormat()
                if text_format.isImageFormat():
                    image = text_format.toImageFormat()
                    natural = self._natural_size(image.name())
                    if natural.isValid() and natural.width() > 0:
                        shown = min(width, natural.width())
                        image.setWidth(shown)
                        image.setHeight(natural.height() * shown / natural.width())
                        cursor = QTextCursor(document)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                        cursor.setCharFormat(image)
                fragments += 1
            block = block.next()

    def _natural_size(self, name: str) -> QSize:
        if name not in self._natural:
            data = self.browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(name))
            image = QImage.fromData(data) if isinstance(data, QByteArray) else QImage()
            self._natural[name] = image.size()
        return self._natural[name]

    def images(self) -> list[str]:
        """The pictures the shown guide refers to, in order (as written in it, relative to the guide)."""
        names = []
        block = self.browser.document().begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                text_format = fragments.fragment().charFormat()
                if text_format.isImageFormat():
                    names.append(text_format.toImageFormat().name())
                fragments += 1
            block = block.next()
        return names

    def missing_images(self) -> list[str]:
        """The pictures of the shown guide that cannot be loaded (not installed, or not an image)."""
        missing = []
        for name in self.images():
            data = self.browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl(name))
            if data is None or (isinstance(data, QByteArray) and data.isEmpty()):
                missing.append(name)
        return missing

    def _fill_contents(self) -> None:
        self.contents.clear()
        block = self.browser.document().begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if 0 < level <= 3:
                item = QListWidgetItem("    " * (level - 1) + block.text(), self.contents)
                item.setData(Qt.ItemDataRole.UserRole, block.position())
            block = block.next()

    def _jump(self, item: QListWidgetItem) -> None:
        self.go_to(int(item.data(Qt.ItemDataRole.UserRole)))

    def go_to(self, position: int) -> None:
        """Scroll so that the text at ``position`` is at the top."""
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(position)
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.maximum())  # from the bottom, so that ensureCursorVisible puts the heading at the top
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()

    def find_next(self) -> bool:
        """Select the next occurrence of the Find text, wrapping around once; False when there is none."""
        text = self.find.text()
        if not text:
            return False
        if self.browser.find(text):
            self.status.setText("")
            return True
        self.browser.moveCursor(QTextCursor.MoveOperation.Start)
        found = self.browser.find(text)
        self.status.setText("" if found else self.tr("“{0}” is not in this guide.").format(text))
        return found

    def _link(self, url: QUrl) -> None:
        """Open links to the guides here; an anchor in the same guide scrolls; nothing else is followed."""
        if url.scheme() in ("", "file"):
            target = Path(url.toLocalFile() or url.path())
            for guide in Guide:
                if target.name == guide.value:
                    self.show_guide(guide)
                    if url.hasFragment():
                        self.browser.scrollToAnchor(url.fragment())
                    return
            if url.hasFragment() and not url.path():
                self.browser.scrollToAnchor(url.fragment())
                return
        self.status.setText(
            self.tr("Links outside the guides are not opened here (this workstation has no network): {0}").format(
                url.toString()
            )
        )
