"""Indicators carried machine-readably inside a report: a STIX 2.1 bundle and a CSV file attached to the PDF.

A reader copies a value from the page; a tool takes the attachment, where every value is exactly as stored (never
defanged). Both files are made deterministically from the report's content and id, and attached with pypdf, which
keeps the document's own ``/ID``: the same report renders to the same bytes, which is what lets a stage printed
from its snapshot match the SHA-256 recorded when it was sent.
"""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import Sequence
from typing import Any

import orjson

from workbench.services.reports.layout import day
from workbench.services.reports.model import IndicatorRow
from workbench.services.reports.sections import ATTACHED_BUNDLE, ATTACHED_CSV

logger = logging.getLogger(__name__)

#: Namespace of the attached bundles' ids (a fixed random UUID): the same report id gives the same bundle id.
_BUNDLE_NAMESPACE = uuid.UUID("5b8e4a8e-3f0c-4d55-9f7e-2a6c1d8e0b41")
CSV_COLUMNS = ("type", "value", "context", "first_seen", "last_seen", "tlp", "confidence", "stix_id")


def indicator_bundle(objects: Sequence[dict[str, Any]], report_id: str) -> bytes:
    """The indicator objects (with the marking definitions and identities they refer to) as a STIX 2.1 bundle."""
    bundle = {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid5(_BUNDLE_NAMESPACE, report_id)}",
        "objects": list(objects),
    }
    return orjson.dumps(bundle, option=orjson.OPT_INDENT_2) + b"\n"


def indicator_csv(rows: Sequence[IndicatorRow]) -> bytes:
    """One line per indicator, every value as stored (UTF-8, a header line, every field quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.type,
                row.value,
                row.context,
                day(row.first_seen, empty=""),
                day(row.last_seen, empty=""),
                row.tlp.short if row.tlp is not None else "",
                "" if row.confidence is None else row.confidence,
                row.stix_id,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def attach(pdf: bytes, files: Sequence[tuple[str, bytes]]) -> bytes:
    """The PDF with ``files`` (name, content) attached as embedded files; the document's metadata and ``/ID`` are
    kept, so the result depends only on the inputs."""
    if not files:
        return pdf
    from pypdf import PdfReader, PdfWriter  # imported on first use: only reports with indicators attach files

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    for name, data in files:
        writer.add_attachment(name, data)
    if reader.metadata is not None:
        writer.add_metadata({key: value for key, value in reader.metadata.items()})
    identifier = reader.trailer.get("/ID")
    if identifier is not None:
        writer._ID = identifier  # keep ReportLab's deterministic id instead of a fresh random one
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def indicator_files(
    rows: Sequence[IndicatorRow], objects: Sequence[dict[str, Any]], report_id: str
) -> list[tuple[str, bytes]]:
    """The files a report with indicators attaches: the bundle (when there are objects) and the CSV."""
    if not rows:
        return []
    files = [(ATTACHED_CSV, indicator_csv(rows))]
    if objects:
        files.insert(0, (ATTACHED_BUNDLE, indicator_bundle(objects, report_id)))
    return files
