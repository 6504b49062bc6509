"""The Exchange screen's tables: items found on media, packages received and sent, what the marking check holds
back, and the removable volumes. Every one is a ``ListTableModel`` fed by a task from the exchange services."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush, QColor

from workbench.services.exchange import HeldBack, InboxEntry, OutboxEntry, Volume
from workbench.services.exchange.export import LeavingObject
from workbench.services.exchange.inbox_scan import FoundItem, ItemKind, ItemState
from workbench.ui.common.list_model import ListTableModel, size_text, when_text

REFUSED_COLOUR = QColor("#c5221f")
WARNING_COLOUR = QColor("#b06000")
GOOD_COLOUR = QColor("#188038")


def _t(text: str) -> str:
    return QCoreApplication.translate("Exchange", text)


def verdict_text(item: FoundItem) -> str:
    """The verdict on a found item in a few words (the whole reason for a refusal)."""
    if item.state is ItemState.READY:
        if item.warnings:
            return _t("Verified, with {0} warning(s): {1}").format(len(item.warnings), item.warnings[0])
        return _t("Verified, ready to import")
    if item.state is ItemState.IMPORTED:
        return _t("Already imported on {0}").format(when_text(item.since))
    if item.state is ItemState.RECEIPT_READY:
        return _t("Verified receipt: package {0} delivered").format(item.receipt.sequence if item.receipt else "?")
    if item.state is ItemState.RECEIPT_RECORDED:
        return _t("Receipt already recorded on {0}").format(when_text(item.since))
    if item.state is ItemState.OUTGOING:
        return _t("Written here for {0}: carry it to them").format(item.partner or "?")
    return _t("Refused: {0}").format(item.reason or "")


def kind_text(kind: ItemKind) -> str:
    return _t("Package") if kind is ItemKind.PACKAGE else _t("Receipt")


class FoundItemsModel(ListTableModel[FoundItem]):
    """Packages and receipts found on removable media or in the chosen folder, with their verdicts."""

    class Columns(enum.IntEnum):
        KIND = 0
        FROM = 1
        SEQUENCE = 2
        CREATED = 3
        TLP = 4
        OBJECTS = 5
        VERDICT = 6
        ITEM = 7
        FOUND_IN = 8

    numeric = frozenset({Columns.SEQUENCE, Columns.OBJECTS})

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Kind"),
            self.tr("From"),
            self.tr("Sequence"),
            self.tr("Created (UTC)"),
            self.tr("TLP ceiling"),
            self.tr("Objects"),
            self.tr("Verdict"),
            self.tr("Item"),
            self.tr("Found in"),
        )

    def cell(self, item: FoundItem, column: int) -> str:
        verdict, receipt = item.verdict, item.receipt
        columns = self.Columns
        if column == columns.ITEM:
            return item.name
        if column == columns.FOUND_IN:
            return item.origin
        if column == columns.KIND:
            return kind_text(item.kind)
        if column == columns.FROM:
            return item.partner or ""
        if column == columns.SEQUENCE:
            number = verdict.sequence if verdict else receipt.sequence if receipt else None
            return "" if number is None else str(number)
        if column == columns.CREATED:
            return when_text(verdict.created if verdict else receipt.created if receipt else None)
        if column == columns.TLP:
            return verdict.tlp_ceiling.label if verdict else ""
        if column == columns.OBJECTS:
            count = verdict.object_count if verdict else receipt.objects if receipt else None
            return "" if count is None else f"{count:,}"
        return verdict_text(item)

    def tooltip(self, item: FoundItem, column: int) -> str | None:
        if column == self.Columns.VERDICT:
            return "\n".join([verdict_text(item), *item.warnings])
        if column == self.Columns.ITEM:
            return str(item.path)
        return None

    def foreground(self, item: FoundItem, column: int) -> object:
        if column != self.Columns.VERDICT:
            return None
        if item.state is ItemState.REFUSED:
            return QBrush(REFUSED_COLOUR)
        if item.warnings:
            return QBrush(WARNING_COLOUR)
        if item.state.importable:
            return QBrush(GOOD_COLOUR)
        return None


class ReceivedModel(ListTableModel[InboxEntry]):
    """Packages imported from partners, newest first, and whether a receipt went back."""

    class Columns(enum.IntEnum):
        IMPORTED_AT = 0
        FROM = 1
        SEQUENCE = 2
        TLP = 3
        OBJECTS = 4
        STORED = 5
        UNCHANGED = 6
        REFUSED = 7
        RECEIPT = 8

    numeric = frozenset({Columns.SEQUENCE, Columns.OBJECTS, Columns.STORED, Columns.UNCHANGED, Columns.REFUSED})

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Imported (UTC)"),
            self.tr("From"),
            self.tr("Sequence"),
            self.tr("TLP ceiling"),
            self.tr("Objects"),
            self.tr("Stored"),
            self.tr("Unchanged"),
            self.tr("Refused"),
            self.tr("Receipt"),
        )

    def cell(self, item: InboxEntry, column: int) -> str:
        columns = self.Columns
        values = {
            columns.IMPORTED_AT: when_text(item.imported_at),
            columns.FROM: item.partner,
            columns.SEQUENCE: str(item.sequence),
            columns.TLP: item.tlp_ceiling,
            columns.OBJECTS: f"{item.object_count:,}",
            columns.STORED: f"{item.imported:,}",
            columns.UNCHANGED: f"{item.unchanged:,}",
            columns.REFUSED: f"{item.refused:,}",
            columns.RECEIPT: self.tr("written") if item.receipt_id else self.tr("not written yet"),
        }
        return values[columns(column)]

    def tooltip(self, item: InboxEntry, column: int) -> str | None:
        return self.tr("Package {0}\ncreated {1}").format(item.package_id, item.created)


class OutboxModel(ListTableModel[OutboxEntry]):
    """Packages sent, newest first, with their delivery status from receipts."""

    class Columns(enum.IntEnum):
        CREATED = 0
        TO = 1
        SEQUENCE = 2
        OBJECTS = 3
        HELD_BACK = 4
        TLP = 5
        STATUS = 6
        DELIVERED = 7
        PACKAGE = 8

    numeric = frozenset({Columns.SEQUENCE, Columns.OBJECTS, Columns.HELD_BACK})

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Created (UTC)"),
            self.tr("To"),
            self.tr("Sequence"),
            self.tr("Objects"),
            self.tr("Held back"),
            self.tr("TLP ceiling"),
            self.tr("Status"),
            self.tr("Receipt"),
            self.tr("Package"),
        )

    def status_text(self, item: OutboxEntry) -> str:
        return {
            "delivered": self.tr("Delivered"),
            "awaiting receipt": self.tr("Awaiting receipt"),
            "expired, no receipt": self.tr("Expired, no receipt"),
        }.get(item.status, item.status)

    def cell(self, item: OutboxEntry, column: int) -> str:
        columns = self.Columns
        if column == columns.DELIVERED:
            if item.delivered_at is None:
                return ""
            return self.tr("{0} stored, {1} refused · {2}").format(
                item.imported or 0, item.refused or 0, when_text(item.delivered_at)
            )
        values = {
            columns.CREATED: when_text(item.created),
            columns.TO: item.partner,
            columns.SEQUENCE: str(item.sequence),
            columns.OBJECTS: f"{item.object_count:,}",
            columns.HELD_BACK: f"{item.held_back:,}",
            columns.TLP: item.tlp_ceiling,
            columns.STATUS: self.status_text(item),
            columns.PACKAGE: item.file_name,
        }
        return values[columns(column)]

    def tooltip(self, item: OutboxEntry, column: int) -> str | None:
        return self.tr("Package {0}\nexpires {1}").format(item.package_id, item.expires)

    def foreground(self, item: OutboxEntry, column: int) -> object:
        if column != self.Columns.STATUS:
            return None
        if item.status == "delivered":
            return QBrush(GOOD_COLOUR)
        return QBrush(REFUSED_COLOUR) if item.status.startswith("expired") else None


class HeldBackModel(ListTableModel[HeldBack]):
    """What the marking check keeps from leaving, and why."""

    class Columns(enum.IntEnum):
        OBJECT = 0
        TYPE = 1
        VERSION = 2
        REASON = 3

    def headers(self) -> Sequence[str]:
        return self.tr("Object"), self.tr("Type"), self.tr("Version"), self.tr("Why it is held back")

    def cell(self, item: HeldBack, column: int) -> str:
        columns = self.Columns
        values = {
            columns.OBJECT: item.name or item.id,
            columns.TYPE: item.type,
            columns.VERSION: when_text(item.version) if item.version else self.tr("current"),
            columns.REASON: item.reason,
        }
        return values[columns(column)]

    def tooltip(self, item: HeldBack, column: int) -> str | None:
        return f"{item.name}\n{item.id}\n{item.reason}" if item.name else f"{item.id}\n{item.reason}"


class LeavingModel(ListTableModel[LeavingObject]):
    """What the package would hold: each object version that leaves, with its marking."""

    class Columns(enum.IntEnum):
        OBJECT = 0
        TYPE = 1
        TLP = 2
        VERSION = 3

    def headers(self) -> Sequence[str]:
        return self.tr("Object"), self.tr("Type"), self.tr("TLP"), self.tr("Version (UTC)")

    def cell(self, item: LeavingObject, column: int) -> str:
        columns = self.Columns
        if column == columns.OBJECT:
            return item.name or item.id
        if column == columns.TYPE:
            return item.type
        if column == columns.TLP:
            return item.tlp.label if item.tlp is not None else self.tr("unmarked")
        return when_text(item.version) if item.version else ""

    def tooltip(self, item: LeavingObject, column: int) -> str | None:
        return f"{item.name}\n{item.id}" if item.name else item.id


class VolumesModel(ListTableModel[Volume]):
    """Mounted removable volumes with their free space."""

    class Columns(enum.IntEnum):
        MOUNT_POINT = 0
        DEVICE = 1
        FILE_SYSTEM = 2
        FREE = 3
        SIZE = 4
        STATE = 5

    numeric = frozenset({Columns.FREE, Columns.SIZE})

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Volume"),
            self.tr("Device"),
            self.tr("File system"),
            self.tr("Free"),
            self.tr("Size"),
            self.tr("State"),
        )

    def cell(self, item: Volume, column: int) -> str:
        columns = self.Columns
        values = {
            columns.MOUNT_POINT: str(item.mount_point),
            columns.DEVICE: item.device,
            columns.FILE_SYSTEM: item.fs_type,
            columns.FREE: size_text(item.free_bytes),
            columns.SIZE: size_text(item.total_bytes),
            columns.STATE: self.tr("read-only") if item.read_only else self.tr("writable"),
        }
        return values[columns(column)]
