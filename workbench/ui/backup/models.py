"""The small tables of the restore dialog: backups found on removable volumes, and the channels a backup knew."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.services.backup import ChannelThen
from workbench.services.backup.manifest import FOLDER_NAME
from workbench.ui.common.list_model import ListTableModel, when_text


@dataclass(frozen=True)
class FoundBackup:
    """A backup folder found on a volume (by its name; verified only once chosen)."""

    path: Path
    volume: str

    @property
    def made(self) -> str:
        """The UTC time in the folder's name, as ``YYYY-MM-DD HH:MM``."""
        match = FOLDER_NAME.fullmatch(self.path.name)
        stamp = match.group(1) if match else ""
        return f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}" if stamp else ""


class FoundBackupsModel(ListTableModel[FoundBackup]):
    class Columns(enum.IntEnum):
        MADE = 0
        VOLUME = 1
        FOLDER = 2

    def headers(self) -> Sequence[str]:
        return [self.tr("Made (UTC)"), self.tr("Volume"), self.tr("Folder")]

    def cell(self, item: FoundBackup, column: int) -> str:
        if column == self.Columns.MADE:
            return item.made
        if column == self.Columns.VOLUME:
            return item.volume
        return item.path.name

    def tooltip(self, item: FoundBackup, column: int) -> str | None:
        return str(item.path)


class ChannelsModel(ListTableModel[ChannelThen]):
    """What each partner channel knew at the time of the backup."""

    class Columns(enum.IntEnum):
        PARTNER = 0
        DIRECTION = 1
        SEQUENCE = 2
        UPDATED = 3
        PACKAGE = 4

    numeric = frozenset({Columns.SEQUENCE})

    def headers(self) -> Sequence[str]:
        return [
            self.tr("Partner"),
            self.tr("Direction"),
            self.tr("Last sequence"),
            self.tr("At (UTC)"),
            self.tr("Package"),
        ]

    def cell(self, item: ChannelThen, column: int) -> str:
        if column == self.Columns.PARTNER:
            return item.partner
        if column == self.Columns.DIRECTION:
            return self.tr("sent to them") if item.direction == "out" else self.tr("received from them")
        if column == self.Columns.SEQUENCE:
            return str(item.last_sequence)
        if column == self.Columns.UPDATED:
            return when_text(item.updated_at)
        return item.last_package_id or self.tr("none: moved forward by keys advance")

    def tooltip(self, item: ChannelThen, column: int) -> str | None:
        return item.partner if column == self.Columns.PARTNER else None
