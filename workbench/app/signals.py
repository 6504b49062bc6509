"""Emitting a Qt signal from Python without tripping a PySide6 6.12 reference-count defect.

PySide6 6.12.0's ``SignalInstance.emit()`` returns ``True``/``False`` without taking a new reference, so every
call from Python lowers the count of the ``True`` singleton by one; after enough emissions (a long session, a test
suite) the interpreter aborts with "bool_dealloc: deallocating True or False". ``emit`` gives the reference back
when, and only when, this PySide build is found to drop it (checked once, at import), so it is harmless on a fixed
release. Every ``emit`` in ``app/`` and ``ui/`` goes through it.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    probed = Signal()


def _emit_drops_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.probed.emit()
    dropped = before - sys.getrefcount(True)
    for _ in range(max(dropped, 0)):
        _incref(True)  # repair what the probe itself took
    return dropped >= 8


EMIT_DROPS_REFERENCE = _emit_drops_a_reference()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, keeping the interpreter's ``True``/``False`` counts right."""
    result = signal.emit(*args)
    if EMIT_DROPS_REFERENCE and isinstance(result, bool):
        _incref(result)
