"""Cases through STIX: case -> bundle file -> a partner's workspace via import_file -> the same case, field for
field; exported incident objects pass stix2-validator with default options; bad case objects are refused whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from stix2validator import ValidationOptions, validate_file

from tests.case_samples import full_exercise, full_incident
from tests.conftest import bundle, indicator, malware
from workbench.domain.cases.case import Case
from workbench.domain.cases.fields import to_dict
from workbench.domain.errors import InvalidInput
from workbench.services import cases
from workbench.services.cases import links as case_links
from workbench.services.cases import records as case_records
from workbench.services.cases import schema as case_schema
from workbench.services.cases import stix as case_stix
from workbench.services.intake import import_source
from workbench.services.workspace import Workspace
from workbench.storage.objects import ObjectStore, store_digest


def comparable(case: Case) -> dict[str, Any]:
    """Everything a partner must receive, in a form that compares field for field."""
    details = case.incident if case.incident is not None else case.exercise
    return {
        "kind": case.kind,
        "title": case.title,
        "status": case.status,
        "tlp": case.tlp,
        "description": case.description,
        "stix_id": case.stix_id,
        "created": case.created,
        "modified": case.modified,
        "creator_ref": case.creator_ref,
        "details": to_dict(details),
        "records": {
            kind.value: [to_dict(record) for record in records] for kind, records in case.records.items() if records
        },
        "linked": sorted(case.linked),
    }


def carry(ws: Workspace, partner: Workspace, ref: str, folder: Path) -> tuple[Path, Any]:
    path = folder / f"{ref}.json"
    case_stix.export_case(ws, ref, path, overwrite=True)
    summary = import_source(partner, path).summary
    return path, summary


@pytest.mark.parametrize("make", [full_incident, full_exercise])
def test_a_case_of_each_kind_arrives_field_for_field(
    workspace: Workspace, partner_workspace: Workspace, tmp_path: Path, make
) -> None:  # type: ignore[no-untyped-def]
    ref = make(workspace)
    _, summary = carry(workspace, partner_workspace, ref, tmp_path)
    assert summary.committed and not summary.refusal_reasons
    original = cases.get_case(workspace, ref)
    arrived = cases.get_case(partner_workspace, original.stix_id)
    assert comparable(arrived) == comparable(original)
    # An exercise's bundle names no organisation (identities are real, not exercise material): its origin is the
    # file it came in.
    origin = f"{ref}.json" if make is full_exercise else "EU Agency for Cybersecurity"
    assert arrived.origin == origin and arrived.origin_ref == ref
    assert {link.origin for link in case_links.links(partner_workspace, arrived.ref)} == {"partner"}
    # The partner's linked objects are really in its library.
    assert all(partner_workspace.objects.get(object_id) for object_id in arrived.linked)


def test_exported_incident_objects_pass_the_stix2_validator_with_default_options(
    workspace: Workspace, tmp_path: Path
) -> None:
    ref = full_incident(workspace)
    path = tmp_path / "incident.json"
    case_stix.export_case(workspace, ref, path)
    result = validate_file(str(path), ValidationOptions())
    errors = [f"{item.object_id}: {error}" for item in result.object_results for error in item.errors]
    assert result.is_valid, errors
    objects = orjson.loads(path.read_bytes())["objects"]
    incident = next(obj for obj in objects if obj["type"] == "incident")
    core = incident["extensions"][case_stix.INCIDENT_CORE_ID]
    assert core["determination"] == "successful-attempt" and core["investigation_status"] == "new"
    assert len(core["events"]) == 1 and len(core["tasks"]) == 2 and core["recoverability"] == "supplemented"
    assert {obj["type"] for obj in objects} >= {
        "incident",
        "event",
        "task",
        "grouping",
        "indicator",
        "attack-pattern",
        "extension-definition",
        "marking-definition",
    }
    definition = next(obj for obj in objects if obj["type"] == "extension-definition")
    assert definition["schema"] == case_schema.shipped_schema_text()


def test_exporting_twice_gives_the_same_objects_and_a_second_import_changes_nothing(
    workspace: Workspace, partner_workspace: Workspace, tmp_path: Path
) -> None:
    ref = full_incident(workspace)
    first, _ = carry(workspace, partner_workspace, ref, tmp_path)
    objects = orjson.loads(first.read_bytes())["objects"]
    before = store_digest(partner_workspace.conn)
    _, again = carry(workspace, partner_workspace, ref, tmp_path)
    assert orjson.loads(first.read_bytes())["objects"] == objects
    assert not again.changed_anything and store_digest(partner_workspace.conn) == before
    assert len(cases.list_cases(partner_workspace)) == 1


def test_a_newer_version_updates_the_partners_case_and_an_older_one_does_not(
    workspace: Workspace, partner_workspace: Workspace, tmp_path: Path
) -> None:
    ref = full_incident(workspace)
    old_file, _ = carry(workspace, partner_workspace, ref, tmp_path)
    old_copy = tmp_path / "old.json"
    old_copy.write_bytes(old_file.read_bytes())
    cases.update_case(workspace, ref, status="contained", fields={"outlook": "improving"})
    case_records.record_stage(workspace, ref, "final", "2026-03-20T10:00:00Z")
    carry(workspace, partner_workspace, ref, tmp_path)
    stix_id = cases.get_case(workspace, ref).stix_id
    arrived = cases.get_case(partner_workspace, stix_id)
    assert comparable(arrived) == comparable(cases.get_case(workspace, ref))
    assert arrived.ref == "INC-2026-0001"
    import_source(partner_workspace, old_copy)
    assert comparable(cases.get_case(partner_workspace, stix_id)) == comparable(arrived)


def test_a_case_object_that_breaks_the_schema_or_the_model_is_refused_with_the_whole_import(
    workspace: Workspace, partner_workspace: Workspace, tmp_path: Path, write_json
) -> None:  # type: ignore[no-untyped-def]
    ref = full_exercise(workspace)
    path = tmp_path / "exercise.json"
    case_stix.export_case(workspace, ref, path)
    document = orjson.loads(path.read_bytes())
    grouping = next(obj for obj in document["objects"] if obj["type"] == "grouping")
    ours = grouping["extensions"][case_schema.CASE_EXTENSION_ID]
    ours["objectives"][0]["rating"] = "X"
    before = store_digest(partner_workspace.conn)
    with pytest.raises(InvalidInput, match="objectives/0/rating"):
        import_source(partner_workspace, write_json(document))
    ours["objectives"][0]["rating"] = "P"
    ours["injects"][0]["actual_at"] = "2026-06-09T08:00:00.000Z"  # valid for the schema, refused by the model
    with pytest.raises(InvalidInput, match="before the exercise starts"):
        import_source(partner_workspace, write_json(document))
    assert store_digest(partner_workspace.conn) == before


def test_import_into_a_case_links_what_was_imported(workspace: Workspace, write_json) -> None:  # type: ignore[no-untyped-def]
    ref = cases.create_case(workspace, "incident", "Phishing wave").ref
    found, family = indicator(name="Phish kit URL"), malware(name="Kit")
    summary = import_source(workspace, write_json(bundle(found, family)), case_ref=ref).summary
    assert summary.committed
    links = case_links.links(workspace, ref)
    assert {link.object_id for link in links} == {found["id"], family["id"]}
    assert {link.origin for link in links} == {"import"}
    with pytest.raises(InvalidInput, match="no case 'INC-1999-0001'"):
        import_source(workspace, write_json(bundle(indicator())), case_ref="INC-1999-0001")


def test_the_shipped_schema_is_the_one_the_field_model_generates() -> None:
    assert case_schema.shipped_schema_text() == case_schema.schema_text()
    assert case_schema.schema_digest() == case_schema.SCHEMA_SHA256
    definition = case_schema.extension_definition()
    assert definition["version"] == case_schema.SCHEMA_VERSION
    assert ObjectStore  # the definition is stored like any object when imported
