"""The PyInstaller folder started headless and the Debian package installed into a scratch root
(``make deb-check``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from tests.packaging.conftest import artifact, clean_environment

pytestmark = pytest.mark.slow
Run = Callable[..., subprocess.CompletedProcess[str]]
OASIS_REPORT = SHARED_DATA / "stix" / "oasis-examples" / "threat-reports" / "poisonivy.json"


@pytest.fixture(scope="module")
def frozen() -> Path:
    return artifact("WORKBENCH_FROZEN", "deb-check")


@pytest.fixture(scope="module")
def deb() -> Path:
    return artifact("WORKBENCH_DEB", "deb-check")


def round_trip(program: Path, folder: Path, run: Run, environment: dict[str, str]) -> None:
    """What an analyst does first: a new workspace, a real OASIS report imported, then searched."""
    workspace = folder / "first.db"
    created = run(program, "init", "--db", workspace, "--name", "Frozen Check CSIRT", env=environment)
    assert created.returncode == 0, created.stderr
    imported = run(program, "import", "--db", workspace, "--json", OASIS_REPORT, env=environment)
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)[0]
    assert summary["new"] == len(json.loads(OASIS_REPORT.read_text())["objects"]) and not summary["objects_refused"]
    found = run(program, "search", "--db", workspace, "Poison Ivy", env=environment)
    assert found.returncode == 0 and "Poison Ivy" in found.stdout, found.stdout


def test_frozen_program_starts_headless_and_works(
    frozen: Path, tmp_path: Path, run: Run, passphrase_env: dict[str, str]
) -> None:
    program = frozen / "workbench"
    environment = clean_environment(tmp_path, **passphrase_env)
    said = run(program, "--version", env=environment)
    assert said.returncode == 0 and said.stdout.startswith("workbench ")

    # `gui --smoke-test` opens the main window offscreen on a demo workspace and renders it: the proof that Qt, its
    # plugins and the window start from the frozen folder.
    smoke = run(program, "gui", "--smoke-test", env=environment, timeout=300)
    assert smoke.returncode == 0 and "smoke test ok" in smoke.stdout, smoke.stderr
    round_trip(program, tmp_path, run, environment)

    internal = frozen / "_internal"
    assert (internal / "workbench" / "resources" / "icons" / "workbench.svg").is_file()
    # The guides (the smoke test above also opened the user guide and found every picture it shows).
    guides = internal / "workbench" / "resources" / "guides"
    assert {"user-guide.md", "admin-guide.md", "commands.md"} <= {path.name for path in guides.glob("*.md")}
    assert len(list((guides / "images").glob("*.png"))) > 20
    assert list((internal / "workbench" / "storage" / "migrations").glob("0001_*.sql"))
    plugins = internal / "PySide6" / "Qt" / "plugins"
    assert (plugins / "platforms" / "libqxcb.so").is_file() and (plugins / "platforms" / "libqoffscreen.so").is_file()
    # Left out on purpose (workbench.spec): the GTK 3 theme and the cairo it alone needed.
    assert not (plugins / "platformthemes" / "libqgtk3.so").exists()
    assert not list(internal.glob("libcairo*"))


def test_deb_is_signed_with_the_kit_key(deb: Path, run: Run) -> None:
    kit = artifact("WORKBENCH_KIT", "deb-check")
    signature = deb.with_name(deb.name + ".sig")
    assert len(signature.read_bytes()) == 64
    verified = run(
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        kit / "kit-signing-key.pub.pem",
        "-rawin",
        "-in",
        deb,
        "-sigfile",
        signature,
    )
    assert verified.returncode == 0 and "Signature Verified Successfully" in verified.stdout


def test_deb_declares_qt_runtime_libraries_and_carries_the_application(deb: Path, run: Run) -> None:
    fields = {}
    for name in ("Package", "Version", "Architecture", "Depends", "Installed-Size"):
        fields[name] = run("dpkg-deb", "--field", deb, name).stdout.strip()
    assert fields["Package"] == "workbench" and fields["Architecture"] == "amd64"
    assert deb.name == f"workbench_{fields['Version']}_amd64.deb"
    depends = [part.strip() for part in fields["Depends"].split(",")]
    names = {part.split(" ")[0] for part in depends}
    # Qt's X11 platform plugin and OpenGL: the libraries Qt for Python's wheels do not carry.
    assert {"libxcb-cursor0", "libxkbcommon-x11-0", "libxcb1", "libegl1", "libfontconfig1", "libdbus-1-3"} <= names
    assert "libc6 (>= 2.34)" in depends
    for name in names:  # each one is a real Debian package (installed here, since the folder was checked here)
        assert run("dpkg-query", "--show", name).returncode == 0, name

    listing = run("dpkg-deb", "--contents", deb).stdout
    assert "./opt/workbench/workbench\n" in listing
    assert "./usr/bin/workbench -> /opt/workbench/workbench" in listing
    assert "./usr/share/applications/workbench.desktop" in listing
    assert "./usr/share/icons/hicolor/scalable/apps/workbench.svg" in listing
    assert "./usr/share/icons/hicolor/48x48/apps/workbench.png" in listing
    assert "./usr/share/doc/workbench/copyright" in listing
    guides = "./opt/workbench/_internal/workbench/resources/guides/"
    for name in ("user-guide.md", "admin-guide.md", "commands.md", "images/backup-2-dialog.png"):
        assert guides + name + "\n" in listing, name
    assert "_internal/libxcb-cursor.so.0" not in listing  # the system's copy is declared, not carried


def test_deb_installs_runs_and_removes_in_a_scratch_root(
    deb: Path, tmp_path: Path, run: Run, passphrase_env: dict[str, str]
) -> None:
    # A dpkg database holding this machine's installed packages, so Depends is checked for real, and a scratch
    # root for the files; nothing of the machine's own installation is touched.
    admin, root = tmp_path / "dpkg", tmp_path / "root"
    for folder in (admin / "info", admin / "updates", admin / "triggers", root):
        folder.mkdir(parents=True)
    shutil.copyfile("/var/lib/dpkg/status", admin / "status")
    (admin / "available").touch()
    dpkg = ["dpkg", f"--admindir={admin}", f"--instdir={root}", "--force-not-root"]

    installed = run(*dpkg, "--install", deb)
    assert installed.returncode == 0, installed.stderr[-2000:]
    assert (
        run("dpkg-query", f"--admindir={admin}", "--show", "--showformat=${Status}", "workbench").stdout
        == "install ok installed"
    )
    assert (root / "usr" / "bin" / "workbench").readlink() == Path("/opt/workbench/workbench")
    if shutil.which("desktop-file-validate"):
        assert run("desktop-file-validate", root / "usr/share/applications/workbench.desktop").returncode == 0

    program = root / "opt" / "workbench" / "workbench"
    environment = clean_environment(tmp_path, **passphrase_env)
    said = run(program, "--version", env=environment)
    assert said.returncode == 0 and said.stdout.startswith("workbench "), said.stderr
    round_trip(program, tmp_path, run, environment)  # with the system's libraries in place of the dropped copies

    removed = run(*dpkg, "--remove", "workbench")
    assert removed.returncode == 0, removed.stderr[-2000:]
    assert not (root / "opt" / "workbench").exists() and not (root / "usr" / "bin" / "workbench").is_symlink()
