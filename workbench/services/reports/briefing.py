"""The briefing report: the threat situation for leadership.

Header block, bottom line up front, key judgements with their likelihood term and confidence, threat actors,
techniques with the ATT&CK heat map, impact by sector with its chart, indicators with their chart,
recommendations, intelligence gaps, Admiralty-graded sources and the distribution list.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from workbench.services.reports import charts, sections
from workbench.services.reports.layout import Styles, bullets, gap, heading, keep, key_values, utc
from workbench.services.reports.model import BriefingInput
from workbench.services.reports.pages import FRAME_WIDTH, PageChrome
from workbench.services.reports.tables import Column, data_table
from workbench.services.reports.text import markup
from workbench.services.reports.vocabulary import Credibility, Likelihood, Reliability

KIND_TITLE = "Threat briefing"
BLUF_MIN, BLUF_MAX = 3, 5
#: Descriptions of actors and malware are cut here: a briefing names them, the library holds the full text.
DESCRIPTION_LIMIT = 400


def validity(report: BriefingInput) -> str:
    """``2026-02-05 08:00 UTC to 2026-02-12 00:00 UTC``, or ``from 2026-02-05 08:00 UTC until replaced``."""
    start = utc(report.valid_from or report.issued_at)
    if report.valid_until is None:
        return f"from {start} until replaced"
    return f"{start} to {utc(report.valid_until)}"


def build(report: BriefingInput, chrome: PageChrome, styles: Styles) -> list[Flowable]:
    """The briefing. The bottom line and the key judgements always print (a draft says they are not written yet);
    the other sections print only when they hold something, numbered as they come."""
    notes = sections.Notes()
    numbers = iter(range(1, 100))
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
            ("Validity period", validity(report)),
            *([("Case reference", report.case_ref)] if report.case_ref else []),
        ],
    )

    flow += heading(styles, f"{next(numbers)} Bottom line up front")
    flow.append(bullets(styles, report.bluf, empty="Not yet written by the analyst."))
    if report.bluf and not BLUF_MIN <= len(report.bluf) <= BLUF_MAX:
        flow.append(
            Paragraph(markup(f"{len(report.bluf)} points; a bottom line holds {BLUF_MIN} to {BLUF_MAX}."), styles.note)
        )

    flow += heading(styles, f"{next(numbers)} Key judgements")
    if not report.judgements:
        flow.append(Paragraph(markup("Not yet written by the analyst."), styles.note))
    else:
        scale = "; ".join(f"{term.value} {term.percent_range}" for term in Likelihood)
        flow.append(
            Paragraph(
                markup(f"Likelihood terms: {scale}. Confidence: low, moderate or high, with its basis."), styles.note
            )
        )
    for number, judgement in enumerate(report.judgements, start=1):
        flow.append(
            keep(
                Paragraph(markup(f"KJ{number}. {judgement.statement}"), styles.body),
                key_values(
                    styles,
                    [
                        ("Likelihood", f"{judgement.likelihood.value} ({judgement.likelihood.percent_range})"),
                        ("Confidence", judgement.confidence.value),
                        ("Basis", judgement.basis),
                    ],
                    label_width=30 * mm,
                ),
                gap(6),
            )
        )

    if report.actors:
        flow += heading(styles, f"{next(numbers)} Threat actors")
        flow.append(
            data_table(
                [
                    Column("Name", 10),
                    Column("Aliases", 10, optional=True),
                    Column("Motivation", 8, optional=True),
                    Column("Attribution confidence", 4),
                    Column("Description", 30),
                ],
                [
                    [
                        a.name,
                        ", ".join(a.aliases),
                        a.motivation,
                        a.attribution_confidence.value if a.attribution_confidence else "not assessed",
                        notes.cut(a.description, a.name, DESCRIPTION_LIMIT),
                    ]
                    for a in report.actors
                ],
                styles=styles,
            )
        )
    if report.malware:
        flow += heading(
            styles,
            "Malware and tools" if report.actors else f"{next(numbers)} Malware and tools",
            level=2 if report.actors else 1,
        )
        flow.append(
            data_table(
                [
                    Column("Name", 10),
                    Column("Kind", 8),
                    Column("Aliases", 8, optional=True),
                    Column("Description", 30),
                ],
                [
                    [
                        m.name,
                        ", ".join(m.kinds),
                        ", ".join(m.aliases),
                        notes.cut(m.description, m.name, DESCRIPTION_LIMIT),
                    ]
                    for m in report.malware
                ],
                styles=styles,
            )
        )

    flow += sections.techniques(styles, report.techniques, number=str(next(numbers)), notes=notes)
    if report.known_uses:
        flow += sections.known_uses(styles, report.known_uses, number=str(next(numbers)), notes=notes)

    if report.sectors:
        flow += heading(styles, f"{next(numbers)} Impact by sector")
        chart = charts.incidents_by_sector([(s.sector, s.incidents) for s in report.sectors], FRAME_WIDTH)
        if chart is not None:
            flow += [chart, gap(6)]
        flow.append(
            data_table(
                [
                    Column("Sector", 12),
                    Column("Severity", 4),
                    Column("Outlook", 4),
                    Column("Incidents", 2),
                    Column("Summary", 30),
                ],
                [[s.sector, s.severity or "–", s.outlook or "–", s.incidents, s.summary] for s in report.sectors],
                styles=styles,
            )
        )

    if report.indicators:
        flow += sections.indicators(
            styles,
            report.indicators,
            number=str(next(numbers)),
            defang=report.defang,
            attached=True,
        )
    for title, items in (("Recommendations", report.recommendations), ("Intelligence gaps", report.gaps)):
        if items:
            flow += heading(styles, f"{next(numbers)} {title}")
            flow.append(bullets(styles, items))

    if report.sources:
        flow += heading(styles, f"{next(numbers)} Sources")
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
                    Column("Source", 14),
                    Column("Grade", 2),
                    Column("Reliability", 6),
                    Column("Credibility", 6),
                    Column("Notes", 20, optional=True),
                ],
                [
                    [s.name, s.grade, s.reliability.meaning, s.credibility.meaning, s.description]
                    for s in report.sources
                ],
                styles=styles,
            )
        )
    if report.distribution:
        flow += heading(styles, f"{next(numbers)} Distribution")
        flow.append(bullets(styles, report.distribution))
    if report.selection_note:
        flow.append(gap(8))
        flow.append(Paragraph(markup(report.selection_note), styles.note))
    flow += notes.appendix(styles, "Appendix: full texts of shortened descriptions")
    return flow
