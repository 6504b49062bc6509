"""A briefing's analyst input exported as the command line's JSON reads back as the same input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import Tlp
from workbench.services.reports.analyst_input import (
    analyst_document,
    load_analyst_file,
    parse_analyst,
    save_analyst_file,
)

FULL = {
    "title": "Sandstorm Owl targets energy billing",
    "tlp": "amber+strict",
    "reference": "BR-2026-007",
    "version": "3",
    "originator": "Analysis desk",
    "audience": "Heads of CSIRTs",
    "valid_from": "2026-02-01T00:00:00Z",
    "valid_until": "2026-02-12T08:00:00Z",
    "bluf": ["Invoice lures", "GreyLantern beacons", "Block two indicators"],
    "key_judgements": [{"statement": "More grid operators", "likelihood": "likely", "confidence": "moderate"}],
    "sectors": [{"sector": "Energy", "severity": "high", "outlook": "worsening", "incidents": 0}],
    "actors": [{"name": "Sandstorm Owl", "attribution_confidence": "low", "aliases": ["SO-17"]}],
    "recommendations": ["Block the C2 address"],
    "gaps": ["Initial access vector"],
    "sources": [{"name": "Partner bulletin", "grade": "B2", "description": "2026-014"}],
    "distribution": ["National CSIRTs", "Energy ISAC"],
}


@pytest.mark.parametrize("document", [FULL, {}, {"title": "Only a title"}])
def test_the_exported_document_reads_back_as_the_same_input(document, tmp_path: Path) -> None:
    analyst = parse_analyst(document)
    assert parse_analyst(analyst_document(analyst)) == analyst
    path = save_analyst_file(analyst, tmp_path / "briefing.json")
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_analyst_file(path) == analyst
    assert json.loads(path.read_text()) == analyst_document(analyst)


def test_the_marking_and_times_are_written_as_the_command_line_reads_them() -> None:
    analyst = parse_analyst(FULL)
    document = analyst_document(analyst)
    assert analyst.tlp is Tlp.AMBER_STRICT and document["tlp"] == "amber+strict"
    assert document["valid_until"] == "2026-02-12T08:00:00Z"


def test_exporting_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        save_analyst_file(parse_analyst(FULL), tmp_path / "missing" / "briefing.json")
