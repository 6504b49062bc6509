"""The PyInstaller one-folder build, made from the offline kit: ``python -m kittools.freeze --kit DIR --out DIR``.

A fresh virtual environment (build/venv-freeze) is filled exactly as install.sh fills one, from the kit's
wheels with ``--no-index --require-hashes``; PyInstaller (hash-pinned in packaging/lock/build.txt, constrained
to the runtime lock's versions) is added and runs packaging/workbench.spec. The folder therefore holds the
kit's code and libraries, not the checkout's, and the build refuses to finish unless the frozen program starts
and reports the kit's version.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from kittools.build_kit import REPO, pip_environment
from kittools.signing import KitError

logger = logging.getLogger(__name__)

VENV = REPO / "build" / "venv-freeze"
WORK = REPO / "build" / "pyinstaller"
SPEC = REPO / "packaging" / "workbench.spec"
BUILD_LOCK = REPO / "packaging" / "lock" / "build.txt"


def _run(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False, **options)  # type: ignore[call-overload]
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise KitError(f"{' '.join(str(part) for part in command[:4])} failed:\n{tail}")
    return done


def make_venv(kit: Path) -> Path:
    """A new virtual environment holding the kit (as install.sh installs it) and PyInstaller; returns python."""
    if VENV.exists():
        shutil.rmtree(VENV)
    _run([sys.executable, "-m", "venv", "--without-pip", str(VENV)])
    python = VENV / "bin" / "python"
    pip_wheels = sorted((kit / "wheels").glob("pip-*.whl"))
    if len(pip_wheels) != 1:
        raise KitError(f"the kit {kit} must hold exactly one pip wheel")
    environment = pip_environment()
    _run(
        [
            str(python),
            str(pip_wheels[0] / "pip"),
            "install",
            "--quiet",
            "--no-index",
            "--find-links",
            str(kit / "wheels"),
            "--require-hashes",
            "--only-binary",
            ":all:",
            "-r",
            str(kit / "requirements.txt"),
        ],
        env=environment,
    )
    _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--require-hashes",
            "--only-binary",
            ":all:",
            "-r",
            str(BUILD_LOCK),
        ],
        env=environment,
    )
    return python


def freeze(kit: Path, out: Path) -> Path:
    """Build ``out/workbench/`` from the kit; returns the folder after checking that its program starts."""
    version = (kit / "VERSION").read_text(encoding="utf-8").strip()
    python = make_venv(kit)
    _run(
        [
            str(python),
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(out),
            "--workpath",
            str(WORK),
            str(SPEC),
        ]
    )
    folder = out / "workbench"
    program = folder / "workbench"
    said = _run([str(program), "--version"], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).stdout.strip()
    if said != f"workbench {version}":
        raise KitError(f"the frozen program says {said!r}, expected 'workbench {version}'")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="freeze", description="PyInstaller one-folder build from the kit.")
    parser.add_argument("--kit", type=Path, required=True, help="the kit folder (dist/workbench-kit-VERSION)")
    parser.add_argument("--out", type=Path, default=REPO / "dist" / "freeze", help="where workbench/ goes")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="freeze: %(message)s")
    started = time.monotonic()
    try:
        folder = freeze(args.kit.resolve(), args.out.resolve())
    except KitError as exc:
        print(f"freeze: {exc}", file=sys.stderr)
        return 1
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())
    print(f"frozen: {folder} ({size / 1e6:.0f} MB) in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
