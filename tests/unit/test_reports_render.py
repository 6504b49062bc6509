"""Rendered reports read back as a reader of the PDF would: labels, page numbers, sections, tables, hostile text."""

from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from workbench.domain.cases.case import RecordKind, make_record
from workbench.domain.tlp import Tlp
from workbench.services.reports import (
    IndicatorRow,
    RenderedReport,
    render,
    samples,
)

AS_OF = samples.T0 + timedelta(days=5)


def pages_text(rendered: RenderedReport) -> list[str]:
    reader = PdfReader(io.BytesIO(rendered.pdf))
    return [page.extract_text() or "" for page in reader.pages]


def flat(text: str) -> str:
    """Text with line breaks joined, for phrases a table cell or paragraph may wrap."""
    return " ".join(text.split())


@pytest.mark.parametrize(
    "make", [samples.incident, samples.exercise, samples.briefing], ids=["incident", "exercise", "briefing"]
)
def test_every_page_has_the_label_top_and_bottom_the_report_id_and_page_x_of_y(make) -> None:
    report = make()
    rendered = render(report, report_id="RPT-2026-0042", generated_at=AS_OF)
    texts = pages_text(rendered)
    assert len(texts) == rendered.pages > 1
    label = rendered.tlp.label
    for number, text in enumerate(texts, start=1):
        assert text.count(label) >= 2, f"page {number} lacks its top and bottom label"
        assert f"Page {number} of {rendered.pages}" in text
        assert "RPT-2026-0042" in text


def test_incident_report_prints_each_nis2_stage_with_due_time_and_met_or_missed() -> None:
    rendered = render(samples.incident(), report_id="RPT-1", generated_at=AS_OF)
    text = flat("\n".join(pages_text(rendered)))
    for title in (
        "Notification status (NIS2 Article 23)",
        "Early warning",
        "Incident notification",
        "Intermediate report",
        "Final report",
        "CIRCIA covered incident report",
        "Classification (RSIT and NIS Cooperation Group)",
        "CISA incident notification",
        "Description and handling",
        "Timeline of events",
        "Indicators",
        "Affected assets",
        "ATT&CK techniques observed",
        "Actions taken",
    ):
        assert title in text, title
    # Early warning sent after 20 h of 24: met, 4 h early. Notification after 75 h of 72: missed by 3 h.
    assert "MET: sent 4 h 0 min before the deadline" in text
    assert "MISSED: sent 3 h 0 min late" in text
    assert "2026-01-11 06:40 UTC" in text  # the early warning's due time
    assert "MISSED: not sent; overdue by 2 d 0 h" in text  # the CIRCIA-style report, due at 72 h, never sent
    assert "Malicious Code / Infected System" in text and "Email/Phishing" in text and "Supplemented" in text
    assert "Records affected 1,200,000" in text
    assert "FS-BILL-01" in text and "Isolated the billing VLAN" in text
    assert "Report stage and sequence number Incident notification, sequence number 2" in text


def test_stage_status_says_by_how_much_a_deadline_was_met_or_missed() -> None:
    aware = datetime(2026, 1, 28, 10, 0, tzinfo=UTC)
    report = samples.incident()
    report.details = dataclasses.replace(report.details, awareness_at=aware, first_detected=None)
    report.submissions = [
        make_record(RecordKind.STAGE, {"stage": "early-warning", "submitted_at": "2026-01-29T09:59:00Z"}),
        make_record(RecordKind.STAGE, {"stage": "notification", "submitted_at": "2026-01-31T18:00:00Z"}),
    ]
    text = flat("\n".join(pages_text(render(report, report_id="RPT-10", generated_at=aware + timedelta(days=10)))))
    assert "MET: sent 1 min before the deadline" in text
    assert "MISSED: sent 8 h 0 min late" in text
    # The final report is due one calendar month after the notification was sent: 31 January gives 28 February.
    assert "one month after the notification was submitted: 2026-02-28 18:00 UTC" in text

    report.submissions = []
    text = flat("\n".join(pages_text(render(report, report_id="RPT-11", generated_at=aware + timedelta(hours=30)))))
    assert "MISSED: not sent; overdue by 6 h 0 min" in text
    assert "pending: due in 1 d 18 h" in text


def test_exercise_report_has_the_hseep_sections_in_order_with_findings_under_their_objective() -> None:
    rendered = render(samples.exercise(), report_id="RPT-2", generated_at=AS_OF)
    text = flat("\n".join(pages_text(rendered)))
    titles = (
        "1 Exercise overview",
        "2 Analysis of capabilities",
        "Objective 1: Issue an NIS2 early warning within 24 hours",
        "Objective 2: Exchange indicators with the partner agency",
        "Objective 3: Restore billing from clean backups",
        "Appendix A: Improvement plan",
        "Appendix B: Exercise participants",
        "Appendix C: Inject timeline",
    )
    places = [text.find(title) for title in titles]
    assert -1 not in places and places == sorted(places), dict(zip(titles, places, strict=True))
    # Each strength and area for improvement sits under the objective that tests its capability.
    first = text[places[2] : places[3]]
    third = text[places[4] : places[5]]
    assert "Core capability Operational coordination Rating P: Performed without challenges" in first
    assert "Strength 1: Early warning sent after 5 hours" in first and "Area for improvement" not in first
    assert "No strengths or areas for improvement recorded." in text[places[3] : places[4]]
    assert "Core capability Infrastructure systems Rating M: Performed with major challenges" in third
    assert "Area for improvement 1: Backups not tested for restore" in third
    assert "Analysis (root cause) Backup images had never been restored end to end." in third
    # Duration: the time in play (an hour's lunch out of play), not the nine hours from start to end.
    assert "Exercise dates 2026-03-04, 08:00 to 17:00 UTC Time in play 8 h" in text
    assert "Quarterly restore test" in text and "Grid operator IT" in text
    assert "+40 min" in text  # inject 2 ran 40 minutes behind its planned time
    assert "US Cybersecurity Agency (Third-party observer, US)" in text


def test_briefing_has_every_section_and_the_analysts_judgements() -> None:
    rendered = render(samples.briefing(), report_id="RPT-3", generated_at=AS_OF)
    text = flat("\n".join(pages_text(rendered)))
    for title in (
        "Bottom line up front",
        "Key judgements",
        "Threat actors",
        "ATT&CK techniques observed",
        "Impact by sector",
        "Indicators",
        "Recommendations",
        "Intelligence gaps",
        "Sources",
        "Distribution",
    ):
        assert title in text, title
    assert "likely (55-80%)" in text and "very unlikely (5-20%)" in text
    assert "Песчаная сова" in text  # Cyrillic alias printed as written
    assert "B2" in text and "usually reliable" in text
    assert "198.51.100.1" in text and "T1566.001" in text


def test_cover_and_every_page_carry_the_highest_marking_inside() -> None:
    briefing = samples.briefing()
    briefing.tlp = Tlp.GREEN
    briefing.indicators = [*briefing.indicators, IndicatorRow("ipv4-addr", "203.0.113.9", tlp=Tlp.RED)]
    rendered = render(briefing, report_id="RPT-4", generated_at=AS_OF)
    texts = pages_text(rendered)
    assert rendered.tlp is Tlp.RED
    assert all(text.count("TLP:RED") >= 2 for text in texts)
    assert not any("TLP:GREEN" in text for text in texts[1:])
    assert "The analyst marked this report TLP:GREEN" in flat(texts[0])


def test_draft_watermark_until_final() -> None:
    draft = pages_text(render(samples.exercise(), report_id="RPT-5", generated_at=AS_OF))
    final = pages_text(render(samples.exercise(), report_id="RPT-5", final=True, generated_at=AS_OF))
    assert all("DRAFT" in text for text in draft)
    assert not any("DRAFT" in text for text in final)
    assert "FINAL" in final[0]


def test_accented_greek_and_cyrillic_text_prints_as_written() -> None:
    report = samples.incident()
    report.summary = "Ærø Nováková Łódź — Ελληνικά δεδομένα — Кириллица и данные"
    text = flat("\n".join(pages_text(render(report, report_id="RPT-6", generated_at=AS_OF))))
    assert "Ærø Nováková Łódź" in text
    assert "Ελληνικά δεδομένα" in text
    assert "Кириллица и данные" in text


HOSTILE = (
    '<img src="/etc/passwd"/> <font size=500>huge</font> <b><i>unclosed <para> &amp; &#x41; '
    '<a href="file:///etc/shadow">link</a> <link href="x">'
)
RTL = "שלום עולם مرحبا بالعالم"


@pytest.fixture
def opened_files() -> Iterator[list[str]]:
    """Every path the process opens while the test runs (through Python's audit events)."""
    seen: list[str] = []
    recorder.target = seen
    try:
        yield seen
    finally:
        recorder.target = None


class _Recorder:
    target: list[str] | None = None

    def __call__(self, event: str, args: tuple) -> None:
        if self.target is not None and event == "open" and args and isinstance(args[0], (str, bytes)):
            self.target.append(str(args[0]))


recorder = _Recorder()
sys.addaudithook(recorder)


def test_hostile_text_prints_literally_and_opens_no_file(opened_files: list[str]) -> None:
    huge_word = "A" * 100_000
    report = samples.incident()
    report.summary = f"{HOSTILE} {RTL} {huge_word}"
    report.timeline = [dataclasses.replace(report.timeline[0], title=f"{HOSTILE} {huge_word}", description=RTL)]
    report.indicators = [IndicatorRow("url", f"https://x.example/{huge_word}", HOSTILE)]
    report.details = dataclasses.replace(report.details, reporting_entity=HOSTILE)
    rendered = render(report, report_id="RPT-7", generated_at=AS_OF)
    text = flat("\n".join(pages_text(rendered)))
    assert '<img src="/etc/passwd"/>' in text
    assert "<font size=500>huge</font>" in text
    assert "<b><i>unclosed <para> &amp; &#x41;" in text
    assert "more characters not printed" in text  # the 100 KB word is cut with a note, not dropped
    assert "AAAAAAAAAAAAAAAAAAAA" in text
    assert not [path for path in opened_files if "passwd" in path or "shadow" in path]
    assert not [path for path in opened_files if not path.endswith((".ttf", ".py", ".pyc")) and "/proc/" not in path], (
        opened_files
    )


def test_control_characters_and_lone_surrogates_do_not_break_the_pdf() -> None:
    report = samples.briefing()
    report.title = "Bad\x00title\x1b[31m with \ud800 surrogate"
    report.bluf = ["tab\there", "bell\x07", "line\nbreak"]
    rendered = render(report, report_id="RPT-8", generated_at=AS_OF)
    assert "surrogate" in flat(pages_text(rendered)[0])


def test_thousands_of_indicators_split_over_pages_with_the_header_repeated() -> None:
    briefing = samples.briefing(indicator_count=300)
    rendered = render(briefing, report_id="RPT-9", generated_at=AS_OF)
    texts = pages_text(rendered)
    table_pages = [text for text in texts if "198.51.100." in text]
    assert len(table_pages) >= 5
    assert all("First / last" in text and "Context" in text for text in table_pages)
    assert "300 indicators" in flat("\n".join(texts))
