"""A combo box of TLP levels (TLP 2.0), for ceilings and defaults."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox, QWidget

from workbench.domain.tlp import Tlp


class TlpBox(QComboBox):
    """Offers ``levels`` (all by default); ``level()`` is the chosen one.

    ``choose`` (a text) starts with no level chosen, that text shown, so that the analyst picks one on purpose
    (``level()`` is None until then).
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        levels: Iterable[Tlp] = tuple(Tlp),
        selected: Tlp | None = None,
        choose: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._choose = choose
        self.set_levels(levels, selected)

    def set_levels(self, levels: Iterable[Tlp], selected: Tlp | None = None) -> None:
        """Offer these levels, keeping ``selected`` (or the current level, or the highest) chosen."""
        keep = selected if selected is not None else self.level()
        self.clear()
        offered = list(levels)
        if self._choose is not None:
            self.addItem(self._choose, None)
        for level in offered:
            self.addItem(level.label, int(level))
        if keep in offered:
            self.setCurrentIndex(self.findData(int(keep)))
        elif offered and self._choose is None:
            self.setCurrentIndex(self.findData(int(offered[-1])))

    def level(self) -> Tlp | None:
        value = self.currentData()
        return Tlp(value) if value is not None else None

    def set_level(self, level: Tlp) -> None:
        index = self.findData(int(level))
        if index >= 0:
            self.setCurrentIndex(index)
