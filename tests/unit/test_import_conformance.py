"""Agreement with the OASIS STIX 2.1 validator on its own test cases (shared data, conformance/).

Every case the validator accepts with its default options must import without a refusal; every case it rejects
must be refused, or carry a warning or refusal naming the property the validator names. The test prints both
rates and asserts at least 95% each way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from workbench.domain.errors import InvalidInput
from workbench.services.importing.importer import ImportSummary, import_file
from workbench.services.workspace import Workspace

CASES = SHARED_DATA / "conformance" / "stix2-validator-cases.jsonl"


def named(summary: ImportSummary, errors: str) -> bool:
    """Whether a finding names a property the validator's message names (its first path component)."""
    text = errors.lower()
    for finding in summary.refusal_reasons + summary.warnings:
        head = re.split(r"[.\[]", finding.property or "")[0].lower()
        if head and head in text:
            return True
    return False


@pytest.mark.skipif(not CASES.exists(), reason="shared conformance data not present")
def test_agreement_with_the_oasis_validator(workspace: Workspace, tmp_path: Path) -> None:
    accepted = accepted_ok = rejected = rejected_ok = 0
    disagreements: list[str] = []
    for number, line in enumerate(CASES.read_text(encoding="utf-8").splitlines()):
        case = json.loads(line)
        path = tmp_path / f"case-{number}.json"
        path.write_text(
            case["input"] if case["input_kind"] == "string" else json.dumps(case["input"]), encoding="utf-8"
        )
        errors = " ".join(case["default_errors"])
        try:
            summary = import_file(workspace, path, dry_run=True)
        except InvalidInput as exc:
            summary, file_error = None, str(exc)
        else:
            file_error = ""
        if case["valid_default_options"]:
            accepted += 1
            if summary is not None and not summary.refusal_reasons:
                accepted_ok += 1
            else:
                disagreements.append(f"accepted by the validator, refused here: {case['id']} {file_error}")
        else:
            rejected += 1
            if summary is None or summary.refusal_reasons or named(summary, errors):
                rejected_ok += 1
            else:
                disagreements.append(f"rejected by the validator, not flagged here: {case['id']} {errors[:100]}")
    accept_rate, reject_rate = accepted_ok / accepted, rejected_ok / rejected
    print(f"\nvalidator-valid cases imported without refusal: {accepted_ok}/{accepted} = {accept_rate:.1%}")
    print(f"validator-invalid cases refused or flagged on the property: {rejected_ok}/{rejected} = {reject_rate:.1%}")
    for line in disagreements:
        print("  " + line)
    assert accept_rate >= 0.95 and reject_rate >= 0.95
