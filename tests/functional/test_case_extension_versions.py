"""Counts that may be "unknown" and NIS2's EEA states, through the field model, the command line, the case
extension's schema and a partner's workspace; cases sent under the previous schema version still arrive whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import REPO, CliResult
from workbench.domain.cases.fields import UNKNOWN, coerce, display, field_info
from workbench.domain.cases.incident import IncidentDetails
from workbench.domain.cases.nis2 import MemberState
from workbench.domain.errors import InvalidInput
from workbench.services import cases
from workbench.services.cases import schema as case_schema
from workbench.services.cases import stix as case_stix
from workbench.services.intake import import_source
from workbench.services.workspace import Workspace

OLD_BUNDLE = REPO / "tests" / "data" / "case-bundle-1.0.0.json"


@pytest.mark.parametrize(
    ("raw", "stored", "shown"),
    [("unknown", UNKNOWN, "unknown"), ("Unknown", UNKNOWN, "unknown"), ("1,200", 1200, "1,200"), (0, 0, "0")],
)
def test_an_affected_count_is_a_number_or_unknown(raw: object, stored: object, shown: str) -> None:
    info = field_info(IncidentDetails, "records_affected")
    assert coerce(info, raw) == stored
    assert display(info, coerce(info, raw)) == shown
    # Empty says nothing was entered, which is not the same as "unknown".
    assert coerce(info, "") is None


@pytest.mark.parametrize("raw", ["-3", "many", True, 1.5])
def test_anything_else_is_refused_naming_both_forms(raw: object) -> None:
    with pytest.raises(InvalidInput, match=r"Users affected must be a whole number .* or 'unknown'"):
        coerce(field_info(IncidentDetails, "users_affected"), raw)


def test_a_report_version_is_still_only_a_number() -> None:
    from workbench.domain.cases.incident import StageSubmission

    with pytest.raises(InvalidInput, match="Version must be a whole number"):
        coerce(field_info(StageSubmission, "version"), "unknown")


@pytest.mark.parametrize(
    ("given", "state"), [("NO", MemberState.NO), ("Iceland", MemberState.IS), ("li", MemberState.LI)]
)
def test_the_eea_states_where_nis2_applies_are_accepted(given: str, state: MemberState) -> None:
    assert MemberState.parse(given) is state


def test_from_the_command_line_to_a_partner_and_back(
    cli: Callable[..., CliResult], workspace: Workspace, partner_workspace: Workspace, tmp_path: Path
) -> None:
    db = str(workspace.path)
    made = cli(
        "case", "create", "--db", db, "--kind", "incident", "--title", "Fjord ferry ticketing outage", "--json",
        "--set", "awareness_at=-5h", "--set", "member_state=NO", "--set", "cross_border=yes",
        "--set", "affected_states=IS,LI,SE", "--set", "systems_affected=unknown", "--set", "users_affected=1,200",
    )  # fmt: skip
    assert made.code == 0, made.stderr
    ref = made.json["ref"]
    shown = cli("case", "show", "--db", db, ref)
    assert "Norway (EEA)" in shown.stdout and "Iceland (EEA), Liechtenstein (EEA), Sweden" in shown.stdout
    assert "Systems affected" in shown.stdout and "unknown" in shown.stdout
    help_text = cli("case", "fields", "--kind", "incident").stdout
    assert "count-or-unknown" in help_text and "NO" in help_text

    path = tmp_path / "case.json"
    case_stix.export_case(workspace, ref, path)
    exported = orjson.loads(path.read_bytes())
    [incident] = [obj for obj in exported["objects"] if obj["type"] == "incident"]
    ours = incident["extensions"][case_schema.CASE_EXTENSION_ID]
    assert ours["details"]["systems_affected"] == "unknown" and ours["details"]["member_state"] == "NO"
    [definition] = [obj for obj in exported["objects"] if obj["type"] == "extension-definition"]
    assert definition["version"] == case_schema.SCHEMA_VERSION != "1.0.0"

    import_source(partner_workspace, path)
    [arrived] = [item for item in cases.list_cases(partner_workspace) if item.title == "Fjord ferry ticketing outage"]
    details = cases.get_case(partner_workspace, arrived.ref).incident
    assert details is not None
    assert (details.systems_affected, details.users_affected, details.member_state) == (UNKNOWN, 1200, MemberState.NO)


def test_a_case_sent_under_the_previous_schema_version_arrives_and_is_sent_on_under_the_current_one(
    partner_workspace: Workspace, tmp_path: Path
) -> None:
    document: dict[str, Any] = orjson.loads(OLD_BUNDLE.read_bytes())
    [old_definition] = [obj for obj in document["objects"] if obj["type"] == "extension-definition"]
    assert old_definition["version"] == "1.0.0"
    result = import_source(partner_workspace, OLD_BUNDLE)
    assert result.summary.committed
    [arrived] = [item for item in cases.list_cases(partner_workspace) if item.title.endswith("(fixture)")]
    case = cases.get_case(partner_workspace, arrived.ref)
    assert case.incident is not None
    assert (case.incident.systems_affected, case.incident.users_affected) == (7, 0)
    assert case.incident.affected_states == [MemberState.SE, MemberState.FI]
    assert [(item.stage.value, item.reference) for item in case.stages] == [("early-warning", "CFCS-1")]
    # Sent on, the case carries the current definition, not the partner's older one it was stored with.
    path = tmp_path / "onward.json"
    case_stix.export_case(partner_workspace, arrived.ref, path)
    [definition] = [obj for obj in orjson.loads(path.read_bytes())["objects"] if obj["type"] == "extension-definition"]
    assert definition["version"] == case_schema.SCHEMA_VERSION
