"""``workbench gui`` as the packaging and the analyst start it."""

from __future__ import annotations

import os


def test_smoke_test_opens_the_window_on_demo_data(cli) -> None:
    result = cli("gui", "--smoke-test", passphrase=None, env={"QT_QPA_PLATFORM": "offscreen"}, timeout=120)
    assert result.code == 0, result.stderr
    assert result.stdout.strip().endswith("smoke test ok")
    assert "worker process ok (pid " in result.stdout  # a job ran in the program started again as its worker
    assert "propagateSizeHints" not in result.stderr


def test_without_a_display_the_window_says_so_in_one_line(cli) -> None:
    saved = {name: os.environ.pop(name, None) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    try:
        result = cli("gui", passphrase=None)
    finally:
        os.environ.update({name: value for name, value in saved.items() if value is not None})
    assert result.code == 1
    assert result.stderr.count("\n") == 1 and "no display" in result.stderr
