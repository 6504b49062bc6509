"""Steps 2 to 6 of the order of checks (docs/exchange-format.md), over a quarantined copy of a package.

``check_quarantined`` either returns a ``Verdict`` (the package is authentic, intact, for us, in time, in
sequence, and within the agreed markings) or raises ``VerificationFailed`` / ``InvalidInput`` with one message
naming the cause. It never writes anything. ``verify_package`` wraps it with the quarantine for callers that only
want the verdict (``workbench verify``, the window's preview).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from workbench.domain.errors import (
    Cancelled,
    InvalidInput,
    RevokedSignerRefused,
    SequenceJumpRefused,
    VerificationFailed,
)
from workbench.domain.ids import canonical_id
from workbench.domain.markings import Judgement, MarkingJudge, builtin_conflict, marking_refs, written_as_builtin
from workbench.domain.text import printable
from workbench.domain.timestamps import utc_now
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, Tlp
from workbench.services import keys, markings
from workbench.services.exchange import partners
from workbench.services.exchange.canonical import MAX_SIGNED_DOCUMENT, parse_canonical
from workbench.services.exchange.manifest import (
    BUNDLE_PATH,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    Manifest,
    Party,
    parse_manifest,
)
from workbench.services.exchange.quarantine import Quarantine, QuarantineLimits, quarantined
from workbench.services.importing.limits import DEFAULT_LIMITS
from workbench.services.importing.reader import SHAPE_BUNDLE, SHAPE_BUNDLE_20, SHAPE_ENVELOPE, StixReader
from workbench.services.workspace import Workspace
from workbench.storage import exchange as rows
from workbench.storage.database import Connection
from workbench.storage.meta import get_meta

#: How far in the future a package's ``created`` may lie (clocks of isolated machines drift).
CLOCK_TOLERANCE = timedelta(minutes=10)

Progress = Callable[[str, int, int], None]
CancelCheck = Callable[[], bool]
_BUNDLE_SHAPES = (SHAPE_BUNDLE, SHAPE_BUNDLE_20)


@dataclass(frozen=True)
class TrustedKey:
    """A public key a package may be signed with: a pinned partner key, our own, or one given on the command line."""

    key_id: str
    public_der: bytes
    partner: partners.Partner | None = None
    pinned: partners.PartnerKey | None = None


def pinned_keys(conn: Connection) -> list[TrustedKey]:
    """Every pinned partner key (revoked and expired ones too: their use is refused later, with the reason)."""
    return [
        TrustedKey(key.key_id, key.public_der, partner, key)
        for partner in partners.all_partners(conn)
        for key in partner.keys
    ]


def key_from_pem(data: bytes) -> list[TrustedKey]:
    der = keys.load_public_pem(data, what="the producer's key file")
    return [TrustedKey(keys.fingerprint(der), der)]


@dataclass(frozen=True)
class Verdict:
    """What a verified package is: shown to the analyst before anything is imported."""

    package_id: str
    producer: Party
    partner: str | None  # the local name of the pinned partner, when checked against a workspace
    recipients: tuple[Party, ...]
    sequence: int
    previous_manifest_sha256: str | None
    created: str
    expires: str
    tlp_ceiling: Tlp
    object_count: int
    manifest_sha256: str
    bundle_sha256: str
    size: int
    addressed_to_us: bool | None
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "package_id": self.package_id,
            "producer": {
                "name": self.producer.name,
                "key_id": self.producer.key_id,
                "identity_ref": self.producer.identity_ref,
            },
            "partner": self.partner,
            "recipients": [{"name": party.name, "key_id": party.key_id} for party in self.recipients],
            "sequence": self.sequence,
            "previous_manifest_sha256": self.previous_manifest_sha256,
            "created": self.created,
            "expires": self.expires,
            "tlp_ceiling": self.tlp_ceiling.label,
            "object_count": self.object_count,
            "manifest_sha256": self.manifest_sha256,
            "bundle_sha256": self.bundle_sha256,
            "size": self.size,
            "addressed_to_us": self.addressed_to_us,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Checked:
    """A verdict plus what the importer needs from the same run."""

    verdict: Verdict
    manifest: Manifest
    manifest_bytes: bytes
    signer: TrustedKey
    bundle_path: Path


def verify_package(
    path: str | os.PathLike[str],
    *,
    ws: Workspace | None = None,
    public_key_pem: bytes | None = None,
    now: datetime | None = None,
    limits: QuarantineLimits | None = None,
    quarantine_root: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> Verdict:
    """Quarantine and check a package; the quarantine is gone when this returns or raises.

    With ``ws`` (an open workspace) the signer must be a pinned partner and the package must be addressed to us
    and in sequence; with ``public_key_pem`` only that key is trusted and recipient and sequence are not judged.
    """
    if (ws is None) == (public_key_pem is None):
        raise InvalidInput("verify against a workspace's pinned keys or against one public key file, not both")
    conn = ws.conn if ws is not None else None
    trusted = pinned_keys(conn) if conn is not None else key_from_pem(public_key_pem or b"")
    with quarantined(path, limits=limits, root=quarantine_root, progress=progress, cancel=cancel) as box:
        return check_quarantined(box, trusted, conn=conn, now=now, progress=progress, cancel=cancel).verdict


def check_quarantined(
    box: Quarantine,
    trusted: list[TrustedKey],
    *,
    conn: Connection | None = None,
    now: datetime | None = None,
    check_channel: bool = True,
    check_content: bool = True,
    accept_jump: bool = False,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> Checked:
    """Steps 2 to 6 on the quarantined copy; see the module docstring.

    ``check_content=False`` stops after step 5 (authentic and intact): the exporter's read-back of a bundle it
    has just planned and written itself. ``accept_jump`` lets a sequence jump beyond the partner's bound through
    (the analyst's explicit choice); replay and rollback are refused all the same.
    """
    now = now or utc_now()
    warnings: list[str] = []
    # 2. the signature, against trusted keys only
    for required in (MANIFEST_NAME, SIGNATURE_NAME):
        if required not in box.files:
            raise VerificationFailed(f"{required} is missing; this is not a signed package")
    manifest_bytes = box.read(MANIFEST_NAME, MAX_SIGNED_DOCUMENT)
    signature = box.read(SIGNATURE_NAME, 4096)
    signer = check_signature(manifest_bytes, signature, trusted, "manifest")
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    # 3. the manifest, strictly
    manifest = parse_manifest(manifest_bytes)
    # 4. who, when, which key, which place in the channel
    if manifest.producer.key_id != signer.key_id:
        raise VerificationFailed(
            f"the manifest names producer key {manifest.producer.key_id[:16]}... but was signed by key "
            f"{signer.key_id[:16]}..."
        )
    addressed_to_us = None
    if conn is not None:
        own = keys.own_key_ids(conn)
        addressed_to_us = any(party.key_id in own for party in manifest.recipients)
        if not addressed_to_us:
            names = ", ".join(party.name for party in manifest.recipients)[:120]
            raise VerificationFailed(f"the package is addressed to {printable(names)}, not to this workspace's keys")
    readmitted = conn is not None and rows.is_readmitted(conn, manifest.package_id, signer.key_id)
    check_times(
        manifest.created_at,
        manifest.expires_at,
        now,
        signer,
        "package",
        readmitted=readmitted,
        document_id=manifest.package_id,
    )
    if signer.partner is not None:
        warnings.extend(check_producer(conn, signer.partner, manifest))
        check_lifetime(signer.partner, manifest.created_at, manifest.expires_at, "package")
    if signer.partner is not None and manifest.ceiling > signer.partner.tlp_accept:
        raise VerificationFailed(
            f"the package's ceiling {manifest.ceiling.label} is above what {signer.partner.name} may send us "
            f"({signer.partner.tlp_accept.label})"
        )
    if conn is not None and signer.partner is not None and check_channel:
        warnings.extend(check_sequence(conn, signer.partner, manifest, accept_jump=accept_jump))
    # 5. files present == files declared, sizes and hashes
    check_files(box, manifest)
    # 6. the bundle, with limits, against the ceilings
    bundle_item = box.files[BUNDLE_PATH]
    accept = signer.partner.tlp_accept if signer.partner is not None else None
    if check_content:
        judge = markings.judge_for(conn) if conn is not None else None
        foreign, found = check_bundle(
            bundle_item.path, manifest, accept, signer.partner.name if signer.partner else None, cancel, judge
        )
        warnings.extend(found)
        if foreign:
            warnings.append(
                f"{foreign} object(s) name another author (created_by_ref) than the producer "
                f"{manifest.producer.name}; provenance records the producer's key"
            )
    if progress:
        progress("verify", 1, 1)
    verdict = Verdict(
        package_id=manifest.package_id,
        producer=manifest.producer,
        partner=signer.partner.name if signer.partner else None,
        recipients=manifest.recipients,
        sequence=manifest.sequence,
        previous_manifest_sha256=manifest.previous_manifest_sha256,
        created=manifest.created,
        expires=manifest.expires,
        tlp_ceiling=manifest.ceiling,
        object_count=manifest.object_count,
        manifest_sha256=manifest_sha256,
        bundle_sha256=bundle_item.sha256,
        size=box.total_bytes,
        addressed_to_us=addressed_to_us,
        warnings=tuple(warnings),
    )
    return Checked(verdict, manifest, manifest_bytes, signer, bundle_item.path)


def check_signature(document: bytes, signature: bytes, trusted: list[TrustedKey], what: str) -> TrustedKey:
    """The trusted key whose Ed25519 signature ``signature`` is over ``document``; refuses otherwise."""
    if len(signature) != keys.SIGNATURE_SIZE:
        hint = " (it looks encoded as text; the signature must be the 64 raw bytes)" if signature.isascii() else ""
        raise VerificationFailed(
            f"the {what} signature is {len(signature)} bytes, not the {keys.SIGNATURE_SIZE} raw bytes of an "
            f"Ed25519 signature{hint}"
        )
    for candidate in trusted:
        if keys.verify_signature(candidate.public_der, document, signature):
            return candidate
    try:
        parse_canonical(document, f"the {what}")
    except InvalidInput as exc:
        if "canonical form" in str(exc):
            # The signature covers the exact bytes: a reformatted document (a newline added, keys reordered) can
            # only fail it, whoever signed the original. Name that cause rather than an unknown key.
            raise VerificationFailed(
                f"the {what} is not in canonical form (RFC 8785), so its signature cannot verify: it was reformatted"
                " or changed after signing"
            ) from None
    claimed = _claimed_key(document)
    if claimed is not None and any(candidate.key_id == claimed for candidate in trusted):
        raise VerificationFailed(
            f"the {what} signature does not verify: the {what} was changed after signing, or the signature is damaged"
        )
    named = (
        f"; the {what} names the key {keys.format_fingerprint(claimed)} as its signer (not verified: compare it "
        "with the producer by phone before pinning their key)"
        if claimed is not None and _HEX_KEY_ID.fullmatch(claimed)
        else ""
    )
    raise VerificationFailed(
        f"the {what} signature does not verify with any pinned partner key: it was signed by an unknown key "
        f"(keys inside a package are never trusted){named}"
    )


_HEX_KEY_ID = re.compile(r"[0-9a-f]{64}")


def _claimed_key(document: bytes) -> str | None:
    """The signer the unverified document claims, only to word the refusal; never trusted for anything else."""
    try:
        parsed = parse_canonical(document, "document")
    except InvalidInput:
        return None
    producer = parsed.get("producer")
    claimed = producer.get("key_id") if isinstance(producer, dict) else None
    return claimed if isinstance(claimed, str) else None


def check_times(
    created: datetime,
    expires: datetime | None,
    now: datetime,
    signer: TrustedKey,
    what: str,
    *,
    readmitted: bool = False,
    document_id: str = "",
) -> None:
    """Refuse an expired document, one created in the future, one created outside the key's validity, and any
    document signed by a revoked key: a stolen key can claim any ``created``, so the revocation holds for every
    document unless the analyst re-admitted this one (``readmitted``; ``document_id`` is its id)."""
    if signer.pinned is not None and signer.pinned.revoked_at is not None and not readmitted:
        how = f"workbench keys readmit {document_id} --key {signer.key_id}" if document_id else "workbench keys readmit"
        raise RevokedSignerRefused(
            f"the signing key was revoked as of {signer.pinned.revoked_at}; whatever date the {what} claims "
            f"({created:%Y-%m-%d %H:%M} UTC), nothing it signed is accepted unless re-admitted by its id ({how})",
            signer.key_id,
            document_id,
        )
    if expires is not None and now >= expires:
        raise VerificationFailed(f"the {what} expired on {expires:%Y-%m-%d %H:%M} UTC")
    if created > now + CLOCK_TOLERANCE:
        raise VerificationFailed(
            f"the {what} was created in the future ({created:%Y-%m-%d %H:%M} UTC); check this machine's clock"
        )
    if signer.pinned is not None:
        problem = signer.pinned.problem_at(created, revocation=not readmitted)
        if problem is not None:
            raise VerificationFailed(f"the {what} was created on {created:%Y-%m-%d %H:%M} UTC but {problem}")


def check_producer(conn: Connection | None, partner: partners.Partner, manifest: Manifest) -> list[str]:
    """The manifest's producer against what was pinned for the key: the identity must match (refused otherwise),
    a name other than the pinned one is a warning (the pinned name is the one shown first)."""
    claimed = manifest.producer.identity_ref
    own = get_meta(conn, "identity_ref") if conn is not None else None
    if claimed is not None and claimed == own:
        raise VerificationFailed(
            f"the manifest claims this workspace's own identity as its producer; {partner.name}'s key cannot speak "
            "for us"
        )
    warnings = []
    if partner.identity_ref is None:
        warnings.append(
            f"no STIX identity is pinned for {partner.name}: its packages may add objects but version none that "
            "is already stored (pin it with: workbench keys trust --identity)"
        )
    elif claimed != partner.identity_ref:
        raise VerificationFailed(
            f"the manifest names the producer identity {printable(str(claimed))[:80]}, but the key is pinned for "
            f"{partner.name}, identity {partner.identity_ref}"
        )
    if _folded(manifest.producer.name) != _folded(partner.name):
        warnings.append(
            f"the producer calls itself {printable(manifest.producer.name)!r}; its key is pinned for {partner.name}"
        )
    return warnings


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def check_lifetime(partner: partners.Partner, created: datetime, expires: datetime, what: str) -> None:
    """Refuse a document that claims to stay valid longer than the partner's bound."""
    lifetime = expires - created
    if lifetime > timedelta(days=partner.max_lifetime_days):
        raise VerificationFailed(
            f"the {what} claims to be valid for {lifetime.days:,} days, longer than the {partner.max_lifetime_days} "
            f"allowed for {partner.name} (change it with: workbench keys trust --max-lifetime)"
        )


def check_sequence(
    conn: Connection, partner: partners.Partner, manifest: Manifest, *, accept_jump: bool = False
) -> list[str]:
    """Replay and rollback are refused; a jump past the partner's bound is refused unless ``accept_jump``; a
    smaller gap or a fork in the chain is a warning."""
    seen = rows.received(conn, manifest.package_id)
    if seen is not None:
        raise VerificationFailed(f"replay: package {manifest.package_id} was already imported on {seen.imported_at}")
    last = rows.channel(conn, partner.id, "in")
    last_sequence = last.last_sequence if last is not None else 0
    jump = manifest.sequence - last_sequence
    if jump > partner.max_sequence_jump and not accept_jump:
        raise SequenceJumpRefused(
            f"sequence jump: package {manifest.sequence:,} comes {jump:,} after the last one imported from "
            f"{partner.name} ({last_sequence}), more than the {partner.max_sequence_jump} allowed; every later "
            "package would have to follow it. If the partner confirms it, import it with --accept-jump",
            jump,
        )
    if last is None:
        return [f"sequence jump of {jump:,} accepted by the analyst"] if jump > partner.max_sequence_jump else []
    if manifest.sequence <= last.last_sequence:
        raise VerificationFailed(
            f"rollback: sequence {manifest.sequence} is not after {last.last_sequence}, the last package imported "
            f"from {partner.name}"
        )
    warnings = []
    if manifest.sequence > last.last_sequence + 1:
        missing = manifest.sequence - last.last_sequence - 1
        warnings.append(
            f"gap: {missing} package(s) from {partner.name} between sequence {last.last_sequence} and "
            f"{manifest.sequence} were never imported here"
        )
    elif manifest.previous_manifest_sha256 != last.last_manifest_sha256:
        warnings.append(
            f"the package does not follow the last one imported from {partner.name} (its previous "
            "manifest differs): the partner may have restored an older workspace"
        )
    return warnings


def check_files(box: Quarantine, manifest: Manifest) -> None:
    """Step 5: exactly the declared files besides the manifest and signature, each of its size and hash."""
    declared = {entry.path for entry in manifest.files} | {MANIFEST_NAME, SIGNATURE_NAME}
    for name in sorted(box.files):
        if name not in declared:
            raise VerificationFailed(f"{ascii(name)[1:-1][:80]} is in the package but not declared in the manifest")
    for entry in manifest.files:
        found = box.files.get(entry.path)
        if found is None:
            raise VerificationFailed(f"{entry.path} is declared in the manifest but missing")
        if found.size != entry.size:
            raise VerificationFailed(f"{entry.path} is {found.size} bytes but the manifest says {entry.size}")
        if found.sha256 != entry.sha256:
            raise VerificationFailed(
                f"{entry.path} does not match its SHA-256 in the manifest: it was changed after signing"
            )


@dataclass
class _Citations:
    """Objects citing one marking: how many, and the first one (named in a refusal)."""

    first: str
    count: int = 0


def check_bundle(
    path: Path,
    manifest: Manifest,
    accept: Tlp | None,
    partner_name: str | None,
    cancel: CancelCheck | None = None,
    judge: MarkingJudge | None = None,
) -> tuple[int, list[str]]:
    """Step 6: read the bundle and judge every object's markings against the ceilings.

    The bundle is read as a stream by the importer's reader, one object at a time, with the importer's own rules
    (UTF-8, strict JSON, no duplicate keys, size limits): a package the importer would refuse is refused here
    already, and memory holds one object at a time instead of the whole document.

    Markings are judged by ``judge`` (the workspace's, or the known TLP ids alone) together with the definitions
    the bundle carries, wherever in the bundle they are: a marking is judged once the whole bundle was read when
    its definition had not come yet. An object above the package's ceiling or above what the partner may send us
    refuses the package; a built-in TLP definition given another level too. A marking not understood is judged at
    TLP:RED: above the ceiling, that is a warning (its objects are kept and held back from every export until the
    analyst maps it), not a refusal.

    Returns how many objects name an author (``created_by_ref``) other than the producer's identity, and the
    warnings.
    """
    ceiling = manifest.ceiling
    judge = judge or MarkingJudge()
    producer = manifest.producer.identity_ref
    foreign = 0
    count = 0
    pending: dict[str, _Citations] = {}
    restyled: list[str] = []
    with open(path, "rb") as handle:
        reader = StixReader(handle, BUNDLE_PATH, DEFAULT_LIMITS)
        for element in reader:
            if reader.shape not in _BUNDLE_SHAPES and reader.shape != SHAPE_ENVELOPE:
                raise InvalidInput(f"{BUNDLE_PATH} is not a STIX bundle")  # an array, or a single object
            if count == 0 and reader.bundle_id is not None and reader.bundle_id != manifest.bundle_id:
                raise VerificationFailed(f"{BUNDLE_PATH} has another bundle id than the manifest declares")
            count += 1
            if count > manifest.object_count:
                raise VerificationFailed(
                    f"{BUNDLE_PATH} holds more than the {manifest.object_count} objects the manifest says"
                )
            if cancel and element.position % 10_000 == 0 and cancel():
                raise Cancelled()
            obj = element.value
            if not isinstance(obj, dict):
                raise InvalidInput(f"{BUNDLE_PATH}: entry {element.position} is not an object")
            stix_id = str(obj.get("id"))[:100]
            if obj.get("type") == "marking-definition":
                _check_definition(obj, stix_id, judge, restyled)
            author = obj.get("created_by_ref")
            foreign += 1 if author is not None and author != producer else 0
            for ref in marking_refs(obj):
                judgement = judge.judge(ref) if judge.knows(ref) else None
                if judgement is not None and judgement.understood:
                    _check_level(judgement, stix_id, ceiling, accept, partner_name)
                else:  # judged once the whole bundle was read: its definition may come later
                    cited = pending.setdefault(str(ref)[:200], _Citations(stix_id))
                    cited.count += 1
    if reader.shape not in _BUNDLE_SHAPES:
        raise InvalidInput(f"{BUNDLE_PATH} is not a STIX bundle")
    if reader.bundle_id != manifest.bundle_id:
        raise VerificationFailed(f"{BUNDLE_PATH} has another bundle id than the manifest declares")
    if count != manifest.object_count:
        raise VerificationFailed(f"{BUNDLE_PATH} holds {count} objects but the manifest says {manifest.object_count}")
    warnings = [f"the built-in {name} marking is written in another form of the same level" for name in restyled]
    for ref, cited in pending.items():
        judgement = judge.judge(ref)
        if judgement.understood:
            _check_level(judgement, cited.first, ceiling, accept, partner_name)
            continue
        warnings.append(
            f"{cited.count} object(s) cite marking {ref[:100]}, not understood ({judgement.what}): judged at TLP:RED;"
            " they are kept, and held back from every export until the marking is mapped to a TLP level"
        )
    return foreign, warnings


def _check_definition(obj: dict[str, Any], stix_id: str, judge: MarkingJudge, restyled: list[str]) -> None:
    """A marking definition: learned by the judge; under a TLP id known by id, only the same level is accepted, and
    a definition the judge holds already (stored, or earlier in the bundle) may not be given another meaning."""
    conflict = builtin_conflict(obj)
    if conflict is not None:
        name, same = conflict
        if not same:
            raise VerificationFailed(
                f"{stix_id} redefines a built-in TLP marking definition: it gives the {name} id another meaning"
            )
        builtin = BUILTIN_MARKING_DEFINITIONS.get(canonical_id(obj.get("id")) or "")
        if builtin is not None:
            if not written_as_builtin(obj) and name not in restyled:
                restyled.append(name)
            return
    held = judge.conflict(obj)
    if held is not None:
        raise VerificationFailed(
            f"{stix_id} gives a marking another meaning than its definition held already ({held.what})"
        )
    judge.learn(obj)


def _check_level(
    judgement: Judgement, stix_id: str, ceiling: Tlp, accept: Tlp | None, partner_name: str | None
) -> None:
    level = judgement.level
    if level is None:
        return
    if level > ceiling:
        raise VerificationFailed(f"{stix_id} is marked {level.label}, above the package's ceiling {ceiling.label}")
    if accept is not None and level > accept:
        raise VerificationFailed(
            f"{stix_id} is marked {level.label}, above what {partner_name} may send us ({accept.label})"
        )
