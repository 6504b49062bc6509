"""Cases in STIX 2.1, both ways, and the hook that turns imported case objects back into cases.

An incident case becomes an ``incident`` with the Incident Core Extension 2.0.0 (determination, investigation
status, recoverability, its timeline as ``event`` objects and its tasks as ``task`` objects) plus our own case
extension (the NIS2, NIS Cooperation Group and CISA fields and the stage submissions), and a ``grouping`` that
references the incident, its events and tasks and every linked object. An exercise case becomes a ``grouping``
carrying the whole exercise in our case extension and referencing its linked objects. ``case_from_stix`` reads
these back field for field; the partner's workspace gets the same case under a reference of its own.

Ids are stable: the incident keeps the case's STIX id, events and tasks are ``event--<uid>`` and ``task--<uid>``,
and the incident's grouping keeps the id it got when the case was created. Exporting an unchanged case twice gives
the same objects, so a partner's store sees them as unchanged.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from workbench.domain.cases.case import (
    RECORD_KINDS,
    Case,
    RecordKind,
    check_title,
    make_exercise_overview,
    make_incident_details,
    make_record,
    parse_status,
)
from workbench.domain.cases.conduct import keep_local_records
from workbench.domain.cases.fields import parse_time, to_dict
from workbench.domain.cases.incident import Task, TimelineEvent
from workbench.domain.cases.vocab import CaseKind, IncidentStatus, TaskStatus, TimelineKind
from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import (
    EXERCISE_MARKING_DEFINITION,
    EXERCISE_MARKING_ID,
    is_exercise_material,
    mark_as_exercise,
)
from workbench.domain.ids import is_stix_id, new_id, type_of
from workbench.domain.stix import META_TYPES, iter_refs
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, Tlp, highest, object_tlp
from workbench.services import cases as case_service
from workbench.services.cases import portable
from workbench.services.cases.schema import (
    CASE_EXTENSION_ID,
    EXERCISE_RECORD,
    INCIDENT_RECORD,
    TASK_RECORD,
    WORKBENCH_IDENTITY_ID,
    extension_definition,
    validate_extension,
    workbench_identity,
)
from workbench.services.exercise.receive import Received, receive_messages
from workbench.services.workspace import Workspace
from workbench.storage import audit
from workbench.storage.cases import CaseStore
from workbench.storage.database import Connection
from workbench.storage.objects import ObjectStore

logger = logging.getLogger(__name__)

INCIDENT_CORE_ID = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
EVENT_EXTENSION_ID = "extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e"
TASK_EXTENSION_ID = "extension-definition--2074a052-8be4-4932-849e-f5e7798e0030"

# Our status, as the Incident Core Extension's investigation status says it.
_INVESTIGATION_STATUS = {IncidentStatus.NEW: "new", IncidentStatus.CLOSED: "closed"}


def _ts(value: Any) -> str:
    return format_stix_timestamp(value)


def _common(case: Case, stix_type: str, stix_id: str, created: Any, modified: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": stix_type,
        "spec_version": "2.1",
        "id": stix_id,
        "created": _ts(created),
        "modified": _ts(modified),
        "created_by_ref": case.creator_ref,
    }
    if case.tlp is not None:
        obj["object_marking_refs"] = [case.tlp.marking_id]
    return obj


# -- case -> STIX --------------------------------------------------------------------------------------------------


def case_objects(case: Case) -> list[dict[str, Any]]:
    """The STIX objects that stand for the case itself (not its linked objects): see the module docstring."""
    if case.kind is CaseKind.INCIDENT:
        return _incident_objects(case)
    return _exercise_objects(case)


def _event_object(case: Case, event: TimelineEvent) -> dict[str, Any]:
    created, modified = case.stamps.get(event.uid, (case.modified, case.modified))
    obj = _common(case, "event", f"event--{event.uid}", created, modified)
    obj.update(
        {"name": event.title, "status": "occurred", "start_time": _ts(event.at), "event_types": [event.kind.value]}
    )
    if event.description:
        obj["description"] = event.description
    obj["extensions"] = {EVENT_EXTENSION_ID: {"extension_type": "new-sdo"}}
    return obj


def _task_object(case: Case, task: Task) -> dict[str, Any]:
    created, modified = case.stamps.get(task.uid, (case.modified, case.modified))
    obj = _common(case, "task", f"task--{task.uid}", created, modified)
    obj.update({"name": task.title, "outcome": task.status.value})
    if task.description:
        obj["description"] = task.description
    if task.completed_at is not None:
        obj["end_time"] = _ts(task.completed_at)
    ours: dict[str, Any] = {"extension_type": "property-extension", "record_type": TASK_RECORD}
    if task.owner:
        ours["owner"] = task.owner
    if task.due is not None:
        ours["due"] = _ts(task.due)
    obj["extensions"] = {TASK_EXTENSION_ID: {"extension_type": "new-sdo"}, CASE_EXTENSION_ID: ours}
    return obj


def _incident_objects(case: Case) -> list[dict[str, Any]]:
    details = case.incident
    assert details is not None and isinstance(case.status, IncidentStatus)
    events = [_event_object(case, event) for event in case.events]
    tasks = [_task_object(case, task) for task in case.tasks]
    core: dict[str, Any] = {
        "extension_type": "property-extension",
        "determination": details.determination.value,
        "investigation_status": _INVESTIGATION_STATUS.get(case.status, "open"),
    }
    if details.recoverability is not None:
        core["recoverability"] = details.recoverability.value
    if events:
        core["events"] = [{"event_ref": event["id"]} for event in events]
    if tasks:
        core["tasks"] = [{"task_ref": task["id"]} for task in tasks]
    core.update(portable.core_properties(details))
    common = _common(case, "", "", case.created, case.modified)
    impacts = portable.impact_objects(case, common)
    if impacts:
        core["impact_refs"] = [impact["id"] for impact in impacts]
    assert case.grouping_ref is not None
    ours: dict[str, Any] = {
        "extension_type": "property-extension",
        "record_type": INCIDENT_RECORD,
        "case_reference": case.origin_ref or case.ref,
        "grouping_ref": case.grouping_ref,
        "status": case.status.value,
        "details": to_dict(details),
    }
    stages = [to_dict(stage) for stage in case.stages]
    if stages:
        ours["stages"] = stages
    incident = _common(case, "incident", case.stix_id, case.created, case.modified)
    incident["name"] = case.title
    if case.description:
        incident["description"] = case.description
    incident["extensions"] = {INCIDENT_CORE_ID: core, CASE_EXTENSION_ID: ours}
    note = portable.summary_note(case, common, [case.stix_id])
    grouping = _common(case, "grouping", case.grouping_ref, case.created, case.modified)
    # Linked objects in id order, so that the same case gives the same grouping in every workspace.
    own = [case.stix_id, *(obj["id"] for obj in events + tasks + impacts), note["id"]]
    grouping.update(
        {
            "name": f"Case {case.origin_ref or case.ref}: {case.title}",
            "context": "suspicious-activity",
            "object_refs": [*own, *sorted(case.linked)],
        }
    )
    return [incident, *events, *tasks, *impacts, note, grouping]


def _exercise_objects(case: Case) -> list[dict[str, Any]]:
    assert case.exercise is not None
    ours: dict[str, Any] = {
        "extension_type": "property-extension",
        "record_type": EXERCISE_RECORD,
        "case_reference": case.origin_ref or case.ref,
        "status": case.status.value,
        "overview": to_dict(case.exercise),
    }
    for kind in RECORD_KINDS[CaseKind.EXERCISE]:
        records = [to_dict(record) for record in case.of(kind)]
        if records:
            ours[kind.plural] = records
    grouping = _common(case, "grouping", case.stix_id, case.created, case.modified)
    grouping["name"] = case.title
    if case.description:
        grouping["description"] = case.description
    common = _common(case, "", "", case.created, case.modified)
    participants = portable.participant_identities(case, common)
    note = portable.summary_note(case, common, [case.stix_id])
    # The note and the participants, for a reader without our extension, and the definition of the extension
    # that carries the whole exercise.
    grouping.update(
        {
            "context": "unspecified",
            "object_refs": [
                note["id"],
                *(identity["id"] for identity in participants),
                CASE_EXTENSION_ID,
                *sorted(case.linked),
            ],
            "extensions": {CASE_EXTENSION_ID: ours},
        }
    )
    # An exercise is exercise material: marked and labelled so, none of it passes for real intelligence.
    return [mark_as_exercise(obj) for obj in (grouping, *participants, note)]


@dataclass
class CaseBundle:
    """A case as a STIX bundle, with what a caller shows: the highest TLP inside and linked objects not found."""

    bundle: dict[str, Any]
    highest_tlp: Tlp | None
    missing: list[str] = field(default_factory=list)
    #: Linked objects of an exercise left out because they are real intelligence.
    withheld: list[str] = field(default_factory=list)


def case_bundle(ws: Workspace, ident: str) -> CaseBundle:
    """The case, its linked objects (current versions), the marking definitions they use, the organisation's
    identity and the extension definition, as one STIX 2.1 bundle.

    An exercise is exercise material and its bundle holds exercise material only: its linked objects that are real
    intelligence are left out (``withheld``), and so are identities, which are real organisations."""
    case = case_service.get_case(ws, ident)
    objects = ObjectStore(ws.conn)
    own = case_objects(case)
    linked = objects.get_many(case.linked)
    missing = [object_id for object_id in case.linked if object_id not in linked]
    exercise = case.kind is CaseKind.EXERCISE
    withheld = [object_id for object_id, obj in linked.items() if exercise and not is_exercise_material(obj)]
    for object_id in withheld:
        del linked[object_id]
    collected: dict[str, dict[str, Any]] = {}
    if not exercise:
        creators = {case.creator_ref} | {obj.get("created_by_ref") for obj in linked.values()}
        for creator in sorted(ref for ref in creators if isinstance(ref, str)):
            found = objects.get(creator)
            if found is not None:
                collected[creator] = found
        collected[WORKBENCH_IDENTITY_ID] = workbench_identity()
    collected[CASE_EXTENSION_ID] = extension_definition()
    body = [*own, *(linked[object_id] for object_id in case.linked if object_id in linked)]
    for obj in body:
        for prop, ref in iter_refs(obj):
            if type_of(ref) == "marking-definition" and ref not in collected:
                definition = BUILTIN_MARKING_DEFINITIONS.get(ref) or objects.get(ref)
                if definition is None and ref == EXERCISE_MARKING_ID:
                    definition = EXERCISE_MARKING_DEFINITION
                if definition is not None:
                    collected[ref] = definition
            elif prop == "created_by_ref" and ref not in collected and not exercise:
                found = objects.get(ref)
                if found is not None:
                    collected[ref] = found
    everything = [*collected.values(), *body]
    bundle = {"type": "bundle", "id": new_id("bundle"), "objects": everything}
    return CaseBundle(bundle, highest(object_tlp(obj) for obj in body), missing, withheld)


@dataclass(frozen=True)
class CaseFileExport:
    path: Path
    objects: int
    highest_tlp: Tlp | None
    missing: list[str]
    withheld: list[str] = field(default_factory=list)


def export_case(ws: Workspace, ident: str, path: str | os.PathLike[str], *, overwrite: bool = False) -> CaseFileExport:
    """Write the case's STIX bundle to the file the analyst named, then record it in the audit log.

    Written to a temporary name beside it, flushed and synced, then renamed: an interrupted write leaves no
    half-written file under the chosen name. Refuses to replace an existing file unless ``overwrite``.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise InvalidInput(f"{target} exists already; choose another name")
    if not target.parent.is_dir():
        raise InvalidInput(f"folder {target.parent} does not exist")
    result = case_bundle(ws, ident)
    data = orjson.dumps(result.bundle, option=orjson.OPT_INDENT_2)
    temporary = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise InvalidInput(f"cannot write {target}: {exc.strerror}") from None
    case = case_service.get_case(ws, ident)
    ws.record(
        "case.export",
        {
            "case": case.ref,
            "file": target.name,
            "objects": len(result.bundle["objects"]),
            "tlp": result.highest_tlp.short if result.highest_tlp is not None else None,
        },
    )
    return CaseFileExport(target, len(result.bundle["objects"]), result.highest_tlp, result.missing, result.withheld)


# -- STIX -> case --------------------------------------------------------------------------------------------------


def _ours(obj: Mapping[str, Any]) -> dict[str, Any] | None:
    extensions = obj.get("extensions")
    found = extensions.get(CASE_EXTENSION_ID) if isinstance(extensions, dict) else None
    return found if isinstance(found, dict) else None


def carries_case(obj: Mapping[str, Any]) -> bool:
    """True for an incident or grouping that carries a whole case in our extension."""
    ours = _ours(obj)
    return ours is not None and (
        (obj.get("type") == "incident" and ours.get("record_type") == INCIDENT_RECORD)
        or (obj.get("type") == "grouping" and ours.get("record_type") == EXERCISE_RECORD)
    )


def _uid_of(stix_id: str, expected_type: str) -> str:
    if not is_stix_id(stix_id, expected_type):
        raise InvalidInput(f"{stix_id!r} is not a {expected_type} id")
    return stix_id.split("--", 1)[1]


def case_from_stix(obj: Mapping[str, Any], lookup: Callable[[str], dict[str, Any] | None]) -> Case:
    """The case an incident or exercise grouping carries; ``lookup`` finds the other objects it references.

    The reference and origin are left for the caller to set. Refuses an extension that does not match the schema
    or the case model, and an incident whose events or tasks are missing.
    """
    stix_id = str(obj.get("id"))
    ours = _ours(obj)
    if ours is None:
        raise InvalidInput(f"{stix_id} carries no workbench case")
    validate_extension(ours, stix_id)
    try:
        created, modified = parse_time(obj["created"]), parse_time(obj["modified"])
        kind = CaseKind.INCIDENT if obj.get("type") == "incident" else CaseKind.EXERCISE
        case = Case(
            ref="",
            kind=kind,
            title=check_title(obj.get("name")),
            status=parse_status(kind, ours["status"]),
            tlp=object_tlp(dict(obj)),
            description=str(obj.get("description") or ""),
            stix_id=stix_id,
            created=created,
            modified=modified,
            creator_ref=str(obj.get("created_by_ref") or ""),
            origin_ref=ours.get("case_reference"),
            grouping_ref=ours.get("grouping_ref"),
        )
        if kind is CaseKind.INCIDENT:
            _read_incident(case, obj, ours, lookup)
        else:
            _read_exercise(case, ours)
    except InvalidInput as exc:
        raise InvalidInput(f"{stix_id}: {exc}") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"{stix_id}: not a readable workbench case ({exc})") from None
    return case


def _read_incident(
    case: Case, obj: Mapping[str, Any], ours: dict[str, Any], lookup: Callable[[str], dict[str, Any] | None]
) -> None:
    case.incident = make_incident_details(ours["details"])
    case.records[RecordKind.STAGE] = [make_record(RecordKind.STAGE, item) for item in ours.get("stages", [])]
    core = (obj.get("extensions") or {}).get(INCIDENT_CORE_ID) or {}
    for entry in core.get("events") or []:
        event = lookup(str(entry.get("event_ref")))
        if event is None:
            raise InvalidInput(f"its timeline event {entry.get('event_ref')} is missing")
        uid = _uid_of(event["id"], "event")
        record = make_record(
            RecordKind.EVENT,
            {
                "at": event.get("start_time"),
                "title": event.get("name"),
                "description": event.get("description"),
                "kind": (event.get("event_types") or [TimelineKind.OTHER.value])[0],
            },
            uid=uid,
        )
        case.records.setdefault(RecordKind.EVENT, []).append(record)
        case.stamps[uid] = (parse_time(event["created"]), parse_time(event["modified"]))
    for entry in core.get("tasks") or []:
        task = lookup(str(entry.get("task_ref")))
        if task is None:
            raise InvalidInput(f"its task {entry.get('task_ref')} is missing")
        uid = _uid_of(task["id"], "task")
        extra = _ours(task) or {}
        if extra:
            validate_extension(extra, task["id"])
        record = make_record(
            RecordKind.TASK,
            {
                "title": task.get("name"),
                "description": task.get("description"),
                "status": task.get("outcome") or TaskStatus.PENDING.value,
                "completed_at": task.get("end_time"),
                "owner": extra.get("owner"),
                "due": extra.get("due"),
            },
            uid=uid,
        )
        case.records.setdefault(RecordKind.TASK, []).append(record)
        case.stamps[uid] = (parse_time(task["created"]), parse_time(task["modified"]))


def _read_exercise(case: Case, ours: dict[str, Any]) -> None:
    case.exercise = make_exercise_overview(ours["overview"])
    for kind in RECORD_KINDS[CaseKind.EXERCISE]:
        items = ours.get(kind.plural)
        if items:
            case.records[kind] = [make_record(kind, item) for item in items]


def own_object_ids(case: Case) -> set[str]:
    """The ids of the objects that stand for the case itself."""
    ids = {case.stix_id, *portable.own_ids(case)}
    if case.grouping_ref:
        ids.add(case.grouping_ref)
    if case.kind is CaseKind.INCIDENT:
        ids.update(f"event--{event.uid}" for event in case.of(RecordKind.EVENT))
        ids.update(f"task--{task.uid}" for task in case.of(RecordKind.TASK))
    return ids


def _linked_from_stix(case: Case, lookup: Callable[[str], dict[str, Any] | None]) -> list[str]:
    grouping = lookup(case.grouping_ref or case.stix_id)
    if grouping is None:
        return []
    skip = own_object_ids(case) | {CASE_EXTENSION_ID}
    return [
        ref for ref in grouping.get("object_refs") or [] if isinstance(ref, str) and ref not in skip and is_stix_id(ref)
    ]


# -- adopting imported cases ---------------------------------------------------------------------------------------


@dataclass
class AdoptResult:
    """What an import did to cases: new ones, updated ones, and case objects older than the local case."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    older: list[str] = field(default_factory=list)
    linked: int = 0
    #: The ids of the objects that stand for the cases the import carried (not content to link to a case).
    case_objects: set[str] = field(default_factory=set)


def adopt_cases(conn: Connection, object_ids: Iterable[str], *, origin: str) -> AdoptResult:
    """Turn the incident and exercise objects among ``object_ids`` that carry a case into cases of this workspace.

    Inside the caller's transaction. A case not known here is created under a new local reference (its creator's
    reference kept as ``origin_ref``, its creator's name, or else ``origin``, as its origin); a known one is replaced
    when the stored objects are newer than it, and left alone when they are the same or older (local changes made
    since are kept). Links follow the grouping.
    """
    objects = ObjectStore(conn)
    store = CaseStore(conn)
    result = AdoptResult()
    candidates = [
        object_id for object_id in dict.fromkeys(object_ids) if type_of(object_id) in ("incident", "grouping")
    ]
    for object_id in candidates:
        obj = objects.get(object_id)
        if obj is None or not carries_case(obj):
            continue
        case = case_from_stix(obj, objects.get)
        result.case_objects |= own_object_ids(case)
        creator = objects.get(case.creator_ref) if case.creator_ref else None
        creator_name = creator.get("name") if creator else None
        case.origin = creator_name if isinstance(creator_name, str) and creator_name.strip() else origin
        linked = _linked_from_stix(case, objects.get)
        existing = store.by_stix_id(case.stix_id)
        if existing is None:
            prefix = case_service.REF_PREFIX[case.kind]
            case.ref = store.next_ref(prefix, case.created.year)
            case.linked = linked
            case_id = case_service.save_new_case(conn, case)
            result.created.append(case.ref)
            action = "case.adopt"
        else:
            local_modified = parse_time(existing.modified)
            if case.modified <= local_modified:
                (result.unchanged if case.modified == local_modified else result.older).append(existing.ref)
                continue
            case.ref, case.origin = existing.ref, existing.origin
            case.origin_ref = existing.origin_ref if existing.origin == "local" else case.origin_ref
            if case.kind is CaseKind.EXERCISE:
                case = keep_local_records(case_service.load_case(conn, existing.ref), case)
            case_service.replace_case(conn, case)
            assert existing.id is not None
            case_id = existing.id
            result.updated.append(case.ref)
            action = "case.adopt-update"
        at = format_stix_timestamp(utc_now())
        result.linked += sum(store.link(case_id, ref, "partner", at) for ref in linked)
        audit.append(conn, action, {"case": case.ref, "stix_id": case.stix_id, "origin": origin, "linked": len(linked)})
    return result


def imported_ids(conn: Connection, summary: Any) -> list[str]:
    """The ids an import stored. Uses ``summary.object_ids`` when the importer provides it; otherwise the versions
    written under the import's source, which is the newest source row inside the import's transaction (objects the
    store already held unchanged are not among them)."""
    listed = getattr(summary, "object_ids", None)
    if listed is not None:
        return [str(object_id) for object_id in listed]
    row = conn.execute("SELECT max(id) FROM sources").fetchone()
    if row is None or row[0] is None:
        return []
    return [
        object_id
        for (object_id,) in conn.execute(
            "SELECT DISTINCT id FROM object_versions WHERE source_id = ? ORDER BY vid", (row[0],)
        )
    ]


def _only_an_author(objects: ObjectStore, identity_id: str) -> bool:
    """True for the workbench's own identity and for an identity that objects name only as their author."""
    if identity_id == WORKBENCH_IDENTITY_ID:
        return True
    referrers = objects.refs_to(identity_id)
    return bool(referrers) and all(prop == "created_by_ref" for prop, _ in referrers)


def link_imported(conn: Connection, case_ref: str, object_ids: Collection[str], skip: Iterable[str] = ()) -> int:
    """Link imported objects to a case inside the import's transaction (``workbench import --case``); markings,
    extension definitions, the objects that stand for cases (``skip`` names those of cases the import carried),
    identities that are only the authors of objects (the sending organisation, the workbench) and, for an
    incident, exercise material are left out. Returns how many were linked."""
    store = CaseStore(conn)
    objects = ObjectStore(conn)
    row = case_service.find_row(store, case_ref)
    assert row.id is not None
    case = case_service.load_case(conn, row.ref)
    skip = own_object_ids(case) | store.stix_ids() | set(skip)
    if case.kind is CaseKind.INCIDENT:  # a real case never holds exercise material
        skip |= {
            object_id for object_id, obj in objects.get_many(list(object_ids)).items() if is_exercise_material(obj)
        }
    at = format_stix_timestamp(utc_now())
    added = 0
    for object_id in object_ids:
        kind = type_of(object_id)
        if kind in META_TYPES or object_id in skip or kind in ("event", "task"):
            continue
        if kind == "identity" and _only_an_author(objects, object_id):
            continue
        added += store.link(row.id, object_id, "import", at)
    if added:
        audit.append(conn, "case.link", {"case": case.ref, "linked": added, "origin": "import"})
    return added


class CaseImportHook:
    """What the cases feature does inside an import's transaction (``services.intake`` runs it for every import):
    adopts the cases the import carries and links what was imported to ``case_ref`` when given.

    Raising inside rolls the whole import back, so a missing case or an invalid case extension leaves nothing
    behind. After the import, ``messages`` says what happened to cases, for the analyst.
    """

    def __init__(self, case_ref: str | None = None) -> None:
        self.case_ref = case_ref
        self.adopted = AdoptResult()
        self.linked = 0
        self.exercise = Received()

    def __call__(self, conn: Connection, summary: Any, origin: str) -> None:
        """Act on what ``summary``'s import stored; ``origin`` names where a case without a named author came from."""
        ids = imported_ids(conn, summary)
        self.adopted = adopt_cases(conn, ids, origin=origin)
        # Exercise messages after the cases: a package may carry an exercise and messages about it.
        self.exercise = receive_messages(conn, ids, origin=origin)
        if self.case_ref:
            self.linked = link_imported(conn, self.case_ref, ids, self.adopted.case_objects)

    @property
    def messages(self) -> list[str]:
        lines = [f"new case {ref} from the import" for ref in self.adopted.created]
        lines += [f"case {ref} updated from the import" for ref in self.adopted.updated]
        lines += [
            f"case {ref}: the imported version is older than this workspace's; kept this one"
            for ref in self.adopted.older
        ]
        lines += self.exercise.messages
        if self.case_ref:
            lines.append(f"linked {self.linked} imported object(s) to case {self.case_ref}")
        return lines
