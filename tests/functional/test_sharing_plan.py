"""The sharing plan over a real workspace: every marking case in an export preview, and the invariant that every
selected object either leaves or is listed with its reason, on large mixed selections."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.conftest import indicator, malware, relationship, stix_id
from tests.exchange_support import Pair, pair
from tests.marking_samples import custom_tlp, isa_marking, opencti_amber_strict, opencti_pap, statement
from workbench.domain.markings import marking_refs
from workbench.domain.stix import iter_refs
from workbench.domain.tlp import OPENCTI_AMBER_STRICT_ID, Tlp
from workbench.services import exchange, markings
from workbench.services.exchange.policy import How, how, plan_export
from workbench.services.workspace import Workspace
from workbench.storage.objects import ObjectStore

__all__ = ["pair"]

PARTNER = "US Cybersecurity Agency"
RED, AMBER, GREEN, CLEAR = (level.marking_id for level in (Tlp.RED, Tlp.AMBER, Tlp.GREEN, Tlp.CLEAR))


def held_reasons(ws: Workspace, **options: Any) -> dict[str, str]:
    preview = exchange.preview_export(ws, PARTNER, **options)
    return {item.id: item.reason for item in preview.held_back if item.version is None}


def test_each_marking_case_is_held_back_with_its_reason_in_the_preview(pair: Pair) -> None:
    custom, pap, isa = (stix_id("marking-definition") for _ in range(3))
    strict = indicator(name="OpenCTI strict", object_marking_refs=[OPENCTI_AMBER_STRICT_ID])
    custom_red = indicator(name="custom red", object_marking_refs=[custom])
    paps = indicator(name="PAP", object_marking_refs=[GREEN, pap])
    aclmarked = indicator(name="ISA", object_marking_refs=[isa])
    fine = indicator(name="fine", object_marking_refs=[AMBER])
    pair.stock(opencti_amber_strict(), custom_tlp(custom, "red"), opencti_pap(pap), isa_marking(isa))
    pair.stock(strict, custom_red, paps, aclmarked, fine)
    reasons = held_reasons(pair.eu)
    assert reasons[strict["id"]] == f"TLP:AMBER+STRICT, above TLP:AMBER, the ceiling for {PARTNER}"
    assert reasons[custom_red["id"]] == f"TLP:RED, above TLP:AMBER, the ceiling for {PARTNER}"
    assert reasons[paps["id"]] == f"marking {pap} not understood (definition_type 'PAP'); map it to a TLP level"
    assert reasons[aclmarked["id"]].startswith(f"marking {isa} not understood (extension extension-definition--3a6")
    assert fine["id"] not in reasons
    assert reasons[pap] == reasons[paps["id"]] and isa in reasons  # their definitions are listed, not sent

    markings.map_marking(pair.eu, pap, Tlp.GREEN)
    reasons = held_reasons(pair.eu)
    assert paps["id"] not in reasons and pap not in reasons
    assert pair.eu.objects.row(paps["id"]).tlp is Tlp.GREEN  # shown at the mapped level too


def test_stored_citations_the_importer_now_refuses_are_judged_not_read_as_unmarked(pair: Pair) -> None:
    """Objects stored before ids were compared exactly (the store accepts them as they are)."""
    shouting = indicator(name="upper", object_marking_refs=[RED.replace(RED[20:], RED[20:].upper())])
    newline = indicator(name="newline", object_marking_refs=[RED + "\n"])
    with pair.eu.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", "old.json")
        store.put(shouting, source)
        store.put(newline, source)
    reasons = held_reasons(pair.eu, unmarked_as=Tlp.CLEAR)
    assert reasons[shouting["id"]] == f"TLP:RED, above TLP:AMBER, the ceiling for {PARTNER}"
    assert reasons[newline["id"]].startswith(f"marking {RED}\n not understood (not a marking-definition id)")


def test_a_definition_nothing_cites_leaves_with_everything_or_is_listed(pair: Pair) -> None:
    admiralty = [statement(stix_id("marking-definition"), f"Admiralty Credibility: {n}") for n in range(1, 7)]
    pap = stix_id("marking-definition")
    pair.stock(*admiralty, opencti_pap(pap), indicator())
    preview = exchange.preview_export(pair.eu, PARTNER)
    assert [item.id for item in preview.held_back] == [pap]
    result = pair.export()
    assert result.object_count == preview.object_count == 6 + 3  # the definitions, our identity, CLEAR, the indicator


def judged_leaving(ws: Workspace, plan: Any, limit: Tlp, unmarked_as: Tlp) -> None:
    """What leaves cites no marking not understood, is not above ``limit`` and refers to nothing held back."""
    judge = markings.judge_for(ws.conn)
    held = {item.id for item in plan.held if item.version is None}
    store = ws.objects
    for stix_id_ in plan.object_ids:
        obj = store.get(stix_id_)
        verdict = judge.verdict(marking_refs(obj))
        assert not verdict.not_understood, stix_id_
        if obj["type"] != "marking-definition":
            assert (verdict.level if verdict.level is not None else unmarked_as) <= limit, stix_id_
        assert not [target for prop, target in iter_refs(obj) if how(prop) is How.CONTENT and target in held]


def mixed_store(ws: Workspace, pair: Pair, count: int, seed: int) -> list[str]:
    """``count`` objects of every marking kind, linked by relationships, reports and notes; their ids."""
    rng = random.Random(seed)
    custom, pap, isa, mitre = (stix_id("marking-definition") for _ in range(4))
    definitions = [custom_tlp(custom, "amber"), opencti_pap(pap), isa_marking(isa), statement(mitre, "Copyright")]
    definitions.append(opencti_amber_strict())
    choices: list[list[str]] = [
        [],
        [CLEAR],
        [GREEN],
        [AMBER],
        [RED],
        [OPENCTI_AMBER_STRICT_ID],
        [custom],
        [pap, GREEN],
        [isa],
        [mitre],
        [stix_id("marking-definition")],
    ]
    objects: list[dict[str, Any]] = []
    for n in range(count):
        marks = rng.choice(choices)
        extra: dict[str, Any] = {"object_marking_refs": marks} if marks else {}
        if rng.random() < 0.05:
            extra["granular_markings"] = [{"marking_ref": rng.choice([RED, GREEN]), "selectors": ["name"]}]
        kind = rng.random()
        known = [obj["id"] for obj in objects if obj["type"] in ("indicator", "malware")]
        if kind < 0.5 or len(known) < 5:
            objects.append(indicator(name=f"beacon {n}", **extra))
        elif kind < 0.65:
            objects.append(malware(name=f"family {n}", **extra))
        elif kind < 0.85:
            objects.append(relationship(rng.choice(known), rng.choice(known), **extra))
        elif kind < 0.95:
            refs = rng.sample(known, 3)
            objects.append(
                {
                    "type": "report",
                    "spec_version": "2.1",
                    "id": stix_id("report"),
                    "created": "2026-01-10T08:00:00.000Z",
                    "modified": "2026-01-10T08:00:00.000Z",
                    "name": f"report {n}",
                    "published": "2026-01-10T08:00:00.000Z",
                    "object_refs": refs,
                    **extra,
                }
            )
        else:
            objects.append(
                {
                    "type": "note",
                    "spec_version": "2.1",
                    "id": stix_id("note"),
                    "created": "2026-01-10T08:00:00.000Z",
                    "modified": "2026-01-10T08:00:00.000Z",
                    "content": f"note {n}",
                    "object_refs": [rng.choice(known)],
                    **extra,
                }
            )
    pair.stock(*definitions, *objects)
    return [obj["id"] for obj in objects]


@pytest.mark.parametrize("seed", [1, 2])
def test_every_selected_object_leaves_or_is_listed_on_large_mixed_selections(pair: Pair, seed: int) -> None:
    ids = mixed_store(pair.eu, pair, 3_000, seed)
    rng = random.Random(seed)
    definitions = {row[0] for row in pair.eu.conn.execute("SELECT id FROM objects WHERE type = 'marking-definition'")}
    for roots in (None, rng.sample(ids, 40), rng.sample(ids, 400)):
        for limit in (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.RED):
            for unmarked_as in (Tlp.GREEN, Tlp.AMBER):
                plan = plan_export(pair.eu.conn, roots, ceiling=limit, unmarked_as=unmarked_as, recipient="P")
                held = [item.id for item in plan.held if item.version is None]
                assert len(held) == len(set(held)), "an object is listed twice"
                assert not set(held) & plan.object_ids, "an object both leaves and is held back"
                assert plan.selected <= plan.object_ids | set(held), "a selected object vanished"
                assert plan.object_ids - plan.selected <= definitions, "something left that was not selected"
                assert len(plan.vids) >= len(plan.object_ids)
                judged_leaving(pair.eu, plan, limit, unmarked_as)
