"""The briefing report: the threat situation for leadership.

Header block, bottom line up front, key judgements with their likelihood term and confidence, threat actors,
techniques with the ATT&CK heat map, impact by sector with its chart, indicators with their chart,
recommendations, intelligence gaps, Admiralty-graded sources and the distribution list.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from workbench.services.reports import charts, sections
from workbench.services.reports.layout import (
    FRAME_WIDTH,
    Column,
    PageChrome,
    Styles,
    bullets,
    data_table,
    gap,
    heading,
    key_values,
    utc,
)
from workbench.services.reports.model import BriefingInput
from workbench.services.reports.text import markup
from workbench.services.reports.vocabulary import Credibility, Likelihood, Reliability

KIND_TITLE = "Threat briefing"
BLUF_MIN, BLUF_MAX = 3, 5
#: Descriptions of actors and malware are cut here: a briefing names them, the library holds the full text.
DESCRIPTION_LIMIT = 400


def build(report: BriefingInput, chrome: PageChrome, styles: Styles) -> list[Flowable]:
    validity = f"{utc(report.valid_from or report.issued_at)} to {utc(report.valid_until, empty='until replaced')}"
    flow = sections.cover(
        styles,
        chrome,
        title=report.title,
        kind=KIND_TITLE,
        analyst_tlp=report.tlp,
        rows=[
            ("Date and time", utc(report.issued_at)),
            ("Reference", report.reference or chrome.report_id),
            ("Version", report.version),
            ("Originator", report.originator),
            ("Audience", report.audience),
            ("Validity period", validity),
            ("Case reference", report.case_ref),
        ],
    )

    flow += heading(styles, "1 Bottom line up front")
    flow.append(bullets(styles, report.bluf, empty="(not yet entered by the analyst)"))
    if report.bluf and not BLUF_MIN <= len(report.bluf) <= BLUF_MAX:
        flow.append(
            Paragraph(markup(f"{len(report.bluf)} points; a bottom line holds {BLUF_MIN} to {BLUF_MAX}."), styles.note)
        )

    flow += heading(styles, "2 Key judgements")
    scale = "; ".join(f"{term.value} {term.percent_range}" for term in Likelihood)
    flow.append(
        Paragraph(markup(f"Likelihood terms: {scale}. Confidence: low, moderate or high, with its basis."), styles.note)
    )
    if not report.judgements:
        flow.append(Paragraph(markup("(no key judgements entered by the analyst)"), styles.note))
    for number, judgement in enumerate(report.judgements, start=1):
        flow.append(Paragraph(markup(f"KJ{number}. {judgement.statement}"), styles.body))
        flow.append(
            key_values(
                styles,
                [
                    ("Likelihood", f"{judgement.likelihood.value} ({judgement.likelihood.percent_range})"),
                    ("Confidence", judgement.confidence.value),
                    ("Basis", judgement.basis),
                ],
                label_width=30 * mm,
            )
        )
        flow.append(gap(6))

    flow += heading(styles, "3 Threat actors")
    flow.append(
        data_table(
            [
                Column("Name", 20),
                Column("Aliases", 22),
                Column("Motivation", 18),
                Column("Attribution confidence", 14),
                Column("Description", 26, limit=DESCRIPTION_LIMIT),
            ],
            [
                [
                    a.name,
                    ", ".join(a.aliases),
                    a.motivation,
                    a.attribution_confidence.value if a.attribution_confidence else "not assessed",
                    a.description,
                ]
                for a in report.actors
            ],
            empty="No threat actors in this briefing.",
            styles=styles,
        )
    )
    if report.malware:
        flow += heading(styles, "Malware and tools", level=2)
        flow.append(
            data_table(
                [
                    Column("Name", 20),
                    Column("Kind", 18),
                    Column("Aliases", 18),
                    Column("Description", 44, limit=DESCRIPTION_LIMIT),
                ],
                [[m.name, ", ".join(m.kinds), ", ".join(m.aliases), m.description] for m in report.malware],
                styles=styles,
            )
        )

    flow += sections.techniques(styles, report.techniques, number="4")

    flow += heading(styles, "5 Impact by sector")
    chart = charts.incidents_by_sector([(s.sector, s.incidents) for s in report.sectors], FRAME_WIDTH)
    if chart is not None:
        flow += [chart, gap(6)]
    flow.append(
        data_table(
            [
                Column("Sector", 20),
                Column("Severity", 12),
                Column("Outlook", 12),
                Column("Incidents", 9),
                Column("Summary", 47),
            ],
            [[s.sector, s.severity, s.outlook, s.incidents, s.summary] for s in report.sectors],
            empty="No sector assessment entered.",
            styles=styles,
        )
    )

    flow += sections.indicators(styles, report.indicators, number="6")

    flow += heading(styles, "7 Recommendations")
    flow.append(bullets(styles, report.recommendations))
    flow += heading(styles, "8 Intelligence gaps")
    flow.append(bullets(styles, report.gaps))

    flow += heading(styles, "9 Sources")
    reliability = ", ".join(f"{r.value} {r.meaning}" for r in Reliability)
    credibility = ", ".join(f"{c.value} {c.meaning}" for c in Credibility)
    flow.append(
        Paragraph(
            markup(
                f"Admiralty grading. Reliability of the source: {reliability}. Credibility of "
                f"the information: {credibility}."
            ),
            styles.note,
        )
    )
    flow.append(
        data_table(
            [
                Column("Source", 28),
                Column("Grade", 8),
                Column("Reliability", 16),
                Column("Credibility", 16),
                Column("Notes", 32),
            ],
            [[s.name, s.grade, s.reliability.meaning, s.credibility.meaning, s.description] for s in report.sources],
            empty="No sources listed.",
            styles=styles,
        )
    )
    flow += heading(styles, "10 Distribution")
    flow.append(bullets(styles, report.distribution, empty="(no distribution list entered)"))
    if report.selection_note:
        flow.append(gap(8))
        flow.append(Paragraph(markup(report.selection_note), styles.note))
    return flow
