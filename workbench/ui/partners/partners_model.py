"""The trust store as a table: one row per pinned key, with its partner's ceilings and the key's state."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QBrush

from workbench.domain.timestamps import parse_stix_timestamp, utc_now
from workbench.services.exchange import Partner, PartnerKey
from workbench.ui.common.list_model import ListTableModel, when_text
from workbench.ui.exchange.models import GOOD_COLOUR, REFUSED_COLOUR, WARNING_COLOUR


@dataclass(frozen=True)
class KeyRow:
    """A pinned key and the partner it belongs to; ``current`` when packages to the partner address it."""

    partner: Partner
    key: PartnerKey
    current: bool


class KeyState(enum.Enum):
    VALID = "valid"
    NOT_YET = "not yet valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def key_state(key: PartnerKey, moment: datetime | None = None) -> KeyState:
    moment = moment or utc_now()

    def reached(stamp: str | None) -> bool:
        when = parse_stix_timestamp(stamp) if stamp else None
        return when is not None and moment >= when

    if key.revoked_at is not None:  # whatever date it was recorded with: nothing the key signs is accepted
        return KeyState.REVOKED
    if key.valid_until is not None and reached(key.valid_until):
        return KeyState.EXPIRED
    if key.valid_from is not None and not reached(key.valid_from):
        return KeyState.NOT_YET
    return KeyState.VALID


def state_text(key: PartnerKey, moment: datetime | None = None) -> str:
    state = key_state(key, moment)
    translate = QCoreApplication.translate
    if state is KeyState.REVOKED:
        return translate("Partners", "Revoked as of {0}").format(when_text(key.revoked_at))
    if state is KeyState.EXPIRED:
        return translate("Partners", "Expired on {0}").format(when_text(key.valid_until))
    if state is KeyState.NOT_YET:
        return translate("Partners", "Valid from {0}").format(when_text(key.valid_from))
    return translate("Partners", "Valid")


def key_rows(partners: list[Partner]) -> list[KeyRow]:
    """Every pinned key, partners by name, each partner's keys newest first."""
    found = []
    for partner in partners:
        current = partner.current_key()
        for key in reversed(partner.keys):
            found.append(KeyRow(partner, key, current is not None and key.key_id == current.key_id))
    return found


class PartnersModel(ListTableModel[KeyRow]):
    class Columns(enum.IntEnum):
        PARTNER = 0
        KEY = 1
        STATE = 2
        MAY_RECEIVE = 3
        MAY_SEND = 4
        VALID_FROM = 5
        VALID_UNTIL = 6
        ADDED = 7

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Partner"),
            self.tr("Key fingerprint"),
            self.tr("State"),
            self.tr("May receive from us"),
            self.tr("May send us"),
            self.tr("Valid from"),
            self.tr("Valid until"),
            self.tr("Pinned (UTC)"),
        )

    def cell(self, item: KeyRow, column: int) -> str:
        columns = self.Columns
        key = item.key
        values = {
            columns.PARTNER: item.partner.name,
            columns.KEY: key.fingerprint[:29] + " …",
            columns.STATE: state_text(key),
            columns.MAY_RECEIVE: item.partner.tlp_send.label,
            columns.MAY_SEND: item.partner.tlp_accept.label,
            columns.VALID_FROM: when_text(key.valid_from)[:10],
            columns.VALID_UNTIL: when_text(key.valid_until)[:10],
            columns.ADDED: when_text(key.added_at),
        }
        return values[columns(column)]

    def tooltip(self, item: KeyRow, column: int) -> str | None:
        if column == self.Columns.KEY:
            return item.key.fingerprint
        if column == self.Columns.STATE and item.key.revoked_reason:
            return item.key.revoked_reason
        return None

    def foreground(self, item: KeyRow, column: int) -> object:
        if column != self.Columns.STATE:
            return None
        state = key_state(item.key)
        if state is KeyState.VALID:
            return QBrush(GOOD_COLOUR)
        return QBrush(REFUSED_COLOUR if state is KeyState.REVOKED else WARNING_COLOUR)
