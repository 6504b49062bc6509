"""The RSIT encoded in the program matches the published taxonomy, entry for entry."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SHARED_DATA
from workbench.domain.cases.rsit import RSIT_TYPES, RSIT_VERSION, parse_rsit
from workbench.domain.errors import InvalidInput

TAXONOMY = SHARED_DATA / "taxonomies" / "rsit-v1003.md"


def _published() -> tuple[str, list[tuple[str, str]]]:
    text = TAXONOMY.read_text(encoding="utf-8")
    version = re.search(r"^Version:\s*(\S+)", text, re.MULTILINE)
    assert version is not None
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if (
            len(cells) < 3
            or not line.lstrip().startswith("|")
            or set(cells[0]) <= set("-")
            or cells[0].startswith("CLASSIFICATION")
        ):
            continue
        rows.append((cells[0], cells[1]))
    return version.group(1), rows


def test_every_class_and_type_of_the_published_taxonomy_is_encoded_in_order() -> None:
    version, rows = _published()
    assert version == RSIT_VERSION
    assert len(rows) > 30
    assert [(entry.class_label, entry.type_label) for entry in RSIT_TYPES] == rows


@pytest.mark.parametrize(
    "text",
    [
        "Intrusions / System Compromise",
        "intrusions:system-compromise",
        'rsit:intrusions="system-compromise"',
        "INTRUSIONS | system compromise",
    ],
)
def test_the_ways_analysts_and_tools_write_a_type_are_read(text: str) -> None:
    assert parse_rsit(text).key == "intrusions:system-compromise"


def test_a_type_under_the_wrong_class_or_an_unknown_one_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown RSIT classification"):
        parse_rsit("Fraud / System Compromise")
    with pytest.raises(InvalidInput, match="needs a class and a type"):
        parse_rsit("phishing")
