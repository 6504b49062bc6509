"""Each rule of the sharing plan on its own, over a handful of named rows; the plan (their composition) is tested
against a real workspace in test_sharing_plan.py."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tests.conftest import indicator, malware, relationship, stix_id
from tests.marking_samples import custom_tlp, opencti_pap, statement
from workbench.domain.markings import MarkingJudge
from workbench.domain.stix import iter_refs
from workbench.domain.tlp import Tlp
from workbench.services.exchange import policy
from workbench.services.exchange.policy import Ref, Row, View

RED, AMBER, GREEN, CLEAR = (level.marking_id for level in (Tlp.RED, Tlp.AMBER, Tlp.GREEN, Tlp.CLEAR))


def view_of(*objects: dict[str, Any]) -> View:
    """The rows and references of these objects, as ``policy.load_view`` reads them from a store."""
    rows = {obj["id"]: Row(obj["id"], obj["type"], number, obj.get("name", "")) for number, obj in enumerate(objects)}
    refs_out: dict[str, list[Ref]] = defaultdict(list)
    refs_in: dict[str, list[Ref]] = defaultdict(list)
    for obj in objects:
        for prop, target in iter_refs(obj):
            kind = policy.how(prop)
            if target in rows:
                refs_out[obj["id"]].append(Ref(target, kind))
                refs_in[target].append(Ref(obj["id"], kind))
            elif policy.is_marking(kind):
                refs_out[obj["id"]].append(Ref(target, kind))
    return View(rows, refs_out, refs_in)


def note(*refs: str) -> dict[str, Any]:
    return {
        "type": "note",
        "spec_version": "2.1",
        "id": stix_id("note"),
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "content": "seen in the wild",
        "object_refs": list(refs),
    }


def report(*refs: str, **overrides: Any) -> dict[str, Any]:
    obj = {
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report"),
        "created": "2026-01-10T08:00:00.000Z",
        "modified": "2026-01-10T08:00:00.000Z",
        "name": "Intrusion report",
        "published": "2026-01-10T08:00:00.000Z",
        "object_refs": list(refs),
    }
    obj.update(overrides)
    return obj


def test_brought_along_takes_what_roots_reference_and_what_fully_attaches_to_them() -> None:
    family, beacon, other = malware(), indicator(), indicator()
    link, stray = relationship(beacon["id"], family["id"]), relationship(other["id"], family["id"])
    remark = note(beacon["id"])
    view = view_of(family, beacon, other, link, stray, remark)
    assert policy.brought_along(view, [link["id"]]) == {link["id"], beacon["id"], family["id"], remark["id"]}
    assert policy.brought_along(view, [beacon["id"]]) == {beacon["id"], remark["id"]}


def test_unknown_markings_holds_back_what_cites_a_marking_not_understood_until_it_is_mapped() -> None:
    pap, missing = stix_id("marking-definition"), stix_id("marking-definition")
    cited = indicator(object_marking_refs=[GREEN, pap])
    orphan = indicator(granular_markings=[{"marking_ref": missing, "selectors": ["name"]}])
    plain = indicator(object_marking_refs=[GREEN])
    view = view_of(opencti_pap(pap), cited, orphan, plain)
    judge = MarkingJudge()
    judge.learn(opencti_pap(pap))
    held = policy.unknown_markings(view, [cited["id"], orphan["id"], plain["id"]], judge)
    assert held == {
        cited["id"]: f"marking {pap} not understood (definition_type 'PAP'); map it to a TLP level",
        orphan["id"]: f"marking {missing} not understood (its definition was never received); map it to a TLP level",
    }
    mapped = MarkingJudge(mappings={pap: Tlp.GREEN})
    mapped.learn(opencti_pap(pap))
    assert policy.unknown_markings(view, [cited["id"]], mapped) == {}


def test_ceiling_judges_object_markings_and_counts_what_nothing_restricts_as_unmarked_as() -> None:
    custom = stix_id("marking-definition")
    mitre = statement(stix_id("marking-definition"), "Copyright 2015-2025, The MITRE Corporation.")
    red, custom_red = indicator(object_marking_refs=[RED]), indicator(object_marking_refs=[custom])
    amber, unmarked = indicator(object_marking_refs=[AMBER]), indicator()
    copyrighted = indicator(object_marking_refs=[mitre["id"]])
    objects = [red, custom_red, amber, unmarked, copyrighted]
    view = view_of(custom_tlp(custom, "red"), mitre, *objects)
    judge = MarkingJudge()
    judge.learn(custom_tlp(custom, "red"))
    judge.learn(mitre)
    ids = [obj["id"] for obj in objects]
    held = policy.ceiling(view, ids, judge, Tlp.AMBER, Tlp.AMBER, "P")
    assert held == {
        red["id"]: "TLP:RED, above TLP:AMBER, the ceiling for P",
        custom_red["id"]: "TLP:RED, above TLP:AMBER, the ceiling for P",
    }
    held = policy.ceiling(view, ids, judge, Tlp.GREEN, Tlp.AMBER, "P")
    unmarked_reason = "unmarked (treated as TLP:AMBER), above TLP:GREEN, the ceiling for P"
    assert held[unmarked["id"]] == held[copyrighted["id"]] == unmarked_reason  # a statement restricts nothing
    assert set(held) == set(ids)
    assert policy.ceiling(view, [mitre["id"]], judge, Tlp.CLEAR, Tlp.AMBER, "P") == {}  # definitions: not unmarked


def test_granular_markings_hold_back_an_object_whose_marked_part_is_above_the_ceiling() -> None:
    partly = indicator(object_marking_refs=[GREEN], granular_markings=[{"marking_ref": RED, "selectors": ["pattern"]}])
    green_part = indicator(granular_markings=[{"marking_ref": GREEN, "selectors": ["name"]}])
    view = view_of(partly, green_part)
    held = policy.granular_markings(view, [partly["id"], green_part["id"]], MarkingJudge(), Tlp.AMBER, "P")
    assert held == {partly["id"]: "part of it marked TLP:RED, above TLP:AMBER, the ceiling for P"}
    assert policy.ceiling(view, [partly["id"]], MarkingJudge(), Tlp.AMBER, Tlp.AMBER, "P") == {}


def test_refers_to_held_follows_content_references_only() -> None:
    secret, family = indicator(object_marking_refs=[RED]), malware(created_by_ref=stix_id("identity"))
    link = relationship(secret["id"], family["id"])
    view = view_of(secret, family, link)
    candidates = {secret["id"], family["id"], link["id"]}
    held = {secret["id"]: "TLP:RED"}
    assert policy.refers_to_held(view, candidates, held, secret["id"]) == {
        link["id"]: f"refers to held-back {secret['id']}"
    }
    assert policy.refers_to_held(view, candidates, {**held, link["id"]: "x"}, secret["id"]) == {}


def test_referenced_only_by_held_keeps_a_victim_with_its_red_report_unless_chosen() -> None:
    victim, shared = indicator(name="victim"), indicator(name="shared")
    red = report(victim["id"], shared["id"], object_marking_refs=[RED])
    public = report(shared["id"], object_marking_refs=[GREEN])
    view = view_of(victim, shared, red, public)
    candidates = {victim["id"], shared["id"], red["id"], public["id"]}
    held = {red["id"]: "TLP:RED"}
    found = policy.referenced_only_by_held(view, candidates, set(), held, {red["id"]}, red["id"])
    assert found == {victim["id"]: f"only referenced by held-back {red['id']}"}
    assert policy.referenced_only_by_held(view, candidates, {victim["id"]}, held, {red["id"]}, red["id"]) == {}


def test_marking_definitions_leave_when_cited_or_selected_and_understood() -> None:
    pap, custom = stix_id("marking-definition"), stix_id("marking-definition")
    mitre = statement(stix_id("marking-definition"), "Copyright MITRE")
    secret_statement = statement(stix_id("marking-definition"), "Do not forward")
    secret_statement["object_marking_refs"] = [RED]
    definitions = [opencti_pap(pap), custom_tlp(custom, "green"), mitre, secret_statement]
    view = view_of(*definitions)
    judge = MarkingJudge()
    for definition in definitions:
        judge.learn(definition)
    ids = [definition["id"] for definition in definitions]
    leaving, held = policy.marking_definitions(view, ids, set(), judge, Tlp.AMBER, "P")
    assert leaving == {custom, mitre["id"]}
    assert held == {
        pap: f"marking {pap} not understood (definition_type 'PAP'); map it to a TLP level",
        secret_statement["id"]: "TLP:RED, above TLP:AMBER, the ceiling for P",
    }
    cited_leaving, _ = policy.marking_definitions(view, [], {pap, RED}, judge, Tlp.AMBER, "P")
    assert cited_leaving == {pap}  # cited by what leaves (mapped by then); RED is no stored row here
