"""Fixtures of the packaging tests: the kit tools on the import path, the built artifacts, a clean environment.

The tests of built artifacts (the kit, the frozen folder, the .deb) run from ``make kit-check`` and
``make deb-check``, which build them first and name them in WORKBENCH_KIT, WORKBENCH_FROZEN and WORKBENCH_DEB;
in a plain ``make test`` they are skipped with that reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, REPO

sys.path.insert(0, str(REPO / "packaging"))  # kittools: signing needs only cryptography, a runtime dependency


def artifact(variable: str, target: str) -> Path:
    """The built artifact named in ``variable``; skips the test when it is not set."""
    value = os.environ.get(variable)
    if not value:
        pytest.skip(f"needs a built artifact: run by `make {target}` ({variable})")
    path = Path(value)
    if not path.is_absolute():
        path = REPO / path
    assert path.exists(), f"{variable}={value} does not exist"
    return path


def base_python() -> str:
    """The interpreter the test venv was made from: pyenv's shims stop working once HOME is changed."""
    return os.path.realpath(getattr(sys, "_base_executable", sys.executable))


def clean_environment(home: Path, **extra: str) -> dict[str, str]:
    """An analyst's login environment in ``home``: no WORKBENCH_*, PIP_*, XDG_* or virtualenv variables."""
    keep = ("PATH", "LANG", "LC_ALL", "TERM", "TMPDIR", "QT_QPA_PLATFORM")
    environment = {key: os.environ[key] for key in keep if key in os.environ}
    environment.update(HOME=str(home), USER="analyst", QT_QPA_PLATFORM="offscreen")
    environment.update(extra)
    return environment


@pytest.fixture
def run() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a command, text in and out, never raising on a non-zero exit."""

    def call(
        *command: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(part) for part in command],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    return call


@pytest.fixture
def passphrase_env() -> dict[str, str]:
    return {"WORKBENCH_PASSPHRASE": PASSPHRASE}
