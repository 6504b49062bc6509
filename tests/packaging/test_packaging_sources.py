"""What the packaging is made from, checked without building: the lock files against pyproject.toml, the
installer script, the desktop entry and the icon."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

LOCK = REPO / "packaging" / "lock"


def pins(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a hash-pinned requirements file."""
    text = re.sub(r"\\\n", " ", path.read_text())
    found = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split()
        name, version = requirement.split("==")
        found[str(canonicalize_name(name))] = (version, [o.removeprefix("--hash=") for o in options])
    return found


def test_runtime_lock_pins_every_dependency_of_pyproject_with_hashes() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    locked = pins(LOCK / "runtime.txt")
    for dependency in project["dependencies"]:
        requirement = Requirement(dependency)
        name = str(canonicalize_name(requirement.name))
        assert name in locked, f"{requirement.name} is in pyproject.toml but not in the lock: run `make lock`"
        assert requirement.specifier.contains(locked[name][0]), f"{name} {locked[name][0]} breaks {requirement}"
    for name, (_version, hashes) in locked.items():
        assert hashes and all(h.startswith("sha256:") and len(h) == 71 for h in hashes), name
    # The decision in docs/architecture.md: Qt for Python below 6.12 (6.12.0 corrupts reference counts under
    # CPython 3.11), whose meta-package is Essentials plus Addons, with no separate WebEngine wheel.
    assert locked["pyside6"][0].startswith("6.") and int(locked["pyside6"][0].split(".")[1]) < 12
    assert {"pyside6-essentials", "pyside6-addons"} <= set(locked) and "pyside6-webengine" not in locked
    assert "pip" in locked  # the installer runs pip from its wheel in the kit
    assert not any(name.startswith(("pytest", "ruff", "mypy")) for name in locked)  # no test tools in the kit


def test_build_lock_agrees_with_the_runtime_lock() -> None:
    runtime, build = pins(LOCK / "runtime.txt"), pins(LOCK / "build.txt")
    for tool in ("uv", "pyinstaller", "cyclonedx-python-lib", "setuptools", "cryptography"):
        assert tool in build, tool
    shared = set(runtime) & set(build)
    assert shared, "the build lock is compiled with the runtime lock as constraint"
    for name in shared:
        assert runtime[name][0] == build[name][0], f"{name}: {runtime[name][0]} vs {build[name][0]}"


def test_lock_files_name_the_command_that_makes_them() -> None:
    for name in ("runtime.txt", "build.txt"):
        assert "make lock" in (LOCK / name).read_text().splitlines()[1], name
    script = (REPO / "packaging" / "lock.sh").read_text()
    assert "--python-platform x86_64-manylinux_2_34" in script and "--python-version 3.11" in script


def test_install_script_is_posix_shell_and_explains_itself(tmp_path: Path) -> None:
    script = REPO / "packaging" / "install.sh"
    assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0
    shown = subprocess.run(["sh", str(script), "--help"], capture_output=True, text=True, check=False)
    assert shown.returncode == 0 and "--key PINNED.pub.pem" in shown.stdout and "--uninstall" in shown.stdout
    wrong = subprocess.run(["sh", str(script), "--frobnicate"], capture_output=True, text=True, check=False)
    assert wrong.returncode == 1 and "unknown option: --frobnicate" in wrong.stderr
    # Run from a folder that is not a kit, it refuses before touching anything.
    copy = tmp_path / "not-a-kit" / "install.sh"
    copy.parent.mkdir()
    shutil.copy(script, copy)
    refused = subprocess.run(
        ["sh", str(copy), "--user", "--prefix", str(tmp_path / "prefix")],
        capture_output=True,
        text=True,
        check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert refused.returncode == 1 and "is not a complete workbench kit" in refused.stderr
    assert not (tmp_path / "prefix").exists()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_desktop_entry_is_valid(tmp_path: Path) -> None:
    entry = tmp_path / "workbench.desktop"
    template = (REPO / "packaging" / "workbench.desktop.in").read_text()
    entry.write_text(template.replace("@EXEC@", "/usr/bin/workbench"))
    checked = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and checked.stdout == "", checked.stdout
    assert "Exec=/usr/bin/workbench gui" in entry.read_text() and "Icon=workbench" in entry.read_text()


def test_icon_exists_as_svg_and_in_every_size() -> None:
    icons = REPO / "resources" / "icons"
    svg = (icons / "workbench.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and 'viewBox="0 0 256 256"' in svg
    sizes = []
    for png in sorted(icons.glob("hicolor/*/apps/workbench.png")):
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert f"{width}x{height}" == png.parent.parent.name
        sizes.append(width)
    assert sorted(sizes) == [16, 24, 32, 48, 64, 128, 256]
    # The wheel and the frozen folder carry resources/ through this link.
    assert (REPO / "workbench" / "resources").resolve() == icons.parent
