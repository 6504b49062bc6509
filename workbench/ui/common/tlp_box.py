"""A combo box of TLP levels (TLP 2.0), for ceilings and defaults."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox, QWidget

from workbench.domain.tlp import Tlp


class TlpBox(QComboBox):
    """Offers ``levels`` (all by default); ``level()`` is the chosen one."""

    def __init__(
        self, parent: QWidget | None = None, *, levels: Iterable[Tlp] = tuple(Tlp), selected: Tlp | None = None
    ) -> None:
        super().__init__(parent)
        self.set_levels(levels, selected)

    def set_levels(self, levels: Iterable[Tlp], selected: Tlp | None = None) -> None:
        """Offer these levels, keeping ``selected`` (or the current level, or the highest) chosen."""
        keep = selected if selected is not None else self.level()
        self.clear()
        offered = list(levels)
        for level in offered:
            self.addItem(level.label, int(level))
        if offered:
            chosen = keep if keep in offered else offered[-1]
            self.setCurrentIndex(offered.index(chosen))

    def level(self) -> Tlp | None:
        value = self.currentData()
        return Tlp(value) if value is not None else None

    def set_level(self, level: Tlp) -> None:
        index = self.findData(int(level))
        if index >= 0:
            self.setCurrentIndex(index)
