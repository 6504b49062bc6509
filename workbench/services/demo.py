"""The demo workspace: sample threat intelligence this project writes itself, for ``workbench --demo``.

Everything is fictional: the partner agency, the actors, malware names, campaigns. Addresses come from the
documentation ranges (RFC 5737), domains end in ``.example`` (RFC 2606), hashes are made up. The ATT&CK technique
ids are real identifiers so that the sample looks like what analysts exchange. The content is the same on every
run (fixed ids and seed), so screenshots can be compared.

Second round (not here yet): the partner's pinned key, a signed incoming package waiting in a folder standing in
for a USB stick, an incident and an exercise case.
"""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path
from typing import Any

from workbench.domain.ids import derived_id
from workbench.domain.tlp import TLP1_MARKING_IDS, Tlp
from workbench.services.workspace import Workspace, create_workspace
from workbench.storage import audit
from workbench.storage.objects import ObjectStore, Outcome

logger = logging.getLogger(__name__)

DEMO_PASSPHRASE = "demo passphrase, not secret"
DEMO_ORG = "Demo Analysis Centre"
PARTNER_NAME = "Nordmark Cyber Defence Centre (fictional)"

_SEED = 20260110
_T0 = "2026-01-05T09:00:00.000Z"
_T1 = "2026-01-12T14:30:00.000Z"
_T2 = "2026-01-20T07:45:00.000Z"
_WHITE = next(marking for marking, (colour, _) in TLP1_MARKING_IDS.items() if colour == "white")


def _sdo(kind: str, key: str, modified: str = _T0, tlp: Tlp | None = Tlp.GREEN, **props: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"type": kind, "spec_version": "2.1", "id": derived_id(kind, "demo", key),
                           "created": _T0, "modified": modified}
    if tlp is not None:
        obj["object_marking_refs"] = [tlp.marking_id]
    obj.update(props)
    return obj


def _rel(source: dict[str, Any], kind: str, target: dict[str, Any], tlp: Tlp = Tlp.GREEN,
         **props: Any) -> dict[str, Any]:
    key = f"{source['id']}|{kind}|{target['id']}"
    return _sdo("relationship", key, tlp=tlp, relationship_type=kind, source_ref=source["id"],
                target_ref=target["id"], **props)


def _technique(technique_id: str, name: str, tactic: str) -> dict[str, Any]:
    return _sdo("attack-pattern", technique_id, tlp=Tlp.CLEAR, name=name,
                external_references=[{"source_name": "mitre-attack", "external_id": technique_id}],
                kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": tactic}])


def _indicator(key: str, name: str, pattern: str, tlp: Tlp, description: str = "") -> dict[str, Any]:
    props: dict[str, Any] = {"name": name, "pattern": pattern, "pattern_type": "stix", "valid_from": _T0,
                             "indicator_types": ["malicious-activity"]}
    if description:
        props["description"] = description
    return _sdo("indicator", key, tlp=tlp, **props)


def demo_objects() -> dict[str, list[dict[str, Any]]]:
    """The sample objects, grouped by the source they are recorded as coming from (first import first)."""
    rng = random.Random(_SEED)
    partner = _sdo("identity", "partner", tlp=Tlp.CLEAR, name=PARTNER_NAME, identity_class="organization",
                   sectors=["government-national"],
                   description="National CSIRT of Nordmark. Shares threat bulletins by signed package.")
    energy = _sdo("identity", "energy", tlp=Tlp.CLEAR, name="Energy operators", identity_class="class",
                  sectors=["energy"])
    transport = _sdo("identity", "transport", tlp=Tlp.CLEAR, name="Rail and port operators",
                     identity_class="class", sectors=["transportation"])
    owl = _sdo("threat-actor", "owl", name="Sandstorm Owl", threat_actor_types=["nation-state"],
               aliases=["SO-17"], roles=["agent"], sophistication="advanced",
               primary_motivation="organizational-gain", created_by_ref=partner["id"],
               description="Espionage actor targeting energy and transport operators in northern Europe since "
                           "2023. Favours spearphishing with invoice lures and living off the land.")
    heron = _sdo("threat-actor", "heron", tlp=Tlp.AMBER, name="Copper Heron", threat_actor_types=["crime-syndicate"],
                 aliases=["Heron Group"], primary_motivation="personal-gain",
                 description="Ransomware affiliate group; buys initial access from brokers.")
    mantis = _sdo("threat-actor", "mantis", tlp=Tlp.AMBER, name="Glass Mantis", threat_actor_types=["hacktivist"],
                  description="Defacement and DDoS campaigns timed with political events.")
    lynx = _sdo("intrusion-set", "lynx", tlp=Tlp.RED, name="Quiet Lynx",
                description="Cluster of intrusions into port logistics systems; attribution unclear.")
    lantern = _sdo("malware", "lantern", name="GreyLantern", is_family=True, malware_types=["backdoor"],
                   description="Modular backdoor with HTTPS command and control. Loaded by PaperMoth.")
    moth = _sdo("malware", "moth", name="PaperMoth", is_family=True, malware_types=["dropper"],
                description="Macro-laden document dropper used in invoice-themed lures.")
    tide = _sdo("malware", "tide", tlp=Tlp.AMBER, name="SilentTide", is_family=True, malware_types=["wiper"],
                description="Wiper that overwrites the master boot record after a delay.")
    nail = _sdo("malware", "nail", tlp=Tlp.AMBER, name="RustNail", is_family=True, malware_types=["ransomware"],
                description="Ransomware written in Rust; encrypts network shares first.")
    fern = _sdo("malware", "fern", name="EchoFern", is_family=True, malware_types=["remote-access-trojan"])
    tunnel = _sdo("tool", "tunnel", name="MeshTunnel", tool_types=["remote-access"],
                  description="Legitimate mesh VPN software abused for persistence.")
    vuln = _sdo("vulnerability", "ridgeline", tlp=Tlp.CLEAR, name="Ridgeline VPN gateway authentication bypass",
                external_references=[{"source_name": "demo-advisory", "external_id": "WB-DEMO-2026-0001"}],
                description="Pre-authentication bypass in a fictional VPN appliance.")
    techniques = [
        _technique("T1566.001", "Spearphishing Attachment", "initial-access"),
        _technique("T1059.001", "PowerShell", "execution"),
        _technique("T1071.001", "Web Protocols", "command-and-control"),
        _technique("T1190", "Exploit Public-Facing Application", "initial-access"),
        _technique("T1486", "Data Encrypted for Impact", "impact"),
        _technique("T1078", "Valid Accounts", "persistence"),
    ]
    phishing, powershell, web, exploit, encrypt, accounts = techniques
    campaign = _sdo("campaign", "winter-ledger", name="Operation Winter Ledger", first_seen="2025-11-03T00:00:00Z",
                    objective="Access to grid operators' engineering networks.",
                    description="Invoice-themed spearphishing against energy operators, November 2025 onwards.")
    indicators = [
        _indicator("c2-1", "GreyLantern C2 address", "[ipv4-addr:value = '198.51.100.23']", Tlp.GREEN),
        _indicator("c2-2", "GreyLantern C2 domain", "[domain-name:value = 'cdn-update.example']", Tlp.GREEN),
        _indicator("lure-1", "PaperMoth lure document",
                   "[file:hashes.'SHA-256' = '" + "".join(rng.choice("0123456789abcdef") for _ in range(64)) + "']",
                   Tlp.AMBER,
                   # Lures quote HTML; it must be shown literally, never rendered.
                   'The lure e-mail body held <a href="http://invoice-portal.example/pay">Open invoice</a> '
                   "and a tracking pixel <img src=http://track.example/p.gif>."),
        _indicator("tide-url", "SilentTide download URL", "[url:value = 'http://203.0.113.45/s.bin']", Tlp.AMBER),
        _indicator("nail-mutex", "RustNail mutex", "[mutex:name = 'Global\\\\rn-7731']", Tlp.AMBER),
    ]
    for number in range(120):
        address = f"{rng.choice(['198.51.100', '203.0.113', '192.0.2'])}.{rng.randrange(1, 255)}"
        indicators.append(_indicator(f"scan-{number}", f"Scanner {address}", f"[ipv4-addr:value = '{address}']",
                                     rng.choice([Tlp.CLEAR, Tlp.GREEN, Tlp.GREEN, Tlp.AMBER]),
                                     "Mass scanning of VPN gateways for WB-DEMO-2026-0001."))
    c2, domain, lure, tide_url, mutex = indicators[:5]
    observables = [
        {"type": "ipv4-addr", "spec_version": "2.1", "id": derived_id("ipv4-addr", "demo", "198.51.100.23"),
         "value": "198.51.100.23"},
        {"type": "domain-name", "spec_version": "2.1", "id": derived_id("domain-name", "demo", "cdn-update"),
         "value": "cdn-update.example"},
    ]
    relationships = [
        _rel(owl, "uses", lantern), _rel(owl, "uses", moth), _rel(owl, "uses", phishing),
        _rel(owl, "uses", powershell), _rel(owl, "targets", energy), _rel(owl, "targets", transport),
        _rel(campaign, "attributed-to", owl), _rel(campaign, "uses", moth), _rel(campaign, "targets", energy),
        _rel(moth, "drops", lantern), _rel(lantern, "uses", web), _rel(moth, "uses", phishing),
        _rel(c2, "indicates", lantern), _rel(domain, "indicates", lantern), _rel(lure, "indicates", moth, Tlp.AMBER),
        _rel(heron, "uses", nail, Tlp.AMBER), _rel(nail, "uses", encrypt, Tlp.AMBER),
        _rel(heron, "uses", accounts, Tlp.AMBER), _rel(heron, "uses", tunnel, Tlp.AMBER),
        _rel(mutex, "indicates", nail, Tlp.AMBER), _rel(mantis, "uses", tide, Tlp.AMBER),
        _rel(tide_url, "indicates", tide, Tlp.AMBER), _rel(lynx, "uses", fern, Tlp.RED),
        _rel(lynx, "targets", vuln, Tlp.RED),
        _rel(fern, "exploits", vuln), _rel(heron, "uses", exploit, Tlp.AMBER),
        _rel(lynx, "targets", transport, Tlp.RED),
    ]
    scanning = _sdo("grouping", "scanning", tlp=Tlp.CLEAR, name="VPN gateway scanning sources, January 2026",
                    context="suspicious-activity", object_refs=[vuln["id"], *(item["id"] for item in indicators[5:])],
                    description="Addresses seen mass-scanning for WB-DEMO-2026-0001, shared for blocking.")
    report = _sdo("report", "bulletin-014", name="Nordmark CDC bulletin 2026-014: Sandstorm Owl targets energy",
                  published=_T1, report_types=["threat-actor", "campaign"], created_by_ref=partner["id"],
                  object_refs=[owl["id"], campaign["id"], lantern["id"], moth["id"], c2["id"], domain["id"],
                               lure["id"]],
                  description="Summary of Operation Winter Ledger for energy operators. Quoted lure: "
                              '<a href="http://invoice-portal.example/pay">Open invoice</a>')
    sighting = _sdo("sighting", "c2-seen", tlp=Tlp.AMBER, sighting_of_ref=c2["id"], count=4,
                    first_seen="2026-01-11T22:10:00Z", last_seen="2026-01-12T03:40:00Z")
    old_marking = _sdo("note", "legacy-note", tlp=None, object_marking_refs=[_WHITE],
                       abstract="Legacy TLP 1.0 marking", content="Shared under TLP:WHITE before TLP 2.0.",
                       object_refs=[vuln["id"]])
    own_files = [owl, heron, mantis, lantern, moth, tide, nail, tunnel, vuln, *techniques, *indicators,
                 *observables, energy, transport, *relationships, sighting, old_marking, scanning]
    # A newer version of two objects from the partner's bulletin, and an older one kept as history.
    owl_v2 = dict(owl, modified=_T1, aliases=["SO-17", "Winter Owl"],
                  description=owl["description"] + " Now also seen against rail operators.")
    lantern_v2 = dict(lantern, modified=_T2, malware_types=["backdoor", "remote-access-trojan"])
    heron_old = dict(heron, modified="2025-12-01T00:00:00.000Z", created="2025-12-01T00:00:00.000Z",
                     aliases=["Heron"])
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


def create_demo_workspace(folder: str | os.PathLike[str]) -> Workspace:
    """A new demo workspace in ``folder`` (which must exist), passphrase ``DEMO_PASSPHRASE``, filled."""
    ws = create_workspace(Path(folder) / "demo-workspace.db", DEMO_PASSPHRASE, DEMO_ORG)
    try:
        fill(ws)
        from workbench.services.demo_cases import fill_cases  # it builds on this module's objects

        fill_cases(ws)
    except BaseException:
        ws.close(lock=True)
        raise
    return ws
