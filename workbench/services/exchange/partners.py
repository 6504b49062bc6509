"""The trust store: partner organisations, their pinned Ed25519 public keys, and what may cross between us.

A key is pinned by hand from a PEM file the partner handed over, after its fingerprint was compared by phone; a
key is never taken from inside a package. Each partner has two ceilings: the highest TLP level it may receive
from us (``tlp_send``) and the highest it may send us (``tlp_accept``). Each key has a validity window and may be
revoked as of a given moment; from then on every package it signed is refused, whatever ``created`` it claims (a
stolen key can backdate), unless the analyst re-admits that one package by its id.

A partner may also have its STIX identity pinned (``identity_ref``): the author its objects name, and the only
one whose objects its packages may version (``storage.authorship``). The manifest's claim is checked against it,
never taken from it. ``max_lifetime_days`` bounds how long a package of theirs may claim to be valid and
``max_sequence_jump`` how far its sequence may jump past the last one imported.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from workbench.domain.errors import InvalidInput, VerificationFailed
from workbench.domain.ids import is_stix_id
from workbench.domain.text import has_control
from workbench.domain.timestamps import format_stix_timestamp, now_stix, parse_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp
from workbench.services import keys
from workbench.services.workspace import check_org_name
from workbench.storage import audit
from workbench.storage import exchange as rows
from workbench.storage.database import Connection

if TYPE_CHECKING:
    from workbench.services.workspace import Workspace

logger = logging.getLogger(__name__)

DEFAULT_CEILING = Tlp.AMBER
#: A package of a partner may be valid for at most this many days (the longest this program writes) unless the
#: analyst sets another bound.
DEFAULT_MAX_LIFETIME_DAYS = 366
#: ... and its sequence may jump at most this far past the last one imported (a gap of 99 lost packages).
DEFAULT_MAX_SEQUENCE_JUMP = 100
MAX_LIFETIME_DAYS = 3660


@dataclass(frozen=True)
class PartnerKey:
    key_id: str
    public_der: bytes
    valid_from: str | None
    valid_until: str | None
    added_at: str
    revoked_at: str | None
    revoked_reason: str | None

    @property
    def fingerprint(self) -> str:
        """The key id in groups of four, as it is read out over the phone."""
        return keys.format_fingerprint(self.key_id)

    def problem_at(self, moment: datetime, *, revocation: bool = True) -> str | None:
        """Why this key does not vouch for something created at ``moment``, or None when it does.

        A revoked key vouches for nothing, whatever the moment and whatever date its revocation was recorded with:
        a stolen key can sign with any date. ``revocation=False`` leaves the revocation out (a document the analyst
        re-admitted by its id)."""
        if revocation and self.revoked_at is not None:
            return f"the signing key was revoked as of {self.revoked_at}"
        if self.valid_until is not None and moment >= _when(self.valid_until):
            return f"the signing key's validity ended on {self.valid_until}"
        if self.valid_from is not None and moment < _when(self.valid_from):
            return f"the signing key is only valid from {self.valid_from}"
        return None

    def status(self, moment: datetime | None = None) -> str:
        problem = self.problem_at(moment or utc_now())
        return "valid" if problem is None else problem.replace("the signing key ", "")


@dataclass(frozen=True)
class Partner:
    id: int
    name: str
    tlp_send: Tlp
    tlp_accept: Tlp
    added_at: str
    keys: tuple[PartnerKey, ...]
    identity_ref: str | None = None
    max_lifetime_days: int = DEFAULT_MAX_LIFETIME_DAYS
    max_sequence_jump: int = DEFAULT_MAX_SEQUENCE_JUMP

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(key.key_id for key in self.keys)

    def current_key(self, moment: datetime | None = None) -> PartnerKey | None:
        """The newest key valid at ``moment`` (now by default): the one packages to this partner address."""
        moment = moment or utc_now()
        valid = [key for key in self.keys if key.problem_at(moment) is None]
        return valid[-1] if valid else None


def _when(text: str) -> datetime:
    moment = parse_stix_timestamp(text)
    assert moment is not None, "stored timestamps are well-formed"
    return moment


def parse_time_argument(text: str, what: str) -> str:
    """A moment given by the analyst: a date (``2026-03-01``, midnight UTC) or an RFC 3339 UTC timestamp."""
    text = text.strip()
    moment = parse_stix_timestamp(text)
    if moment is None:
        try:
            moment = datetime.combine(date.fromisoformat(text), time(0), tzinfo=utc_now().tzinfo)
        except ValueError:
            raise InvalidInput(f"{what} {text[:40]!r} is neither a date (YYYY-MM-DD) nor a UTC timestamp") from None
    return format_stix_timestamp(moment)


def _normalise_fingerprint(text: str) -> str:
    return "".join(char for char in text.lower() if char not in " :-\t")


def _partner(conn: Connection, row: rows.PartnerRow) -> Partner:
    return Partner(
        row.id,
        row.name,
        Tlp(row.tlp_send),
        Tlp(row.tlp_accept),
        row.added_at,
        tuple(
            PartnerKey(
                key.key_id,
                key.public_key,
                key.valid_from,
                key.valid_until,
                key.added_at,
                key.revoked_at,
                key.revoked_reason,
            )
            for key in rows.keys_of(conn, row.id)
        ),
        row.identity_ref,
        row.max_lifetime_days,
        row.max_sequence_jump,
    )


def read_public_key(data: bytes) -> tuple[bytes, str]:
    """``(DER, key id)`` of an Ed25519 public key in PEM, to show its fingerprint before pinning it."""
    der = keys.load_public_pem(data, what="the partner's key file")
    return der, keys.fingerprint(der)


def add_partner(
    ws: Workspace,
    name: str,
    public_pem: bytes,
    *,
    tlp_send: Tlp | None = None,
    tlp_accept: Tlp | None = None,
    valid_from: str | None = None,
    valid_until: str | None = None,
    expected_fingerprint: str | None = None,
    identity_ref: str | None = None,
) -> Partner:
    """Pin a partner's public key under ``name`` (a new partner, or a further key of a known one).

    ``expected_fingerprint`` is what the partner read out by phone; a mismatch refuses the key. Ceilings default to
    TLP:AMBER for a new partner and stay as they are for a known one unless given. ``identity_ref`` pins the
    partner's STIX identity (see the module docstring); a known partner keeps its own unless one is given.
    Refuses our own key, a key already pinned, a window that ends before it starts, and an identity that is ours,
    another partner's, or not an identity id. Recorded in the audit log.
    """
    name = check_org_name(name)
    der, key_id = read_public_key(public_pem)
    if expected_fingerprint is not None and _normalise_fingerprint(expected_fingerprint) != key_id:
        raise VerificationFailed(
            f"the key's fingerprint {keys.format_fingerprint(key_id)} differs from the one given; do not pin it"
        )
    if valid_from and valid_until and _when(valid_until) <= _when(valid_from):
        raise InvalidInput("the key's validity ends before it starts")
    now = now_stix()
    with ws.transaction() as conn:
        if key_id in keys.own_key_ids(conn):
            raise InvalidInput("this is one of this workspace's own keys, not a partner's")
        pinned = rows.key_by_id(conn, key_id)
        if pinned is not None:
            owner = rows.partner_by_id(conn, pinned.partner_id)
            raise InvalidInput(f"this key is already pinned for partner {owner.name if owner else '?'}")
        existing = rows.partner_by_name(conn, name)
        if existing is None:
            partner_id = rows.insert_partner(
                conn,
                name,
                int(tlp_send if tlp_send is not None else DEFAULT_CEILING),
                int(tlp_accept if tlp_accept is not None else DEFAULT_CEILING),
                now,
            )
        else:
            partner_id = existing.id
            rows.update_partner_ceilings(
                conn,
                partner_id,
                int(tlp_send) if tlp_send is not None else existing.tlp_send,
                int(tlp_accept) if tlp_accept is not None else existing.tlp_accept,
            )
        rows.insert_key(conn, rows.PartnerKeyRow(key_id, partner_id, der, valid_from, valid_until, now, None, None))
        if identity_ref is not None:
            _pin_identity(conn, ws.identity_id, partner_id, identity_ref)
        partner = partner_by_id(conn, partner_id)
        audit.append(
            conn,
            "partner.add",
            {
                "partner": partner.name,
                "key_id": key_id,
                "tlp_send": partner.tlp_send.short,
                "tlp_accept": partner.tlp_accept.short,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "identity_ref": partner.identity_ref,
            },
        )
    logger.info("pinned partner key %s", key_id)
    return partner


def revoke_key(ws: Workspace, key_id: str, *, since: str | None = None, reason: str | None = None) -> PartnerKey:
    """Revoke a pinned key as of ``since`` (now by default; earlier when a compromise is dated back).

    Every package and receipt the key signed is refused from then on, whatever the date it claims (a stolen key
    can write any date); ``readmit`` lets one in. ``since`` is recorded. Recorded in the audit log.
    """
    key_id = _normalise_fingerprint(key_id)
    if reason is not None and (len(reason) > 500 or has_control(reason)):
        raise InvalidInput("the reason must be one line of at most 500 characters")
    with ws.transaction() as conn:
        row = rows.key_by_id(conn, key_id)
        if row is None:
            raise InvalidInput(f"no pinned partner key {key_id[:16]}...; see keys list")
        if row.revoked_at is not None:
            raise InvalidInput(f"the key was already revoked as of {row.revoked_at}")
        when = since or now_stix()
        rows.revoke_key(conn, key_id, when, reason)
        audit.append(conn, "partner.revoke", {"key_id": key_id, "since": when, "reason": reason})
        revoked = rows.key_by_id(conn, key_id)
    assert revoked is not None
    return PartnerKey(
        revoked.key_id,
        revoked.public_key,
        revoked.valid_from,
        revoked.valid_until,
        revoked.added_at,
        revoked.revoked_at,
        revoked.revoked_reason,
    )


def set_ceilings(ws: Workspace, name: str, *, tlp_send: Tlp, tlp_accept: Tlp) -> Partner:
    """Change what a known partner may receive from us (``tlp_send``) and send us (``tlp_accept``).

    Refuses an unknown name. Packages already written or imported are not judged again. Recorded in the audit log.
    """
    with ws.transaction() as conn:
        row = rows.partner_by_name(conn, name.strip())
        if row is None:
            raise InvalidInput(f"no partner named {name.strip()[:60]!r}")
        rows.update_partner_ceilings(conn, row.id, int(tlp_send), int(tlp_accept))
        audit.append(
            conn,
            "partner.ceilings",
            {
                "partner": row.name,
                "tlp_send": Tlp(tlp_send).short,
                "tlp_accept": Tlp(tlp_accept).short,
                "previous_send": Tlp(row.tlp_send).short,
                "previous_accept": Tlp(row.tlp_accept).short,
            },
        )
        partner = partner_by_id(conn, row.id)
    logger.info("partner ceilings changed")
    return partner


def _pin_identity(conn: Connection, own_identity: str, partner_id: int, identity_ref: str) -> None:
    identity_ref = identity_ref.strip()
    if not is_stix_id(identity_ref, "identity"):
        raise InvalidInput(f"{identity_ref[:80]!r} is not a STIX identity id (identity--UUID in lower case)")
    if identity_ref == own_identity:
        raise InvalidInput("this is this workspace's own identity, not a partner's")
    holder = rows.partner_by_identity(conn, identity_ref)
    if holder is not None and holder.id != partner_id:
        raise InvalidInput(f"this identity is already pinned for partner {holder.name}")
    row = rows.partner_by_id(conn, partner_id)
    assert row is not None
    rows.update_partner_limits(
        conn,
        partner_id,
        identity_ref=identity_ref,
        max_lifetime_days=row.max_lifetime_days,
        max_sequence_jump=row.max_sequence_jump,
    )


def set_partner_trust(
    ws: Workspace,
    name: str,
    *,
    identity_ref: str | None = None,
    max_lifetime_days: int | None = None,
    max_sequence_jump: int | None = None,
    last_received: int | None = None,
) -> Partner:
    """Pin a known partner's STIX identity and change its package lifetime and sequence-jump bounds; with
    ``last_received``, also move the outgoing channel forward as ``advance_outgoing`` does, in the same transaction.

    What is not given stays as it is. Refuses an unknown partner, an identity that is ours or another partner's,
    a lifetime outside 1 to 3,660 days and a jump below 1. Recorded in the audit log.
    """
    if max_lifetime_days is not None and not 1 <= max_lifetime_days <= MAX_LIFETIME_DAYS:
        raise InvalidInput(f"a package lifetime is 1 to {MAX_LIFETIME_DAYS} days")
    if max_sequence_jump is not None and max_sequence_jump < 1:
        raise InvalidInput("the largest accepted sequence jump is at least 1")
    with ws.transaction() as conn:
        row = rows.partner_by_name(conn, name.strip())
        if row is None:
            raise InvalidInput(f"no partner named {name.strip()[:60]!r}")
        if last_received is not None:
            _advance(conn, row, last_received, "set with the partner's trust")
        if identity_ref is not None:
            _pin_identity(conn, ws.identity_id, row.id, identity_ref)
        pinned = rows.partner_by_id(conn, row.id)
        assert pinned is not None
        rows.update_partner_limits(
            conn,
            row.id,
            identity_ref=pinned.identity_ref,
            max_lifetime_days=max_lifetime_days if max_lifetime_days is not None else row.max_lifetime_days,
            max_sequence_jump=max_sequence_jump if max_sequence_jump is not None else row.max_sequence_jump,
        )
        partner = partner_by_id(conn, row.id)
        audit.append(
            conn,
            "partner.trust",
            {
                "partner": partner.name,
                "identity_ref": partner.identity_ref,
                "max_lifetime_days": partner.max_lifetime_days,
                "max_sequence_jump": partner.max_sequence_jump,
            },
        )
    return partner


def readmit_package(ws: Workspace, package_id: str, key_id: str, *, reason: str | None = None) -> None:
    """Let one package or receipt signed by a since revoked key in again (the analyst vouches for it by its id: a
    package's id, or a receipt's ``receipt_id``; both are UUIDs and the refusal names them).

    Refuses a key that is not pinned or not revoked, and an id that is not a UUID. Recorded in the audit log.
    """
    key_id = _normalise_fingerprint(key_id)
    package_id = package_id.strip().lower()
    try:
        if str(uuid.UUID(package_id)) != package_id:
            raise ValueError
    except ValueError:
        raise InvalidInput(f"{package_id[:60]!r} is not a package id (a UUID)") from None
    if reason is not None and (len(reason) > 500 or has_control(reason)):
        raise InvalidInput("the reason must be one line of at most 500 characters")
    with ws.transaction() as conn:
        row = rows.key_by_id(conn, key_id)
        if row is None:
            raise InvalidInput(f"no pinned partner key {key_id[:16]}...; see keys list")
        if row.revoked_at is None:
            raise InvalidInput("the key is not revoked; its packages need no re-admission")
        rows.readmit(conn, package_id, key_id, now_stix(), reason)
        audit.append(conn, "partner.readmit", {"package_id": package_id, "key_id": key_id, "reason": reason})


def advance_outgoing(ws: Workspace, name: str, last_received: int, *, reason: str | None = None) -> int:
    """Move the outgoing channel to a partner forward: the next package to them gets ``last_received + 1``.

    After a restore from backup the outbox may not know packages sent after the backup; the partner, who
    imported them, would refuse the next package from here as a rollback. The analyst asks the partner for the
    last sequence they imported from us and gives it here. Only forward (a number at or below what this
    workspace already reserved changes nothing that matters and is refused), at most 2**31; recorded in the
    audit log. Returns the sequence the next package will carry.
    """
    if reason is not None and (len(reason) > 500 or has_control(reason)):
        raise InvalidInput("the reason must be one line of at most 500 characters")
    with ws.transaction() as conn:
        row = rows.partner_by_name(conn, name.strip())
        if row is None:
            raise InvalidInput(f"no partner named {name.strip()[:60]!r}")
        _advance(conn, row, last_received, reason)
    return last_received + 1


def _advance(conn: Connection, row: rows.PartnerRow, last_received: int, reason: str | None) -> None:
    if not 1 <= last_received <= 2**31:
        raise InvalidInput("the partner's last received sequence is a whole number from 1 to 2,147,483,648")
    channel = rows.channel(conn, row.id, "out")
    current = max(channel.last_sequence if channel else 0, rows.last_sent_sequence(conn, row.id))
    if last_received <= current:
        raise InvalidInput(
            f"the next package to {row.name} already carries sequence {current + 1}; the channel only moves forward"
        )
    rows.advance_channel(
        conn,
        row.id,
        "out",
        last_received,
        channel.last_manifest_sha256 if channel else "",
        "",  # no package carried this sequence: the channel was moved forward
        now_stix(),
    )
    audit.append(conn, "partner.advance", {"partner": row.name, "from": current, "to": last_received, "reason": reason})


def list_partners(ws: Workspace) -> list[Partner]:
    """Every partner with its pinned keys, by name."""
    return all_partners(ws.conn)


def get_partner(ws: Workspace, name: str) -> Partner:
    """The partner of that name (case-insensitive); refuses an unknown name."""
    return partner_named(ws.conn, name)


def all_partners(conn: Connection) -> list[Partner]:
    """``list_partners`` inside the caller's transaction."""
    return [_partner(conn, row) for row in rows.partners(conn)]


def partner_named(conn: Connection, name: str) -> Partner:
    """``get_partner`` inside the caller's transaction."""
    row = rows.partner_by_name(conn, name.strip())
    if row is None:
        raise InvalidInput(f"no partner named {name.strip()[:60]!r}; pin their key with: workbench keys add-partner")
    return _partner(conn, row)


def partner_by_id(conn: Connection, partner_id: int) -> Partner:
    row = rows.partner_by_id(conn, partner_id)
    assert row is not None, "channels and packages name existing partners"
    return _partner(conn, row)
