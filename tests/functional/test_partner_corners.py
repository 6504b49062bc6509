"""Corners a user meets: a FIFO, a malformed PAX sparse header, a compressed tar, a manifest with one added
newline, a quarantine too small for the package. Each ends in one clear line, in bounded time, nothing changed."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import orjson
import pytest

from tests.conftest import PASSPHRASE, REPO, indicator
from tests.exchange_support import Pair, digest, pair
from workbench.domain.errors import InvalidInput, VerificationFailed
from workbench.services import exchange
from workbench.services.workspace import create_workspace

__all__ = ["pair"]


def one_line(done) -> str:  # type: ignore[no-untyped-def]
    lines = done.stderr.strip().splitlines()
    assert done.code == 1 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return str(lines[0])


def test_import_and_verify_of_a_fifo_end_at_once(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db")
    create_workspace(db, PASSPHRASE, "Org").close()
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert "pipe.json is not a regular file" in one_line(cli("import", "--db", db, str(fifo), timeout=30))
    assert "neither a package folder nor a tar file" in one_line(cli("verify", "--db", db, str(fifo), timeout=30))


def _tar_with_pax(package: Path, target: Path, headers: dict[str, str]) -> Path:
    with tarfile.open(target, "w", format=tarfile.PAX_FORMAT) as archive:
        archive.add(package, arcname=package.name)
        info = tarfile.TarInfo(f"{package.name}/payload/extra.bin")
        info.size, info.pax_headers = 4, headers
        archive.addfile(info, io.BytesIO(b"data"))
    return target


@pytest.mark.parametrize(
    "headers",
    [
        {"GNU.sparse.map": "zero,one"},
        {"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.realsize": "x"},
        {"GNU.sparse.size": "-"},
    ],
)
def test_a_malformed_pax_sparse_header_is_refused_by_name(pair: Pair, headers: dict[str, str]) -> None:
    pair.stock(indicator())
    package = _tar_with_pax(pair.export().path, pair.folder / "sparse.tar", headers)
    before = digest(pair.us)
    with pytest.raises(InvalidInput, match=r"sparse\.tar (has a malformed tar header|is not a valid uncompressed)"):
        exchange.import_package(pair.us, package)
    assert digest(pair.us) == before


def test_a_compressed_tar_or_file_is_named_as_such_by_import(pair: Pair, cli) -> None:  # type: ignore[no-untyped-def]
    pair.stock(indicator())
    sent = pair.export(tar=True)
    packed = pair.folder / "package.tar.gz"
    subprocess.run(["gzip", "-k", "-c", str(sent.path)], stdout=packed.open("wb"), check=True)
    us = str(pair.us.path)
    assert "package.tar.gz is gzip-compressed" in one_line(cli("import", "--db", us, str(packed)))
    assert "package.tar.gz is gzip-compressed" in one_line(cli("verify", "--db", us, str(packed)))
    bundle = pair.folder / "feed.json.gz"
    subprocess.run(["gzip", "-c", str(next(pair.folder.glob("stock-*.json")))], stdout=bundle.open("wb"), check=True)
    assert "feed.json.gz is gzip-compressed" in one_line(cli("import", "--db", us, str(bundle)))


def test_a_manifest_with_one_added_newline_is_reported_as_not_canonical(pair: Pair) -> None:
    pair.stock(indicator())
    package = pair.export().path
    manifest = package / "manifest.json"
    manifest.write_bytes(manifest.read_bytes() + b"\n")
    with pytest.raises(VerificationFailed, match="not in canonical form"):
        exchange.import_package(pair.us, package)


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs user and mount namespaces to mount a small tmpfs")
@pytest.mark.parametrize("tar", [False, True], ids=["folder", "tar"])
def test_a_package_larger_than_a_small_runtime_dir_falls_back_or_says_so(pair: Pair, tar: bool) -> None:
    pair.stock(*(indicator(description="x" * 200_000) for _ in range(6)))  # about 1.2 MB of bundle
    package = pair.export(tar=tar).path
    tiny = pair.folder / "runtime"
    tiny.mkdir()
    script = (
        f"mount -t tmpfs -o size=256k tmpfs {tiny} && "
        f"{sys.executable} -m workbench verify {package} --key {pair.eu_pem}"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_RUNTIME_DIR=str(tiny), WORKBENCH_PASSPHRASE=PASSPHRASE)
    falls_back = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env)
    assert falls_back.returncode == 0 and "VERIFIED" in falls_back.stdout, falls_back.stderr
    # With no other place than the tiny one, the refusal names the cause.
    forced = (
        f"mount -t tmpfs -o size=256k tmpfs {tiny} && {sys.executable} -c "
        "'import sys; from workbench.services import exchange; from workbench.domain.errors import WorkbenchError\n"
        "try:\n"
        f'    exchange.verify_package(sys.argv[1], public_key_pem=open(sys.argv[2], "rb").read(),'
        f' quarantine_root="{tiny}")\n'
        "except WorkbenchError as exc:\n"
        "    print(exc)' "
        f"{package} {pair.eu_pem}"
    )
    no_room = subprocess.run(["unshare", "-rm", "sh", "-c", forced], capture_output=True, text=True, env=env)
    assert no_room.returncode == 0 and not no_room.stderr, no_room.stderr
    assert no_room.stdout.startswith(f"no space left in {tiny} to copy the package for checking"), no_room.stdout


@pytest.mark.skipif(not _unshare_works(), reason="needs user and mount namespaces to mount a small tmpfs")
def test_a_full_disk_is_named_as_such_even_for_audit_verify(tmp_path: Path) -> None:
    create_workspace(tmp_path / "w.db", PASSPHRASE, "Org").close()
    disk = tmp_path / "disk"
    disk.mkdir()
    feed = tmp_path / "feed.json"
    feed.write_bytes(orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [indicator()]}))
    script = (
        f"mount -t tmpfs -o size=2m tmpfs {disk} && cp {tmp_path / 'w.db'} {disk}/ && "
        f"(dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null; true) && "
        f"{sys.executable} -m workbench audit --db {disk}/w.db --verify; echo rc=$?; "
        f"rm {disk}/filler && {sys.executable} -m workbench audit --db {disk}/w.db --verify >/dev/null && "
        f"(dd if=/dev/zero of={disk}/filler bs=4k 2>/dev/null; true) && "
        f"{sys.executable} -m workbench import --db {disk}/w.db {feed}; echo rc=$?"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO), WORKBENCH_PASSPHRASE=PASSPHRASE)
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env)
    assert done.stdout.count("rc=1") == 2, (done.stdout, done.stderr)
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 2 and all(f"the disk holding {disk} is full" in line for line in errors), errors
    assert "disk I/O error" not in done.stderr and "Traceback" not in done.stderr
