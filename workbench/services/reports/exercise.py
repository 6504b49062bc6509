"""The exercise after-action report and improvement plan, in the HSEEP structure.

1 Exercise overview (dates, time in play, scope, mission areas, core capabilities, objectives, participants);
2 Analysis of capabilities: the summary table of ratings, then for each objective with its core capability the
strengths and areas for improvement found there (observation, reference, analysis, recommendation), each kept on
one page; Appendix A the improvement plan; Appendix B the participants; then the inject timeline and, when the case
has them, its events, internal tasks (only when asked for) and linked objects.

The report is a list of section builders (``SECTIONS``), each given the report, the styles and the appendix letters
still free, so a section is added by adding a builder. Labels come from the exercise case model's declarations
(``workbench.domain.cases.exercise``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from workbench.domain.cases.exercise import ImprovementItem, Objective, Observation, Participant
from workbench.domain.cases.fields import display_lines
from workbench.domain.cases.vocab import ObservationKind, ParticipantRole, Rating
from workbench.services.reports import sections
from workbench.services.reports.exercise_conduct import (
    answered_areas,
    conduct_rows,
    inject_timeline,
    observations_behind,
)
from workbench.services.reports.fonts import SANS, SANS_BOLD
from workbench.services.reports.layout import (
    CELL_PAD,
    CELL_SIZE,
    Styles,
    bullets,
    clock,
    gap,
    heading,
    keep,
    key_values,
    paragraph,
    utc,
)
from workbench.services.reports.model import ExerciseReportInput
from workbench.services.reports.pages import PageChrome
from workbench.services.reports.sections import label
from workbench.services.reports.tables import Column, data_table
from workbench.services.reports.text import markup

KIND_TITLE = "After-action report and improvement plan (HSEEP)"
#: What an area for improvement prints below its title (HSEEP: observation, reference, analysis, recommendation).
IMPROVEMENT_FIELDS = ("description", "reference", "analysis", "recommendation")
#: A strength prints these when they were entered.
STRENGTH_FIELDS = ("description", "reference", "analysis")
#: A session longer than this is not taken as time in play when no time in play was entered (a night in between).
ONE_SESSION = timedelta(hours=12)


@dataclass
class AnalysisGroup:
    """One objective with its core capability and rating, and the strengths and areas for improvement found for
    it; ``objective`` is None for observations that name a capability no objective tests."""

    objective: Objective | None
    number: int | None
    capability: str
    strengths: list[Observation] = field(default_factory=list)
    improvements: list[Observation] = field(default_factory=list)


def _capability_key(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def analysis_groups(objectives: Sequence[Objective], observations: Sequence[Observation]) -> list[AnalysisGroup]:
    """Observations grouped under the objective they belong to, in the objectives' order.

    An observation that names its objective (findings made in the hot wash do) goes under it; any other goes under
    the first objective testing the capability it names. Observations of a capability no objective tests are
    grouped by that capability after the objectives, so that none is left out.
    """
    groups = [AnalysisGroup(item, number, item.capability or "") for number, item in enumerate(objectives, start=1)]
    by_uid = {group.objective.uid: group for group in groups if group.objective is not None and group.objective.uid}
    by_capability: dict[str, AnalysisGroup] = {}
    for each in groups:
        by_capability.setdefault(_capability_key(each.capability), each)
    others: dict[str, AnalysisGroup] = {}
    for item in observations:
        named = getattr(item, "objective", None)  # the objective a hot-wash finding names, where the model has it
        key = _capability_key(item.capability)
        group: AnalysisGroup | None = by_uid.get(named) if isinstance(named, str) else None
        if group is None:
            group = by_capability.get(key) if key else None
        if group is None:
            group = others.setdefault(key, AnalysisGroup(None, None, item.capability or ""))
        (group.strengths if item.kind is ObservationKind.STRENGTH else group.improvements).append(item)
    return [*groups, *others.values()]


def time_in_play(report: ExerciseReportInput) -> tuple[str, str]:
    """The exercise's duration as the report states it: the time in play entered, else start to end when that is
    one session, else not recorded; with the dates the exercise ran."""
    overview = report.overview
    start, end = overview.starts_at, overview.ends_at
    if start is None and end is None:
        dates = "–"
    elif start is not None and end is not None and start.date() == end.date():
        dates = f"{start:%Y-%m-%d}, {clock(start)[-5:]} to {clock(end)[-5:]} UTC"
    else:
        dates = f"{utc(start)} to {utc(end)}"
        if start is not None and end is not None:
            days = (end.date() - start.date()).days + 1
            dates += f" ({days} days)"
    if overview.time_in_play is not None:
        return dates, _hours(overview.time_in_play)
    if start is not None and end is not None and end - start <= ONE_SESSION:
        return dates, f"{_hours(int((end - start).total_seconds() // 60))} (start to end; no breaks recorded)"
    return dates, ""


def _hours(minutes: int) -> str:
    """A time in play as exercise planners say it: ``16 h``, ``6 h 15 min``, ``45 min``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


# -- sections ----------------------------------------------------------------------------------------------------

Section = Callable[[ExerciseReportInput, Styles, Iterator[str]], list[Flowable]]


def _overview(report: ExerciseReportInput, styles: Styles, _appendix: Iterator[str]) -> list[Flowable]:
    overview = report.overview
    dates, duration = time_in_play(report)
    flow = heading(styles, "1 Exercise overview")
    if report.summary:
        flow.append(paragraph(styles, report.summary))
    for note in (report.origin_note, report.selection_note):
        if note:
            flow.append(Paragraph(markup(note), styles.note))
    capabilities = list(dict.fromkeys(item.capability for item in report.objectives if item.capability))
    rows: list[tuple[str, object]] = [
        ("Exercise name", report.title),
        ("Exercise dates", dates),
        ("Time in play", duration or "not recorded"),
    ]
    shown = ("starts_at", "ends_at", "time_in_play")
    rows += [
        (info.label, text) for info, text in display_lines(overview, UTC, keep_empty=True) if info.name not in shown
    ]
    rows += conduct_rows(report.conduct)
    rows += [("Core capabilities", ", ".join(capabilities)), ("Case status", report.status)]
    flow.append(key_values(styles, rows))
    flow += heading(styles, "Objectives", level=2)
    flow.append(
        bullets(
            styles,
            [item.objective for item in report.objectives],
            empty="No objectives entered.",
            numbered=True,
        )
    )
    flow += heading(styles, "Participating organisations", level=2)
    flow.append(
        bullets(
            styles,
            [_organisation(item) for item in sorted(report.participants, key=_participant_key)],
            empty="No participating organisations recorded.",
        )
    )
    return flow


def _analysis(report: ExerciseReportInput, styles: Styles, _appendix: Iterator[str]) -> list[Flowable]:
    flow = heading(styles, "2 Analysis of capabilities")
    legend = "; ".join(f"{rating.value} = {rating.label.lower()}" for rating in Rating)
    flow.append(
        Paragraph(
            markup(
                "Each objective with the core capability it tests and the rating it earned, then the strengths and "
                f"areas for improvement observed. Ratings: {legend}."
            ),
            styles.note,
        )
    )
    flow.append(
        data_table(
            [
                Column("No.", 1),
                Column(label(Objective, "objective"), 40),
                Column("Core capability", 16),
                Column(label(Objective, "rating"), 14),
            ],
            [
                [number, item.objective, item.capability or "", _rating(item.rating)]
                for number, item in enumerate(report.objectives, start=1)
            ],
            empty="No objectives analysed.",
            styles=styles,
        )
    )
    for group in analysis_groups(report.objectives, report.observations):
        flow += _group(group, styles, report)
    return flow


def _rating(rating: Rating | None) -> str:
    return f"{rating.value}: {rating.label}" if rating is not None else "not rated"


def _group(group: AnalysisGroup, styles: Styles, report: ExerciseReportInput) -> list[Flowable]:
    """An objective's block: its heading, capability and rating, kept with what was observed for it (each finding
    with the evaluators' observations it was made from)."""
    head: list[Flowable] = []
    if group.objective is not None:
        flow = heading(styles, f"Objective {group.number}: {group.objective.objective}", level=2)
        rows: list[tuple[str, object]] = [
            ("Core capability", group.capability),
            ("Rating", _rating(group.objective.rating)),
        ]
        if group.objective.rationale:
            rows.append((label(Objective, "rationale"), group.objective.rationale))
        head.append(key_values(styles, rows))
    else:
        capability = group.capability or "no capability named"
        flow = heading(styles, f"Other observations: {capability}", level=2)
        head.append(Paragraph(markup("No objective of this exercise tests this capability."), styles.note))
    blocks = [
        _observation(
            styles, kind, number, item, names, observations_behind(styles, item, report.conduct, report.objectives)
        )
        for kind, found, names in (
            (ObservationKind.STRENGTH, group.strengths, STRENGTH_FIELDS),
            (ObservationKind.AREA_FOR_IMPROVEMENT, group.improvements, IMPROVEMENT_FIELDS),
        )
        for number, item in enumerate(found, start=1)
    ]
    if not blocks:
        head.append(Paragraph(markup("No strengths or areas for improvement recorded."), styles.note))
    # The heading stays with its capability and rating and the first observation (``bind_headings``).
    flow.append(keep(*head, *blocks[:1]))
    return flow + blocks[1:]


def _observation(
    styles: Styles,
    kind: ObservationKind,
    number: int,
    item: Observation,
    names: Sequence[str],
    behind: Sequence[Flowable] = (),
) -> KeepTogether:
    """One strength or area for improvement, kept on one page. An area for improvement lists every HSEEP field
    (an empty one printed "–": the reader sees what the analysis still lacks); a strength only what was entered."""
    improvement = kind is ObservationKind.AREA_FOR_IMPROVEMENT
    lines = [
        (label(Observation, name), getattr(item, name) or "")
        for name in names
        if getattr(item, name) or (improvement and name != "description")
    ]
    block: list[Flowable] = [
        gap(5),
        Paragraph(f"<b>{markup(f'{kind.label} {number}:')}</b> {markup(item.title)}", styles.body),
    ]
    if lines:
        block.append(key_values(styles, lines))
    block += behind
    block.append(gap(6))
    return keep(*block)


def _improvement_plan(report: ExerciseReportInput, styles: Styles, appendix: Iterator[str]) -> list[Flowable]:
    flow = heading(styles, f"Appendix {next(appendix)}: Improvement plan")
    flow.append(
        Paragraph(
            markup("The corrective actions the exercise's areas for improvement call for, with who does them by when."),
            styles.note,
        )
    )
    dates = stringWidth("0000-00-00", SANS, CELL_SIZE) + 2 * CELL_PAD + 1
    dates = max(dates, stringWidth("Completion", SANS_BOLD, CELL_SIZE) + 2 * CELL_PAD + 1)
    flow.append(
        data_table(
            [
                Column("Core capability", 6),
                Column(label(ImprovementItem, "issue"), 24),
                Column(label(ImprovementItem, "corrective_action"), 40),
                Column(label(ImprovementItem, "capability_element"), 8, width=19 * mm),
                Column(label(ImprovementItem, "responsible_org"), 8),
                Column(label(ImprovementItem, "contact"), 5, optional=True),
                Column(label(ImprovementItem, "start_date"), 0, width=dates),
                Column(label(ImprovementItem, "completion_date"), 0, width=dates),
            ],
            [
                [
                    row.capability,
                    "\n".join(part for part in (row.issue, answered_areas(row, report.observations)) if part),
                    row.corrective_action,
                    row.capability_element.label,
                    row.responsible_org or "",
                    row.contact or "",
                    _date(row.start_date),
                    _date(row.completion_date),
                ]
                for row in report.improvements
            ],
            empty="No corrective actions planned.",
            styles=styles,
        )
    )
    return flow


def _participants(report: ExerciseReportInput, styles: Styles, appendix: Iterator[str]) -> list[Flowable]:
    flow = heading(styles, f"Appendix {next(appendix)}: Exercise participants")
    flow.append(
        data_table(
            [
                Column(label(Participant, "organisation"), 38),
                Column(label(Participant, "role"), 22),
                Column(label(Participant, "contact"), 25, optional=True),
                Column(label(Participant, "country"), 15, optional=True),
            ],
            [
                [p.organisation, p.role.label, p.contact or "", p.country or ""]
                for p in sorted(report.participants, key=_participant_key)
            ],
            empty="No participants recorded.",
            styles=styles,
        )
    )
    return flow


def _injects(report: ExerciseReportInput, styles: Styles, appendix: Iterator[str]) -> list[Flowable]:
    flow = heading(styles, f"Appendix {next(appendix)}: Inject timeline")
    flow.append(inject_timeline(styles, report.injects))
    return flow


def _case_records(report: ExerciseReportInput, styles: Styles, appendix: Iterator[str]) -> list[Flowable]:
    """The case's own events, internal tasks (when asked for) and linked objects: most exercises have none."""
    flow: list[Flowable] = []
    if report.timeline:
        flow += sections.timeline(styles, report.timeline, number=f"Appendix {next(appendix)}:")
    if report.tasks:
        flow += sections.tasks(styles, report.tasks, number=f"Appendix {next(appendix)}:")
    if report.linked:
        flow += sections.linked_objects(
            styles, report.linked, number=f"Appendix {next(appendix)}:", title="Linked objects"
        )
    return flow


#: The report, in order. Appendix letters are handed out as appendices are printed (A: the improvement plan).
SECTIONS: tuple[Section, ...] = (_overview, _analysis, _improvement_plan, _participants, _injects, _case_records)


def build(report: ExerciseReportInput, chrome: PageChrome, styles: Styles) -> list[Flowable]:
    dates, _duration = time_in_play(report)
    flow = sections.cover(
        styles,
        chrome,
        title=report.title,
        kind=KIND_TITLE,
        analyst_tlp=report.tlp,
        rows=[
            ("Exercise", report.title),
            ("Dates", dates),
            (label(type(report.overview), "sponsor"), report.overview.sponsor or ""),
            ("Case reference", report.case_ref),
            (label(type(report.overview), "point_of_contact"), report.overview.point_of_contact or ""),
            ("Originator", report.originator),
        ],
    )
    appendix = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for section in SECTIONS:
        flow += section(report, styles, appendix)
    return flow


def _organisation(item: Participant) -> str:
    extra = ", ".join(part for part in (item.role.label, item.country or "") if part)
    return f"{item.organisation} ({extra})"


def _participant_key(item: Participant) -> tuple[int, str]:
    # In the order of the role vocabulary: sponsor and players first, observers and third-party observers last.
    order = list(ParticipantRole)
    return order.index(item.role), item.organisation.casefold()


def _date(value: date | None) -> str:
    return value.isoformat() if value is not None else "–"
