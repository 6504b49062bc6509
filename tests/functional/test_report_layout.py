"""Layout checks that can be automated, on every kind of document the program prints and on a 23-page stress case
with a 90-character title: the running title never runs under the TLP label, no heading ends a page, every font is
embedded, the PDF's metadata carries the report id and TLP level, and indicator values are never split.

The pages are read back with poppler (pdftotext -bbox, pdffonts), as a recipient's tools see them.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from workbench.domain.deadlines import Stage
from workbench.services.reports import RenderedReport, render, samples
from workbench.services.reports.fonts import MONO, SANS, register_fonts
from workbench.services.reports.layout import CELL_PAD
from workbench.services.reports.pages import FRAME_WIDTH
from workbench.services.reports.sections import VALUE_SIZE, indicator_cells, indicator_columns
from workbench.services.reports.tables import column_widths, wrap_value
from workbench.services.reports.text import word_pieces, wrap_cell

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")
pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdffonts) is not installed")
AS_OF = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def _stage_document() -> object:
    report = samples.incident()
    sent = report.sent[Stage.NOTIFICATION].document
    assert sent is not None
    return sent


def _cut_title() -> object:
    report = samples.briefing()
    report.title = f"{samples.LONG_TITLE}: {samples.LONG_TITLE.lower()}"  # 182 characters: more than a line holds
    return report


def test_a_90_character_title_fits_beside_a_narrower_label() -> None:
    report = samples.incident()
    report.title = samples.LONG_TITLE
    text = pdftotext(render(report, report_id="RPT-2026-0009", generated_at=AS_OF).pdf, "-f", "2", "-l", "2")
    assert samples.LONG_TITLE in " ".join(text.split()) and "…" not in text


DOCUMENTS: dict[str, Callable[[], object]] = {
    "incident": samples.incident,
    "exercise": samples.exercise,
    "briefing": samples.briefing,
    "stage": _stage_document,
    "stress": samples.stress_incident,
    "cut title": _cut_title,
}


@pytest.fixture(scope="module")
def rendered() -> dict[str, RenderedReport]:
    """Each document rendered once for all the checks (the stress case takes a few seconds)."""
    return {
        name: render(make(), report_id=f"RPT-2026-{index:04d}", generated_at=AS_OF)  # type: ignore[arg-type]
        for index, (name, make) in enumerate(DOCUMENTS.items(), start=1)
    }


def pdftotext(pdf: bytes, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def words_of(page: str) -> list[tuple[float, float, float, str]]:
    """(left, top, right, text) of each word of a ``pdftotext -bbox`` page, in points from the top left."""
    return [(float(x0), float(y0), float(x1), text) for x0, y0, x1, _y1, text in _WORD.findall(page)]


def test_the_stress_case_is_long_and_has_a_90_character_title(rendered: dict[str, RenderedReport]) -> None:
    assert len(samples.LONG_TITLE) == 90
    assert rendered["stress"].pages == 23


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_the_running_title_never_runs_under_the_tlp_label(rendered: dict[str, RenderedReport], name: str) -> None:
    pages = re.findall(r"<page [^>]*>(.*?)</page>", pdftotext(rendered[name].pdf, "-bbox"), re.S)
    assert len(pages) == rendered[name].pages
    for number, page in enumerate(pages, start=1):
        top = [word for word in words_of(page) if word[1] < 45]  # the header band, above the rule
        label = [word for word in top if word[3].startswith("TLP:")]
        title = [word for word in top if not word[3].startswith("TLP:")]
        assert label and title, f"{name} page {number}: no running title or label"
        assert max(x1 for _, _, x1, _ in title) < min(x0 for x0, _, _, _ in label) - 10, f"{name} page {number}"
    shown = " ".join(text for _, top, _, text in words_of(pages[1]) if top < 45 and not text.startswith("TLP:"))
    if name in ("stress", "cut title"):  # beside the widest label, TLP:AMBER+STRICT, or too long for any
        assert shown.endswith(" …") and samples.LONG_TITLE.startswith(shown[:-2])


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_no_heading_ends_a_page(rendered: dict[str, RenderedReport], name: str) -> None:
    placed = list(rendered[name].placed)
    assert any(kind == "Heading" for _, kind, _ in placed)
    for index, (page, kind, _level) in enumerate(placed[:-1]):
        if kind == "Heading":
            assert placed[index + 1][0] == page, f"{name}: a heading ends page {page}"


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_every_font_is_embedded_and_none_is_helvetica(rendered: dict[str, RenderedReport], name: str) -> None:
    listing = subprocess.run(
        ["pdffonts", "-"], input=rendered[name].pdf, capture_output=True, check=True
    ).stdout.decode()
    rows = listing.splitlines()[2:]
    assert rows, listing
    for row in rows:
        columns = row.split()
        # name type [encoding...] emb sub uni object-id: "emb" is the fifth field from the end.
        assert columns[-5] == "yes", f"{name}: font not embedded: {row}"
        assert "Helvetica" not in row, f"{name}: {row}"


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_the_metadata_carries_the_report_id_and_tlp_level(rendered: dict[str, RenderedReport], name: str) -> None:
    report = rendered[name]
    info = PdfReader(io.BytesIO(report.pdf)).metadata
    assert info is not None
    for key in ("/Title", "/Subject", "/Keywords"):
        assert report.report_id in str(info[key]) and report.tlp.label in str(info[key]), (key, info[key])


def test_no_indicator_value_is_split_inside_a_token(rendered: dict[str, RenderedReport]) -> None:
    """Every value reads back whole; one longer than a whole line (a long URL) is broken only after a separator
    (``/ ? & = ;``), and its lines put together give the value again."""
    words = set(pdftotext(rendered["stress"].pdf, "-layout").split())
    values = [row.value for row in samples.stress_incident().indicators]
    assert len(values) == 205
    line_width = FRAME_WIDTH - 2 * CELL_PAD
    long_values = 0
    for value in values:
        if value in words:
            continue
        pieces = wrap_value(value, MONO, VALUE_SIZE, line_width)
        assert len(pieces) > 1 and "".join(pieces) == value, f"{value} is not one token in the PDF"
        long_values += 1
        for piece in pieces:
            assert piece in words, f"{piece!r} of {value} does not read back as one token"
        assert all(piece[-1] in "/?&=;," for piece in pieces[:-1]), pieces
    assert long_values == 5  # the five long URLs of the stress case


def test_indicator_table_cells_break_only_between_words_or_after_hyphens() -> None:
    """With the widths the table gets, no cell of any column is broken inside a word."""
    register_fonts()
    rows = [indicator_cells(row) for row in samples.indicators(60)]
    rows.append(["email-message", "x@y.example", "Lure (malicious-activity, anomalous-activity)", "–", "AMBER+STRICT"])
    columns = indicator_columns()
    widths = column_widths(columns, rows)
    for index, (column, width) in enumerate(zip(columns, widths, strict=True)):
        if column.spill:
            continue
        for row in rows:
            text = str(row[index])
            allowed = {piece for word in text.split() for piece in (word, *word_pieces(word))}
            font = MONO if column.mono else SANS
            for line in wrap_cell(text, font, column.size, width - 2 * CELL_PAD, hyphens=not column.mono):
                assert set(line.split()) <= allowed, f"{column.title}: {line!r} breaks inside a word of {text!r}"
