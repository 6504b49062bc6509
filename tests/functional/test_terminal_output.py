"""What reaches the terminal is text: names that came from outside cannot set the title, clear the screen or fake a
line. Each command that prints such a name is run with a crafted one; no control character reaches the terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson

from tests.conftest import PASSPHRASE, bundle, indicator
from workbench.services.workspace import create_workspace

# What a terminal would obey: C0 (but the line feed), DEL, C1, and the bidi controls.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "\x1b]0;owned\x07\x1b[2J\x1b[32mVERIFIED\x1b[0m \u202edetaerc\x9b31m"


def clean(text: str) -> bool:
    return CONTROL.search(text) is None


def test_names_from_objects_files_and_refusals_are_escaped_in_every_command(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    create_workspace(db, PASSPHRASE, "Org").close()
    named = indicator(name=f"beacon {HOSTILE}", description=HOSTILE)
    refused = indicator(id=f"indicator--{HOSTILE}")
    source = tmp_path / f"feed {HOSTILE}.json"
    source.write_bytes(orjson.dumps(bundle(named, refused)))
    runs = {
        "import": cli("import", "--db", db, str(source)),
        "search": cli("search", "--db", db, "beacon"),
        "import json": cli("import", "--db", db, "--json", str(source)),
        "missing file": cli("import", "--db", db, str(tmp_path / f"gone {HOSTILE}.json")),
        "foreign list": cli("foreign", "list", "--db", db),
    }
    for what, done in runs.items():
        assert clean(done.stdout) and clean(done.stderr), (what, done.stdout, done.stderr)
    assert runs["import"].code == 0 and "\\x1b]0;owned\\x07" in runs["import"].stdout
    assert "\\u202e" in runs["search"].stdout
    assert runs["missing file"].code == 1 and "gone \\x1b" in runs["missing file"].stderr
    parsed = json.loads(runs["import json"].stdout)  # the JSON still reads back as the same text
    assert parsed[0]["source"] == source.name
