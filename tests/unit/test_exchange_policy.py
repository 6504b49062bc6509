"""The sharing plan and the trust store, without writing packages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.conftest import indicator, malware, relationship
from tests.exchange_support import new_private_key
from workbench.domain.errors import InvalidInput, WorkbenchError
from workbench.domain.tlp import Tlp
from workbench.services import exchange
from workbench.services.exchange.policy import plan_export
from workbench.services.workspace import Workspace
from workbench.storage import exchange as rows
from workbench.storage.objects import ObjectStore

RED, GREEN = Tlp.RED.marking_id, Tlp.GREEN.marking_id


def put(ws: Workspace, *objects: dict) -> None:
    with ws.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", "test.json")
        for obj in objects:
            store.put(obj, source)


def exported_ids(ws: Workspace, plan) -> set[str]:  # type: ignore[no-untyped-def]
    vids = set(plan.vids)
    return {stix_id for stix_id, _, _, vid, _ in rows.current_objects(ws.conn) if vid in vids}


def test_an_older_red_version_is_held_back_while_the_object_leaves(workspace: Workspace) -> None:
    first = indicator(object_marking_refs=[RED], name="first")
    second = dict(first, modified="2026-03-01T00:00:00.000Z", object_marking_refs=[GREEN], name="second")
    put(workspace, first, second)
    plan = plan_export(workspace.conn, [first["id"]], ceiling=Tlp.AMBER, unmarked_as=Tlp.AMBER, recipient="P")
    assert len(plan.vids) == 2  # the current version and the GREEN marking definition
    [held] = plan.held
    assert held.version == first["modified"] and "older version TLP:RED" in held.reason
    assert GREEN in exported_ids(workspace, plan)
    current_only = plan_export(
        workspace.conn, [first["id"]], ceiling=Tlp.RED, unmarked_as=Tlp.AMBER, recipient="P", include_history=False
    )
    assert len(current_only.vids) == 2 and not current_only.held


def test_relationships_come_along_only_when_both_ends_leave(workspace: Workspace) -> None:
    family, beacon, other = malware(), indicator(), indicator(name="other")
    link, stray = relationship(beacon["id"], family["id"]), relationship(other["id"], family["id"])
    put(workspace, family, beacon, other, link, stray)
    plan = plan_export(
        workspace.conn, [beacon["id"], family["id"]], ceiling=Tlp.CLEAR, unmarked_as=Tlp.CLEAR, recipient="P"
    )
    assert exported_ids(workspace, plan) == {family["id"], beacon["id"], link["id"]}


def test_a_link_to_a_held_back_object_is_held_back_too(workspace: Workspace) -> None:
    secret, family = indicator(object_marking_refs=[RED]), malware()
    link = relationship(secret["id"], family["id"])
    put(workspace, secret, family, link)
    plan = plan_export(workspace.conn, None, ceiling=Tlp.AMBER, unmarked_as=Tlp.AMBER, recipient="P")
    reasons = {item.id: item.reason for item in plan.held}
    assert reasons[link["id"]] == f"refers to held-back {secret['id']}"
    assert family["id"] in exported_ids(workspace, plan)
    assert plan.highest is Tlp.AMBER


def test_partner_keys_validity_revocation_and_rotation(workspace: Workspace) -> None:
    _, first_pem, first_id = new_private_key()
    _, second_pem, second_id = new_private_key()
    partner = exchange.add_partner(
        workspace,
        "CERT-X",
        first_pem,
        valid_from="2026-01-01T00:00:00.000Z",
        valid_until="2027-01-01T00:00:00.000Z",
        tlp_send=Tlp.GREEN,
    )
    key = partner.keys[0]
    assert key.problem_at(datetime(2026, 6, 1, tzinfo=UTC)) is None
    assert "only valid from" in key.problem_at(datetime(2025, 6, 1, tzinfo=UTC))
    assert "validity ended" in key.problem_at(datetime(2027, 6, 1, tzinfo=UTC))
    rotated = exchange.add_partner(workspace, "cert-x", second_pem, tlp_accept=Tlp.RED)
    assert [k.key_id for k in rotated.keys] == [first_id, second_id]
    assert (rotated.tlp_send, rotated.tlp_accept) == (Tlp.GREEN, Tlp.RED)
    assert rotated.current_key(datetime(2026, 6, 1, tzinfo=UTC)).key_id == second_id
    exchange.revoke_key(workspace, second_id, since="2026-05-01T00:00:00.000Z")
    revoked = exchange.get_partner(workspace, "CERT-X")
    assert revoked.current_key(datetime(2026, 6, 1, tzinfo=UTC)).key_id == first_id
    # Revoked for every moment, also one before the date recorded (a stolen key signs with any date) ...
    assert "revoked as of 2026-05-01" in revoked.keys[1].problem_at(datetime(2026, 4, 1, tzinfo=UTC))
    # ... but for what the analyst re-admitted by its id.
    assert revoked.keys[1].problem_at(datetime(2026, 4, 1, tzinfo=UTC), revocation=False) is None
    with pytest.raises(InvalidInput, match="already pinned for partner CERT-X"):
        exchange.add_partner(workspace, "Someone", first_pem)
    with pytest.raises(InvalidInput, match="already revoked"):
        exchange.revoke_key(workspace, second_id)
    with pytest.raises(WorkbenchError, match="not a PEM public key"):
        exchange.add_partner(workspace, "Broken", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(InvalidInput, match="neither a date"):
        exchange.parse_time_argument("next tuesday", "--since")
    assert exchange.parse_time_argument("2026-03-01", "--since") == "2026-03-01T00:00:00.000Z"
