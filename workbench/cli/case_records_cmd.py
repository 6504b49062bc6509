"""``workbench case stage|event|task|participant|objective|inject|observation|improvement|records|edit|remove``:
a case's records, one at a time or many from a JSON file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli import case_output
from workbench.cli.case_input import choices_help, field_values, read_json_file, zone
from workbench.cli.common import CASE_HELP, CommandError, Output, open_from_args
from workbench.cli.times import RELATIVE_HELP, resolve_time
from workbench.domain.cases.case import RecordKind
from workbench.domain.cases.fields import FieldKind, field_infos
from workbench.domain.cases.vocab import TaskStatus, TimelineKind
from workbench.services import cases
from workbench.services.cases import records as case_records


def register(action: Any) -> None:
    """Add the actions to ``workbench case`` (``action`` makes one sub-command with the common options)."""
    stage = action(
        "stage", "record a report stage as submitted, freezing what it says (reprinted identically later)", run_stage
    )
    stage.add_argument("case", help=CASE_HELP)
    stage.add_argument("stage", help="early-warning, notification, intermediate, final, progress or circia-report")
    stage.add_argument("--at", required=True, help="when it was submitted: " + RELATIVE_HELP)
    stage.add_argument("--reference", help="the authority's reference")
    stage.add_argument("--note", help="a note kept with the submission")
    stage.add_argument(
        "--amend", action="store_true", help="replace the submission of this stage recorded at the same time"
    )
    stage.add_argument("--out", metavar="FILE.pdf", help="also save the stage's PDF as recorded (what to send)")
    stage.add_argument("--force", action="store_true", help="replace --out if it exists")

    event = action("event", "add a timeline event", run_event)
    event.add_argument("case", help=CASE_HELP)
    event.add_argument("--at", required=True, help=RELATIVE_HELP)
    event.add_argument("--title", required=True, help="what happened, in one line")
    event.add_argument("--type", dest="event_type", help=choices_help(TimelineKind))
    event.add_argument("--description", help="free text")

    task = action("task", "add a task with owner and due time", run_task)
    task.add_argument("case", help=CASE_HELP)
    task.add_argument("--title", required=True, help="the task in one line")
    task.add_argument("--owner", help="who does it")
    task.add_argument("--due", help=RELATIVE_HELP)
    task.add_argument("--status", help=choices_help(TaskStatus))
    task.add_argument("--description", help="free text")

    for kind in (
        RecordKind.PARTICIPANT,
        RecordKind.OBJECTIVE,
        RecordKind.INJECT,
        RecordKind.OBSERVATION,
        RecordKind.IMPROVEMENT,
    ):
        _record_action(action, kind)

    records = action(
        "records",
        "add records from a JSON file: overview/fields, participants, objectives, injects, "
        "observations, improvements, events, tasks, stages",
        run_records,
    )
    records.add_argument("case", help=CASE_HELP)
    records.add_argument("--file", required=True, help="the JSON file (see the user guide for its form)")

    edit = action("edit", "change fields of one record (e.g. a task done, an inject's actual time)", run_edit)
    edit.add_argument("case", help=CASE_HELP)
    edit.add_argument("record", help="record kind: " + ", ".join(kind.value for kind in RecordKind))
    edit.add_argument("uid", help="the record's id as `case show` prints it (a unique prefix is enough)")
    edit.add_argument(
        "--set",
        dest="values",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        required=True,
        help="a field and its new value; repeat for several",
    )

    remove = action("remove", "remove a record entered by mistake (the audit log keeps it was removed)", run_remove)
    remove.add_argument("case", help=CASE_HELP)
    remove.add_argument("record", help="record kind: " + ", ".join(kind.value for kind in RecordKind))
    remove.add_argument("uid", help="the record's id as `case show` prints it (a unique prefix is enough)")


def _record_action(action: Any, kind: RecordKind) -> None:
    """``case participant|objective|inject|observation|improvement CASE --FIELD VALUE ...``: one record, its
    options made from the record's field declarations (choices listed in --help)."""
    sub = action(kind.value, f"add one {kind.label.lower()} (see --help for its fields)", run_one_record)
    sub.add_argument("case", help=CASE_HELP)
    sub.set_defaults(record_kind=kind.value)
    for info in field_infos(kind.record_class):
        flag = "--" + info.name.replace("_", "-")
        parts = [info.label]
        if info.vocab is not None:
            parts.append(choices_help(info.vocab))
        if info.kind is FieldKind.TIME:
            parts.append(RELATIVE_HELP)
        if info.help:
            parts.append(info.help)
        sub.add_argument(flag, dest=f"field_{info.name}", required=info.required, help="; ".join(parts))


def run_one_record(args: argparse.Namespace, out: Output) -> int:
    kind = RecordKind.parse(args.record_kind)
    data: dict[str, Any] = {}
    for info in field_infos(kind.record_class):
        value = getattr(args, f"field_{info.name}", None)
        if value is not None:
            data[info.name] = resolve_time(value) if info.kind is FieldKind.TIME else value
    return _add(args, out, kind, data)


def run_stage(args: argparse.Namespace, out: Output) -> int:
    from workbench.services.cases.stages import record_submission  # ReportLab: only this command pays for it

    if args.out and Path(args.out).exists() and not args.force:
        raise CommandError(f"{args.out} exists already; choose another name or add --force to replace it")
    if args.out and not args.out.lower().endswith(".pdf"):
        raise CommandError(f"{args.out}: the file name must end in .pdf")
    with open_from_args(args) as ws:
        submission, prepared = record_submission(
            ws,
            args.case,
            args.stage,
            resolve_time(args.at) or "",
            reference=args.reference,
            note=args.note,
            amend=args.amend,
        )
        case = cases.get_case(ws, args.case)
        if args.out:
            from workbench.services.reports import save

            save(ws, prepared.rendered, args.out, source={"case": case.ref, "stage": submission.stage.value})
    deadline = next((item for item in cases.case_deadlines(case) if item.stage is submission.stage), None)
    verdict = ""
    if deadline is not None and deadline.due is not None:
        verdict = "; deadline met" if submission.submitted_at <= deadline.due else "; after the deadline"
    out.line(
        f"recorded {submission.stage.label.lower()} version {submission.version} for case {case.ref}, "
        f"submitted {case_output.when(submission.submitted_at, zone(args))}{verdict}"
    )
    out.line(
        f"  frozen as report {prepared.rendered.report_id}, sha256 {prepared.rendered.sha256}"
        + (f"; saved to {args.out}" if args.out else "")
    )
    out.result(
        {
            "case": case.ref,
            "stage": submission.stage.value,
            "version": submission.version,
            "uid": submission.uid,
            "met": deadline.met if deadline is not None else None,
            "report_id": prepared.rendered.report_id,
            "sha256": prepared.rendered.sha256,
        }
    )
    return 0


def _add(args: argparse.Namespace, out: Output, kind: RecordKind, data: dict[str, Any]) -> int:
    with open_from_args(args) as ws:
        record = case_records.add_record(ws, args.case, kind, {key: value for key, value in data.items() if value})
    out.line(f"added {kind.label.lower()} {record.uid} to case {args.case}")
    out.result({"case": args.case, "record": kind.value, "uid": record.uid})
    return 0


def run_event(args: argparse.Namespace, out: Output) -> int:
    return _add(
        args,
        out,
        RecordKind.EVENT,
        {"at": resolve_time(args.at), "title": args.title, "kind": args.event_type, "description": args.description},
    )


def run_task(args: argparse.Namespace, out: Output) -> int:
    return _add(
        args,
        out,
        RecordKind.TASK,
        {
            "title": args.title,
            "owner": args.owner,
            "due": resolve_time(args.due),
            "status": args.status,
            "description": args.description,
        },
    )


def run_records(args: argparse.Namespace, out: Output) -> int:
    document = read_json_file(args.file)
    with open_from_args(args) as ws:
        counts = case_records.add_records(ws, args.case, document)
    out.line(f"case {args.case}: " + ", ".join(f"{count} {key}" for key, count in counts.items()))
    out.result({"case": args.case, "added": counts})
    return 0


def run_edit(args: argparse.Namespace, out: Output) -> int:
    changes = field_values(argparse.Namespace(fields=None, values=args.values))
    kind = RecordKind.parse(args.record)
    with open_from_args(args) as ws:
        uid = cases.get_case(ws, args.case).resolve_uid(kind, args.uid)
        record = case_records.update_record(ws, args.case, kind, uid, changes)
    out.line(f"changed {', '.join(sorted(changes))} of {RecordKind.parse(args.record).label.lower()} {record.uid}")
    out.result({"case": args.case, "record": RecordKind.parse(args.record).value, "uid": record.uid})
    return 0


def run_remove(args: argparse.Namespace, out: Output) -> int:
    kind = RecordKind.parse(args.record)
    with open_from_args(args) as ws:
        uid = cases.get_case(ws, args.case).resolve_uid(kind, args.uid)
        case_records.remove_record(ws, args.case, kind, uid)
    out.line(f"removed {kind.label.lower()} {uid} from case {args.case}")
    out.result({"case": args.case, "removed": uid})
    return 0
