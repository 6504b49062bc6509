"""A dry run lists each object with what importing it would do (new, updated, unchanged, older, conflict, refused
with its reason) and the properties an update changes; the list stays bounded for large files."""

from __future__ import annotations

import copy

import orjson

from tests.conftest import SHARED_DATA, bundle, indicator, malware, threat_actor
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp
from workbench.services.importing.importer import import_file
from workbench.services.importing.limits import Limits
from workbench.services.importing.listing import VALUE_CHARS, property_changes

T1, T2, T0 = "2026-01-10T08:00:00.000Z", "2026-02-01T09:30:00.000Z", "2025-12-01T00:00:00.000Z"


def test_each_object_is_listed_with_its_state_and_an_update_with_the_property_it_changes(workspace, write_json):
    kept = indicator(name="C2 address", object_marking_refs=[Tlp.AMBER.marking_id])
    same = malware()
    old = threat_actor()
    clash = indicator(name="Clash")
    import_file(workspace, write_json(bundle(kept, same, old, clash)))

    updated = dict(kept, modified=T2, pattern="[ipv4-addr:value = '203.0.113.9']")
    older = dict(old, modified=T0, name="Sandstorm Owl (old)")
    conflict = dict(clash, description="Same time, other content")
    new = malware(name="PaperMoth")
    refused = indicator(id="indicator--not-a-uuid", name="Broken")
    path = write_json(bundle(new, updated, same, older, conflict, refused))
    summary = import_file(workspace, path, dry_run=True)

    listed = {entry.object_id: entry for entry in summary.objects}
    assert [entry.index for entry in summary.objects] == sorted(entry.index for entry in summary.objects)
    assert listed[new["id"]].state == "new" and listed[new["id"]].name == "PaperMoth"
    assert listed[same["id"]].state == "unchanged"
    assert listed[old["id"]].state == "older"
    assert listed["indicator--not-a-uuid"].state == "refused" and "id" in listed["indicator--not-a-uuid"].reason
    assert listed["indicator--not-a-uuid"].type == "indicator" and listed["indicator--not-a-uuid"].name == "Broken"
    update = listed[kept["id"]]
    assert update.state == "new_version" and update.type == "indicator" and update.tlp == int(Tlp.AMBER)
    changed = {change.name: change for change in update.changes}
    assert set(changed) == {"modified", "pattern"}
    assert changed["pattern"].before == "[ipv4-addr:value = '198.51.100.7']"
    assert changed["pattern"].after == "[ipv4-addr:value = '203.0.113.9']"
    clash_entry = listed[clash["id"]]
    assert clash_entry.state == "conflict"
    assert [(c.name, c.before, c.after) for c in clash_entry.changes] == [
        ("description", "Beacon destination seen in the intrusion.", "Same time, other content")
    ]
    assert summary.objects_unlisted == 0
    assert import_file(workspace, path).objects == []  # a real import does not list


def test_a_full_list_keeps_the_objects_that_change_something(workspace, write_json):
    stored = [indicator(name=f"kept {n}") for n in range(5)]
    import_file(workspace, write_json(bundle(*stored)))
    changed = dict(stored[4], modified=T2, name="kept 4, renamed")
    path = write_json(bundle(*stored[:4], changed, malware(name="late arrival")))
    summary = import_file(workspace, path, dry_run=True, limits=Limits(listed_objects=3))
    states = [entry.state for entry in summary.objects]
    assert len(states) == 3 and summary.objects_unlisted == 3
    assert "new_version" in states and "new" in states  # they took the places of unchanged ones
    assert summary.unchanged == 4 and summary.new == 1 and summary.new_versions == 1  # counts cover everything


def test_long_values_are_cut_in_the_diff() -> None:
    before = {"description": "a" * 5000, "labels": ["x"]}
    after = {"description": "b" * 5000, "labels": ["x", "y"]}
    changes = {change.name: change for change in property_changes(before, after)}
    assert len(changes["description"].after) == VALUE_CHARS and changes["description"].after.endswith("…")
    assert changes["labels"].before == '["x"]' and changes["labels"].after == '["x","y"]'
    assert property_changes({"gone": 1}, {})[0].after is None


def test_real_attack_data_is_listed_object_by_object_and_an_update_shows_its_change(workspace, write_json):
    source = SHARED_DATA / "stix" / "attack" / "ics-attack-18.1.json"
    first = import_file(workspace, source, dry_run=True)
    assert len(first.objects) + first.objects_unlisted == first.objects_read
    assert all(entry.state == "new" for entry in first.objects)
    techniques = [entry for entry in first.objects if entry.type == "attack-pattern"]
    assert techniques and all(entry.name for entry in techniques)
    import_file(workspace, source)

    document = orjson.loads(source.read_bytes())
    technique = next(obj for obj in document["objects"] if obj["type"] == "attack-pattern")
    revised = copy.deepcopy(technique)
    revised["modified"] = format_stix_timestamp(utc_now())  # newer than ATT&CK's, not in the future
    revised["description"] = technique["description"] + " Revised by the partner."
    second = import_file(workspace, write_json(bundle(revised)), dry_run=True)
    (entry,) = second.objects
    assert entry.state == "new_version" and entry.name == technique["name"]
    assert {change.name for change in entry.changes} == {"modified", "description"}
