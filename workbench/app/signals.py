"""Guards against reference-count defects of PySide6 6.12.0, which would abort a long session.

In PySide6 6.12.0 (6.11.3 is free of it) every call from Python to a Qt method returning ``void`` drops a
reference to ``None`` that it never took, and ``SignalInstance.emit()`` does the same with ``True``. After enough
calls (a day's work, a test suite) the interpreter aborts with "none_dealloc" or "bool_dealloc".

When the probe below finds this build affected, the three singletons are given a huge reference count, which is
what CPython 3.12 does for them anyway (PEP 683, immortal objects): they can then never reach zero. ``emit`` also
hands back the reference ``emit()`` drops. On a fixed PySide nothing is changed. Imported by every module of
``app/`` and ``ui/`` that uses Qt, before anything else runs.
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


def _void_call_drops_none() -> bool:
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(8):
        probe.setObjectName("probe")
    dropped = before - sys.getrefcount(None)
    for _ in range(max(dropped, 0)):
        _incref(None)
    return dropped >= 8


def _immortalise(*objects: object) -> None:
    """Raise the reference count far beyond what any session can drop (2**40 calls)."""
    for obj in objects:
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


EMIT_DROPS_REFERENCE = _emit_drops_a_reference()
VOID_CALL_DROPS_NONE = _void_call_drops_none()
if EMIT_DROPS_REFERENCE or VOID_CALL_DROPS_NONE:
    _immortalise(None, True, False)


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, keeping the interpreter's ``True``/``False`` counts right."""
    result = signal.emit(*args)
    if EMIT_DROPS_REFERENCE and isinstance(result, bool):
        _incref(result)
