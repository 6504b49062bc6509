"""Cases through signed exchange packages, EU to US: field for field, held back what may not leave, newer versions
update the partner's case, replays are refused, and the incident objects in the package pass stix2-validator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from stix2validator import ValidationOptions, validate_instance

from tests.case_samples import full_exercise, full_incident
from tests.conftest import bundle, indicator, threat_actor
from tests.exchange_support import Pair, digest, pair
from tests.functional.test_case_stix import comparable
from workbench.domain.errors import InvalidInput, VerificationFailed
from workbench.domain.exercise_material import EXERCISE_MARKING_ID, mark_as_exercise
from workbench.domain.tlp import Tlp
from workbench.services import cases, exchange, intake, keys
from workbench.services.cases import links as case_links
from workbench.services.cases import records as case_records
from workbench.services.cases import stix as case_stix
from workbench.services.cases.exchange import CaseSelection
from workbench.services.cases.schema import CASE_EXTENSION_ID
from workbench.services.importing import foreign
from workbench.services.importing.importer import import_file
from workbench.services.intake import import_source
from workbench.services.workspace import Workspace

__all__ = ["pair"]
US, EU = "US Cybersecurity Agency", "EU Agency for Cybersecurity"
RED, AMBER, GREEN = Tlp.RED.marking_id, Tlp.AMBER.marking_id, Tlp.GREEN.marking_id


def bundle_in(package: Path) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = orjson.loads((package / "payload" / "bundle.json").read_bytes())["objects"]
    return objects


@pytest.fixture
def strict_pair(workspace: Workspace, partner_workspace: Workspace, tmp_path: Path) -> Pair:
    """EU and US with TLP:AMBER+STRICT agreed both ways (the sample incident is AMBER+STRICT)."""
    eu_pem, us_pem = tmp_path / "eu.pub.pem", tmp_path / "us.pub.pem"
    keys.export_public(workspace, eu_pem)
    keys.export_public(partner_workspace, us_pem)
    exchange.add_partner(workspace, US, us_pem.read_bytes(), tlp_send=Tlp.AMBER_STRICT)
    exchange.add_partner(partner_workspace, EU, eu_pem.read_bytes(), tlp_accept=Tlp.AMBER_STRICT)
    return Pair(workspace, partner_workspace, eu_pem, us_pem, tmp_path)


def link_from_library(pair: Pair, ref: str, *objects: dict[str, Any]) -> None:
    pair.stock(*objects)
    case_links.link_objects(pair.eu, ref, [obj["id"] for obj in objects])


@pytest.mark.parametrize("make", [full_incident, full_exercise])
def test_a_case_of_each_kind_arrives_field_for_field(strict_pair: Pair, make) -> None:  # type: ignore[no-untyped-def]
    ref = make(strict_pair.eu)
    actor = threat_actor(object_marking_refs=[GREEN], name="Sandstorm Owl")
    beacon = indicator(object_marking_refs=[AMBER], name="Second C2")
    if make is full_exercise:  # an exercise links scenario objects, exercise material like itself
        actor, beacon = mark_as_exercise(actor), mark_as_exercise(beacon)
    link_from_library(strict_pair, ref, actor, beacon)
    original = cases.get_case(strict_pair.eu, ref)

    result = strict_pair.export(selection=CaseSelection(ref))
    # An exercise's package carries no identity (a real organisation): its author stays home, listed.
    authors = {strict_pair.eu.identity_id} if make is full_exercise else set()
    assert {item.id for item in result.held_back} == authors
    assert all(item.reason.startswith("not exercise material") for item in result.held_back)
    imported = import_source(strict_pair.us, result.path)
    assert imported.result.committed and not imported.result.summary.refusal_reasons
    assert len(imported.created) == 1 and not imported.updated

    arrived = cases.get_case(strict_pair.us, imported.created[0])
    assert comparable(arrived) == comparable(original)
    assert arrived.origin == EU and arrived.origin_ref == ref
    assert {actor["id"], beacon["id"]} < set(original.linked)
    for object_id in original.linked:  # the linked objects are in the partner's library, as sent
        assert strict_pair.us.objects.get(object_id) == strict_pair.eu.objects.get(object_id)
    assert {link.origin for link in case_links.links(strict_pair.us, arrived.ref)} == {"partner"}
    # The case objects are marked with the case's TLP and came with the package's provenance.
    own = [obj for obj in bundle_in(result.path) if obj["id"] in case_stix.own_object_ids(original)]
    marked = [original.tlp.marking_id]  # type: ignore[union-attr]
    if make is full_exercise:
        marked = [EXERCISE_MARKING_ID, *marked]
    assert own and all(obj["object_marking_refs"] == marked for obj in own)
    provenance = strict_pair.us.objects.versions(original.stix_id)[0].provenance
    assert provenance.package_id == result.package_id and provenance.partner_key_id == strict_pair.eu_key
    # Objects, case and channel state came in together.
    assert [entry.package_id for entry in exchange.inbox(strict_pair.us)] == [result.package_id]


def test_a_red_linked_object_stays_home_and_the_export_lists_it(pair: Pair) -> None:
    ref = cases.create_case(pair.eu, "incident", "Port intrusion", tlp="amber").ref
    secret = indicator(object_marking_refs=[RED], name="Informant's beacon")
    shared = indicator(object_marking_refs=[GREEN], name="Shared beacon")
    link_from_library(pair, ref, secret, shared)
    before = digest(pair.eu)
    preview = exchange.preview_export(pair.eu, US, CaseSelection(ref))
    assert digest(pair.eu) == before

    result = pair.export(selection=CaseSelection(ref))
    assert (preview.object_count, preview.held_back) == (result.object_count, result.held_back)
    reasons = {item.id: item.reason for item in result.held_back}
    assert set(reasons) == {secret["id"]} and "TLP:RED" in reasons[secret["id"]]
    sent = json.dumps(bundle_in(result.path))
    assert secret["id"] not in sent and RED not in sent  # not even the grouping names it
    assert result.tlp_ceiling is Tlp.AMBER

    imported = import_source(pair.us, result.path)
    arrived = cases.get_case(pair.us, imported.created[0])
    assert arrived.linked == [shared["id"]]
    assert pair.us.objects.get(secret["id"]) is None


def test_a_case_marked_above_the_partners_ceiling_is_refused_whole(pair: Pair) -> None:
    ref = cases.create_case(pair.eu, "exercise", "Red team rehearsal", tlp="red").ref
    link_from_library(pair, ref, indicator(object_marking_refs=[GREEN]))
    medium = pair.medium()
    before = digest(pair.eu)
    with pytest.raises(InvalidInput, match=rf"case {ref} is TLP:RED, above TLP:AMBER, the ceiling for {US}"):
        pair.export(selection=CaseSelection(ref), dest=medium)
    assert list(medium.iterdir()) == [] and exchange.outbox(pair.eu) == [] and digest(pair.eu) == before
    with pytest.raises(InvalidInput, match="no case 'EXE-1999-0001'"):
        pair.export(selection=CaseSelection("EXE-1999-0001"))


def test_a_second_export_updates_the_partners_case_and_a_replayed_package_is_refused(pair: Pair) -> None:
    ref = full_exercise(pair.eu)
    first = pair.export(selection=CaseSelection(ref))
    local_ref = import_source(pair.us, first.path).created[0]
    stix_id = cases.get_case(pair.eu, ref).stix_id
    first_version = cases.get_case(pair.us, stix_id).modified

    case_records.add_record(
        pair.eu,
        ref,
        "observation",
        {"kind": "area-for-improvement", "title": "No backup line", "recommendation": "Order a second line"},
    )
    cases.update_case(pair.eu, ref, status="conducted")
    second = pair.export(selection=CaseSelection(ref))
    assert second.sequence == 2
    imported = import_source(pair.us, second.path)
    assert imported.updated == (local_ref,) and not imported.created
    assert f"case {local_ref} updated from the import" in imported.messages
    arrived = cases.get_case(pair.us, local_ref)
    assert comparable(arrived) == comparable(cases.get_case(pair.eu, ref)) and arrived.modified > first_version
    assert len(pair.us.objects.versions(stix_id)) == 2

    before = digest(pair.us)
    for old in (first, second):
        with pytest.raises(VerificationFailed, match=r"^replay: package .* was already imported"):
            import_source(pair.us, old.path)
    assert digest(pair.us) == before
    assert comparable(cases.get_case(pair.us, local_ref)) == comparable(arrived)
    assert len(cases.list_cases(pair.us)) == 1


def test_incident_objects_in_the_package_pass_the_stix2_validator(strict_pair: Pair) -> None:
    ref = full_incident(strict_pair.eu)
    objects = bundle_in(strict_pair.export(selection=CaseSelection(ref)).path)
    kinds = {obj["type"] for obj in objects}
    assert {"incident", "event", "task", "grouping", "extension-definition", "indicator", "attack-pattern"} <= kinds
    failures = []
    for obj in objects:
        result = validate_instance(obj, ValidationOptions())
        failures.extend(f"{obj['id']}: {error}" for error in result.errors)
    assert failures == []
    assert sum(obj["id"] == CASE_EXTENSION_ID for obj in objects) == 1


def test_a_package_links_to_a_local_case_and_the_partners_changes_come_back(pair: Pair, write_json) -> None:  # type: ignore[no-untyped-def]
    ref = full_exercise(pair.eu)
    sent = pair.export(selection=CaseSelection(ref))
    # Dry run first: the preview says what would happen and keeps nothing.
    before = digest(pair.us)
    preview = import_source(pair.us, sent.path, dry_run=True)
    assert len(preview.created) == 1 and not preview.result.committed and digest(pair.us) == before
    assert cases.list_cases(pair.us) == []

    # Exercise material links to an exercise (a real incident never holds it).
    own = cases.create_case(pair.us, "exercise", "Our view of the exercise adversary").ref
    imported = import_source(pair.us, sent.path, case_ref=own.lower())
    adopted = imported.created[0]
    linked = {link.object_id for link in case_links.links(pair.us, own)}
    expected = set(cases.get_case(pair.eu, ref).linked)
    assert linked == expected  # what the package brought: not the case objects, nor who wrote them
    assert cases.get_case(pair.us, adopted).stix_id not in linked
    assert imported.linked == len(linked)

    # The US analyst adds a note about the exercise and sends the case back. The US store holds the case's
    # objects as received, and the note refers to them: the package still carries each object once, as it is now.
    exercise_id = cases.get_case(pair.us, adopted).stix_id
    note = {
        "type": "note",
        "spec_version": "2.1",
        "id": "note--" + "8" * 8 + "-8888-4888-8888-" + "8" * 12,
        "created": "2026-06-12T08:00:00.000Z",
        "modified": "2026-06-12T08:00:00.000Z",
        "content": "Our observers agree with the rating.",
        "object_refs": [exercise_id],
        "object_marking_refs": [GREEN],
    }
    note = mark_as_exercise(note)  # a note about an exercise is exercise material, or it would not travel with it
    import_file(pair.us, write_json(bundle(note)))
    case_links.link_objects(pair.us, adopted, [note["id"]])
    back = exchange.export_package(pair.us, pair.medium(), EU, CaseSelection(adopted))
    ids = [obj["id"] for obj in bundle_in(back.path)]
    assert len(ids) == len(set(ids)) and note["id"] in ids
    before_return = comparable(cases.get_case(pair.eu, ref))
    returned = import_source(pair.eu, back.path)
    # Our case is ours: the partner's changed version waits as foreign versions until the analyst accepts it.
    assert not returned.updated and not returned.created and len(cases.list_cases(pair.eu)) == 1
    assert comparable(cases.get_case(pair.eu, ref)) == before_return
    waiting = foreign.foreign_versions(pair.eu)
    assert waiting and {row.id for row in waiting} <= case_stix.own_object_ids(cases.get_case(pair.eu, ref))
    assert pair.eu.objects.get(note["id"]) == note  # a new object of theirs is simply stored
    intake.accept_foreign_versions(pair.eu, [row.fid for row in waiting])
    home = cases.get_case(pair.eu, ref)
    assert note["id"] in home.linked and home.origin == "local"
    assert comparable(home) == comparable(cases.get_case(pair.us, adopted))
    assert foreign.foreign_versions(pair.eu) == []


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert result.code == 1 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return str(lines[0])


def test_the_command_exports_a_case_and_imports_it_into_a_local_case(pair: Pair, cli) -> None:  # type: ignore[no-untyped-def]
    ref = cases.create_case(pair.eu, "incident", "Port intrusion", tlp="amber").ref
    secret = indicator(object_marking_refs=[RED], name="Informant's beacon")
    shared = indicator(object_marking_refs=[GREEN], name="Shared beacon")
    link_from_library(pair, ref, secret, shared)
    secret_case = cases.create_case(pair.eu, "exercise", "Red team rehearsal", tlp="red").ref
    own = cases.create_case(pair.us, "incident", "Harbour outage").ref
    eu, us, usb = str(pair.eu.path), str(pair.us.path), pair.medium()

    done = cli("export", "--db", eu, "--to", str(usb), "--recipient", US, "--case", ref)
    assert done.code == 0, done.stderr
    assert "held back: 1" in done.stdout and f'{secret["id"]} "Informant\'s beacon": TLP:RED' in done.stdout
    refused = one_line_error(cli("export", "--db", eu, "--to", str(usb), "--recipient", US, "--case", secret_case))
    assert refused.endswith(
        f"case {secret_case} is TLP:RED, above TLP:AMBER, the ceiling for {US}: it cannot be "
        "sent to them; nothing was written"
    )
    (package,) = usb.iterdir()

    before = digest(pair.us)
    assert "no case 'INC-1999-0001'" in one_line_error(
        cli("import", "--db", us, "--case", "INC-1999-0001", str(package))
    )
    assert digest(pair.us) == before
    done = cli("import", "--db", us, "--case", own, "--json", str(package))
    assert done.code == 0, done.stderr
    (result,) = done.json
    assert result["committed"] and result["cases"] == {
        "created": ["INC-2026-0002"],
        "updated": [],
        "older": [],
        "linked": 1,
    }
    assert {link.object_id for link in case_links.links(pair.us, own)} == {shared["id"]}
    assert cases.get_case(pair.us, "INC-2026-0002").linked == [shared["id"]]
    again = cli("import", "--db", us, str(package))
    assert "replay" in one_line_error(again)
