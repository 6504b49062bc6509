"""Memory is bounded by what is kept, not by the size caps: hostile inputs are refused with a peak resident size
below 600 MB, measured in the child process that runs the real command (``os.wait4`` gives that child's own peak).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import orjson
import pytest

from tests.conftest import PASSPHRASE, REPO, indicator
from workbench.services import keys
from workbench.services.workspace import create_workspace

PEAK_LIMIT = 600 * 1024 * 1024
HUGE = 1536 * 1024 * 1024  # 1.5 GiB


def run_measured(*args: str) -> tuple[int, str, int]:
    """Exit code, stderr and peak resident bytes of ``workbench ARGS`` in a child process."""
    env = dict(os.environ, PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE)
    child = subprocess.Popen(
        [sys.executable, "-m", "workbench", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    assert child.stderr is not None
    error = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, error, usage.ru_maxrss * 1024


def tar_with_huge_header(path: Path, kind: bytes) -> Path:
    """A tar whose first member is a PAX (``x``) or GNU long-name (``L``) header claiming 1.5 GiB; the file is
    sparse on disk but reads as 1.5 GiB of zeros, so that reading the header whole costs 1.5 GiB."""
    info = tarfile.TarInfo("././@PaxHeader" if kind == tarfile.XHDTYPE else "././@LongLink")
    info.type, info.size = kind, HUGE
    with open(path, "wb") as handle:
        handle.write(
            info.tobuf(format=tarfile.GNU_FORMAT if kind == tarfile.GNUTYPE_LONGNAME else tarfile.USTAR_FORMAT)
        )
        handle.truncate(512 + HUGE + 1024)
    return path


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME], ids=["pax", "long-name"])
def test_a_huge_tar_header_is_refused_while_streaming(tmp_path: Path, kind: bytes) -> None:
    package = tar_with_huge_header(tmp_path / "package.tar", kind)
    key = tmp_path / "key.pem"
    key.write_bytes(keys.public_pem(keys.generate().public_der))
    code, error, peak = run_measured("verify", str(package), "--key", str(key))
    assert code == 1 and "tar header (PAX or long name) larger than 1024 KiB" in error, error
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.0f} MB"


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_an_object_of_four_byte_characters_is_refused_by_its_bytes(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    create_workspace(db, PASSPHRASE, "Org").close()
    head = orjson.dumps(indicator(description="@"))
    before, after = head.split(b'"@"')
    path = tmp_path / "emoji.json"
    with open(path, "wb") as out:
        out.write(b'{"type":"bundle","id":"bundle--' + str(uuid.uuid4()).encode() + b'","objects":[' + before + b'"')
        block = "\U0001f600".encode() * (1 << 18)  # 1 MiB
        for _ in range(254):
            out.write(block)
        out.write(b'"' + after + b"]}")
    code, error, peak = run_measured("import", "--db", str(db), str(path))
    assert code == 1 and "one object is larger than 64 MiB" in error, error
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.0f} MB"


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_the_largest_object_the_limits_allow_imports_within_the_bound(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    create_workspace(db, PASSPHRASE, "Org").close()
    big = indicator(description="x" * (15 * 1024 * 1024))  # a string just under the 16 MiB string limit
    objects = [dict(big, id=f"indicator--{uuid.uuid4()}") for _ in range(4)]
    path = tmp_path / "big.json"
    path.write_bytes(orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}))
    code, error, peak = run_measured("import", "--db", str(db), str(path))
    assert code == 0, error
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.0f} MB"
