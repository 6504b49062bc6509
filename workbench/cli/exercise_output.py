"""What ``workbench exercise`` prints: the clock and MSEL, evaluation guides and the hot wash, as text and JSON."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from workbench.cli.case_output import plain, when
from workbench.cli.common import Output
from workbench.domain.cases.conduct import MselRow, format_duration
from workbench.domain.cases.exercise import EvaluatorObservation
from workbench.domain.cases.fields import to_dict
from workbench.domain.timestamps import format_stix_timestamp
from workbench.services.exercise.conduct import ConductView
from workbench.services.exercise.evaluation import ObjectiveGuide
from workbench.services.exercise.hotwash import HotWashObjective


def stamp(moment: datetime | None) -> str | None:
    return format_stix_timestamp(moment) if moment is not None else None


def countdown(row: MselRow) -> str:
    if row.countdown is None:
        return ""
    if row.overdue:
        return f"overdue {format_duration(row.countdown)}"
    return f"in {format_duration(row.countdown)}"


def print_status(out: Output, view: ConductView, tz: tzinfo | None) -> None:
    reading, case = view.reading, view.case
    role = "this workspace controls it" if view.controller else f"a copy of {plain(case.origin)}'s exercise"
    speed = f", speed {reading.speed:g}" if reading.scenario is not None else ""
    out.line(f"{case.ref}  {plain(case.title)}: {reading.state.label.lower()}{speed} ({role})")
    out.line(f"  real time      {when(reading.real, tz)}")
    out.line(f"  scenario time  {when(reading.scenario, tz)}")
    out.line(f"  time in play   {format_duration(reading.in_play)}")
    upcoming = view.next_row
    if upcoming is not None:
        due = when(upcoming.due_at, tz)
        out.line(
            f"  next inject    {upcoming.inject.number or upcoming.inject.uid[:8]}, due {due} {countdown(upcoming)}"
        )
    out.line("")
    out.line(f"  {'':2}{'No.':5} {'Due (scenario)':28} {'Status':10} {'To':18} Description")
    for row in view.rows:
        inject = row.inject
        mark = "> " if row.is_next else "  "
        out.line(
            f"  {mark}{(inject.number or inject.uid[:4])[:5]:5} {when(row.due_at, tz)[:28]:28} "
            f"{inject.status.label.lower():10} {plain(inject.recipient or '')[:18]:18} "
            f"{plain(inject.description.splitlines()[0])[:50]} {countdown(row)}".rstrip()
        )
    if not view.rows:
        out.line("  (no injects)")


def status_json(view: ConductView) -> dict[str, Any]:
    reading = view.reading
    return {
        "case": view.case.ref,
        "controller": view.controller,
        "state": reading.state.value,
        "real": stamp(reading.real),
        "scenario": stamp(reading.scenario),
        "speed": reading.speed,
        "in_play_seconds": int(reading.in_play.total_seconds()),
        "msel": [
            {
                **to_dict(row.inject),
                "due_at": stamp(row.due_at),
                "next": row.is_next,
                "countdown_seconds": int(row.countdown.total_seconds()) if row.countdown is not None else None,
            }
            for row in view.rows
        ],
    }


def observation_json(note: EvaluatorObservation) -> dict[str, Any]:
    return to_dict(note)


def _note_line(out: Output, note: EvaluatorObservation, tz: tzinfo | None, indent: str) -> None:
    rating = f" [{note.rating.value}]" if note.rating is not None else ""
    who = f" {plain(note.evaluator)}" if note.evaluator else ""
    evidence = f" (evidence {plain(note.evidence_name or note.evidence_ref or '')})" if note.evidence_ref else ""
    out.line(f"{indent}{note.uid[:8]} {when(note.at, tz)}{who}{rating}: {plain(note.text)}{evidence}")


def print_guides(out: Output, guides: list[ObjectiveGuide], tz: tzinfo | None) -> None:
    for guide in guides:
        objective = guide.objective
        out.line(f"Objective {guide.number}: {plain(objective.objective)}")
        out.line(f"  capability: {plain(objective.capability or '-')}")
        for item in guide.tasks:
            out.line(f"  task {plain(item.task.number or item.task.uid[:8])}: {plain(item.task.task)}")
            for measure in item.measures:
                out.line(f"    measure: {plain(measure)}")
            for note in item.observations:
                _note_line(out, note, tz, "    ")
        for note in guide.general:
            _note_line(out, note, tz, "  ")
    if not guides:
        out.line("(no objectives: add them with 'workbench case records')")


def guides_json(guides: list[ObjectiveGuide]) -> list[dict[str, Any]]:
    return [
        {
            "number": guide.number,
            "objective": to_dict(guide.objective),
            "tasks": [
                {**to_dict(item.task), "observations": [to_dict(note) for note in item.observations]}
                for item in guide.tasks
            ],
            "observations": [to_dict(note) for note in guide.general],
        }
        for guide in guides
    ]


def print_hot_wash(out: Output, washed: list[HotWashObjective], tz: tzinfo | None) -> None:
    for item in washed:
        rating = item.objective.rating
        rated = f"rated {rating.value}" if rating is not None else "not rated"
        suggested = ", ".join(f"{key.value} {count}" for key, count in sorted(item.suggested.items(), key=str))
        out.line(f"Objective {item.number}: {plain(item.objective.objective)} ({rated}; suggested: {suggested or '-'})")
        for task in item.tasks:
            title = (
                f"task {plain(task.task.number or task.task.uid[:8])}: {plain(task.task.task)}"
                if task.task
                else ("no critical task named")
            )
            out.line(f"  {title}")
            for note in task.observations:
                _note_line(out, note, tz, "    ")
        for finding in item.findings:
            out.line(f"  {finding.kind.label.lower()} {finding.uid[:8]}: {plain(finding.title)}")


def hot_wash_json(washed: list[HotWashObjective]) -> list[dict[str, Any]]:
    return [
        {
            "number": item.number,
            "objective": to_dict(item.objective),
            "suggested": {key.value: count for key, count in item.suggested.items()},
            "tasks": [
                {
                    "task": to_dict(task.task) if task.task else None,
                    "observations": [to_dict(note) for note in task.observations],
                }
                for task in item.tasks
            ],
            "findings": [to_dict(finding) for finding in item.findings],
        }
        for item in washed
    ]
