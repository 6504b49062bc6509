"""The Debian package of the frozen application: ``python -m kittools.deb --app dist/freeze/workbench --out dist``.

Layout: the PyInstaller folder in /opt/workbench, the link /usr/bin/workbench, the desktop entry, the icon in
every size of the hicolor theme and a copyright file. Debian's desktop-file-utils and hicolor-icon-theme refresh
their caches through dpkg triggers, so the package has no maintainer scripts.

PyInstaller copies into its folder the system libraries that Qt and Python link to (libxcb-*, libxkbcommon,
libstdc++, libssl, ...). In the package those copies give way to Debian's own: a copy byte-identical to a
library that an installed Debian package ships is left out, so the system's security updates reach it, and
``Depends`` names every package that provides a library the remaining files need, found with ``readelf``
(NEEDED) and ``ldd`` over every ELF file of the folder (Qt's plugins and libraries included) and ``dpkg -S``.
What Qt for Python's wheels carry (Qt, ICU) and the Python the build ran on stay in the folder.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kittools.build_kit import GLIBC_FLOOR, REPO, select_key
from kittools.elf import external_libraries, is_elf
from kittools.signing import KitError, format_fingerprint, sha256_file, sign_file

logger = logging.getLogger(__name__)

PACKAGE = "workbench"
MAINTAINER = "Workbench release team <release@workbench.invalid>"
DESCRIPTION = """\
Air-gapped threat intelligence workbench for analysts
 A desktop program and a command for cyber threat analysts on isolated
 workstations: an encrypted local STIX 2.1 store (SQLCipher), signed exchange
 packages on removable media, incident and exercise cases and PDF reports.
 .
 The program and the libraries it is built on are in /opt/workbench."""
COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: workbench

Files: *
License: Apache-2.0

Files: opt/workbench/_internal/*
Comment: Third-party components frozen with the program (Python, Qt for Python, cryptography, SQLCipher and the
 other wheels of the offline kit, whose sbom.cdx.json lists each with version, licence and hash). Their licence
 files are in the *.dist-info folders beside them.
License: various
"""


def _dpkg_owner(path: str) -> str | None:
    """The Debian package shipping ``path`` (or the same file under / and /usr, as usrmerge allows)."""
    candidates = [path, os.path.realpath(path)]
    for candidate in list(candidates):
        if candidate.startswith("/usr/"):
            candidates.append(candidate[4:])
        else:
            candidates.append("/usr" + candidate)
    for candidate in candidates:
        done = subprocess.run(["dpkg-query", "--search", candidate], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout:
            owner = done.stdout.split(":", 1)[0].strip()
            return owner.split(",")[0].strip()
    return None


def _system_libraries() -> dict[str, str]:
    """soname -> path of the x86-64 libraries the system's loader knows (``ldconfig -p``)."""
    done = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=False, env={"LC_ALL": "C"})
    found: dict[str, str] = {}
    for line in done.stdout.splitlines():
        match = re.match(r"^\s*(\S+) \((?:[^)]*x86-64[^)]*)\) => (\S+)$", line)
        if match:
            found.setdefault(match.group(1), match.group(2))
    return found


def give_way_to_system(folder: Path) -> list[str]:
    """Remove the folder's top-level library copies that equal a library an installed Debian package ships."""
    system = _system_libraries()
    removed = []
    for path in sorted((folder / "_internal").iterdir()):
        if not path.name.startswith("lib") or not is_elf(path):
            continue
        origin = system.get(path.name)
        if origin is None or sha256_file(Path(origin)) != sha256_file(path) or _dpkg_owner(origin) is None:
            continue
        path.unlink()
        removed.append(path.name)
    logger.info("left to the system: %s", ", ".join(removed))
    return removed


def depends(folder: Path) -> list[str]:
    """``Depends`` for the folder: the Debian packages of every library it needs and does not carry."""
    found, missing = external_libraries(folder)
    if missing:
        detail = "; ".join(f"{name} (for {users[0]})" for name, users in sorted(missing.items()))
        raise KitError(f"libraries not found on this machine, run packaging/system-deps.sh package: {detail}")
    packages: dict[str, str] = {}
    for soname, path in sorted(found.items()):
        owner = _dpkg_owner(path)
        if owner is None:
            raise KitError(f"{soname} ({path}) belongs to no Debian package: it cannot be declared")
        packages[owner] = soname
    names = sorted(packages)
    # The wheels are built for glibc 2.34 and newer (manylinux_2_34): say so, not just "some libc6".
    return [f"{name} (>= 2.{GLIBC_FLOOR})" if name == "libc6" else name for name in names]


def _tree_size_kib(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += (path.stat().st_size + 1023) // 1024
    return total


def stage(app: Path, root: Path, version: str) -> list[str]:
    """Lay out the package's files under ``root``; returns the Depends list."""
    opt = root / "opt" / PACKAGE
    shutil.copytree(app, opt, symlinks=True)
    give_way_to_system(opt)
    bindir = root / "usr" / "bin"
    bindir.mkdir(parents=True)
    (bindir / PACKAGE).symlink_to(f"/opt/{PACKAGE}/{PACKAGE}")

    icons = opt / "_internal" / PACKAGE / "resources" / "icons"
    hicolor = root / "usr" / "share" / "icons" / "hicolor"
    for png in sorted(icons.glob("hicolor/*/apps/workbench.png")):
        target = hicolor / png.relative_to(icons / "hicolor")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)
    (hicolor / "scalable" / "apps").mkdir(parents=True)
    shutil.copyfile(icons / "workbench.svg", hicolor / "scalable" / "apps" / "workbench.svg")
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    entry = (REPO / "packaging" / "workbench.desktop.in").read_text(encoding="utf-8")
    (applications / "workbench.desktop").write_text(entry.replace("@EXEC@", f"/usr/bin/{PACKAGE}"), encoding="utf-8")
    doc = root / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(COPYRIGHT, encoding="utf-8")

    needs = depends(opt)
    control = root / "DEBIAN"
    control.mkdir()
    fields = {
        "Package": PACKAGE,
        "Version": version,
        "Architecture": "amd64",
        "Maintainer": MAINTAINER,
        "Installed-Size": str(_tree_size_kib(root)),
        "Depends": ", ".join(needs),
        "Section": "utils",
        "Priority": "optional",
        "Description": DESCRIPTION,
    }
    (control / "control").write_text("".join(f"{key}: {value}\n" for key, value in fields.items()), encoding="utf-8")
    # Policy's modes whatever the build machine's umask: directories 0755, programs 0755, the rest 0644.
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)
    return needs


def build_deb(app: Path, out: Path) -> Path:
    """Build ``out/workbench_VERSION_amd64.deb`` from the frozen folder ``app``."""
    done = subprocess.run([str(app / PACKAGE), "--version"], capture_output=True, text=True, check=False)
    match = re.fullmatch(r"workbench (\S+)\n?", done.stdout)
    if done.returncode != 0 or not match:
        raise KitError(f"{app / PACKAGE} does not start: {done.stderr.strip() or done.stdout.strip()}")
    version = match.group(1)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{PACKAGE}_{version}_amd64.deb"
    with tempfile.TemporaryDirectory(prefix="workbench-deb-", dir=out) as scratch:
        root = Path(scratch) / "root"
        root.mkdir()
        stage(app, root, version)
        partial = Path(scratch) / target.name
        built = subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zzstd", "--build", str(root), str(partial)],
            capture_output=True,
            text=True,
            check=False,
        )
        if built.returncode != 0:
            raise KitError(f"dpkg-deb failed: {built.stderr.strip()}")
        partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deb", description="Debian package of the frozen application.")
    parser.add_argument("--app", type=Path, required=True, help="the PyInstaller folder (dist/freeze/workbench)")
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="where the .deb goes")
    parser.add_argument(
        "--signing-key",
        default=os.environ.get("KIT_SIGNING_KEY"),
        help="the kit's Ed25519 signing key (as for build_kit); signs the .deb into .deb.sig",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="deb: %(message)s")
    started = time.monotonic()
    try:
        key = select_key(args.signing_key)
        package = build_deb(args.app.resolve(), args.out.resolve())
        signature = sign_file(package, key)
    except KitError as exc:
        print(f"deb: {exc}", file=sys.stderr)
        return 1
    digest = hashlib.sha256(package.read_bytes()).hexdigest()
    print(
        f"package: {package} ({package.stat().st_size / 1e6:.0f} MB, sha256 {digest[:16]}...) "
        f"in {time.monotonic() - started:.0f} s"
    )
    print(f"signed: {signature.name} with {key.source}, fingerprint {format_fingerprint(key.key_id)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
