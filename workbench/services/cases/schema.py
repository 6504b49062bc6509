"""The workbench's own STIX extension for cases: its extension-definition object and JSON schema.

Incident Core Extension 2.0.0 carries what it can of an incident case (determination, investigation status,
recoverability, timeline events and tasks as ``event`` and ``task`` objects). What it has no place for (NIS2,
NIS Cooperation Group and CISA fields, stage submissions, a task's owner and due time, and whole exercise
cases) travels in one property extension of our own, defined by an ``extension-definition`` object whose JSON
schema is shipped in ``resources/schemas/`` and also carried, as text, in the definition's ``schema`` property
so that a partner without this program can check it.

The schema is generated from the field declarations of ``workbench.domain.cases`` (the one list of fields); a
test compares the shipped file with what ``build_schema()`` makes, so the two cannot drift apart. Changing the
schema means: regenerate the file (``python -m workbench.services.cases.schema``), raise ``SCHEMA_VERSION``, set
``DEFINITION_MODIFIED`` to the day of the change and update ``SCHEMA_SHA256``: a partner's store then sees a new
version of the definition rather than a conflict.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import sys
from importlib import resources
from typing import Any

import orjson

from workbench.domain.cases.case import RECORD_CLASSES, RECORD_KINDS, RecordKind
from workbench.domain.cases.exercise import ExerciseOverview
from workbench.domain.cases.fields import MAX_NOTE, MAX_NUMBER, MAX_TEXT, UNKNOWN, FieldInfo, FieldKind, field_infos
from workbench.domain.cases.incident import IncidentDetails
from workbench.domain.cases.nis2 import SUBSECTORS
from workbench.domain.cases.rsit import RSIT_TYPES
from workbench.domain.cases.vocab import CaseKind, ExerciseStatus, IncidentStatus
from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp

logger = logging.getLogger(__name__)

# Fixed ids (random version 4 UUIDs drawn once, as STIX recommends): the same in every workspace, so that partners
# store one definition and one identity, never conflicting copies.
CASE_EXTENSION_ID = "extension-definition--7fc43dec-6ccc-48fc-9377-0eabd9b8a127"
WORKBENCH_IDENTITY_ID = "identity--6b55ede6-a62d-46d2-8828-3d34a9cbba37"
SCHEMA_VERSION = "1.2.0"
SCHEMA_FILE = "workbench-case-extension-1.2.0.json"
SCHEMA_SHA256 = "fdedcd4928bc4af016dbbf6e0390efb6968849c2165d3d5943bc28d663836f26"
DEFINITION_CREATED = "2026-01-01T00:00:00.000Z"
# The definition and the workbench identity were marked TLP:CLEAR with schema 1.1.0 on 2026-12-04; schema 1.2.0
# (conducting exercises: clock, MSEL states, evaluation guides, exercise messages) followed the same day, hence the
# later time: a partner's store takes each as a newer version of the one it may hold.
DEFINITION_MODIFIED = "2026-12-04T20:00:00.000Z"

#: ``record_type`` of the extension on each kind of object.
INCIDENT_RECORD = "incident-case"
EXERCISE_RECORD = "exercise-case"
TASK_RECORD = "case-task"
#: Exercise messages, on notes: an inject delivered to a partner, a partner's response, an evaluator's observation.
INJECT_MESSAGE = "exercise-inject"
RESPONSE_MESSAGE = "exercise-response"
OBSERVATION_MESSAGE = "exercise-observation"

_TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"
_UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def _field_schema(info: FieldInfo) -> dict[str, Any]:
    kind = info.kind
    schema: dict[str, Any]
    if kind is FieldKind.TEXT:
        schema = {"type": "string", "maxLength": MAX_TEXT}
    elif kind is FieldKind.NOTE:
        schema = {"type": "string", "maxLength": MAX_NOTE}
    elif kind is FieldKind.CHOICE:
        assert info.vocab is not None
        schema = {"enum": [member.value for member in info.vocab]}
    elif kind is FieldKind.CHOICES:
        assert info.vocab is not None
        schema = {"type": "array", "uniqueItems": True, "items": {"enum": [member.value for member in info.vocab]}}
    elif kind is FieldKind.COUNT:
        schema = {"type": "integer", "minimum": 0}
    elif kind is FieldKind.COUNT_OR_UNKNOWN:
        schema = {"oneOf": [{"type": "integer", "minimum": 0}, {"const": UNKNOWN}]}
    elif kind is FieldKind.FLAG:
        schema = {"type": "boolean"}
    elif kind is FieldKind.TIME:
        schema = {"$ref": "#/$defs/timestamp"}
    elif kind is FieldKind.DATE:
        schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif kind is FieldKind.RSIT:
        schema = {"enum": [entry.key for entry in RSIT_TYPES]}
    elif kind is FieldKind.SUBSECTOR:
        schema = {"enum": sorted({key for options in SUBSECTORS.values() for key in options})}
    elif kind is FieldKind.NUMBER:
        schema = {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_NUMBER}
    elif kind is FieldKind.REF:
        schema = {"type": "string", "pattern": _UUID_PATTERN}
    elif kind is FieldKind.REFS:
        schema = {"type": "array", "uniqueItems": True, "items": {"type": "string", "pattern": _UUID_PATTERN}}
    else:  # pragma: no cover - every kind is handled above
        raise AssertionError(kind)
    schema["description"] = info.label + (f": {info.help}" if info.help else "")
    return schema


def _record_schema(cls: type, *, with_uid: bool) -> dict[str, Any]:
    infos = field_infos(cls)
    properties: dict[str, Any] = {}
    if with_uid:
        properties["uid"] = {"type": "string", "pattern": _UUID_PATTERN}
    properties.update({info.name: _field_schema(info) for info in infos})
    required = (["uid"] if with_uid else []) + [info.name for info in infos if info.required]
    return {"type": "object", "additionalProperties": False, "required": required, "properties": properties}


def _list_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": {"$ref": f"#/$defs/{name}"}}


def build_schema() -> dict[str, Any]:
    """The JSON schema (draft 2020-12) of the extension's content, from the field declarations."""
    common = {
        "extension_type": {"const": "property-extension"},
        "case_reference": {"type": "string", "maxLength": MAX_TEXT, "description": "the creator's case reference"},
    }
    defs: dict[str, Any] = {
        "timestamp": {"type": "string", "pattern": _TIMESTAMP_PATTERN},
        "incident_details": _record_schema(IncidentDetails, with_uid=False),
        "exercise_overview": _record_schema(ExerciseOverview, with_uid=False),
    }
    for kind, cls in RECORD_CLASSES.items():
        defs[kind.value] = _record_schema(cls, with_uid=True)
    defs["incident_case"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["extension_type", "record_type", "case_reference", "grouping_ref", "status", "details"],
        "properties": {
            **common,
            "record_type": {"const": INCIDENT_RECORD},
            "grouping_ref": {
                "type": "string",
                "pattern": "^grouping--" + _UUID_PATTERN[1:],
                "description": "the grouping that references the case's objects",
            },
            "status": {"enum": [status.value for status in IncidentStatus]},
            "details": {"$ref": "#/$defs/incident_details"},
            "stages": _list_of(RecordKind.STAGE.value),
        },
    }
    defs["exercise_case"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["extension_type", "record_type", "case_reference", "status", "overview"],
        "properties": {
            **common,
            "record_type": {"const": EXERCISE_RECORD},
            "status": {"enum": [status.value for status in ExerciseStatus]},
            "overview": {"$ref": "#/$defs/exercise_overview"},
            **{kind.plural: _list_of(kind.value) for kind in RECORD_KINDS[CaseKind.EXERCISE]},
        },
    }
    defs["exercise_header"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["stix_id", "case_reference", "title"],
        "description": "the exercise a message belongs to, as its controller knows it",
        "properties": {
            "stix_id": {"type": "string", "pattern": "^grouping--" + _UUID_PATTERN[1:]},
            "case_reference": {"type": "string", "maxLength": MAX_TEXT},
            "title": {"type": "string", "maxLength": MAX_TEXT},
            "overview": {"$ref": "#/$defs/exercise_overview"},
            "participants": _list_of(RecordKind.PARTICIPANT.value),
        },
    }
    message_common = {
        "extension_type": {"const": "property-extension"},
        "exercise": {"$ref": "#/$defs/exercise_header"},
    }
    defs["exercise_inject"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["extension_type", "record_type", "exercise", "inject"],
        "properties": {
            **message_common,
            "record_type": {"const": INJECT_MESSAGE},
            "inject": {"$ref": f"#/$defs/{RecordKind.INJECT.value}"},
        },
    }
    defs["exercise_response"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["extension_type", "record_type", "exercise", "inject_uid", "responded_at", "observed_action"],
        "properties": {
            **message_common,
            "record_type": {"const": RESPONSE_MESSAGE},
            "inject_uid": {"type": "string", "pattern": _UUID_PATTERN},
            "responded_at": {"$ref": "#/$defs/timestamp"},
            "responded_by": {"type": "string", "maxLength": MAX_TEXT},
            "organisation": {"type": "string", "maxLength": MAX_TEXT},
            "observed_action": {"type": "string", "maxLength": MAX_NOTE},
        },
    }
    defs["exercise_observation"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["extension_type", "record_type", "exercise", "observation"],
        "properties": {
            **message_common,
            "record_type": {"const": OBSERVATION_MESSAGE},
            "observation": {"$ref": f"#/$defs/{RecordKind.EEG_OBSERVATION.value}"},
        },
    }
    defs["case_task"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["extension_type", "record_type"],
        "properties": {
            "extension_type": {"const": "property-extension"},
            "record_type": {"const": TASK_RECORD},
            "owner": {"type": "string", "maxLength": MAX_TEXT},
            "due": {"$ref": "#/$defs/timestamp"},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:workbench:stix-extension:case:{SCHEMA_VERSION}",
        "title": "Workbench case",
        "description": "Incident case fields (NIS2 stages, NIS Cooperation Group and CISA fields) on an incident, "
        "a whole exercise case (after-action report and improvement plan) on a grouping, a "
        "task's owner and due time on a task, and exercise messages (an inject delivered to a partner, "
        "a partner's response, an evaluator's observation) on notes.",
        "oneOf": [
            {"$ref": f"#/$defs/{name}"}
            for name in (
                "incident_case",
                "exercise_case",
                "case_task",
                "exercise_inject",
                "exercise_response",
                "exercise_observation",
            )
        ],
        "$defs": defs,
    }


def schema_text(schema: dict[str, Any] | None = None) -> str:
    """The schema as shipped: JSON with sorted keys, two-space indent, one final newline."""
    return orjson.dumps(schema or build_schema(), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n"


@functools.cache
def shipped_schema_text() -> str:
    return resources.files("workbench").joinpath("resources", "schemas", SCHEMA_FILE).read_text(encoding="utf-8")


@functools.cache
def _validator() -> Any:
    # Imported here, not at the top: importing jsonschema loads its format checkers, and with the optional
    # rfc3987-syntax package present that alone takes seconds, which every command would otherwise pay.
    import jsonschema

    schema = orjson.loads(shipped_schema_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_extension(content: Any, where: str) -> None:
    """Refuse extension content that does not match the shipped schema, naming the first place that does not."""
    errors = sorted(_validator().iter_errors(content), key=lambda error: list(error.absolute_path))
    if not errors:
        return
    # oneOf hides the useful message: look into the branch whose record_type matches.
    error = errors[0]
    for candidate in errors:
        for context in sorted(candidate.context or [], key=lambda item: -len(list(item.absolute_path))):
            if list(context.absolute_path) and "record_type" not in list(context.absolute_path):
                error = context
                break
    path = "/".join(str(part) for part in error.absolute_path) or "(top)"
    raise InvalidInput(f"{where}: the workbench case extension is invalid at {path}: {error.message[:200]}")


def extension_definition() -> dict[str, Any]:
    """The ``extension-definition`` object exported with every case."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": CASE_EXTENSION_ID,
        "created": DEFINITION_CREATED,
        "modified": DEFINITION_MODIFIED,
        "created_by_ref": WORKBENCH_IDENTITY_ID,
        "name": "Workbench case",
        "description": "Incident and exercise cases of the air-gapped analyst workbench: NIS2 reporting stages, "
        "NIS Cooperation Group and CISA incident fields, and exercise after-action records. The "
        "schema property holds the JSON schema (draft 2020-12) of the extension's content.",
        "schema": shipped_schema_text(),
        "version": SCHEMA_VERSION,
        "extension_types": ["property-extension"],
        "object_marking_refs": [Tlp.CLEAR.marking_id],
    }


def workbench_identity() -> dict[str, Any]:
    """The identity that created the extension definition: the workbench itself, the same everywhere."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": WORKBENCH_IDENTITY_ID,
        "created": DEFINITION_CREATED,
        "modified": DEFINITION_MODIFIED,
        "name": "Workbench (air-gapped analyst workbench)",
        "identity_class": "system",
        "object_marking_refs": [Tlp.CLEAR.marking_id],
    }


def schema_digest() -> str:
    return hashlib.sha256(shipped_schema_text().encode("utf-8")).hexdigest()


if __name__ == "__main__":  # regenerate the shipped file: python -m workbench.services.cases.schema [PATH]
    target = sys.argv[1] if len(sys.argv) > 1 else f"resources/schemas/{SCHEMA_FILE}"
    text = schema_text()
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {target}, sha256 {hashlib.sha256(text.encode()).hexdigest()}")
