"""``workbench markings list | map | unmap`` as the analyst at the transfer station uses them."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import bundle, indicator, stix_id
from tests.functional.test_cli_import import one_line_error
from tests.marking_samples import opencti_pap


def test_list_map_and_unmap_a_marking_not_understood(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    assert cli("init", "--db", db, "--name", "CERT-EU test").code == 0
    pap = stix_id("marking-definition")
    marked = indicator(object_marking_refs=[pap])
    imported = cli("import", "--db", db, str(write_json(bundle(opencti_pap(pap), marked))))
    assert imported.code == 0 and "marking not understood (definition_type 'PAP')" in imported.stdout

    listed = cli("markings", "list", "--db", db)
    assert listed.code == 0
    assert listed.stdout.splitlines()[0] == "1 marking(s) not understood: what they mark is held back from every export"
    assert f"{pap} 'PAP:AMBER': not understood (held back from every export)" in listed.stdout
    rows = {row["id"]: row for row in cli("markings", "list", "--db", db, "--json").json}
    assert (rows[pap]["kind"], rows[pap]["objects"], rows[pap]["mapped"]) == ("not understood", 1, None)
    assert rows["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]["meaning"] == "TLP:CLEAR"

    shouted = pap[:20] + pap[20:].upper()  # the same id: a UUID's case does not matter
    mapped = cli("markings", "map", "--db", db, shouted, "amber+strict", "--json")
    assert mapped.code == 0, mapped.stderr
    assert (mapped.json["id"], mapped.json["mapped"]) == (pap, "TLP:AMBER+STRICT")
    audit = cli("audit", "--db", db, "--json").json
    assert any(entry["action"] == "marking.map" for entry in audit)

    for args, cause in (
        (("map", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "RED"), "is understood already"),
        (("map", stix_id("marking-definition"), "RED"), "no marking"),
        (("map", pap + "\n", "RED"), "is not a marking-definition id"),
        (("map", pap, "PURPLE"), "unknown TLP level 'PURPLE'"),
        (("unmap", stix_id("marking-definition")), "no marking"),
    ):
        refused = cli("markings", args[0], "--db", db, *args[1:])
        assert refused.code == 1 and cause in one_line_error(refused), (args, refused.stderr)

    assert cli("markings", "unmap", "--db", db, pap).code == 0
    again = cli("markings", "unmap", "--db", db, pap)
    assert again.code == 1 and "is not mapped" in one_line_error(again)
