"""Write a large, realistic STIX 2.1 bundle for the import benchmarks: ``generate_bundle.py OUT.json [COUNT]``.

The mix follows what a national CSIRT receives from a partner feed: indicators with STIX patterns of the usual
shapes (addresses, domains, URLs, file hashes, e-mail senders), the observables they describe, malware, tools,
threat actors, intrusion sets, campaigns, attack patterns, vulnerabilities, relationships between them, sightings,
notes and reports listing what they cover. Text comes from a security vocabulary, so that the full-text index sees
realistic words; every object is valid STIX 2.1 and unique. The same count and seed give the same file.

The bundle is written object by object: memory stays small whatever the count.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

WORDS = (  # noqa: SIM905 - a paragraph of words reads better than a list of 150 strings
    "access account actor address adversary agent alert analysis anomaly archive attacker authentication backdoor "
    "banking beacon binary botnet breach browser campaign certificate channel cipher client cloud cluster command "
    "compromise configuration control credential crypto dashboard data database decoy defence delivery device "
    "dropper email embedded encryption endpoint energy espionage exfiltration exploit exposure extortion file "
    "financial firewall firmware framework gateway government hash health host identity implant incident "
    "infrastructure injection insider installer intrusion kernel keylogger lateral launcher leak loader lure "
    "macro mailbox malicious malware memory miner mobile module monitoring network operator packer password "
    "patch payload persistence phishing platform port privilege process protocol proxy ransomware reconnaissance "
    "registry relay remote report researcher rootkit router sample scanner script sector sensor server service "
    "session shell signature spear spyware stealer storage supply surveillance system target telemetry threat "
    "token tool traffic trojan tunnel update user utility vector victim virtual vulnerability watering web "
    "wiper worker workstation zero-day telecom transport water hospital ministry airport satellite pipeline"
).split()
NAMES = (  # noqa: SIM905
    "Amber Basalt Cobalt Dune Ember Fjord Granite Harbor Indigo Jasper Kestrel Lantern Meridian Nimbus Onyx "
    "Pioneer Quartz Raven Sable Tundra Umber Vortex Willow Xenon Yarrow Zephyr Falcon Heron Lynx Mantis"
).split()
TLDS = ("com", "net", "org", "info", "biz", "io", "example")
SECTORS = (
    "energy",
    "government-national",
    "financial-services",
    "healthcare",
    "telecommunications",
    "transportation",
    "technology",
    "defense",
)
TLP = (
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",  # TLP 1.0 GREEN
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",  # TLP 2.0 GREEN
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",  # TLP 2.0 AMBER
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
)  # TLP 2.0 CLEAR
KILL_CHAIN = (
    "reconnaissance",
    "weaponization",
    "delivery",
    "exploitation",
    "installation",
    "command-and-control",
    "actions-on-objectives",
)

# Share of each kind of object, in percent.
MIX = (
    ("indicator", 28),
    ("observable", 14),
    ("relationship", 34),
    ("sdo", 12),
    ("sighting", 6),
    ("note", 3),
    ("report", 3),
)


class Generator:
    """Produces objects one at a time; remembers a bounded pool of recent ids to relate new objects to."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.start = datetime(2023, 1, 1, tzinfo=UTC)
        self.identity = self._id("identity")
        self.pool: dict[str, list[str]] = {"indicator": [], "sdo": [], "observable": [], "observed-data": []}
        kinds = [kind for kind, share in MIX for _ in range(share)]
        self.kinds = kinds

    def _id(self, kind: str) -> str:
        return f"{kind}--{uuid.UUID(int=self.rnd.getrandbits(128), version=4)}"

    def _time(self) -> str:
        moment = self.start + timedelta(
            seconds=self.rnd.randrange(0, 3 * 365 * 86400), milliseconds=self.rnd.randrange(1000)
        )
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def _text(self, low: int, high: int) -> str:
        words = self.rnd.choices(WORDS, k=self.rnd.randint(low, high))
        return " ".join(words).capitalize() + "."

    def _common(self, kind: str) -> dict:
        created = self._time()
        obj = {
            "type": kind,
            "spec_version": "2.1",
            "id": self._id(kind),
            "created": created,
            "modified": created,
            "created_by_ref": self.identity,
            "object_marking_refs": [self.rnd.choice(TLP)],
        }
        if self.rnd.random() < 0.3:
            obj["confidence"] = self.rnd.choice((15, 50, 85))
        return obj

    def _remember(self, pool: str, stix_id: str) -> None:
        ids = self.pool[pool]
        if len(ids) < 5000:
            ids.append(stix_id)
        else:
            ids[self.rnd.randrange(5000)] = stix_id

    def _pick(self, pool: str) -> str | None:
        ids = self.pool[pool]
        return self.rnd.choice(ids) if ids else None

    def header(self) -> list[dict]:
        return [
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": self.identity,
                "created": "2022-06-01T00:00:00.000Z",
                "modified": "2022-06-01T00:00:00.000Z",
                "name": "Partner CERT",
                "identity_class": "organization",
                "sectors": ["government-national"],
            }
        ]

    def next(self) -> dict:
        kind = self.rnd.choice(self.kinds)
        if kind == "relationship" and not (self.pool["indicator"] and self.pool["sdo"]):
            kind = "sdo"
        if kind in ("report", "note", "sighting") and not self.pool["sdo"]:
            kind = "indicator"
        return getattr(self, "_" + kind)()

    # -- kinds -------------------------------------------------------------------------------------------------

    def _value(self) -> tuple[str, str, str]:
        """A random observable: (pattern, SCO type, value)."""
        rnd = self.rnd
        choice = rnd.randrange(6)
        if choice == 0:
            value = f"{rnd.randint(1, 223)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"
            return f"[ipv4-addr:value = '{value}']", "ipv4-addr", value
        if choice == 1:
            value = f"{rnd.choice(WORDS)}-{rnd.choice(WORDS)}{rnd.randint(1, 999)}.{rnd.choice(TLDS)}"
            return f"[domain-name:value = '{value}']", "domain-name", value
        if choice == 2:
            value = (
                f"https://{rnd.choice(WORDS)}{rnd.randint(1, 99)}.{rnd.choice(TLDS)}/"
                f"{rnd.choice(WORDS)}/{rnd.getrandbits(32):08x}.php"
            )
            return f"[url:value = '{value}']", "url", value
        if choice == 3:
            value = f"{rnd.getrandbits(256):064x}"
            return f"[file:hashes.'SHA-256' = '{value}']", "file", value
        if choice == 4:
            value = f"{rnd.getrandbits(128):032x}"
            name = f"{rnd.choice(WORDS)}_{rnd.randint(1, 99)}.exe"
            return f"[file:hashes.MD5 = '{value}' AND file:name = '{name}']", "file", value
        value = f"{rnd.choice(WORDS)}.{rnd.choice(WORDS)}@{rnd.choice(WORDS)}-mail.{rnd.choice(TLDS)}"
        return f"[email-message:from_ref.value = '{value}']", "email-addr", value

    def _indicator(self) -> dict:
        obj = self._common("indicator")
        pattern, _, _ = self._value()
        obj.update(
            {
                "name": f"{self.rnd.choice(NAMES)} {self.rnd.choice(WORDS)} indicator",
                "description": self._text(8, 30),
                "indicator_types": ["malicious-activity"],
                "pattern": pattern,
                "pattern_type": "stix",
                "valid_from": obj["created"],
            }
        )
        if self.rnd.random() < 0.4:
            obj["kill_chain_phases"] = [
                {"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": self.rnd.choice(KILL_CHAIN)}
            ]
        self._remember("indicator", obj["id"])
        return obj

    def _observable(self) -> dict:
        _, kind, value = self._value()
        obj = {"type": kind, "spec_version": "2.1", "id": self._id(kind)}
        if kind == "file":
            obj["hashes"] = {"SHA-256" if len(value) == 64 else "MD5": value}
            obj["name"] = f"{self.rnd.choice(WORDS)}.dll"
        else:
            obj["value"] = value
        self._remember("observable", obj["id"])
        return obj

    def _sdo(self) -> dict:
        rnd = self.rnd
        kind = rnd.choice(
            (
                "malware",
                "malware",
                "tool",
                "threat-actor",
                "intrusion-set",
                "campaign",
                "attack-pattern",
                "vulnerability",
            )
        )
        obj = self._common(kind)
        name = f"{rnd.choice(NAMES)}{rnd.choice(('', ' ', '-'))}{rnd.choice(WORDS).capitalize()}{rnd.randint(1, 9999)}"
        obj["name"] = name if kind != "vulnerability" else f"CVE-{rnd.randint(2015, 2025)}-{rnd.randint(1000, 49999)}"
        obj["description"] = self._text(20, 80)
        if kind == "malware":
            obj.update(
                {
                    "is_family": True,
                    "malware_types": [rnd.choice(("backdoor", "ransomware", "trojan", "spyware", "wiper"))],
                }
            )
        elif kind in ("threat-actor", "intrusion-set"):
            obj["aliases"] = [f"{rnd.choice(NAMES)} {rnd.choice(NAMES)}", f"G{rnd.randint(1000, 9999)}"]
            if kind == "threat-actor":
                obj["threat_actor_types"] = [rnd.choice(("nation-state", "crime-syndicate", "hacker"))]
        elif kind == "attack-pattern":
            obj["external_references"] = [
                {
                    "source_name": "mitre-attack",
                    "external_id": f"T{rnd.randint(1000, 1700)}",
                    "url": f"https://attack.mitre.org/techniques/T{rnd.randint(1000, 1700)}",
                }
            ]
        elif kind == "vulnerability":
            obj["external_references"] = [{"source_name": "cve", "external_id": obj["name"]}]
        self._remember("sdo", obj["id"])
        return obj

    def _relationship(self) -> dict:
        obj = self._common("relationship")
        if self.rnd.random() < 0.6:
            source, target, kind = self._pick("indicator"), self._pick("sdo"), "indicates"
        else:
            source, target = self._pick("sdo"), self._pick("sdo")
            kind = self.rnd.choice(("uses", "targets", "attributed-to", "related-to", "variant-of"))
        obj.update({"relationship_type": kind, "source_ref": source, "target_ref": target})
        if self.rnd.random() < 0.3:
            obj["description"] = self._text(6, 20)
        return obj

    def _sighting(self) -> dict:
        obj = self._common("sighting")
        seen = obj["created"]
        obj.update(
            {
                "sighting_of_ref": self._pick("sdo"),
                "first_seen": seen,
                "last_seen": seen,
                "count": self.rnd.randint(1, 40),
                "where_sighted_refs": [self.identity],
            }
        )
        return obj

    def _note(self) -> dict:
        obj = self._common("note")
        obj.update({"abstract": self._text(3, 8), "content": self._text(20, 60), "object_refs": [self._pick("sdo")]})
        return obj

    def _report(self) -> dict:
        obj = self._common("report")
        refs = list(
            dict.fromkeys(
                ref
                for ref in (self._pick(self.rnd.choice(("sdo", "indicator"))) for _ in range(self.rnd.randint(5, 25)))
                if ref
            )
        )
        obj.update(
            {
                "name": f"{self.rnd.choice(NAMES)} {self.rnd.choice(WORDS)} report",
                "description": self._text(30, 120),
                "published": obj["created"],
                "report_types": ["threat-report"],
                "object_refs": refs,
            }
        )
        return obj


def write_bundle(path: Path, count: int, seed: int = 2026) -> int:
    """Write a bundle of ``count`` objects (identity included) to ``path``; returns the size in bytes."""
    generator = Generator(seed)
    with open(path, "wb") as out:
        out.write(
            b'{"type": "bundle", "id": "bundle--' + str(uuid.UUID(int=seed, version=4)).encode() + b'", "objects": [\n'
        )
        header = generator.header()
        for index in range(count):
            obj = header[index] if index < len(header) else generator.next()
            if index:
                out.write(b",\n")
            out.write(orjson.dumps(obj))
        out.write(b"\n]}\n")
    return path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.perf_counter()
    size = write_bundle(args.out, args.count, args.seed)
    print(
        f"wrote {args.count:,} objects, {size / 1e6:.0f} MB, to {args.out} in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
