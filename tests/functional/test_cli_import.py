"""``workbench import`` as an analyst and a script at the transfer station use it."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.conftest import bundle, indicator, malware, relationship


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_import_summary_twice_and_search(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    assert cli("init", "--db", db, "--name", "CERT-EU test").code == 0
    ind = indicator(name="Quayside beacon", pattern="[url:value = 'http://quay.example/a']")
    mal = malware(name="GreyLantern", x_internal="kept")
    broken = malware(modified="last tuesday")
    path = write_json(bundle(ind, mal, relationship(ind["id"], mal["id"]), broken), "feed.json")

    first = cli("import", "--db", db, str(path))
    assert first.code == 0, first.stderr
    assert "feed.json: STIX 2.1 bundle, 4 objects read" in first.stdout
    assert "new objects 3, new versions 0, unchanged 0" in first.stdout and "refused 1" in first.stdout
    assert f"refused: {broken['id']} (modified): 'last tuesday' is not an RFC 3339 timestamp" in first.stdout
    assert f"warning: {mal['id']} (x_internal)" not in first.stdout  # x_ prefixed: fine
    again = cli("import", "--db", db, str(path), "--json")
    assert again.code == 0
    (summary,) = again.json
    assert (summary["unchanged"], summary["changed_anything"], summary["committed"]) == (3, False, False)
    assert cli("import", "--db", db, str(path)).stdout.count("nothing new") == 1

    found = cli("search", "--db", db, "quayside", "--json")
    assert [hit["id"] for hit in found.json] == [ind["id"]]
    assert [hit["id"] for hit in cli("search", "--db", db, "quay.example", "--json").json] == [ind["id"]]
    # --type, repeatable: any of the types named.
    assert cli("search", "--db", db, "GreyLantern", "--type", "indicator").stdout.strip() == "no matches"
    either = cli("search", "--db", db, "GreyLantern", "--type", "indicator", "--type", "malware", "--json")
    assert [hit["id"] for hit in either.json] == [mal["id"]]
    wrong = cli("search", "--db", db, "GreyLantern", "--type", "Malware")
    assert wrong.code == 1 and one_line_error(wrong) == "workbench: 'Malware' is not a STIX type"
    actions = [entry["action"] for entry in cli("audit", "--db", db, "--json").json]
    assert actions.count("import") == 1


def test_bad_file_is_one_line_exit_1_and_the_others_still_import(
    cli,
    tmp_path: Path,
    write_json,  # type: ignore[no-untyped-def]
) -> None:
    db = str(tmp_path / "w.db")
    assert cli("init", "--db", db, "--name", "Org").code == 0
    good = write_json(bundle(malware(name="Survivor")), "good.json")
    bad = tmp_path / "dup.json"
    bad.write_bytes(b'{"type": "bundle", "objects": [{"type": "malware", "type": "tool"}]}')
    result = cli("import", "--db", db, str(bad), str(good), "--json")
    assert result.code == 1
    assert "dup.json: the key 'type' appears twice" in one_line_error(result)
    first, second = result.json
    assert first == {"source": "dup.json", "error": first["error"]} and second["new"] == 1
    assert cli("search", "--db", db, "survivor").stdout.count("Survivor") == 1


def test_strict_case_and_folders(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    assert cli("init", "--db", db, "--name", "Org").code == 0
    path = write_json(bundle(malware(), malware(created="2026-13-01T00:00:00Z")))
    strict = cli("import", "--db", db, "--strict", str(path))
    assert strict.code == 1 and "refused under --strict" in one_line_error(strict)
    assert cli("search", "--db", db, "GreyLantern").stdout.strip() == "no matches"
    case = cli("import", "--db", db, "--case", "INC-7", str(path))
    assert case.code == 1 and "no case 'INC-7'" in one_line_error(case)
    folder = cli("import", "--db", db, str(tmp_path))
    assert folder.code == 1 and "not a signed package" in one_line_error(folder)


def test_stix20_and_warnings_are_shown_grouped(cli, tmp_path: Path, write_json) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    assert cli("init", "--db", db, "--name", "Org").code == 0
    objects = [
        {
            "type": "malware",
            "id": f"malware--{n:08x}-5c4c-4a5e-8d8c-1f2b3c4d5e6f",
            "created": "2017-01-01T00:00:00.000Z",
            "modified": "2017-01-01T00:00:00.000Z",
            "name": f"Old {n}",
            "labels": ["trojan"],
            "rating": n,
        }
        for n in range(6)
    ]
    path = tmp_path / "v20.json"
    path.write_bytes(
        orjson.dumps(
            {
                "type": "bundle",
                "id": "bundle--5b6f3a5e-2c4c-4a5e-8d8c-1f2b3c4d5e6f",
                "spec_version": "2.0",
                "objects": objects,
            }
        )
    )
    result = cli("import", "--db", db, str(path))
    assert result.code == 0, result.stderr
    assert "STIX 2.0 bundle (upgraded to 2.1)" in result.stdout
    assert "6 objects were STIX 2.0 and were upgraded to 2.1" in result.stdout
    assert result.stdout.count("custom property 'rating' should start with x_") == 3
    assert "(the same for 3 more objects)" in result.stdout
