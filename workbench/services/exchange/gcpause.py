"""Pausing Python's cyclic garbage collector during bulk work that creates millions of acyclic containers."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Parsing a bundle or indexing 100,000 objects allocates tuples and dicts in the millions and no cycles;
    every allocation threshold would trigger a scan of all of them, which doubles the run time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
