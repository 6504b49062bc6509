"""Hostile and broken files (threats.md 16 to 21, the import issue's list): one clear refusal naming the cause,
in bounded time and memory, with the store exactly as it was."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from tests.conftest import PASSPHRASE, REPO, bundle, indicator, malware
from workbench.domain.errors import InvalidInput
from workbench.services.importing.importer import Limits, import_file
from workbench.services.workspace import Workspace, create_workspace
from workbench.storage.objects import store_digest

WriteJson = Callable[..., Path]


def refused(ws: Workspace, path: Path, match: str, **kwargs: object) -> str:
    """Import ``path``, expect one InvalidInput naming the cause, and check the store did not change."""
    before = store_digest(ws.conn)
    with pytest.raises(InvalidInput, match=match) as caught:
        import_file(ws, path, **kwargs)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    assert store_digest(ws.conn) == before
    return message


def raw(tmp_path: Path, data: bytes, name: str = "hostile.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def in_bundle(element: bytes) -> bytes:
    return b'{"type": "bundle", "id": "bundle--5b6f3a5e-2c4c-4a5e-8d8c-1f2b3c4d5e6f", "objects": [' + element + b"]}"


@pytest.mark.timeout(60)
def test_nested_brackets(workspace: Workspace, tmp_path: Path) -> None:
    refused(workspace, raw(tmp_path, in_bundle(b"[" * 100_000 + b"]" * 100_000)), "nested too deeply")


@pytest.mark.timeout(60)
def test_million_digit_number(workspace: Workspace, tmp_path: Path) -> None:
    element = b'{"type": "x-thing", "id": "x-thing--5b6f3a5e-2c4c-4a5e-8d8c-1f2b3c4d5e6f", "n": ' + b"7" * 1_000_000
    refused(workspace, raw(tmp_path, in_bundle(element + b"}")), "number with 1,000,000 digits")
    refused(workspace, raw(tmp_path, in_bundle(b"[1e99999]")), "out of range")
    refused(workspace, raw(tmp_path, in_bundle(b"[NaN]")), "NaN is not a JSON number")


@pytest.mark.timeout(60)
def test_invalid_utf8_duplicate_keys_concatenated_documents(workspace: Workspace, tmp_path: Path) -> None:
    good = orjson.dumps(malware())
    refused(workspace, raw(tmp_path, in_bundle(good[:-1] + b', "name_x": "caf\xe9"}')), "not UTF-8 .*offset")
    refused(workspace, raw(tmp_path, in_bundle(good[:-1] + b', "name": "twice"}')), "key 'name' appears twice")
    refused(
        workspace,
        raw(tmp_path, orjson.dumps(bundle(malware())) + orjson.dumps(bundle(malware()))),
        "more than one JSON document",
    )
    refused(workspace, raw(tmp_path, b'{"type": "bundle", "type": "bundle", "objects": []}'), "'type' twice")


@pytest.mark.timeout(60)
def test_not_stix_at_all(workspace: Workspace, tmp_path: Path) -> None:
    assert "is empty" in refused(workspace, raw(tmp_path, b"", "empty.json"), "empty")
    refused(workspace, raw(tmp_path, b'[1, "two", {"three": 3}, [4]]'), "holds no STIX objects")
    refused(
        workspace, raw(tmp_path, b"2026-01-10 08:00:01 sshd[311]: Accepted publickey for root\n"), "not a STIX document"
    )
    refused(workspace, raw(tmp_path, b'{"hello": "world"}'), "not STIX")
    refused(workspace, raw(tmp_path, orjson.dumps(bundle(malware()))[:-20]), "not valid JSON")
    refused(workspace, tmp_path, "is a folder")
    refused(workspace, tmp_path / "absent.json", "no such file")


@pytest.mark.timeout(60)
def test_file_and_object_count_limits(workspace: Workspace, write_json: WriteJson) -> None:
    path = write_json(bundle(*(malware() for _ in range(12))))
    refused(workspace, path, "larger than", limits=Limits(file_bytes=1000))
    refused(workspace, path, "more than 10 objects", limits=Limits(objects=10))


@pytest.mark.timeout(120)
def test_hostile_patterns_are_refused_quickly_and_nothing_else_suffers(
    workspace: Workspace, write_json: WriteJson
) -> None:
    many_ors = "[" + " OR ".join(f"file:hashes.MD5 = '{n:032x}'" for n in range(6_000)) + "]"
    deep = "(" * 50_000 + "[ipv4-addr:value = '1.2.3.4']" + ")" * 50_000
    fine = indicator()
    summary = import_file(workspace, write_json(bundle(indicator(pattern=many_ors), indicator(pattern=deep), fine)))
    assert summary.new == 1
    assert sorted(finding.message for finding in summary.refusal_reasons) == [
        "the pattern joins more than 5,000 comparisons",
        "the pattern nests brackets more than 100 deep",
    ]


def test_objects_that_cannot_be_stored_are_refused_alone(workspace: Workspace, tmp_path: Path) -> None:
    surrogate = orjson.dumps(malware())[:-1] + b', "x_note": "\\ud800"}'
    huge_integer = orjson.dumps(malware())[:-1] + b', "x_count": 1000000000000000000000000000000}'
    deep = malware(
        x_tree=[
            [
                [
                    [
                        [
                            [
                                [
                                    [
                                        [
                                            [
                                                [
                                                    [
                                                        [
                                                            [
                                                                [
                                                                    [
                                                                        [
                                                                            [
                                                                                [
                                                                                    [
                                                                                        [
                                                                                            [
                                                                                                [
                                                                                                    [
                                                                                                        [
                                                                                                            [
                                                                                                                [
                                                                                                                    [
                                                                                                                        [
                                                                                                                            [
                                                                                                                                [
                                                                                                                                    [
                                                                                                                                        [
                                                                                                                                            [
                                                                                                                                                [
                                                                                                                                                    [
                                                                                                                                                        [
                                                                                                                                                            [
                                                                                                                                                                [
                                                                                                                                                                    [
                                                                                                                                                                        [
                                                                                                                                                                            [
                                                                                                                                                                                [
                                                                                                                                                                                    [
                                                                                                                                                                                        [
                                                                                                                                                                                            [
                                                                                                                                                                                                [
                                                                                                                                                                                                    [
                                                                                                                                                                                                        [
                                                                                                                                                                                                            [
                                                                                                                                                                                                                [
                                                                                                                                                                                                                    [
                                                                                                                                                                                                                        [
                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                [
                                                                                                                                                                                                                                    [
                                                                                                                                                                                                                                        [
                                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                                [
                                                                                                                                                                                                                                                    [
                                                                                                                                                                                                                                                        [
                                                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                                                [
                                                                                                                                                                                                                                                                    [
                                                                                                                                                                                                                                                                        [
                                                                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                                                                [
                                                                                                                                                                                                                                                                                    [
                                                                                                                                                                                                                                                                                        [
                                                                                                                                                                                                                                                                                            [
                                                                                                                                                                                                                                                                                                1
                                                                                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                                                                                ]
                                                                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                                                                ]
                                                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                                                ]
                                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                                ]
                                                                                                                                                                                                                            ]
                                                                                                                                                                                                                        ]
                                                                                                                                                                                                                    ]
                                                                                                                                                                                                                ]
                                                                                                                                                                                                            ]
                                                                                                                                                                                                        ]
                                                                                                                                                                                                    ]
                                                                                                                                                                                                ]
                                                                                                                                                                                            ]
                                                                                                                                                                                        ]
                                                                                                                                                                                    ]
                                                                                                                                                                                ]
                                                                                                                                                                            ]
                                                                                                                                                                        ]
                                                                                                                                                                    ]
                                                                                                                                                                ]
                                                                                                                                                            ]
                                                                                                                                                        ]
                                                                                                                                                    ]
                                                                                                                                                ]
                                                                                                                                            ]
                                                                                                                                        ]
                                                                                                                                    ]
                                                                                                                                ]
                                                                                                                            ]
                                                                                                                        ]
                                                                                                                    ]
                                                                                                                ]
                                                                                                            ]
                                                                                                        ]
                                                                                                    ]
                                                                                                ]
                                                                                            ]
                                                                                        ]
                                                                                    ]
                                                                                ]
                                                                            ]
                                                                        ]
                                                                    ]
                                                                ]
                                                            ]
                                                        ]
                                                    ]
                                                ]
                                            ]
                                        ]
                                    ]
                                ]
                            ]
                        ]
                    ]
                ]
            ]
        ]
    )
    good = orjson.dumps(malware())
    data = in_bundle(b",".join([surrogate, huge_integer, orjson.dumps(deep), good]))
    summary = import_file(workspace, raw(tmp_path, data))
    assert summary.new == 1
    reasons = [finding.message for finding in summary.refusal_reasons]
    assert any("surrogate" in reason for reason in reasons)
    assert any("integer too large" in reason for reason in reasons)
    assert any("nested more than 64 levels" in reason for reason in reasons)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_hundred_megabyte_string_in_bounded_memory(tmp_path: Path) -> None:
    """A real ``workbench import`` in a process whose address space is capped: it refuses, it does not die."""
    db = tmp_path / "w.db"
    create_workspace(db, PASSPHRASE, "Org").close()
    path = tmp_path / "big-string.json"
    with open(path, "wb") as out:
        out.write(b'{"type": "bundle", "id": "bundle--5b6f3a5e-2c4c-4a5e-8d8c-1f2b3c4d5e6f", "objects": [')
        out.write(orjson.dumps(malware())[:-1] + b', "description": "')
        block = b"A" * (1 << 20)
        for _ in range(100):
            out.write(block)
        out.write(b'"}]}')
    cap = 1536 * 1024 * 1024

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = dict(os.environ, PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE)
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "import", "--db", str(db), str(path)],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=limit_memory,
        timeout=170,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().count("\n") == 0 and "larger than 64 MiB" in done.stderr
