"""Build the signed offline kit: ``python -m kittools.build_kit --out dist`` (what ``make kit`` runs).

The kit is one folder, ``dist/workbench-kit-VERSION/``, carried on removable media as it is:

    VERSION                   the workbench version, one line
    README.txt                what to do with the folder (verify, install, update, uninstall)
    install.sh                the installer: pip --no-index --require-hashes into a virtual environment
    workbench.desktop.in      the desktop entry the installer completes
    requirements.txt          every wheel of the kit pinned to the SHA-256 of the very file shipped
    wheels/                   the project's wheel and every runtime dependency for CPython 3.11, Linux x86_64
    sbom.cdx.json             CycloneDX 1.6 SBOM of all of the above
    kit-signing-key.pub.pem   the signing key's public half, for a first comparison of fingerprints only
    SHA256SUMS                sha256sum lines for every file above
    SHA256SUMS.sig            Ed25519 signature over SHA256SUMS (64 raw bytes)

The wheelhouse comes from packaging/lock/runtime.txt (hash-checked by pip, then checked again here); the
project's wheel is built from the checkout's tracked files with the commit's time as SOURCE_DATE_EPOCH. The
kit is assembled under a temporary name and renamed at the end, so an interrupted build leaves no kit behind.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from kittools.sbom import SBOM_NAME, TARGET_ENVIRONMENT, build_sbom, write_sbom
from kittools.signing import (
    SUMS_NAME,
    KitError,
    SigningKey,
    development_key,
    format_fingerprint,
    load_signing_key,
    sha256_file,
    sign_file,
    verify_file,
    write_sums,
)

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "packaging" / "lock" / "runtime.txt"
DEV_KEY = REPO / "build" / "kit-signing-key.pem"
PROJECT = "workbench"
PUBLIC_KEY_NAME = "kit-signing-key.pub.pem"

# pip has no "this glibc or newer" switch for a foreign platform: list every manylinux tag from the kit's floor
# (glibc 2.34, Qt for Python's) down, with the legacy aliases, as pip's own tag list for such a machine would.
GLIBC_FLOOR = 34
PLATFORMS = [f"manylinux_2_{minor}_x86_64" for minor in range(GLIBC_FLOOR, 4, -1)] + [
    "manylinux2014_x86_64",
    "manylinux2010_x86_64",
    "manylinux1_x86_64",
    "linux_x86_64",
]
# pip's configuration on the build machine (find-links, extra indexes, constraints) must not reach the kit.
_PIP_SETTINGS_KEPT = {
    "PIP_INDEX_URL",
    "PIP_CERT",
    "PIP_CLIENT_CERT",
    "PIP_TRUSTED_HOST",
    "PIP_DEFAULT_TIMEOUT",
    "PIP_PROXY",
    "PIP_RETRIES",
}


@dataclass(frozen=True)
class Pin:
    """One requirement of the lock file: ``name==version`` with the hashes allowed for it."""

    name: str
    version: str
    hashes: frozenset[str]

    @property
    def key(self) -> str:
        return str(canonicalize_name(self.name))


def read_lock(path: Path) -> list[Pin]:
    """Parse a hash-pinned requirements file as pip-compile and uv write it.

    Refuses anything but ``name==version`` lines with at least one ``--hash=sha256:``; requirements whose
    marker excludes the target (CPython 3.11 on Linux x86_64) are left out.
    """
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    pins = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        hashes = frozenset(part.removeprefix("--hash=sha256:") for part in parts if part.startswith("--hash="))
        spec = " ".join(part for part in parts if not part.startswith("--hash="))
        try:
            requirement = Requirement(spec)
        except ValueError:
            raise KitError(f"{path.name}: line {number} is not a requirement: {spec}") from None
        if requirement.marker is not None and not requirement.marker.evaluate(TARGET_ENVIRONMENT):
            continue
        pinned = [s.version for s in requirement.specifier if s.operator == "=="]
        if len(requirement.specifier) != 1 or not pinned or not hashes or any(len(h) != 64 for h in hashes):
            raise KitError(f"{path.name}: {requirement.name} must be pinned with == and sha256 hashes")
        pins.append(Pin(requirement.name, pinned[0], hashes))
    if not pins:
        raise KitError(f"{path.name} pins nothing")
    return pins


def project_version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"$', (REPO / "workbench" / "__init__.py").read_text(), re.MULTILINE)
    if not match:
        raise KitError("workbench/__init__.py has no __version__")
    return match.group(1)


def _run(command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    logger.info("running %s", " ".join(command[:4]))
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise KitError(f"{' '.join(command[:4])} failed: {detail[-1] if detail else done.returncode}")
    return done.stdout


def pip_environment() -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("PIP_") or key in _PIP_SETTINGS_KEPT
    }
    environment.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return environment


def source_date_epoch() -> str:
    """The last commit's time, so that two builds of one commit give the same wheel; now without git."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        return _run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"]).strip()
    except (KitError, OSError):
        return str(int(__import__("time").time()))


def build_project_wheel(target: Path) -> Path:
    """Build the project's wheel from a copy of the checkout's tracked (and new, unignored) files.

    A copy, because setuptools reuses build/ and *.egg-info in the tree it builds in, and a file deleted from
    the repository could otherwise still ride along in the wheel.
    """
    with tempfile.TemporaryDirectory(prefix="workbench-wheel-") as scratch:
        source = Path(scratch) / "src"
        listed = subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=False,
        )
        if listed.returncode != 0:
            raise KitError("the kit is built from a git checkout: git ls-files failed here")
        for name in sorted(set(listed.stdout.decode().split("\0")) - {""}):
            origin = REPO / name
            if not origin.exists() and not origin.is_symlink():
                continue  # deleted in the working tree, not yet committed
            destination = source / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_symlink():
                destination.symlink_to(os.readlink(origin))
            else:
                shutil.copy2(origin, destination)
        out = Path(scratch) / "wheel"
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "--no-index",
                "--wheel-dir",
                str(out),
                str(source),
            ],
            env=pip_environment(),
        )
        built = sorted(out.glob(f"{PROJECT}-*.whl"))
        if len(built) != 1:
            raise KitError(f"expected one {PROJECT} wheel, pip built {[path.name for path in built]}")
        return Path(shutil.copy2(built[0], target / built[0].name))


def download_wheelhouse(pins: list[Pin], lock: Path, target: Path) -> dict[str, Path]:
    """Download exactly one wheel per pin into ``target``, hash-checked by pip and again against the lock here."""
    with tempfile.TemporaryDirectory(prefix="workbench-wheelhouse-") as scratch:
        wheels = _download(pins, lock, Path(scratch))
        return {key: Path(shutil.move(path, target / path.name)) for key, path in wheels.items()}


def _download(pins: list[Pin], lock: Path, target: Path) -> dict[str, Path]:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--require-hashes",
        "--only-binary=:all:",
        "--implementation",
        "cp",
        "--python-version",
        "3.11",
        "--abi",
        "cp311",
        "--abi",
        "abi3",
        "--abi",
        "none",
        "--progress-bar",
        "off",
        "--dest",
        str(target),
        "--requirement",
        str(lock),
    ]
    for platform in PLATFORMS:
        command += ["--platform", platform]
    _run(command, env=pip_environment())
    wheels: dict[str, Path] = {}
    for path in sorted(target.iterdir()):
        if path.suffix != ".whl":
            raise KitError(f"pip left a file that is not a wheel in the wheelhouse: {path.name}")
        key = str(parse_wheel_filename(path.name)[0])
        if key in wheels:
            raise KitError(f"two wheels of {key}: {wheels[key].name}, {path.name}")
        wheels[key] = path
    for pin in pins:
        found = wheels.get(pin.key)
        if found is None:
            raise KitError(f"no wheel of {pin.name} {pin.version} was downloaded")
        if sha256_file(found) not in pin.hashes:
            raise KitError(f"{found.name} does not match any hash of the lock file")
    extra = set(wheels) - {pin.key for pin in pins}
    if extra:
        raise KitError(f"wheels not in the lock file: {sorted(extra)}")
    return wheels


def write_requirements(target: Path, wheels: list[Path]) -> Path:
    """``requirements.txt`` for the installer: each wheel pinned to its version and to the hash of its file."""
    lines = [
        "# Installed by install.sh: pip install --no-index --find-links wheels --require-hashes -r this file.",
        "# Each line pins the one wheel of this kit, by version and by the SHA-256 of the file.",
    ]
    for path in sorted(wheels, key=lambda wheel: str(parse_wheel_filename(wheel.name)[0])):
        name, version, _build, _tags = parse_wheel_filename(path.name)
        lines.append(f"{name}=={version} --hash=sha256:{sha256_file(path)}")
    requirements = target / "requirements.txt"
    requirements.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return requirements


README_TEXT = """\
Workbench {version}: offline installation kit for Linux x86_64 with Python 3.11

Before anything else, check the kit against the signing key you pinned (not the copy in this folder):

    openssl pkeyutl -verify -pubin -inkey PINNED-kit-signing-key.pub.pem -rawin \\
        -in SHA256SUMS -sigfile SHA256SUMS.sig
    sha256sum -c --strict SHA256SUMS

Then install for yourself (or for every user when run as root):

    sh install.sh --key PINNED-kit-signing-key.pub.pem

Running install.sh from a newer kit updates in place; uninstall with install.sh --uninstall. The
administrator's guide (Help > Administrator's guide once installed) describes every step; sbom.cdx.json lists
every wheel.
"""


def select_key(path: str | None) -> SigningKey:
    """The release key at ``path`` (passphrase from $KIT_SIGNING_KEY_PASSPHRASE, else asked for on a terminal
    when the PEM is encrypted), or the checkout's development key when no path is given."""
    if not path:
        return development_key(DEV_KEY)
    secret = os.environ.get("KIT_SIGNING_KEY_PASSPHRASE")
    try:
        return load_signing_key(Path(path), secret.encode() if secret is not None else None)
    except KitError as exc:
        if secret is not None or not sys.stdin.isatty() or "is encrypted" not in str(exc):
            raise
    return load_signing_key(Path(path), getpass.getpass(f"Passphrase of {path}: ").encode())


def build_kit(out: Path, key: SigningKey, lock: Path = LOCK) -> Path:
    """Assemble, describe, checksum and sign the kit; returns its folder ``out/workbench-kit-VERSION``."""
    version = project_version()
    pins = read_lock(lock)
    if any(pin.key == PROJECT for pin in pins):
        raise KitError(f"the lock file pins {PROJECT} itself")
    out.mkdir(parents=True, exist_ok=True)
    final = out / f"{PROJECT}-kit-{version}"
    partial = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=out))
    try:
        os.chmod(partial, 0o755)
        wheels_dir = partial / "wheels"
        wheels_dir.mkdir()
        os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch()
        own = build_project_wheel(wheels_dir)
        if parse_wheel_filename(own.name)[1].public != version:
            raise KitError(f"the wheel {own.name} is not version {version}")
        wheels = download_wheelhouse(pins, lock, wheels_dir)
        write_requirements(partial, [own, *wheels.values()])

        (partial / "VERSION").write_text(version + "\n", encoding="utf-8")
        (partial / "README.txt").write_text(README_TEXT.format(version=version), encoding="utf-8")
        for name, mode in (("install.sh", 0o755), ("workbench.desktop.in", 0o644)):
            shutil.copyfile(REPO / "packaging" / name, partial / name)
            os.chmod(partial / name, mode)
        (partial / PUBLIC_KEY_NAME).write_bytes(key.public_pem)

        described = ["VERSION", "README.txt", "install.sh", "workbench.desktop.in", "requirements.txt", PUBLIC_KEY_NAME]
        bom = build_sbom(partial, kit_name=f"{PROJECT}-kit", kit_version=version, application=PROJECT, files=described)
        write_sbom(bom, partial / SBOM_NAME)

        sums = write_sums(partial)
        signature = sign_file(sums, key)
        if not verify_file(sums, signature, key.public_pem):
            raise KitError("the signature just made does not verify")
        if final.exists():
            shutil.rmtree(final)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build_kit", description="Build the signed offline kit.")
    parser.add_argument("--out", type=Path, default=REPO / "dist", help="where the kit folder goes (dist)")
    parser.add_argument(
        "--signing-key",
        default=os.environ.get("KIT_SIGNING_KEY"),
        help="Ed25519 private key, PKCS#8 PEM (or $KIT_SIGNING_KEY; passphrase from "
        "$KIT_SIGNING_KEY_PASSPHRASE); without it, the checkout's development key",
    )
    parser.add_argument("--lock", type=Path, default=LOCK, help="hash-pinned runtime requirements")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="build_kit: %(message)s")
    try:
        key = select_key(args.signing_key)
        kit = build_kit(args.out, key, args.lock)
    except KitError as exc:
        print(f"build_kit: {exc}", file=sys.stderr)
        return 1
    wheels = sorted((kit / "wheels").glob("*.whl"))
    size = sum(path.stat().st_size for path in kit.rglob("*") if path.is_file())
    print(f"kit: {kit} ({len(wheels)} wheels, {size / 1e6:.0f} MB)")
    print(f"signed {SUMS_NAME} with {key.source}")
    print(f"signing key fingerprint: {format_fingerprint(key.key_id)}")
    if key.development:
        print(
            "warning: development key: for testing only; a release is signed with KIT_SIGNING_KEY=PATH", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
