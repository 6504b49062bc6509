"""Saving reports: atomic file, audit entries with the PDF's SHA-256, prints, report numbers."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from workbench.domain.errors import Cancelled, InvalidInput
from workbench.services.reports import generate, next_report_id, record_print, render, samples, save
from workbench.services.workspace import Workspace
from workbench.storage import audit

AS_OF = samples.T0 + timedelta(days=5)


def entries(ws: Workspace, action: str) -> list[audit.AuditEntry]:
    return list(audit.entries(ws.conn, action=action))


def test_generate_writes_the_pdf_and_records_its_sha256(workspace: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "briefing.pdf"
    rendered = generate(workspace, samples.briefing(), target, final=True, source={"query": "owl"}, generated_at=AS_OF)
    data = target.read_bytes()
    assert len(PdfReader(target).pages) == rendered.pages
    [entry] = entries(workspace, "report.generated")
    assert entry.details["sha256"] == hashlib.sha256(data).hexdigest() == rendered.sha256
    assert entry.details["report_id"] == rendered.report_id == f"RPT-{entry.at[:4]}-0001"
    assert entry.details["final"] is True and entry.details["tlp"] == "AMBER"
    assert entry.details["source"] == {"query": "owl"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.pdf", "eu"]  # no temporary file beside it
    assert audit.verify(workspace.conn).ok


def test_report_numbers_follow_on(workspace: Workspace, tmp_path: Path) -> None:
    first = generate(workspace, samples.exercise(), tmp_path / "a.pdf")
    second = generate(workspace, samples.exercise(), tmp_path / "b.pdf")
    number = int(first.report_id.rsplit("-", 1)[1])
    assert second.report_id == first.report_id[:-4] + f"{number + 1:04d}"
    assert next_report_id(workspace) == first.report_id[:-4] + f"{number + 2:04d}"


def test_a_failed_render_leaves_the_previous_file_and_records_nothing(workspace: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"previous report")
    broken = samples.incident()
    broken.timeline = [broken.timeline[0], dataclasses.replace(broken.timeline[1], at=None)]
    with pytest.raises(TypeError):
        generate(workspace, broken, target)
    assert target.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir() if p.name != "eu"] == ["report.pdf"]
    assert entries(workspace, "report.generated") == []


@pytest.mark.parametrize("name", ["missing/report.pdf", "report.txt", "."])
def test_refuses_a_target_it_cannot_write(workspace: Workspace, tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidInput):
        generate(workspace, samples.exercise(), tmp_path / name)
    assert entries(workspace, "report.generated") == []


def test_record_print_logs_printer_and_copies(workspace: Workspace, tmp_path: Path) -> None:
    rendered = generate(workspace, samples.exercise(), tmp_path / "x.pdf")
    record_print(workspace, rendered, printer="SOC-Laser-2", copies=3)
    [entry] = entries(workspace, "report.printed")
    assert entry.details["printer"] == "SOC-Laser-2" and entry.details["copies"] == 3
    assert entry.details["sha256"] == rendered.sha256 and entry.details["pages"] == rendered.pages
    with pytest.raises(InvalidInput):
        record_print(workspace, rendered, printer="x", copies=0)


def test_save_writes_the_previewed_bytes_and_records_them(workspace: Workspace, tmp_path: Path) -> None:
    rendered = render(samples.exercise(), report_id=next_report_id(workspace), final=True)
    target = tmp_path / "after-action.pdf"
    save(workspace, rendered, target, source={"case": "EXE-2026-0001"})
    assert target.read_bytes() == rendered.pdf
    [entry] = entries(workspace, "report.generated")
    assert entry.details["sha256"] == rendered.sha256 and entry.details["final"] is True
    assert entry.details["source"] == {"case": "EXE-2026-0001"} and entry.details["file"] == target.name
    with pytest.raises(InvalidInput):
        save(workspace, rendered, tmp_path / "after-action.txt")
    assert len(entries(workspace, "report.generated")) == 1


def test_a_printed_report_uses_its_number(workspace: Workspace) -> None:
    rendered = render(samples.exercise(), report_id=next_report_id(workspace))
    record_print(workspace, rendered, printer="PDF file", copies=1)
    number = int(rendered.report_id.rsplit("-", 1)[1])
    assert next_report_id(workspace) == rendered.report_id[:-4] + f"{number + 1:04d}"


def test_render_reports_each_page_and_stops_when_the_callback_raises() -> None:
    seen: list[int] = []
    rendered = render(samples.briefing(indicator_count=400), report_id="RPT-2026-0001", progress=seen.append)
    assert seen and max(seen) == rendered.pages
    assert seen == sorted(seen)

    def stop(page: int) -> None:
        if page >= 2:
            raise Cancelled()

    with pytest.raises(Cancelled):
        render(samples.briefing(indicator_count=400), report_id="RPT-2026-0001", progress=stop)
