"""Bulk work in worker threads and Python's memory management: pausing the cyclic garbage collector while millions
of acyclic containers are made, and letting go of large tables a slice at a time."""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Iterator
from typing import Any

#: Entries freed in one go by ``let_go``: a few hundred microseconds each.
SLICE = 5_000


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


def let_go(*containers: dict[Any, Any] | set[Any] | list[Any]) -> None:
    """Empty large containers a slice at a time, before they go out of scope.

    Freeing a container frees everything only it holds in one call that keeps the interpreter lock throughout: the
    export plan's 100,000-entry tables took 35 ms to free on return, and a window whose worker thread did it
    stalled as long. Emptied here ``SLICE`` entries at a time, with the lock free for other threads in between.
    """
    for container in containers:
        if isinstance(container, list):
            while container:
                del container[-SLICE:]
        elif isinstance(container, dict):
            while container:
                for key in list(itertools.islice(container, SLICE)):
                    del container[key]
        else:
            while container:
                for item in list(itertools.islice(container, SLICE)):
                    container.discard(item)
