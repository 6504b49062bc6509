"""Exercise evaluation guides and evaluators' observations.

An objective's evaluation guide is its capability, its critical tasks and their performance measures. Evaluators
record observations against an objective and usually one of its critical tasks, quickly and during play: each gets
the real time and, when the exercise clock runs in this workspace, the scenario time. Evidence is an exercise object
of the workspace, or a file the evaluator names, kept encrypted in the workspace as a STIX ``artifact`` marked
EXERCISE (it travels with the observation to the controller). Saving it back to a file is an explicit export.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from workbench.domain.cases.case import Case, RecordKind, make_record
from workbench.domain.cases.exercise import CriticalTask, EvaluatorObservation, Objective
from workbench.domain.errors import InvalidInput
from workbench.domain.exercise_material import is_exercise_material, mark_as_exercise
from workbench.domain.ids import is_stix_id
from workbench.domain.timestamps import format_stix_timestamp
from workbench.services.cases import change_case, find_row
from workbench.services.cases.records import put_record
from workbench.services.exercise.conduct import exercise_case, find_record
from workbench.services.reports.service import write_atomically
from workbench.services.workspace import Workspace
from workbench.storage.cases import CaseStore
from workbench.storage.objects import ObjectStore, store_exercise_marking

logger = logging.getLogger(__name__)

#: The largest evidence file kept: it travels base64-encoded inside a STIX object of an exchange package.
MAX_EVIDENCE = 8 * 1024 * 1024


@dataclass(frozen=True)
class TaskGuide:
    """A critical task with its performance measures (one a line) and the observations recorded against it."""

    task: CriticalTask
    measures: list[str]
    observations: list[EvaluatorObservation]


@dataclass(frozen=True)
class ObjectiveGuide:
    """An objective's exercise evaluation guide: capability, critical tasks, and observations of the objective that
    name no task."""

    number: int
    objective: Objective
    tasks: list[TaskGuide]
    general: list[EvaluatorObservation]


def evaluation_guides(case: Case) -> list[ObjectiveGuide]:
    """Every objective's guide in objective order, tasks in the order they were entered."""
    notes = case.evaluator_observations
    guides = []
    for number, objective in enumerate(case.objectives, start=1):
        tasks = [task for task in case.critical_tasks if task.objective == objective.uid]
        task_ids = {task.uid for task in tasks}
        guides.append(
            ObjectiveGuide(
                number,
                objective,
                [
                    TaskGuide(
                        task,
                        [line.strip() for line in (task.measures or "").splitlines() if line.strip()],
                        [note for note in notes if note.task == task.uid],
                    )
                    for task in tasks
                ],
                [note for note in notes if note.objective == objective.uid and note.task not in task_ids],
            )
        )
    return guides


def find_objective(case: Case, key: str) -> Objective:
    found: Objective = find_record(case, RecordKind.OBJECTIVE, key)
    return found


def find_task(case: Case, key: str) -> CriticalTask:
    found: CriticalTask = find_record(case, RecordKind.CRITICAL_TASK, key, number="number")
    return found


def add_critical_task(
    ws: Workspace,
    ident: str,
    objective: str,
    task: str,
    *,
    number: str | None = None,
    measures: str | None = None,
    now: datetime | None = None,
) -> CriticalTask:
    """Add a critical task to an objective's evaluation guide (the objective by number or uid)."""
    added: list[CriticalTask] = []

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        exercise_case(case)
        target = find_objective(case, objective)
        record = make_record(
            RecordKind.CRITICAL_TASK, {"objective": target.uid, "task": task, "number": number, "measures": measures}
        )
        put_record(case, RecordKind.CRITICAL_TASK, record, moment)
        added.append(record)
        return {"record": RecordKind.CRITICAL_TASK.value, "uid": record.uid}

    change_case(ws, ident, "case.record", change, now=now)
    return added[0]


# -- observations --------------------------------------------------------------------------------------------------


def _read_evidence(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file of at most ``MAX_EVIDENCE``; never waits on a FIFO or a device."""
    source = Path(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InvalidInput(f"cannot read {source.name}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InvalidInput(f"{source.name} is not a regular file")
        if info.st_size > MAX_EVIDENCE:
            raise InvalidInput(f"{source.name} is larger than {MAX_EVIDENCE // 1024 // 1024} MiB, the evidence limit")
        data = handle.read(MAX_EVIDENCE + 1)
    if len(data) > MAX_EVIDENCE:
        raise InvalidInput(f"{source.name} grew beyond {MAX_EVIDENCE // 1024 // 1024} MiB while it was read")
    return data


def evidence_artifact(data: bytes, name: str, case: Case) -> dict[str, Any]:
    """A STIX artifact holding ``data``, marked EXERCISE and with the case's TLP; its id is the one STIX derives
    from the content, so the same file gives the same object."""
    import stix2  # only here: attaching evidence is rare, and stix2 takes a while to import

    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    markings = [case.tlp.marking_id] if case.tlp is not None else []
    artifact = stix2.Artifact(
        payload_bin=base64.b64encode(data).decode("ascii"),
        mime_type=media_type,
        hashes={"SHA-256": hashlib.sha256(data).hexdigest()},
        object_marking_refs=markings or None,
    )
    obj: dict[str, Any] = orjson.loads(artifact.serialize())
    return mark_as_exercise(obj)


def observe(
    ws: Workspace,
    ident: str,
    *,
    text: str,
    objective: str | None = None,
    task: str | None = None,
    rating: str | None = None,
    evaluator: str | None = None,
    organisation: str | None = None,
    evidence: str | None = None,
    evidence_file: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
) -> EvaluatorObservation:
    """Record an evaluator's observation now: against an objective (by number or uid) and optionally one of its
    critical tasks (by number or uid; the task alone names its objective too).

    ``evidence`` is the STIX id of exercise material in the workspace; ``evidence_file`` a file to keep as
    evidence. Real intelligence is refused as evidence: the observation travels as exercise material.
    """
    if evidence is not None and evidence_file is not None:
        raise InvalidInput("give either an object or a file as evidence, not both")
    data = _read_evidence(evidence_file) if evidence_file is not None else None
    file_name = Path(evidence_file).name if evidence_file is not None else None
    recorded: list[EvaluatorObservation] = []

    def change(store: CaseStore, case: Case, moment: datetime) -> dict[str, Any]:
        exercise_case(case)
        critical = find_task(case, task) if task else None
        if objective:
            target = find_objective(case, objective)
        elif critical is not None:
            target = next(item for item in case.objectives if item.uid == critical.objective)
        else:
            raise InvalidInput("name the objective (or the critical task) the observation is about")
        objects = ObjectStore(store.conn)
        evidence_ref = evidence
        if data is not None:
            artifact = evidence_artifact(data, file_name or "evidence", case)
            evidence_ref = str(artifact["id"])
            source = objects.add_source("local", f"case {case.ref}")
            store_exercise_marking(objects, source)
            objects.put(artifact, source)
        elif evidence_ref is not None:
            if not is_stix_id(evidence_ref):
                raise InvalidInput(f"evidence {evidence_ref!r} is not a STIX id")
            found = objects.get(evidence_ref)
            if found is None:
                raise InvalidInput(f"evidence {evidence_ref} is not in this workspace")
            if not is_exercise_material(found):
                raise InvalidInput(
                    f"evidence {evidence_ref} is real intelligence, not exercise material: observations travel as "
                    "exercise material and cannot carry it"
                )
        note = make_record(
            RecordKind.EEG_OBSERVATION,
            {
                "at": moment,
                "scenario_at": case.clock.scenario_at(moment),
                "evaluator": evaluator,
                "organisation": organisation or ws.org_name,
                "objective": target.uid,
                "task": critical.uid if critical is not None else None,
                "text": text,
                "rating": rating,
                "evidence_ref": evidence_ref,
                "evidence_name": file_name,
            },
        )
        if evidence_ref is not None:
            row = find_row(store, case.ref)
            assert row.id is not None
            store.link(
                row.id, evidence_ref, "created" if data is not None else "library", format_stix_timestamp(moment)
            )
            case.linked = [link.object_id for link in store.links(row.id)]
        put_record(case, RecordKind.EEG_OBSERVATION, note, moment)
        recorded.append(note)
        return {"observation": note.uid, "objective": target.uid, "evidence": evidence_ref is not None}

    change_case(ws, ident, "exercise.observe", change, now=now)
    return recorded[0]


def evidence_content(ws: Workspace, artifact_id: str) -> tuple[bytes, str]:
    """The bytes and media type of an evidence file kept in the workspace."""
    found = ObjectStore(ws.conn).get(artifact_id) if is_stix_id(artifact_id, "artifact") else None
    if found is None or not isinstance(found.get("payload_bin"), str):
        raise InvalidInput(f"{artifact_id} is not an evidence file kept in this workspace")
    try:
        data = base64.b64decode(found["payload_bin"], validate=True)
    except ValueError:
        raise InvalidInput(f"{artifact_id} holds no readable file") from None
    return data, str(found.get("mime_type") or "application/octet-stream")


def save_evidence(ws: Workspace, artifact_id: str, target: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write an evidence file where the analyst chose (an explicit export: audited, written under a temporary
    name and renamed, never replacing a file unless ``overwrite``)."""
    data, _ = evidence_content(ws, artifact_id)
    path = Path(target)
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give the name of the file to write")
    if path.exists() and not overwrite:
        raise InvalidInput(f"{path} exists already; choose another name")
    write_atomically(data, path)
    ws.record("exercise.evidence-export", {"artifact": artifact_id, "file": path.name, "bytes": len(data)})
    return path
