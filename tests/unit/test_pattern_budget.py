"""Many large patterns, each of another shape, cost a bounded amount of validation per file, and can be cancelled
between two of them."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import orjson
import pytest

from tests.conftest import bundle, indicator
from workbench.domain.errors import Cancelled
from workbench.services.importing.importer import import_file
from workbench.services.importing.limits import DEFAULT_LIMITS
from workbench.services.workspace import Workspace
from workbench.storage.objects import store_digest


def many_shapes(count: int, comparisons: int) -> list[dict]:
    """``count`` indicators whose patterns join ``comparisons + i`` comparisons: no two of the same shape."""
    return [
        indicator(
            pattern=" OR ".join(f"[ipv4-addr:value = '10.0.{i % 250}.{j % 250}']" for j in range(comparisons + i)),
        )
        for i in range(count)
    ]


def test_the_pattern_budget_of_one_file_refuses_the_rest_unvalidated(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "patterns.json"
    path.write_bytes(orjson.dumps(bundle(*many_shapes(12, 200))))
    limits = dataclasses.replace(DEFAULT_LIMITS, pattern_budget=1_000)
    started = time.monotonic()
    summary = import_file(workspace, path, limits=limits)
    assert time.monotonic() - started < 30
    assert summary.new == 4 and summary.objects_refused == 8  # 4 patterns of 200-203 comparisons fit in 1,000
    assert all("comparisons one file may spend" in finding.message for finding in summary.refusal_reasons)


def test_a_cancel_stops_between_two_costly_patterns_and_keeps_nothing(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "patterns.json"
    path.write_bytes(orjson.dumps(bundle(*many_shapes(20, 300))))
    before = store_digest(workspace.conn)
    asked: list[float] = []

    def cancel() -> bool:
        asked.append(time.monotonic())
        return len(asked) > 3

    with pytest.raises(Cancelled):
        import_file(workspace, path, cancel=cancel)
    assert len(asked) == 4  # polled before each pattern the library validates, not only between batches
    assert store_digest(workspace.conn) == before
