"""The Reference Security Incident Taxonomy (RSIT, ENISA and TF-CSIRT), version 1003.

Encoded here from the published table: each class (first column, mandatory) with its incident types (second
column). Keys are the machine tags of the taxonomy (``intrusions:system-compromise``); labels are the table's
words. A test compares this table with the human-readable taxonomy file, so an update of the taxonomy shows up
as a failing test rather than as silently stale choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.domain.cases.vocab import vocab_key
from workbench.domain.errors import InvalidInput

RSIT_VERSION = "1003"


@dataclass(frozen=True)
class RsitType:
    """One incident type of the taxonomy: ``key`` is ``class:type`` as machine tags write it."""

    class_key: str
    class_label: str
    type_key: str
    type_label: str
    description: str

    @property
    def key(self) -> str:
        return f"{self.class_key}:{self.type_key}"

    @property
    def label(self) -> str:
        """As reports print it: ``Intrusions / System Compromise``."""
        return f"{self.class_label} / {self.type_label}"

    def __str__(self) -> str:
        return self.label


_CLASSES: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "abusive-content",
        "Abusive Content",
        [
            ("spam", "Spam", "Unsolicited bulk email and the infrastructure behind it."),
            ("harmful-speech", "Harmful Speech", "Bullying, harassment or discrimination of somebody."),
            (
                "violence",
                "(Child) Sexual Exploitation/Sexual/Violent Content",
                "Child sexual exploitation, sexual content, glorification of violence.",
            ),
        ],
    ),
    (
        "malicious-code",
        "Malicious Code",
        [
            ("infected-system", "Infected System", "System infected with malware."),
            ("c2-server", "C2 Server", "Command and control server contacted by malware on infected systems."),
            ("malware-distribution", "Malware Distribution", "URI used for malware distribution."),
            ("malware-configuration", "Malware Configuration", "URI hosting a malware configuration file."),
        ],
    ),
    (
        "information-gathering",
        "Information Gathering",
        [
            ("scanner", "Scanning", "Requests to a system to discover weaknesses."),
            ("sniffing", "Sniffing", "Observing and recording of network traffic."),
            ("social-engineering", "Social Engineering", "Gathering information from a human being non-technically."),
        ],
    ),
    (
        "intrusion-attempts",
        "Intrusion Attempts",
        [
            (
                "ids-alert",
                "Exploitation of Known Vulnerabilities",
                "An attempt to compromise a system by exploiting vulnerabilities with a standardised identifier.",
            ),
            ("brute-force", "Login Attempts", "Multiple brute-force login attempts."),
            ("exploit", "New Attack Signature", "An attack using an unknown exploit."),
        ],
    ),
    (
        "intrusions",
        "Intrusions",
        [
            (
                "privileged-account-compromise",
                "Privileged Account Compromise",
                "Compromise where the attacker gained administrative privileges.",
            ),
            (
                "unprivileged-account-compromise",
                "Unprivileged Account Compromise",
                "Compromise using an unprivileged (user/service) account.",
            ),
            (
                "application-compromise",
                "Application Compromise",
                "Compromise of an application by exploiting (un)known software vulnerabilities.",
            ),
            ("system-compromise", "System Compromise", "Compromise of a system, e.g. unauthorised logins or commands."),
            ("burglary", "Burglary", "Physical intrusion, e.g. into a corporate building or data centre."),
        ],
    ),
    (
        "availability",
        "Availability",
        [
            ("dos", "Denial of Service", "Denial of Service attack."),
            ("ddos", "Distributed Denial of Service", "Distributed Denial of Service attack."),
            ("misconfiguration", "Misconfiguration", "Software misconfiguration resulting in availability issues."),
            ("sabotage", "Sabotage", "Intentional actions damaging a system to disrupt the availability of a service."),
            ("outage", "Outage", "An outage caused, for example, by air conditioning failure or natural disaster."),
        ],
    ),
    (
        "information-content-security",
        "Information Content Security",
        [
            (
                "unauthorised-information-access",
                "Unauthorised Access to Information",
                "Unauthorised access to information.",
            ),
            (
                "unauthorised-information-modification",
                "Unauthorised Modification of Information",
                "Unauthorised modification of information, including ransomware encryption and defacements.",
            ),
            ("data-loss", "Data Loss", "Loss of data, e.g. by hard disk failure or physical theft."),
            ("data-leak", "Leak of Confidential Information", "Leaked confidential information."),
        ],
    ),
    (
        "fraud",
        "Fraud",
        [
            (
                "unauthorised-use-of-resources",
                "Unauthorised Use of Resources",
                "Using resources for unauthorised purposes.",
            ),
            ("copyright", "Copyright", "Offering or installing unlicensed copies of protected material."),
            ("masquerade", "Masquerade", "An entity illegitimately impersonates another to benefit from it."),
            ("phishing", "Phishing", "Masquerading as another entity to persuade the user to reveal credentials."),
        ],
    ),
    (
        "vulnerable",
        "Vulnerable",
        [
            ("weak-crypto", "Weak Cryptography", "Publicly accessible services offering weak cryptography."),
            ("ddos-amplifier", "DDoS Amplifier", "Services that can be abused for DDoS reflection/amplification."),
            (
                "potentially-unwanted-accessible",
                "Potentially Unwanted Accessible Services",
                "Potentially unwanted publicly accessible services, e.g. Telnet, RDP or VNC.",
            ),
            (
                "information-disclosure",
                "Information disclosure",
                "Publicly accessible services potentially disclosing sensitive information.",
            ),
            ("vulnerable-system", "Vulnerable System", "A system which is vulnerable to certain attacks."),
        ],
    ),
    (
        "other",
        "Other",
        [
            ("other", "Uncategorised", "Incidents which do not fit in one of the given categories."),
            ("undetermined", "Undetermined", "The categorisation of the incident is unknown or undetermined."),
        ],
    ),
    (
        "test",
        "Test",
        [
            ("test", "Test", "Meant for testing."),
        ],
    ),
]

#: Every incident type of the taxonomy, in the taxonomy's order.
RSIT_TYPES: tuple[RsitType, ...] = tuple(
    RsitType(class_key, class_label, type_key, type_label, description)
    for class_key, class_label, entries in _CLASSES
    for type_key, type_label, description in entries
)
_BY_KEY = {entry.key: entry for entry in RSIT_TYPES}

# Older machine tags (MISP's rsit namespace before version 1003) that name the same type.
_ALIASES = {
    "fraud:unauthorized-use-of-resources": "fraud:unauthorised-use-of-resources",
    "other:uncategorised": "other:other",
    "information-content-security:leak-of-confidential-information": "information-content-security:data-leak",
}


def parse_rsit(text: object) -> RsitType:
    """An incident type named by its machine tag (``intrusions:system-compromise``, also ``rsit:intrusions=
    "system-compromise"``) or by its labels (``Intrusions / System Compromise``); refuses anything else."""
    if isinstance(text, RsitType):
        return text
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("the RSIT classification is empty; use class:type, e.g. intrusions:system-compromise")
    raw = text.strip()
    if raw.lower().startswith("rsit:"):
        raw = raw[5:].replace("=", ":").replace('"', "")
    # Class names hold no separator, type names may ("Sexual/Violent Content"): split at the first one.
    split = re.search(r"[:/|]", raw)
    if split is None:
        raise InvalidInput(f"RSIT classification {text!r} needs a class and a type, e.g. intrusions:system-compromise")
    left, right = vocab_key(raw[: split.start()]), vocab_key(raw[split.end() :])
    key = _ALIASES.get(f"{left}:{right}", f"{left}:{right}")
    if key in _BY_KEY:
        return _BY_KEY[key]
    for entry in RSIT_TYPES:
        if left in (entry.class_key, vocab_key(entry.class_label)) and right in (
            entry.type_key,
            vocab_key(entry.type_label),
        ):
            return entry
    raise InvalidInput(
        f"unknown RSIT classification {text!r}; use class:type from RSIT version {RSIT_VERSION}, "
        "e.g. intrusions:system-compromise"
    )
