"""The demo workspace: sample threat intelligence this project writes itself, for ``workbench --demo``.

Everything is fictional: the partner agency, the actors, malware names, campaigns. Addresses come from the
documentation ranges (RFC 5737), domains end in ``.example`` (RFC 2606), hashes are made up. The ATT&CK technique
ids are real identifiers so that the sample looks like what analysts exchange. The content is the same on every
run (fixed ids and seed), so screenshots can be compared.

Second round (not here yet): an incident and an exercise case.

The exchange part (``add_exchange_demo``): the partner agency gets a signing key of its own, generated when the demo
is built (never a key kept in the repository) in a throw-away workspace of its own that is deleted afterwards. Its
key is pinned here; two packages went to it (its receipt for the first is recorded); and a folder standing in for
a USB stick (``demo_stick``) holds its signed bulletin package and its receipt for our second package, so that
the Inbox has work waiting. Every package is written and checked by the real exchange services.
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import shutil
from pathlib import Path
from typing import Any

from workbench.domain.ids import derived_id
from workbench.domain.tlp import TLP1_MARKING_IDS, Tlp
from workbench.services import exchange, keys
from workbench.services.demo.cases import fill_cases
from workbench.services.demo.names import DEMO_ORG, DEMO_PASSPHRASE, PARTNER_NAME, STICK_FOLDER
from workbench.services.intake import import_source
from workbench.services.workspace import Workspace, create_workspace
from workbench.storage import audit
from workbench.storage.objects import ObjectStore, Outcome

logger = logging.getLogger(__name__)


_SEED = 20260110
_T0 = "2026-01-05T09:00:00.000Z"
_T1 = "2026-01-12T14:30:00.000Z"
_T2 = "2026-01-20T07:45:00.000Z"
_WHITE = next(marking for marking, (colour, _) in TLP1_MARKING_IDS.items() if colour == "white")


def _sdo(kind: str, key: str, modified: str = _T0, tlp: Tlp | None = Tlp.GREEN, **props: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": kind,
        "spec_version": "2.1",
        "id": derived_id(kind, "demo", key),
        "created": _T0,
        "modified": modified,
    }
    if tlp is not None:
        obj["object_marking_refs"] = [tlp.marking_id]
    obj.update(props)
    return obj


def _rel(
    source: dict[str, Any], kind: str, target: dict[str, Any], tlp: Tlp = Tlp.GREEN, **props: Any
) -> dict[str, Any]:
    key = f"{source['id']}|{kind}|{target['id']}"
    return _sdo(
        "relationship", key, tlp=tlp, relationship_type=kind, source_ref=source["id"], target_ref=target["id"], **props
    )


def _technique(technique_id: str, name: str, tactic: str) -> dict[str, Any]:
    return _sdo(
        "attack-pattern",
        technique_id,
        tlp=Tlp.CLEAR,
        name=name,
        external_references=[{"source_name": "mitre-attack", "external_id": technique_id}],
        kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": tactic}],
    )


def _indicator(key: str, name: str, pattern: str, tlp: Tlp, description: str = "") -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": name,
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": _T0,
        "indicator_types": ["malicious-activity"],
    }
    if description:
        props["description"] = description
    return _sdo("indicator", key, tlp=tlp, **props)


def demo_objects() -> dict[str, list[dict[str, Any]]]:
    """The sample objects, grouped by the source they are recorded as coming from (first import first)."""
    rng = random.Random(_SEED)
    partner = _sdo(
        "identity",
        "partner",
        tlp=Tlp.CLEAR,
        name=PARTNER_NAME,
        identity_class="organization",
        sectors=["government-national"],
        description="National CSIRT of Nordmark. Shares threat bulletins by signed package.",
    )
    energy = _sdo(
        "identity", "energy", tlp=Tlp.CLEAR, name="Energy operators", identity_class="class", sectors=["energy"]
    )
    transport = _sdo(
        "identity",
        "transport",
        tlp=Tlp.CLEAR,
        name="Rail and port operators",
        identity_class="class",
        sectors=["transportation"],
    )
    owl = _sdo(
        "threat-actor",
        "owl",
        name="Sandstorm Owl",
        threat_actor_types=["nation-state"],
        aliases=["SO-17"],
        roles=["agent"],
        sophistication="advanced",
        primary_motivation="organizational-gain",
        created_by_ref=partner["id"],
        description="Espionage actor targeting energy and transport operators in northern Europe since "
        "2023. Favours spearphishing with invoice lures and living off the land.",
    )
    heron = _sdo(
        "threat-actor",
        "heron",
        tlp=Tlp.AMBER,
        name="Copper Heron",
        threat_actor_types=["crime-syndicate"],
        aliases=["Heron Group"],
        primary_motivation="personal-gain",
        description="Ransomware affiliate group; buys initial access from brokers.",
    )
    mantis = _sdo(
        "threat-actor",
        "mantis",
        tlp=Tlp.AMBER,
        name="Glass Mantis",
        threat_actor_types=["hacktivist"],
        description="Defacement and DDoS campaigns timed with political events.",
    )
    lynx = _sdo(
        "intrusion-set",
        "lynx",
        tlp=Tlp.RED,
        name="Quiet Lynx",
        description="Cluster of intrusions into port logistics systems; attribution unclear.",
    )
    lantern = _sdo(
        "malware",
        "lantern",
        name="GreyLantern",
        is_family=True,
        malware_types=["backdoor"],
        description="Modular backdoor with HTTPS command and control. Loaded by PaperMoth.",
    )
    moth = _sdo(
        "malware",
        "moth",
        name="PaperMoth",
        is_family=True,
        malware_types=["dropper"],
        description="Macro-laden document dropper used in invoice-themed lures.",
    )
    tide = _sdo(
        "malware",
        "tide",
        tlp=Tlp.AMBER,
        name="SilentTide",
        is_family=True,
        malware_types=["wiper"],
        description="Wiper that overwrites the master boot record after a delay.",
    )
    nail = _sdo(
        "malware",
        "nail",
        tlp=Tlp.AMBER,
        name="RustNail",
        is_family=True,
        malware_types=["ransomware"],
        description="Ransomware written in Rust; encrypts network shares first.",
    )
    fern = _sdo("malware", "fern", name="EchoFern", is_family=True, malware_types=["remote-access-trojan"])
    tunnel = _sdo(
        "tool",
        "tunnel",
        name="MeshTunnel",
        tool_types=["remote-access"],
        description="Legitimate mesh VPN software abused for persistence.",
    )
    vuln = _sdo(
        "vulnerability",
        "ridgeline",
        tlp=Tlp.CLEAR,
        name="Ridgeline VPN gateway authentication bypass",
        external_references=[{"source_name": "demo-advisory", "external_id": "WB-DEMO-2026-0001"}],
        description="Pre-authentication bypass in a fictional VPN appliance.",
    )
    techniques = [
        _technique("T1566.001", "Spearphishing Attachment", "initial-access"),
        _technique("T1059.001", "PowerShell", "execution"),
        _technique("T1071.001", "Web Protocols", "command-and-control"),
        _technique("T1190", "Exploit Public-Facing Application", "initial-access"),
        _technique("T1486", "Data Encrypted for Impact", "impact"),
        _technique("T1078", "Valid Accounts", "persistence"),
    ]
    phishing, powershell, web, exploit, encrypt, accounts = techniques
    campaign = _sdo(
        "campaign",
        "winter-ledger",
        name="Operation Winter Ledger",
        first_seen="2025-11-03T00:00:00Z",
        objective="Access to grid operators' engineering networks.",
        description="Invoice-themed spearphishing against energy operators, November 2025 onwards.",
    )
    indicators = [
        _indicator("c2-1", "GreyLantern C2 address", "[ipv4-addr:value = '198.51.100.23']", Tlp.GREEN),
        _indicator("c2-2", "GreyLantern C2 domain", "[domain-name:value = 'cdn-update.example']", Tlp.GREEN),
        _indicator(
            "lure-1",
            "PaperMoth lure document",
            "[file:hashes.'SHA-256' = '" + "".join(rng.choice("0123456789abcdef") for _ in range(64)) + "']",
            Tlp.AMBER,
            # Lures quote HTML; it must be shown literally, never rendered.
            'The lure e-mail body held <a href="http://invoice-portal.example/pay">Open invoice</a> '
            "and a tracking pixel <img src=http://track.example/p.gif>.",
        ),
        _indicator("tide-url", "SilentTide download URL", "[url:value = 'http://203.0.113.45/s.bin']", Tlp.AMBER),
        _indicator("nail-mutex", "RustNail mutex", "[mutex:name = 'Global\\\\rn-7731']", Tlp.AMBER),
    ]
    for number in range(120):
        address = f"{rng.choice(['198.51.100', '203.0.113', '192.0.2'])}.{rng.randrange(1, 255)}"
        indicators.append(
            _indicator(
                f"scan-{number}",
                f"Scanner {address}",
                f"[ipv4-addr:value = '{address}']",
                rng.choice([Tlp.CLEAR, Tlp.GREEN, Tlp.GREEN, Tlp.AMBER]),
                "Mass scanning of VPN gateways for WB-DEMO-2026-0001.",
            )
        )
    c2, domain, lure, tide_url, mutex = indicators[:5]
    observables = [
        {
            "type": "ipv4-addr",
            "spec_version": "2.1",
            "id": derived_id("ipv4-addr", "demo", "198.51.100.23"),
            "value": "198.51.100.23",
        },
        {
            "type": "domain-name",
            "spec_version": "2.1",
            "id": derived_id("domain-name", "demo", "cdn-update"),
            "value": "cdn-update.example",
        },
    ]
    relationships = [
        _rel(owl, "uses", lantern),
        _rel(owl, "uses", moth),
        _rel(owl, "uses", phishing),
        _rel(owl, "uses", powershell),
        _rel(owl, "targets", energy),
        _rel(owl, "targets", transport),
        _rel(campaign, "attributed-to", owl),
        _rel(campaign, "uses", moth),
        _rel(campaign, "targets", energy),
        _rel(moth, "drops", lantern),
        _rel(lantern, "uses", web),
        _rel(moth, "uses", phishing),
        _rel(c2, "indicates", lantern),
        _rel(domain, "indicates", lantern),
        _rel(lure, "indicates", moth, Tlp.AMBER),
        _rel(heron, "uses", nail, Tlp.AMBER),
        _rel(nail, "uses", encrypt, Tlp.AMBER),
        _rel(heron, "uses", accounts, Tlp.AMBER),
        _rel(heron, "uses", tunnel, Tlp.AMBER),
        _rel(mutex, "indicates", nail, Tlp.AMBER),
        _rel(mantis, "uses", tide, Tlp.AMBER),
        _rel(tide_url, "indicates", tide, Tlp.AMBER),
        _rel(lynx, "uses", fern, Tlp.RED),
        _rel(lynx, "targets", vuln, Tlp.RED),
        _rel(fern, "exploits", vuln),
        _rel(heron, "uses", exploit, Tlp.AMBER),
        _rel(lynx, "targets", transport, Tlp.RED),
    ]
    scanning = _sdo(
        "grouping",
        "scanning",
        tlp=Tlp.CLEAR,
        name="VPN gateway scanning sources, January 2026",
        context="suspicious-activity",
        object_refs=[vuln["id"], *(item["id"] for item in indicators[5:])],
        description="Addresses seen mass-scanning for WB-DEMO-2026-0001, shared for blocking.",
    )
    report = _sdo(
        "report",
        "bulletin-014",
        name="Nordmark CDC bulletin 2026-014: Sandstorm Owl targets energy",
        published=_T1,
        report_types=["threat-actor", "campaign"],
        created_by_ref=partner["id"],
        object_refs=[owl["id"], campaign["id"], lantern["id"], moth["id"], c2["id"], domain["id"], lure["id"]],
        description="Summary of Operation Winter Ledger for energy operators. Quoted lure: "
        '<a href="http://invoice-portal.example/pay">Open invoice</a>',
    )
    sighting = _sdo(
        "sighting",
        "c2-seen",
        tlp=Tlp.AMBER,
        sighting_of_ref=c2["id"],
        count=4,
        first_seen="2026-01-11T22:10:00Z",
        last_seen="2026-01-12T03:40:00Z",
    )
    old_marking = _sdo(
        "note",
        "legacy-note",
        tlp=None,
        object_marking_refs=[_WHITE],
        abstract="Legacy TLP 1.0 marking",
        content="Shared under TLP:WHITE before TLP 2.0.",
        object_refs=[vuln["id"]],
    )
    own_files = [
        owl,
        heron,
        mantis,
        lantern,
        moth,
        tide,
        nail,
        tunnel,
        vuln,
        *techniques,
        *indicators,
        *observables,
        energy,
        transport,
        *relationships,
        sighting,
        old_marking,
        scanning,
    ]
    # A newer version of two objects from the partner's bulletin, and an older one kept as history.
    owl_v2 = dict(
        owl,
        modified=_T1,
        aliases=["SO-17", "Winter Owl"],
        description=owl["description"] + " Now also seen against rail operators.",
    )
    lantern_v2 = dict(lantern, modified=_T2, malware_types=["backdoor", "remote-access-trojan"])
    heron_old = dict(heron, modified="2025-12-01T00:00:00.000Z", created="2025-12-01T00:00:00.000Z", aliases=["Heron"])
    partner_package = [partner, owl_v2, campaign, report, lynx, fern, lantern_v2, heron_old]
    return {"file:winter-ledger-analysis.json": own_files, "package:nordmark-cdc-0014": partner_package}


def fill(ws: Workspace) -> dict[str, int]:
    """Store the sample objects in the workspace, each source in its own transaction with its audit entry."""
    totals = {"new": 0, "new_versions": 0, "older": 0}
    for label, objects in demo_objects().items():
        kind, name = label.split(":", 1)
        with ws.transaction() as conn:
            store = ObjectStore(conn)
            package_id = derived_id("bundle", "demo", name).split("--")[1] if kind == "package" else None
            source = store.add_source(kind, name, package_id=package_id, imported_at=_T2 if package_id else _T1)
            counts = {"new": 0, "new_versions": 0, "older": 0}
            for obj in objects:
                outcome = store.put(obj, source)
                key = {Outcome.NEW: "new", Outcome.NEW_VERSION: "new_versions"}.get(outcome, "older")
                counts[key] += 1
            audit.append(conn, "import", {"source": name, "kind": kind, "demo": True, **counts})
        for key, value in counts.items():
            totals[key] += value
    logger.info("demo workspace filled")
    return totals


def partner_bulletin(partner_identity: str) -> list[dict[str, Any]]:
    """The partner's new bulletin: a report, new C2 indicators, a newer GreyLantern, and a vulnerability we hold.

    GreyLantern names no author and came to us in a bulletin of the days before keys were pinned, so the newer one
    arrives as a foreign version: the analyst sees it in the import summary and accepts it in the Library."""
    rng = random.Random(_SEED + 15)
    published = "2026-02-02T10:00:00.000Z"
    demo = demo_objects()
    # The newest GreyLantern we hold came from the partner's previous bulletin; this one supersedes it.
    lantern = next(obj for obj in demo["package:nordmark-cdc-0014"] if obj.get("name") == "GreyLantern")
    lantern_v3 = dict(
        lantern,
        modified=published,
        description=lantern["description"] + " Since February 2026 its command and control rotates "
        "through short-lived domains.",
    )
    vulnerability = next(obj for objects in demo.values() for obj in objects if obj["type"] == "vulnerability")
    indicators = []
    for number in range(1, 5):
        domain = f"{''.join(rng.choice('bcdfghjklmnpqrstvwxz') for _ in range(8))}.example"
        indicators.append(
            _sdo(
                "indicator",
                f"bulletin-015-{number}",
                modified=published,
                tlp=Tlp.GREEN if number < 4 else Tlp.AMBER,
                name=f"GreyLantern C2 domain {domain}",
                pattern=f"[domain-name:value = '{domain}']",
                pattern_type="stix",
                valid_from=published,
                indicator_types=["malicious-activity"],
                created_by_ref=partner_identity,
            )
        )
    relationships = [_rel(indicator, "indicates", lantern_v3, tlp=Tlp.GREEN) for indicator in indicators[:3]]
    report = _sdo(
        "report",
        "bulletin-015",
        modified=published,
        name="Nordmark CDC bulletin 2026-015: GreyLantern moves its command and control",
        published=published,
        report_types=["malware", "indicator"],
        created_by_ref=partner_identity,
        object_refs=[lantern_v3["id"], vulnerability["id"], *(item["id"] for item in indicators)],
        description="GreyLantern operators moved to rotating C2 domains; block the listed domains.",
    )
    return [lantern_v3, *indicators, *relationships, report]


def _store(ws: Workspace, name: str, objects: list[dict[str, Any]]) -> None:
    """Objects written by a demo agency's own analysts (a local source), with their audit entry."""
    with ws.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("local", name)
        for obj in objects:
            store.put(obj, source)
        audit.append(conn, "import", {"source": name, "kind": "local", "demo": True, "new": len(objects)})


def demo_stick(workspace_path: str | os.PathLike[str]) -> Path:
    """The folder standing in for a USB stick next to a demo workspace (it may not exist)."""
    return Path(workspace_path).parent / STICK_FOLDER


def add_exchange_demo(ws: Workspace, folder: str | os.PathLike[str]) -> Path:
    """The exchange part of the demo (see the module docstring); returns the stick folder."""
    folder = Path(folder)
    stick, sent, partner_home = folder / STICK_FOLDER, folder / "sent-to-partner", folder / "partner-agency"
    for path in (stick, sent, partner_home):
        path.mkdir()
    # The partner's workspace exists only while the demo is built; its passphrase is never shown or kept.
    partner = create_workspace(partner_home / "partner.db", secrets.token_urlsafe(24), PARTNER_NAME)
    try:
        ours = keys.public_pem(keys.active_key(ws.conn).public_der)
        theirs = keys.public_pem(keys.active_key(partner.conn).public_der)
        exchange.add_partner(
            ws, PARTNER_NAME, theirs, tlp_send=Tlp.GREEN, tlp_accept=Tlp.AMBER, identity_ref=partner.identity_id
        )
        exchange.add_partner(
            partner, ws.org_name, ours, tlp_send=Tlp.AMBER, tlp_accept=Tlp.GREEN, identity_ref=ws.identity_id
        )
        first = exchange.export_package(ws, sent, PARTNER_NAME, exchange.QuerySelection("scanning"))
        second = exchange.export_package(ws, sent, PARTNER_NAME, exchange.QuerySelection("GreyLantern"))
        for package in (first, second):
            import_source(partner, package.path)
        import_source(ws, exchange.write_receipt(partner, first.package_id, sent).path)
        exchange.write_receipt(partner, second.package_id, stick)
        bulletin = partner_bulletin(partner.identity_id)
        _store(partner, "bulletin 2026-015", bulletin)
        exchange.export_package(partner, stick, ws.org_name, exchange.IdSelection((bulletin[-1]["id"],)))
    finally:
        partner.close(lock=True)
        shutil.rmtree(partner_home, ignore_errors=True)
    # Another agency's public key, not pinned yet: what a partner hands over before the first exchange.
    (stick / "southland-cert.pub.pem").write_bytes(keys.public_pem(keys.generate().public_der))
    logger.info("demo exchange prepared")
    return stick


def create_demo_workspace(folder: str | os.PathLike[str]) -> Workspace:
    """A new demo workspace in ``folder`` (which must exist), passphrase ``DEMO_PASSPHRASE``, filled, with the
    partner's packages waiting in ``demo_stick``."""
    ws = create_workspace(Path(folder) / "demo-workspace.db", DEMO_PASSPHRASE, DEMO_ORG)
    try:
        fill(ws)
        fill_cases(ws)  # it links objects of the library filled above
        add_exchange_demo(ws, folder)
    except BaseException:
        ws.close(lock=True)
        raise
    return ws
