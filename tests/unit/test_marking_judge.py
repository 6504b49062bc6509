"""What each marking means: every form of TLP producers write, statements, markings not understood, exact ids."""

from __future__ import annotations

import pytest

from tests.conftest import stix_id
from tests.marking_samples import (
    WHITE_ID,
    custom_tlp,
    isa_marking,
    misp_tlp1,
    misp_tlp2,
    opencti_amber_strict,
    opencti_clear_under_white_id,
    opencti_connector_amber_strict,
    opencti_older,
    opencti_pap,
    statement,
)
from workbench.domain.ids import canonical_id
from workbench.domain.markings import MarkingJudge, MarkingKind, builtin_conflict, classify
from workbench.domain.tlp import BUILTIN_MARKING_DEFINITIONS, OPENCTI_AMBER_STRICT_ID, Tlp

RED = Tlp.RED.marking_id


@pytest.mark.parametrize(
    ("definition", "level"),
    [
        (opencti_amber_strict(), Tlp.AMBER_STRICT),
        (opencti_clear_under_white_id(), Tlp.CLEAR),
        (opencti_connector_amber_strict(), Tlp.AMBER_STRICT),
        (opencti_older(stix_id("marking-definition"), "TLP:RED"), Tlp.RED),
        (misp_tlp1(Tlp.AMBER), Tlp.AMBER),
        (misp_tlp2(Tlp.AMBER_STRICT), Tlp.AMBER_STRICT),
        (custom_tlp(stix_id("marking-definition"), "red"), Tlp.RED),
        ({**custom_tlp(stix_id("marking-definition"), "amber"), "definition_type": "TLP:AMBER"}, Tlp.AMBER),
        ({"definition_type": "tlp_2_0", "definition": {"tlp_2_0": "amber+strict"}}, Tlp.AMBER_STRICT),
        (statement(stix_id("marking-definition"), "Shared as TLP:AMBER+STRICT, not further"), Tlp.AMBER_STRICT),
        (statement(stix_id("marking-definition"), "This document is distributed as TLP:GREEN."), Tlp.GREEN),
    ],
)
def test_every_form_of_tlp_is_read_at_its_level(definition: dict, level: Tlp) -> None:
    judged = classify(definition)
    assert (judged.kind, judged.level) == (MarkingKind.TLP, level)


def test_a_statement_without_a_level_restricts_nothing() -> None:
    judged = classify(statement(stix_id("marking-definition"), "Copyright 2015-2025, The MITRE Corporation."))
    assert (judged.kind, judged.level, judged.restriction) == (MarkingKind.STATEMENT, None, None)


@pytest.mark.parametrize(
    ("definition", "what"),
    [
        (opencti_pap(stix_id("marking-definition")), "definition_type 'PAP'"),
        (isa_marking(stix_id("marking-definition")), "extension extension-definition--3a65884d"),
        ({"type": "marking-definition", "name": "TLP:RED"}, "no definition"),
        (custom_tlp(stix_id("marking-definition"), "purple"), "no level it can read ('purple'"),
    ],
)
def test_what_the_program_cannot_read_is_not_understood_and_judged_red(definition: dict, what: str) -> None:
    judged = classify(definition)
    assert judged.kind is MarkingKind.NOT_UNDERSTOOD and not judged.understood and what in judged.what
    assert judged.restriction is Tlp.RED


def test_ids_compare_as_the_standard_defines_them() -> None:
    upper = "marking-definition--E828B379-4E03-4974-9AC4-E53A884C97C1"
    assert canonical_id(upper) == RED
    for not_an_id in (RED + "\n", RED + " ", " " + RED, RED.upper(), "marking-definition---e828b379", 42, None):
        assert canonical_id(not_an_id) is None
    judge = MarkingJudge()
    assert judge.judge(upper).level is Tlp.RED
    assert not judge.judge(RED + "\n").understood and judge.judge(RED + "\n").restriction is Tlp.RED
    assert judge.judge(OPENCTI_AMBER_STRICT_ID).level is Tlp.AMBER_STRICT


def test_the_judge_learns_definitions_and_the_analysts_mappings() -> None:
    pap, custom = stix_id("marking-definition"), stix_id("marking-definition")
    judge = MarkingJudge(mappings={pap: Tlp.GREEN})
    assert not judge.judge(custom).understood and judge.judge(custom).what == "its definition was never received"
    assert judge.judge(custom.upper().replace("MARKING-DEFINITION", "marking-definition")).restriction is Tlp.RED
    judge.learn(custom_tlp(custom, "amber"))
    assert judge.judge(custom).level is Tlp.AMBER
    assert judge.judge(custom.upper().replace("MARKING-DEFINITION", "marking-definition")).level is Tlp.AMBER
    judge.learn(custom_tlp(custom, "green"))  # sent again lower: the stricter reading stays
    assert judge.judge(custom).level is Tlp.AMBER
    judge.learn(opencti_pap(pap))
    assert judge.judge(pap).understood and judge.judge(pap).restriction is Tlp.GREEN
    verdict = judge.verdict([Tlp.GREEN.marking_id, custom, pap])
    assert (verdict.level, verdict.not_understood, verdict.judged) == (Tlp.AMBER, (), Tlp.AMBER)
    unknown = stix_id("marking-definition")
    verdict = judge.verdict([Tlp.CLEAR.marking_id, unknown])
    assert (verdict.level, verdict.not_understood, verdict.judged) == (Tlp.CLEAR, (unknown,), Tlp.RED)


def test_a_definition_under_a_known_id_is_the_same_level_in_another_form_or_a_conflict() -> None:
    assert builtin_conflict(opencti_clear_under_white_id()) == ("TLP:WHITE", True)
    assert builtin_conflict(misp_tlp2(Tlp.AMBER_STRICT)) == ("TLP:AMBER+STRICT", True)
    assert builtin_conflict({**misp_tlp1(Tlp.RED), "definition_type": "TLP:RED"}) == ("TLP:RED", True)
    assert builtin_conflict(opencti_amber_strict()) == ("TLP:AMBER+STRICT", True)
    assert builtin_conflict({**opencti_older(WHITE_ID, "TLP:RED")}) == ("TLP:WHITE", False)
    assert builtin_conflict(statement(Tlp.GREEN.marking_id, "actually anything")) == ("TLP:GREEN", False)
    assert builtin_conflict(custom_tlp(stix_id("marking-definition"), "red")) is None
    for definition in BUILTIN_MARKING_DEFINITIONS.values():
        assert builtin_conflict(definition) == (definition["name"], True)
