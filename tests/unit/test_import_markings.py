"""Markings as the importer reads them: every TLP form at its level, exact ids, equivalent built-in definitions,
markings not understood reported and never read as unmarked."""

from __future__ import annotations

import pytest

from tests.conftest import bundle, indicator, stix_id
from tests.marking_samples import (
    WHITE_ID,
    custom_tlp,
    misp_tlp2,
    opencti_amber_strict,
    opencti_clear_under_white_id,
    opencti_older,
    opencti_pap,
)
from workbench.domain.errors import InvalidInput
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, OPENCTI_AMBER_STRICT_ID, Tlp
from workbench.services.importing import importer
from workbench.services.importing.importer import import_file
from workbench.services.workspace import Workspace
from workbench.storage.objects import store_digest

RED = Tlp.RED.marking_id


def shown_level(ws: Workspace, object_id: str) -> Tlp | None:
    row = ws.objects.row(object_id)
    assert row is not None
    return row.tlp


def test_opencti_and_custom_tlp_markings_are_read_at_their_level(workspace: Workspace, write_json) -> None:  # type: ignore[no-untyped-def]
    custom = stix_id("marking-definition")
    strict = indicator(object_marking_refs=[OPENCTI_AMBER_STRICT_ID])
    red = indicator(object_marking_refs=[custom])
    summary = import_file(workspace, write_json(bundle(opencti_amber_strict(), custom_tlp(custom, "red"), strict, red)))
    assert summary.objects_refused == 0
    assert shown_level(workspace, strict["id"]) is Tlp.AMBER_STRICT
    assert shown_level(workspace, red["id"]) is Tlp.RED


def test_a_definition_after_its_objects_still_sets_their_level(workspace: Workspace, write_json) -> None:  # type: ignore[no-untyped-def]
    custom = stix_id("marking-definition")
    early = indicator(object_marking_refs=[custom])
    summary = import_file(workspace, write_json(bundle(early, opencti_older(custom, "TLP:AMBER"))))
    assert shown_level(workspace, early["id"]) is Tlp.AMBER
    assert not [finding for finding in summary.warnings if "not understood" in finding.message]


def test_upper_case_uuids_are_written_in_lower_case_and_compare_as_the_same_id(
    workspace: Workspace, write_json
) -> None:  # type: ignore[no-untyped-def]
    shouting = indicator(
        object_marking_refs=[
            RED.replace("e828b379-4e03-4974-9ac4-e53a884c97c1", "E828B379-4E03-4974-9AC4-E53A884C97C1")
        ]
    )
    shouting["id"] = shouting["id"].upper().replace("INDICATOR", "indicator")
    summary = import_file(workspace, write_json(bundle(shouting)))
    lower = shouting["id"].lower()
    stored = workspace.objects.get(lower)
    assert stored is not None and stored["object_marking_refs"] == [RED]
    assert shown_level(workspace, lower) is Tlp.RED
    assert any("upper-case UUIDs" in finding.message for finding in summary.warnings)
    again = import_file(workspace, write_json(bundle(dict(shouting, id=lower))))
    assert again.unchanged == 1 and again.new == 0  # the same object, whichever way its UUID was written


def test_a_marking_reference_with_a_trailing_newline_is_refused(workspace: Workspace, write_json) -> None:  # type: ignore[no-untyped-def]
    sneaky = indicator(object_marking_refs=[RED + "\n"])
    summary = import_file(workspace, write_json(bundle(sneaky, indicator())))
    assert summary.objects_refused == 1 and summary.new == 1
    assert summary.refusal_reasons[0].object_id == sneaky["id"]
    assert "not an identifier" in summary.refusal_reasons[0].message


def test_the_same_level_in_another_form_under_a_built_in_id_is_kept_as_the_built_in(
    workspace: Workspace, write_json
) -> None:  # type: ignore[no-untyped-def]
    before = store_digest(workspace.conn)
    summary = import_file(workspace, write_json(bundle(opencti_clear_under_white_id(), misp_tlp2(Tlp.AMBER_STRICT))))
    assert summary.objects_refused == 0 and summary.unchanged == 2 and not summary.committed
    assert store_digest(workspace.conn) == before
    assert workspace.objects.get(WHITE_ID) == BUILTIN_MARKING_DEFINITIONS[WHITE_ID]
    [warning] = summary.warnings  # MISP's is ours in another key order: nothing to say about it
    assert warning.object_id == WHITE_ID and "another form of the same level" in warning.message
    redefined = import_file(workspace, write_json(bundle(opencti_older(WHITE_ID, "TLP:RED"))))
    assert redefined.objects_refused == 1 and "cannot be redefined" in redefined.refusal_reasons[0].message


def test_a_marking_not_understood_is_reported_once_and_judged_red(workspace: Workspace, write_json) -> None:  # type: ignore[no-untyped-def]
    pap = stix_id("marking-definition")
    marked = [indicator(object_marking_refs=[Tlp.GREEN.marking_id, pap]) for _ in range(5)]
    summary = import_file(workspace, write_json(bundle(opencti_pap(pap), *marked)))
    assert summary.new == 6 and summary.objects_refused == 0
    [warning] = [finding for finding in summary.warnings if "not understood" in finding.message]
    assert warning.object_id == pap and "definition_type 'PAP'" in warning.message
    assert f"{marked[0]['id']}" in warning.message and "and 2 more judged at TLP:RED" in warning.message
    assert all(shown_level(workspace, obj["id"]) is Tlp.RED for obj in marked)


def test_a_definition_in_a_later_import_sets_the_level_of_objects_stored_before(
    workspace: Workspace, write_json
) -> None:  # type: ignore[no-untyped-def]
    custom = stix_id("marking-definition")
    early = indicator(object_marking_refs=[custom])
    first = import_file(workspace, write_json(bundle(early)))
    assert any("its definition was never received" in finding.message for finding in first.warnings)
    assert shown_level(workspace, early["id"]) is Tlp.RED
    second = import_file(workspace, write_json(bundle(custom_tlp(custom, "green"))))
    assert second.new == 1 and shown_level(workspace, early["id"]) is Tlp.GREEN


def test_a_definition_cannot_be_given_another_meaning_later(workspace: Workspace, write_json) -> None:  # type: ignore[no-untyped-def]
    custom = stix_id("marking-definition")
    marked = indicator(object_marking_refs=[custom])
    import_file(workspace, write_json(bundle(custom_tlp(custom, "amber"), marked)))
    summary = import_file(
        workspace, write_json(bundle(custom_tlp(custom, "clear") | {"created": "2025-03-01T00:00:00.000Z"}))
    )
    assert summary.objects_refused == 1 and "another meaning than its definition held already" in (
        summary.refusal_reasons[0].message
    )
    assert shown_level(workspace, marked["id"]) is Tlp.AMBER
    same_bundle = stix_id("marking-definition")
    twice = import_file(workspace, write_json(bundle(custom_tlp(same_bundle, "red"), custom_tlp(same_bundle, "green"))))
    assert twice.objects_refused == 1 and twice.new == 1


def _tlp_updates(ws: Workspace) -> list[str]:
    """Record the statements that rewrite a shown level after objects were written."""
    statements: list[str] = []
    ws.conn.set_trace_callback(lambda sql: statements.append(sql) if sql.startswith("UPDATE objects SET tlp") else None)
    return statements


def test_objects_waiting_for_a_later_definition_are_held_and_written_at_their_level(
    workspace: Workspace, write_json, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    custom = stix_id("marking-definition")
    early = [indicator(object_marking_refs=[custom]) for _ in range(5)]
    plain = [indicator() for _ in range(3)]
    updates = _tlp_updates(workspace)
    summary = import_file(workspace, write_json(bundle(*plain, *early, opencti_older(custom, "TLP:AMBER"))))
    assert summary.new == 9 and summary.objects_refused == 0
    assert all(shown_level(workspace, obj["id"]) is Tlp.AMBER for obj in early)
    assert all(shown_level(workspace, obj["id"]) is None for obj in plain)
    assert updates == []  # held until the definition came, not written at TLP:RED and rewritten


def test_objects_held_beyond_the_bound_are_written_red_and_set_when_the_definition_comes(
    workspace: Workspace, write_json, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    monkeypatch.setattr(importer, "HOLD_OBJECTS", 3)
    custom, never = stix_id("marking-definition"), stix_id("marking-definition")
    early = [indicator(object_marking_refs=[custom]) for _ in range(6)]
    unclear = indicator(object_marking_refs=[never, Tlp.GREEN.marking_id])
    updates = _tlp_updates(workspace)
    summary = import_file(workspace, write_json(bundle(*early, unclear, custom_tlp(custom, "green"))))
    assert summary.new == 8 and summary.objects_refused == 0
    assert all(shown_level(workspace, obj["id"]) is Tlp.GREEN for obj in early)
    assert shown_level(workspace, unclear["id"]) is Tlp.RED
    assert updates  # the batches past the bound were written before the definition came
    [warning] = [finding for finding in summary.warnings if "not understood" in finding.message]
    assert warning.object_id == never


def test_a_late_definition_above_the_ceiling_refuses_the_document_even_when_held(
    workspace: Workspace, write_json, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(importer, "BATCH_SIZE", 2)
    custom = stix_id("marking-definition")
    early = [indicator(object_marking_refs=[custom]) for _ in range(3)]
    with pytest.raises(InvalidInput, match="above TLP:GREEN agreed for this package"):
        import_file(workspace, write_json(bundle(*early, custom_tlp(custom, "red"))), ceiling=Tlp.GREEN)
    assert all(workspace.objects.row(obj["id"]) is None for obj in early)
