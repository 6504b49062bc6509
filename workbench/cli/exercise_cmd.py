"""``workbench exercise``: conduct an exercise case from scripts and the transfer station.

The controller runs the clock (``start``, ``pause``, ``resume``, ``jump``, ``speed``, ``end``) and the master
scenario events list (``deliver``, ``hold``, ``release``, ``skip``, ``inject``); ``status`` shows the clock and the
MSEL with the next inject and its countdown. Evaluators record ``observe``; after play ``hotwash``, ``finding``,
``rate`` and ``improve`` turn observations into the after-action report's analysis. Injects and observations are
named by their number or uid; objectives by their number (1, 2, ...) or uid. ``--by`` defaults to the login name.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from workbench.cli import exercise_output
from workbench.cli.case_cmd import zone
from workbench.cli.case_output import when
from workbench.cli.common import Output, common_options, open_from_args
from workbench.domain.cases.conduct import parse_duration
from workbench.domain.cases.exercise import Inject
from workbench.domain.cases.vocab import ClockAction, InjectMethod, ObservationKind, Rating
from workbench.services import cases
from workbench.services.exercise import conduct, evaluation, hotwash
from workbench.services.exercise import exchange as exercise_exchange


def register(commands: Any) -> None:
    parser = commands.add_parser("exercise", help="conduct an exercise: clock, injects, observations, hot wash")
    actions = parser.add_subparsers(dest="exercise_command", metavar="ACTION", required=True)

    def action(name: str, help_text: str, handler: Any, *, who: bool = False) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, parents=[common_options()], help=help_text, description=help_text)
        sub.add_argument("case", help="exercise case reference (EXE-2026-0001), STIX id or number")
        sub.add_argument("--tz", help="show times in this IANA time zone (default: this computer's)")
        if who:
            sub.add_argument("--by", help="who did it (default: your login name)")
        sub.set_defaults(handler=handler)
        return sub

    action("status", "the exercise clock and the MSEL with the next inject due", run_status)
    start = action("start", "start the exercise clock", run_clock, who=True)
    start.add_argument("--scenario", help="scenario time at the start (default: the planned start)")
    start.add_argument("--speed", type=float, default=1.0, help="scenario minutes a real minute (default 1)")
    for name, text in (("pause", "pause play"), ("resume", "resume play"), ("end", "end the exercise")):
        sub = action(name, text, run_clock, who=True)
        sub.add_argument("--reason", help="why (recorded in the audit log)")
    jump = action("jump", "move scenario time forward", run_clock, who=True)
    target = jump.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", dest="scenario", help="the scenario time to jump to")
    target.add_argument("--advance", help="how far: 90m, 2h, 1d6h")
    jump.add_argument("--reason", help="why (recorded in the audit log)")
    speed = action("speed", "change how fast scenario time runs", run_clock, who=True)
    speed.add_argument("speed", type=float, help="scenario minutes a real minute, e.g. 4")
    speed.add_argument("--reason", help="why (recorded in the audit log)")

    deliver = action(
        "deliver", "deliver an inject now (to a partner agency: as a signed package on --medium)", run_deliver, who=True
    )
    deliver.add_argument("inject", help="inject number or uid")
    deliver.add_argument("--medium", metavar="DIR", help="removable medium for a partner's inject package")
    deliver.add_argument("--tar", action="store_true", help="write the package as one uncompressed .tar file")
    send = action("send", "send this copy's responses and observations to the exercise's controller", run_send)
    send.add_argument("--medium", metavar="DIR", required=True, help="removable medium to write the package to")
    send.add_argument("--tar", action="store_true", help="write the package as one uncompressed .tar file")
    for name, text in (("hold", "hold an inject back"), ("skip", "leave an inject out of play")):
        sub = action(name, text, run_msel)
        sub.add_argument("inject", help="inject number or uid")
        sub.add_argument("--reason", required=True, help="why (shown in the MSEL and the after-action report)")
    release = action("release", "plan a held inject again", run_msel)
    release.add_argument("inject", help="inject number or uid")
    release.add_argument("--reason", help="why (recorded in the audit log)")

    inject = action("inject", "add an inject (during play: with --reason)", run_inject)
    inject.add_argument("--planned", required=True, help="planned time")
    inject.add_argument("--scenario", help="planned scenario time (default: the planned time)")
    inject.add_argument("--description", required=True, help="what the players receive")
    inject.add_argument("--number", help="its number in the MSEL (default: the next one)")
    inject.add_argument("--from", dest="sender", help="who sends it (e.g. the control cell)")
    inject.add_argument("--to", dest="recipient", help="who receives it: a player, or a participating partner agency")
    inject.add_argument("--method", choices=[method.value for method in InjectMethod], help="how it is delivered")
    inject.add_argument("--expected", help="the expected action")
    inject.add_argument("--reason", help="why it is added during play")

    respond = action("respond", "record the response to a delivered inject", run_respond, who=True)
    respond.add_argument("inject", help="inject number or uid")
    respond.add_argument("--text", required=True, help="what the players did (the observed action)")
    respond.add_argument("--at", help="when (default: now)")

    task = action("task", "add a critical task to an objective's evaluation guide", run_task)
    task.add_argument("objective", help="objective number (1, 2, ...) or uid")
    task.add_argument("--task", required=True, help="the critical task")
    task.add_argument("--number", help="e.g. 1.2")
    task.add_argument("--measures", help="performance measures, one a line")
    action("guide", "the exercise evaluation guides with their observations", run_guide)

    observe = action("observe", "record an evaluator's observation now", run_observe)
    about = observe.add_mutually_exclusive_group(required=True)
    about.add_argument("--task", help="critical task number or uid")
    about.add_argument("--objective", help="objective number or uid")
    observe.add_argument("--text", required=True, help="what the evaluator saw")
    observe.add_argument(
        "--rating", choices=[rating.value for rating in Rating], type=str.upper, help="a rating suggestion"
    )
    observe.add_argument("--evaluator", help="default: your login name")
    evidence = observe.add_mutually_exclusive_group()
    evidence.add_argument("--evidence", metavar="STIX_ID", help="exercise material of the workspace")
    evidence.add_argument("--evidence-file", help="a file kept encrypted in the workspace as evidence")
    save = action("evidence", "write an evidence file kept in the workspace to a file", run_evidence)
    save.add_argument("artifact", metavar="ARTIFACT_ID", help="the evidence file's id (see exercise guide)")
    save.add_argument("--out", required=True, help="the file to write")
    save.add_argument("--force", action="store_true", help="replace the file if it exists")

    action("hotwash", "observations by objective and critical task, with the findings made", run_hotwash)
    finding = action("finding", "make a strength or area for improvement from observations", run_finding)
    finding.add_argument(
        "--kind", required=True, choices=["strength", "area-for-improvement", "afi"], help="afi: area for improvement"
    )
    finding.add_argument("--title", required=True, help="the finding in one line")
    finding.add_argument(
        "--from", dest="based_on", nargs="+", default=[], metavar="OBSERVATION", help="the observations it comes from"
    )
    finding.add_argument("--objective", help="objective number or uid (default: the observations')")
    for name in ("description", "reference", "analysis", "recommendation"):
        finding.add_argument(f"--{name}", help=f"the finding's {name}, as the after-action report prints it")
    rate = action("rate", "rate an objective P, S, M or U with the rationale", run_rate)
    rate.add_argument("objective", help="objective number or uid")
    rate.add_argument(
        "rating", choices=[rating.value for rating in Rating], type=str.upper, help="performed, some, major, unable"
    )
    rate.add_argument("--rationale", required=True, help="why this rating (printed with it)")
    improve = action("improve", "add an improvement plan item answering areas for improvement", run_improve)
    improve.add_argument("--answers", nargs="+", default=[], metavar="FINDING", help="finding numbers or uids")
    improve.add_argument("--action", dest="corrective_action", required=True, help="the corrective action")
    improve.add_argument("--element", dest="capability_element", required=True, help="planning, training, ...")
    for name in ("capability", "issue", "responsible_org", "contact", "start_date", "completion_date"):
        improve.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"the item's {name.replace('_', ' ')}")


def _by(args: argparse.Namespace) -> str | None:
    given = getattr(args, "by", None)
    if given:
        return str(given)
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name for this user id (a container)
        return None


def _advance(text: str | None) -> timedelta | None:
    return parse_duration(text) if text is not None else None


def _show(args: argparse.Namespace, out: Output, view: conduct.ConductView) -> int:
    exercise_output.print_status(out, view, zone(args))
    out.result(exercise_output.status_json(view))
    return 0


def run_status(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        view = conduct.conduct_view(ws, args.case)
    return _show(args, out, view)


def run_clock(args: argparse.Namespace, out: Output) -> int:
    action = ClockAction.parse(args.exercise_command)
    with open_from_args(args) as ws:
        view = conduct.clock_action(
            ws,
            args.case,
            action,
            scenario=getattr(args, "scenario", None),
            advance=_advance(getattr(args, "advance", None)),
            speed=getattr(args, "speed", None),
            by=_by(args),
            reason=getattr(args, "reason", None),
        )
    out.line(f"{view.case.ref}: {action.label.lower()}")
    return _show(args, out, view)


def run_deliver(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        delivery = exercise_exchange.deliver(ws, args.case, args.inject, by=_by(args), medium=args.medium, tar=args.tar)
        view = conduct.conduct_view(ws, args.case)
    inject = delivery.inject
    out.line(
        f"delivered {inject.label} at {when(inject.actual_at, zone(args))}, scenario time "
        f"{when(inject.delivered_scenario_at, zone(args))}"
    )
    if delivery.package is not None:
        out.line(f"package for {delivery.package.recipient} written and verified: {delivery.package.path}")
    return _show(args, out, view)


def run_send(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        result = exercise_exchange.send(ws, args.case, args.medium, tar=args.tar)
    out.line(f"package for {result.recipient} written and verified: {result.path} ({result.object_count} objects)")
    for item in result.held_back:
        out.line(f"  held back: {item.type} {item.id} ({item.reason})")
    out.result(result.to_json())
    return 0


def run_msel(args: argparse.Namespace, out: Output) -> int:
    changes: dict[str, Callable[..., Inject]] = {"hold": conduct.hold, "skip": conduct.skip, "release": conduct.release}
    change = changes[args.exercise_command]
    with open_from_args(args) as ws:
        inject = change(ws, args.case, args.inject, reason=args.reason)
        view = conduct.conduct_view(ws, args.case)
    out.line(f"{inject.label}: {inject.status.label.lower()}")
    return _show(args, out, view)


def run_inject(args: argparse.Namespace, out: Output) -> int:
    data = {
        "planned_at": args.planned,
        "scenario_at": args.scenario,
        "description": args.description,
        "number": args.number,
        "sender": args.sender,
        "recipient": args.recipient,
        "method": args.method,
        "expected_action": args.expected,
    }
    with open_from_args(args) as ws:
        inject = conduct.add_inject(ws, args.case, {k: v for k, v in data.items() if v}, reason=args.reason)
    during = " during play" if inject.added_in_play else ""
    out.line(f"added {inject.label}{during} ({inject.uid})")
    out.result({"case": args.case, "inject": inject.uid, "added_in_play": bool(inject.added_in_play)})
    return 0


def run_respond(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        inject = conduct.respond(ws, args.case, args.inject, args.text, by=_by(args), at=args.at)
    out.line(f"recorded the response to {inject.label} at {when(inject.responded_at, zone(args))}")
    out.result({"case": args.case, "inject": inject.uid, "responded_at": exercise_output.stamp(inject.responded_at)})
    return 0


def run_task(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        task = evaluation.add_critical_task(
            ws, args.case, args.objective, args.task, number=args.number, measures=args.measures
        )
    out.line(f"added critical task {task.number or task.uid}")
    out.result({"case": args.case, "task": task.uid})
    return 0


def run_guide(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        case = cases.get_case(ws, args.case)
        guides = evaluation.evaluation_guides(conduct.exercise_case(case))
    exercise_output.print_guides(out, guides, zone(args))
    out.result(exercise_output.guides_json(guides))
    return 0


def run_observe(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        note = evaluation.observe(
            ws,
            args.case,
            text=args.text,
            objective=args.objective,
            task=args.task,
            rating=args.rating,
            evaluator=args.evaluator or _by(args),
            evidence=args.evidence,
            evidence_file=args.evidence_file,
        )
    scenario = f", scenario {when(note.scenario_at, zone(args))}" if note.scenario_at else ""
    out.line(f"observation {note.uid[:8]} recorded at {when(note.at, zone(args))}{scenario}")
    out.result(exercise_output.observation_json(note))
    return 0


def run_evidence(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        conduct.exercise_case(cases.get_case(ws, args.case))
        path = evaluation.save_evidence(ws, args.artifact, args.out, overwrite=args.force)
    out.line(f"wrote {path}")
    out.result({"file": str(path)})
    return 0


def run_hotwash(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        washed = hotwash.hot_wash(cases.get_case(ws, args.case))
    exercise_output.print_hot_wash(out, washed, zone(args))
    out.result(exercise_output.hot_wash_json(washed))
    return 0


def run_finding(args: argparse.Namespace, out: Output) -> int:
    details = {name: getattr(args, name) for name in ("description", "reference", "analysis", "recommendation")}
    with open_from_args(args) as ws:
        finding = hotwash.add_finding(
            ws,
            args.case,
            ObservationKind.parse(args.kind),
            args.title,
            based_on=args.based_on,
            objective=args.objective,
            details={key: value for key, value in details.items() if value},
        )
    out.line(f"{finding.kind.label.lower()} {finding.uid[:8]}: {finding.title} ({len(finding.based_on)} observations)")
    out.result({"case": args.case, "finding": finding.uid, "based_on": finding.based_on})
    return 0


def run_rate(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        objective = hotwash.rate_objective(ws, args.case, args.objective, args.rating, args.rationale)
    assert objective.rating is not None
    out.line(f"rated {objective.objective[:60]!r} {objective.rating.value}: {objective.rating.label.lower()}")
    out.result({"case": args.case, "objective": objective.uid, "rating": objective.rating.value})
    return 0


def run_improve(args: argparse.Namespace, out: Output) -> int:
    names = ("corrective_action", "capability_element", "capability", "issue", "responsible_org", "contact")
    data = {name: getattr(args, name) for name in (*names, "start_date", "completion_date")}
    with open_from_args(args) as ws:
        item = hotwash.add_improvement(
            ws, args.case, {key: value for key, value in data.items() if value}, answers=args.answers
        )
    out.line(f"improvement item {item.uid[:8]}: {item.corrective_action[:60]} (answers {len(item.answers)})")
    out.result({"case": args.case, "improvement": item.uid, "answers": item.answers})
    return 0
