"""The offline kit as the receiving site gets it (``make kit-check``): verified with stock tools, refused when
changed, installed with no index and no network, used on real OASIS data, updated and uninstalled.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name, parse_wheel_filename

from tests.conftest import REPO, SHARED_DATA
from tests.packaging.conftest import artifact, base_python, clean_environment

pytestmark = pytest.mark.slow
Run = Callable[..., subprocess.CompletedProcess[str]]
OASIS_REPORT = SHARED_DATA / "stix" / "oasis-examples" / "threat-reports" / "apt1.json"


@pytest.fixture(scope="module")
def kit() -> Path:
    return artifact("WORKBENCH_KIT", "kit-check")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def linked_copy(kit: Path, target: Path) -> Path:
    """A copy of the kit made of hard links (fast); a test that changes a file replaces it, never edits it."""
    shutil.copytree(kit, target, copy_function=os.link)
    return target


def replace_file(path: Path, data: bytes) -> None:
    path.unlink()
    path.write_bytes(data)


def offline() -> list[str]:
    """A prefix that runs a command in a new network namespace with no interfaces, where the system allows it."""
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, check=False)
    return ["unshare", "--net"] if probe.returncode == 0 else []


def test_the_readme_verification_commands_pass(kit: Path, run: Run) -> None:
    verified = run(
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "kit-signing-key.pub.pem",
        "-rawin",
        "-in",
        "SHA256SUMS",
        "-sigfile",
        "SHA256SUMS.sig",
        cwd=kit,
    )
    assert verified.returncode == 0 and "Signature Verified Successfully" in verified.stdout
    checked = run("sha256sum", "-c", "--strict", "SHA256SUMS", cwd=kit)
    assert checked.returncode == 0, checked.stdout
    listed = {line.split("  ", 1)[1] for line in (kit / "SHA256SUMS").read_text().splitlines()}
    present = {path.relative_to(kit).as_posix() for path in kit.rglob("*") if path.is_file()}
    assert listed == present - {"SHA256SUMS", "SHA256SUMS.sig"}
    assert len((kit / "SHA256SUMS.sig").read_bytes()) == 64


def test_sbom_lists_exactly_the_wheels_and_files_of_the_kit(kit: Path) -> None:
    document = json.loads((kit / "sbom.cdx.json").read_text())
    assert document["bomFormat"] == "CycloneDX" and document["specVersion"] == "1.6"
    version = (kit / "VERSION").read_text().strip()
    assert document["metadata"]["component"]["name"] == "workbench-kit"
    assert document["metadata"]["component"]["version"] == version

    wheels = {}
    for path in (kit / "wheels").iterdir():
        name, wheel_version, _build, _tags = parse_wheel_filename(path.name)
        wheels[path.name] = (str(name), str(wheel_version), sha256(path))
    libraries = {}
    for component in document["components"]:
        if component["type"] != "library":
            continue
        file_name = component["purl"].split("file_name=", 1)[1]
        libraries[file_name] = (
            str(canonicalize_name(component["name"])),
            component["version"],
            component["hashes"][0]["content"],
        )
        assert component["hashes"][0]["alg"] == "SHA-256"
    assert libraries == wheels
    assert ("workbench", version) in {(name, v) for name, v, _ in wheels.values()}

    files = {c["name"]: c["hashes"][0]["content"] for c in document["components"] if c["type"] == "file"}
    assert set(files) == {
        "VERSION",
        "README.txt",
        "install.sh",
        "workbench.desktop.in",
        "requirements.txt",
        "kit-signing-key.pub.pem",
    }
    assert all(sha256(kit / name) == digest for name, digest in files.items())
    # The dependency graph reaches every wheel from the kit.
    edges = {entry["ref"]: entry.get("dependsOn", []) for entry in document["dependencies"]}
    reached, queue = set(), ["workbench-kit"]
    while queue:
        ref = queue.pop()
        if ref not in reached:
            reached.add(ref)
            queue += edges.get(ref, [])
    assert len(reached) == len(wheels) + 1


def test_requirements_pin_each_wheel_to_the_hash_of_its_file(kit: Path) -> None:
    lines = [line for line in (kit / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    by_name = {str(parse_wheel_filename(p.name)[0]): sha256(p) for p in (kit / "wheels").iterdir()}
    assert len(lines) == len(by_name)
    for line in lines:
        requirement, option = line.split(" ")
        assert option == f"--hash=sha256:{by_name[str(canonicalize_name(requirement.split('==')[0]))]}"


def test_a_changed_or_added_file_is_refused_and_nothing_is_installed(kit: Path, tmp_path: Path, run: Run) -> None:
    home = tmp_path / "home"
    home.mkdir()
    environment = clean_environment(home)
    prefix = home / ".local" / "share" / "workbench-kit"

    changed = linked_copy(kit, tmp_path / "changed")
    wheel = next((changed / "wheels").glob("stix2-*.whl"))
    replace_file(wheel, wheel.read_bytes() + b"\0")
    refused = run("sh", changed / "install.sh", "--user", "--python", base_python(), env=environment)
    assert refused.returncode == 1
    assert "a file of the kit does not match SHA256SUMS: do not install it" in refused.stderr
    assert wheel.name in refused.stdout + refused.stderr

    # SHA256SUMS rewritten to match a changed installer: the pinned key refuses the signature.
    forged = linked_copy(kit, tmp_path / "forged")
    replace_file(forged / "install.sh", (forged / "install.sh").read_bytes() + b"\n# changed\n")
    sums = (forged / "SHA256SUMS").read_text().replace(sha256(kit / "install.sh"), sha256(forged / "install.sh"))
    replace_file(forged / "SHA256SUMS", sums.encode())
    shutil.copy(kit / "kit-signing-key.pub.pem", tmp_path / "pinned.pem")
    refused = run(
        "sh",
        forged / "install.sh",
        "--user",
        "--key",
        tmp_path / "pinned.pem",
        "--python",
        base_python(),
        env=environment,
    )
    assert refused.returncode == 1
    assert "signature does not verify" in refused.stderr and "do not install it" in refused.stderr

    added = linked_copy(kit, tmp_path / "added")
    (added / "wheels" / "extra-1.0-py3-none-any.whl").write_bytes(b"PK")
    os.symlink("/etc/hostname", added / "wheels" / "linked.whl")
    # The key named relative to where the installer is started, as an analyst types it.
    refused = run(
        "sh",
        added / "install.sh",
        "--user",
        "--key",
        "pinned.pem",
        "--python",
        base_python(),
        env=environment,
        cwd=tmp_path,
    )
    assert "signature of SHA256SUMS verified with /" in refused.stdout, refused.stderr
    assert refused.returncode == 1 and "files that SHA256SUMS does not list: wheels/extra-1.0" in refused.stderr
    assert "wheels/linked.whl" in refused.stderr
    assert not (home / ".local" / "bin" / "workbench").exists()
    assert not (prefix / "versions").exists() or not any((prefix / "versions").iterdir())


def test_install_offline_use_update_and_uninstall(
    kit: Path, tmp_path: Path, run: Run, passphrase_env: dict[str, str]
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # What install.sh must ignore: pip settings that would reach for an index or another wheel folder.
    environment = clean_environment(
        home, PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_FIND_LINKS=str(tmp_path / "elsewhere"), PIP_NO_INDEX="0"
    )
    shutil.copy(kit / "kit-signing-key.pub.pem", tmp_path / "pinned.pem")
    command = [
        *offline(),
        "sh",
        str(kit / "install.sh"),
        "--user",
        "--key",
        str(tmp_path / "pinned.pem"),
        "--python",
        base_python(),
    ]
    installed = run(*command, env=environment)
    assert installed.returncode == 0, installed.stderr
    assert "signature of SHA256SUMS verified" in installed.stdout
    version = (kit / "VERSION").read_text().strip()
    assert f"installed workbench {version}" in installed.stdout

    prefix = home / ".local" / "share" / "workbench-kit"
    launcher = home / ".local" / "bin" / "workbench"
    assert run(launcher, "--version", env=environment).stdout.strip() == f"workbench {version}"
    entry = home / ".local" / "share" / "applications" / "workbench.desktop"
    assert f"Exec={prefix}/current/bin/workbench gui" in entry.read_text()
    if shutil.which("desktop-file-validate"):
        assert run("desktop-file-validate", entry).returncode == 0
    icons = home / ".local" / "share" / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "workbench.svg").is_file()
    assert (icons / "48x48" / "apps" / "workbench.png").is_file()
    # The guides Help > User guide opens, with their pictures, came in the wheel.
    installed = list((prefix / "current").glob("lib/python3.*/site-packages/workbench/resources/guides"))
    assert len(installed) == 1, installed
    guides = installed[0]
    for name in ("user-guide.md", "admin-guide.md", "commands.md"):
        assert (guides / name).read_bytes() == (REPO / "resources" / "guides" / name).read_bytes(), name
    assert sorted(p.name for p in (guides / "images").glob("*.png")) == sorted(
        p.name for p in (REPO / "resources" / "guides" / "images").glob("*.png")
    )

    # First run: a fresh workspace, a real OASIS threat report imported, then found.
    workspace = tmp_path / "cases" / "analyst.db"
    workspace.parent.mkdir()
    use = {**environment, **passphrase_env}
    created = run(launcher, "init", "--db", workspace, "--name", "Kit Check CSIRT", env=use)
    assert created.returncode == 0, created.stderr
    imported = run(launcher, "import", "--db", workspace, "--json", OASIS_REPORT, env=use)
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)[0]
    bundle_size = len(json.loads(OASIS_REPORT.read_text())["objects"])
    assert summary["new"] == bundle_size and not summary["objects_refused"]
    found = run(launcher, "search", "--db", workspace, "--json", "APT1", env=use)
    assert found.returncode == 0 and "APT1" in found.stdout

    # Update: the kit installed again replaces the version in place; the workspace stays as it was.
    before = os.readlink(prefix / "current")
    again = run(*command, env=environment)
    assert again.returncode == 0, again.stderr
    after = os.readlink(prefix / "current")
    assert after != before and [p.name for p in (prefix / "versions").iterdir()] == [Path(after).name]
    assert run(launcher, "search", "--db", workspace, "APT1", env=use).returncode == 0

    removed = run("sh", prefix / "install.sh", "--uninstall", env=environment)
    assert removed.returncode == 0, removed.stderr
    assert "workspaces and keys in them were not touched" in removed.stdout
    assert not prefix.exists() and not launcher.exists() and not launcher.is_symlink() and not entry.exists()
    assert not (icons / "scalable" / "apps" / "workbench.svg").exists()
    assert workspace.is_file()


def test_install_needs_python_311(kit: Path, tmp_path: Path, run: Run) -> None:
    home = tmp_path / "home"
    home.mkdir()
    fake = tmp_path / "python-3.10"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    refused = run("sh", kit / "install.sh", "--user", "--python", fake, env=clean_environment(home))
    assert refused.returncode == 1 and "Python 3.11 is needed" in refused.stderr
    assert not (home / ".local" / "bin" / "workbench").exists()
