"""What a case says to a tool that does not read the workbench's own extension (misp-stix, OpenCTI, a validator).

Our extension carries the whole case; a consumer without it keeps only standard STIX and common extensions. So
every case bundle also carries:

- for an incident, the Incident Core Extension properties the case knows besides determination, status,
  recoverability, events and tasks: ``criticality`` (the NIS Cooperation Group's impact severity on the
  extension's "None / Low / High / Extreme" scale: white 0, green 20, yellow 65, red 95), ``impacted_entity_counts``
  (systems and users affected, as ``system`` and ``individual``), ``incident_types`` (from the RSIT class, the CISA
  functional and information impacts and the attack vector, where one maps onto the extension's vocabulary), and
  ``impact`` objects of the Impact Extension (availability from the CISA functional impact, confidentiality and
  integrity from the CISA information impact, each in its ``-ext`` sub-extension) referenced by ``impact_refs``.
  ``detection_methods`` is left out: the case does not record how the incident was detected.
- a ``note`` with the case's plain-text summary (every field and record as the case screen lists them, times in
  UTC), referencing the incident or the exercise's grouping;
- for an exercise, an ``identity`` for each participating organisation, which the grouping references with the
  note.

Everything here is derived from the case alone, with ids fixed by the case (the note's and impacts' ids derived
from the case's id, a participant's from its record), so that exporting an unchanged case twice gives the same
objects.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from workbench.domain.cases.case import Case, RecordKind
from workbench.domain.cases.fields import display_lines
from workbench.domain.cases.incident import IncidentDetails
from workbench.domain.cases.vocab import (
    AttackVector,
    CaseKind,
    FunctionalImpact,
    ImpactSeverity,
    InformationImpact,
)
from workbench.domain.ids import stable_id

IMPACT_EXTENSION_ID = "extension-definition--7cc33dd6-f6a1-489b-98ea-522d351d71b9"
# Named as the STIX 2.1 rules for predefined extension keys require (``-ext``), as the stix2 library writes them.
IMPACT_CATEGORIES = ("availability-ext", "confidentiality-ext", "integrity-ext")

CRITICALITY = {ImpactSeverity.WHITE: 0, ImpactSeverity.GREEN: 20, ImpactSeverity.YELLOW: 65, ImpactSeverity.RED: 95}

# The Incident Core Extension's incident-type-ov, where a case field says as much.
_RSIT_TYPES = {
    "intrusions:privileged-account-compromise": "compromised-system",
    "intrusions:unprivileged-account-compromise": "compromised-system",
    "intrusions:application-compromise": "compromised-system",
    "intrusions:system-compromise": "compromised-system",
    "malicious-code:infected-system": "compromised-system",
    "availability:dos": "denial-of-service",
    "availability:ddos": "denial-of-service",
    "availability:sabotage": "destruction",
    "information-content-security:unauthorised-information-access": "unauthorized-access",
    "information-content-security:data-leak": "unauthorized-release",
    "fraud:unauthorised-use-of-resources": "unauthorized-use",
}
_FUNCTIONAL_TYPES = {
    FunctionalImpact.DENIAL_NON_CRITICAL: "denial-of-service",
    FunctionalImpact.DENIAL_CRITICAL: "denial-of-service",
}
_INFORMATION_TYPES = {
    InformationImpact.PRIVACY: "unauthorized-release",
    InformationImpact.PROPRIETARY: "unauthorized-release",
    InformationImpact.CRITICAL_DATA: "unauthorized-release",
    InformationImpact.CORE_CREDENTIAL: "unauthorized-access",
    InformationImpact.DESTRUCTION_NON_CRITICAL: "destruction",
    InformationImpact.DESTRUCTION_CRITICAL: "destruction",
}
_VECTOR_TYPES = {AttackVector.LOSS_OR_THEFT: "equipment-loss"}

# The Impact Extension's availability_impact (0 to 100) for each CISA functional impact.
_AVAILABILITY = {
    FunctionalImpact.NO_IMPACT: 0,
    FunctionalImpact.NO_IMPACT_TO_SERVICES: 0,
    FunctionalImpact.MINIMAL_NON_CRITICAL: 10,
    FunctionalImpact.MINIMAL_CRITICAL: 20,
    FunctionalImpact.SIGNIFICANT_NON_CRITICAL: 40,
    FunctionalImpact.DENIAL_NON_CRITICAL: 60,
    FunctionalImpact.SIGNIFICANT_CRITICAL: 80,
    FunctionalImpact.DENIAL_CRITICAL: 100,
}
# (category, what the extension's sub-object holds) for each CISA information impact.
_INFORMATION: dict[InformationImpact, tuple[str, dict[str, str]]] = {
    InformationImpact.NO_IMPACT: ("confidentiality-ext", {"loss_type": "none"}),
    InformationImpact.SUSPECTED: (
        "confidentiality-ext",
        {"information_type": "unknown", "loss_type": "suspected-loss"},
    ),
    InformationImpact.PRIVACY: (
        "confidentiality-ext",
        {"information_type": "personal-data", "loss_type": "confirmed-loss"},
    ),
    InformationImpact.PROPRIETARY: (
        "confidentiality-ext",
        {"information_type": "proprietary-information", "loss_type": "confirmed-loss"},
    ),
    InformationImpact.CRITICAL_DATA: (
        "confidentiality-ext",
        {"information_type": "critical-systems-data", "loss_type": "confirmed-loss"},
    ),
    InformationImpact.CORE_CREDENTIAL: (
        "confidentiality-ext",
        {"information_type": "credentials", "loss_type": "confirmed-loss"},
    ),
    InformationImpact.DESTRUCTION_NON_CRITICAL: (
        "integrity-ext",
        {"information_type": "non-critical-systems", "alteration": "full-destruction"},
    ),
    InformationImpact.DESTRUCTION_CRITICAL: (
        "integrity-ext",
        {"information_type": "critical-systems", "alteration": "full-destruction"},
    ),
}


def note_id(case: Case) -> str:
    return stable_id("note", case.stix_id, "summary")


def impact_id(case: Case, category: str) -> str:
    return stable_id("impact", case.stix_id, category)


def participant_id(uid: str) -> str:
    return f"identity--{uid}"


def own_ids(case: Case) -> set[str]:
    """The ids of every object built here for ``case`` (whether or not the case has what each one needs)."""
    ids = {note_id(case), *(impact_id(case, category) for category in IMPACT_CATEGORIES)}
    ids.update(participant_id(record.uid) for record in case.of(RecordKind.PARTICIPANT))
    return ids


def core_properties(details: IncidentDetails) -> dict[str, Any]:
    """The Incident Core Extension properties ``details`` gives, besides those the incident carries already."""
    found: dict[str, Any] = {}
    if details.impact_severity is not None:
        found["criticality"] = CRITICALITY[details.impact_severity]
    counts = {"system": details.systems_affected, "individual": details.users_affected}
    if any(count is not None for count in counts.values()):
        found["impacted_entity_counts"] = {key: count for key, count in counts.items() if count is not None}
    kinds = [
        _RSIT_TYPES.get(details.rsit.key) if details.rsit is not None else None,
        _FUNCTIONAL_TYPES.get(details.functional_impact) if details.functional_impact is not None else None,
        _INFORMATION_TYPES.get(details.information_impact) if details.information_impact is not None else None,
        _VECTOR_TYPES.get(details.attack_vector) if details.attack_vector is not None else None,
    ]
    incident_types = list(dict.fromkeys(kind for kind in kinds if kind is not None))
    if incident_types:
        found["incident_types"] = incident_types
    return found


def impact_objects(case: Case, common: dict[str, Any]) -> list[dict[str, Any]]:
    """The Impact Extension's ``impact`` objects the case's CISA impacts give; ``common`` holds the properties every
    object of the case has (spec version, times, author, marking)."""
    details = case.incident
    assert details is not None
    found: list[tuple[str, dict[str, Any], str]] = []
    if details.functional_impact is not None:
        level = {"availability_impact": _AVAILABILITY[details.functional_impact]}
        found.append(("availability-ext", level, details.functional_impact.label))
    if details.information_impact is not None:
        category, said = _INFORMATION[details.information_impact]
        content: dict[str, Any] = dict(said)
        if details.records_affected is not None and content.get("loss_type") != "none":
            content["record_count"] = details.records_affected
        found.append((category, content, details.information_impact.label))
    objects = []
    for category, content, label in found:
        obj: dict[str, Any] = {**common, "type": "impact", "id": impact_id(case, category)}
        obj["impact_category"] = category
        obj["description"] = f"CISA: {label}"
        if details.recoverability is not None:
            obj["recoverability"] = details.recoverability.value
        obj["extensions"] = {IMPACT_EXTENSION_ID: {"extension_type": "new-sdo"}, category: content}
        objects.append(obj)
    return objects


def participant_identities(case: Case, common: dict[str, Any]) -> list[dict[str, Any]]:
    """An ``identity`` for each participating organisation of an exercise."""
    objects = []
    for record in case.of(RecordKind.PARTICIPANT):
        obj: dict[str, Any] = {**common, "type": "identity", "id": participant_id(record.uid)}
        obj.update({"name": record.organisation, "identity_class": "organization", "roles": [record.role.value]})
        if record.contact:
            obj["contact_information"] = record.contact
        objects.append(obj)
    return objects


def summary_note(case: Case, common: dict[str, Any], refs: list[str]) -> dict[str, Any]:
    """A ``note`` holding the case's plain-text summary, referencing ``refs`` (the incident, or the grouping)."""
    reference = case.origin_ref or case.ref
    kind = "Incident" if case.kind is CaseKind.INCIDENT else "Exercise"
    obj: dict[str, Any] = {**common, "type": "note", "id": note_id(case)}
    obj["abstract"] = f"{kind} case {reference}: {case.title}"[:250]
    obj["content"] = summary_text(case)
    obj["object_refs"] = refs
    return obj


def summary_text(case: Case) -> str:
    """Every field and record of the case as the case screen lists them, label and value a line, times in UTC."""
    details = case.incident if case.kind is CaseKind.INCIDENT else case.exercise
    marking = case.tlp.label if case.tlp is not None else "unmarked"
    lines = [f"{case.origin_ref or case.ref}: {case.title}", f"Status: {case.status.label}. Marking: {marking}."]
    if case.description:
        lines += ["", case.description]
    if details is not None:
        lines.append("")
        lines += [f"{info.label}: {text}" for info, text in display_lines(details, UTC)]
    for kind, records in case.records.items():
        if not records:
            continue
        lines += ["", f"{kind.label}s:"]
        for record in records:
            lines.append("- " + "; ".join(f"{info.label}: {text}" for info, text in display_lines(record, UTC)))
    return "\n".join(lines)
