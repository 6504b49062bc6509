"""Real STIX written by others (shared data, stix/ and bad/): everything imports, valid files without refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from tests.conftest import SHARED_DATA
from workbench.domain.errors import InvalidInput
from workbench.services.importing.importer import import_file
from workbench.services.workspace import Workspace

STIX = SHARED_DATA / "stix"
pytestmark = pytest.mark.skipif(not STIX.is_dir(), reason="shared STIX data not present")

# Valid STIX 2.1 by the OASIS validator: none of their objects may be refused.
VALID_SETS = ("oasis-examples", "attack", "misp-stix21", "opencti")
# The validator's own example files that it finds invalid (malformed JSON, an identity without modified).
VALIDATOR_BAD = {"invalid_braces.json": "not a STIX document", "invalid_comma.json": "not valid JSON"}


def files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (STIX / folder).rglob("*.json"))


def fresh(workspace: Workspace, tmp_path: Path, name: str) -> Workspace:
    """A clean copy of the fixture workspace for each file, so that files do not meet each other's versions."""
    from tests.conftest import open_copy

    return open_copy(_template_of(workspace), tmp_path / name)


def _template_of(workspace: Workspace):  # type: ignore[no-untyped-def]
    from tests.conftest import Template

    return Template(workspace.path, workspace.db.key)


def test_mitre_attack_mobile_imports_whole(workspace: Workspace) -> None:
    summary = import_file(workspace, STIX / "attack" / "mobile-attack-17.1.json")
    assert (summary.objects_read, summary.new, summary.refusal_reasons) == (2148, 2148, [])
    assert summary.warnings == []
    assert [hit.name for hit in workspace.objects.search("T1406")][:1]  # technique ids are searchable
    relationship = workspace.conn.execute("SELECT id FROM objects WHERE type = 'relationship' LIMIT 1").fetchone()[0]
    assert len(workspace.objects.refs_from(relationship)) >= 2


def test_ics_attack_empty_custom_reference_is_only_a_warning(workspace: Workspace) -> None:
    summary = import_file(workspace, STIX / "attack" / "ics-attack-18.1.json")
    assert summary.refusal_reasons == [] and summary.new == summary.objects_read == 1826
    assert {(w.property, w.message) for w in summary.warnings} == {
        ("x_mitre_data_source_ref", "is an empty reference; read as no reference")
    }


def test_the_1019_or_pattern_imports(workspace: Workspace) -> None:
    path = STIX / "elevator-idioms" / "idioms-json-2.1-valid" / "Appendix_G_IOCs_Full.json"
    summary = import_file(workspace, path)
    assert summary.refusal_reasons == []
    indicators = [row[0] for row in workspace.conn.execute("SELECT id FROM objects WHERE type = 'indicator'")]
    patterns = [workspace.objects.get(stix_id)["pattern"] for stix_id in indicators]  # type: ignore[index]
    assert max(pattern.count(" OR ") for pattern in patterns) == 1019


@pytest.mark.slow
def test_every_file_imports_and_valid_ones_without_refusals(workspace: Workspace, tmp_path: Path) -> None:
    everything = files(".") + sorted((SHARED_DATA / "bad").rglob("*.json"))
    assert len(everything) > 150
    refusals: dict[str, int] = {}
    for number, path in enumerate(everything):
        ws = fresh(workspace, tmp_path, f"w{number}")
        try:
            summary = import_file(ws, path)
        except InvalidInput as exc:
            assert path.name in VALIDATOR_BAD and VALIDATOR_BAD[path.name] in str(exc), f"{path}: {exc}"
            continue
        finally:
            ws.close()
            shutil.rmtree(tmp_path / f"w{number}", ignore_errors=True)
        relative = path.relative_to(SHARED_DATA)
        if relative.parts[1] in VALID_SETS:
            assert summary.refusal_reasons == [], f"{relative}: {summary.refusal_reasons[:3]}"
        if summary.objects_refused:
            refusals[str(relative)] = summary.objects_refused
    print("\nfiles with refused objects:", refusals)
    # What docs/import.md lists: the elevator's output that is not valid STIX 2.1, and one invalid validator example.
    assert refusals and all("elevator-idioms" in name or "invalid_identity" in name for name in refusals), refusals


def attack_as_stix20(document: dict) -> dict:  # type: ignore[type-arg]
    """A STIX 2.0 rendering of an ATT&CK release, the way MITRE's 2.0 bundles (mitre/cti) write the same objects:
    the bundle says 2.0, objects carry no spec_version, and malware and tools are typed by ``labels`` holding the
    type's own name instead of 2.1's ``is_family``."""
    objects = []
    for obj in document["objects"]:
        old = {key: value for key, value in obj.items() if key not in ("spec_version", "is_family")}
        if obj["type"] in ("malware", "tool"):
            old["labels"] = [obj["type"]]
        objects.append(old)
    return {"type": "bundle", "id": document["id"], "spec_version": "2.0", "objects": objects}


def test_attack_20_then_the_21_release_of_the_same_objects_gives_no_conflict(workspace: Workspace, write_json) -> None:  # type: ignore[no-untyped-def]
    original = STIX / "attack" / "mobile-attack-17.1.json"
    document = orjson.loads(original.read_bytes())
    rendered = attack_as_stix20(document)
    assert sum(1 for obj in rendered["objects"] if obj.get("labels") == ["malware"]) == 117
    first = import_file(workspace, write_json(rendered, "mobile-attack-17.1-stix20.json"))
    assert (first.upgraded, first.new, first.objects_refused) == (2148, 2148, 0)
    assert (
        workspace.conn.execute("SELECT count(*) FROM object_versions WHERE json LIKE '%malware_types%'").fetchone()[0]
        == 0
    )
    second = import_file(workspace, original)
    assert (second.conflicts, second.new, second.new_versions, second.unchanged) == (0, 0, 0, 2148)
