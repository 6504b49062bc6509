"""Markings at the boundary, in signed packages: every form of TLP judged at its level on the way in, markings not
understood warned and kept at TLP:RED, equivalent built-in definitions accepted; our own objects marked TLP:CLEAR
on the way out."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.case_samples import full_incident
from tests.conftest import indicator, stix_id
from tests.exchange_support import Pair, bundle_bytes, craft, digest, manifest_for, new_private_key, pair
from tests.marking_samples import (
    custom_tlp,
    misp_tlp2,
    opencti_amber_strict,
    opencti_clear_under_white_id,
    opencti_pap,
)
from workbench.domain.errors import WorkbenchError
from workbench.domain.tlp import OPENCTI_AMBER_STRICT_ID, Tlp
from workbench.services import cases, exchange
from workbench.services.cases.exchange import CaseSelection
from workbench.services.cases.schema import CASE_EXTENSION_ID, WORKBENCH_IDENTITY_ID

__all__ = ["pair"]
RED = Tlp.RED.marking_id


def package_of(pair: Pair, *objects: dict[str, Any], **manifest: Any) -> Path:
    data = bundle_bytes(*objects)
    name = f"package-{uuid.uuid4().hex[:8]}"
    return craft(pair.folder, manifest_for(pair, data, **manifest), {"payload/bundle.json": data}, pair.eu_signs, name)


def refused(pair: Pair, package: Path, cause: str) -> None:
    before = digest(pair.us)
    with pytest.raises(WorkbenchError, match=cause):
        exchange.import_package(pair.us, package)
    assert digest(pair.us) == before


def test_opencti_amber_strict_is_above_an_amber_package(pair: Pair) -> None:
    marked = indicator(object_marking_refs=[OPENCTI_AMBER_STRICT_ID])
    refused(pair, package_of(pair, opencti_amber_strict(), marked), r"is marked TLP:AMBER\+STRICT, above the package")
    # Without its definition in the bundle, OpenCTI's id is still known.
    refused(pair, package_of(pair, marked), r"is marked TLP:AMBER\+STRICT, above the package")


def test_a_custom_red_definition_counts_wherever_it_comes_in_the_bundle(pair: Pair) -> None:
    custom = stix_id("marking-definition")
    marked = indicator(object_marking_refs=[custom])
    refused(pair, package_of(pair, marked, indicator(), custom_tlp(custom, "red")), "is marked TLP:RED, above")


def test_an_upper_case_red_id_is_the_red_marking(pair: Pair) -> None:
    shouting = RED[:20] + RED[20:].upper()
    refused(pair, package_of(pair, indicator(object_marking_refs=[shouting])), "is marked TLP:RED, above")


def test_a_red_id_with_a_trailing_newline_is_no_marking_and_its_object_is_refused(pair: Pair) -> None:
    sneaky, fine = indicator(object_marking_refs=[RED + "\n"]), indicator()
    result = exchange.import_package(pair.us, package_of(pair, sneaky, fine))
    assert result.summary.objects_refused == 1 and result.summary.new == 1
    assert pair.us.objects.get(sneaky["id"]) is None and pair.us.objects.get(fine["id"]) is not None
    assert any("not understood (not a marking-definition id)" in warning for warning in result.verdict.warnings)


def test_a_marking_not_understood_arrives_warned_at_red_and_never_leaves_unmapped(pair: Pair) -> None:
    pap = stix_id("marking-definition")
    marked = indicator(name="PAP beacon", object_marking_refs=[Tlp.GREEN.marking_id, pap])
    result = exchange.import_package(pair.us, package_of(pair, opencti_pap(pap), marked))
    assert result.committed and result.summary.objects_refused == 0
    [warning] = [text for text in result.verdict.warnings if "not understood" in text]
    assert warning.startswith(f"1 object(s) cite marking {pap}, not understood (definition_type 'PAP')")
    assert any(finding.object_id == pap for finding in result.summary.warnings)
    assert pair.us.objects.row(marked["id"]).tlp is Tlp.RED
    exchange.add_partner(pair.us, "Third Agency", new_private_key()[1], tlp_send=Tlp.RED)
    preview = exchange.preview_export(pair.us, "Third Agency", tlp_max=Tlp.RED)
    reasons = {item.id: item.reason for item in preview.held_back}
    assert reasons[marked["id"]].startswith(f"marking {pap} not understood")


def test_built_in_definitions_in_another_form_are_accepted_with_a_warning(pair: Pair) -> None:
    white = indicator(object_marking_refs=["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"])
    strict = indicator(object_marking_refs=[Tlp.CLEAR.marking_id])
    restyled_clear = {**misp_tlp2(Tlp.CLEAR), "definition_type": "TLP:CLEAR"}
    package = package_of(pair, opencti_clear_under_white_id(), restyled_clear, white, strict)
    result = exchange.import_package(pair.us, package)
    assert result.committed and result.summary.new == 2 and result.summary.objects_refused == 0
    assert "the built-in TLP:WHITE marking is written in another form of the same level" in result.verdict.warnings
    assert "the built-in TLP:CLEAR marking is written in another form of the same level" in result.verdict.warnings
    assert pair.us.objects.row(white["id"]).tlp is Tlp.CLEAR


def test_a_green_case_leaves_with_a_green_ceiling_and_its_author(pair: Pair) -> None:
    ref = full_incident(pair.eu)
    cases.update_case(pair.eu, ref, tlp="green")
    result = pair.export(selection=CaseSelection(ref), tlp_max=Tlp.GREEN)
    objects = orjson.loads((result.path / "payload" / "bundle.json").read_bytes())["objects"]
    by_id = {obj["id"]: obj for obj in objects}
    incident = next(obj for obj in objects if obj["type"] == "incident")
    assert result.tlp_ceiling is Tlp.GREEN
    assert incident["created_by_ref"] == pair.eu.identity_id and pair.eu.identity_id in by_id
    for own in (pair.eu.identity_id, CASE_EXTENSION_ID, WORKBENCH_IDENTITY_ID):
        assert by_id[own]["object_marking_refs"] == [Tlp.CLEAR.marking_id], own
    imported = exchange.import_package(pair.us, result.path)
    assert imported.committed and imported.summary.objects_refused == 0


def test_the_manifests_ceiling_id_compares_as_every_other_id(pair: Pair) -> None:
    amber = Tlp.AMBER.marking_id
    shouting = amber[:20] + amber[20:].upper()
    result = exchange.import_package(pair.us, package_of(pair, indicator(), tlp_ceiling=shouting))
    assert result.committed and result.verdict.tlp_ceiling is Tlp.AMBER
    refused(pair, package_of(pair, indicator(), tlp_ceiling=amber + "\n"), "tlp_ceiling is not a TLP 2.0 marking")


def test_a_package_giving_a_held_definition_another_meaning_is_refused(pair: Pair) -> None:
    custom = stix_id("marking-definition")
    exchange.import_package(pair.us, package_of(pair, custom_tlp(custom, "red"), indicator()))
    lowered = {**custom_tlp(custom, "clear"), "created": "2025-06-01T00:00:00.000Z"}
    refused(pair, package_of(pair, lowered, indicator(object_marking_refs=[custom]), sequence=2), "another meaning")
