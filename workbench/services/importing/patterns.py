"""Validity of STIX patterns, decided by the stix2-patterns library, fast enough for a million indicators.

The library's parser costs about 0.6 ms for a one-comparison pattern, more than everything else an import does
to an object. Real feeds hold thousands of patterns of a few shapes (``[file:hashes.'SHA-256' = '...']``) that
differ only in the values compared, and the library's verdict does not depend on those values except for hash
values, which it checks against its own table of hash formats. So each pattern is reduced to a *shape*: its
tokens with the compared string values replaced by a marker (for a hash comparison, a marker saying whether the
value passes the library's own hash check). The library validates the first pattern of each shape; later patterns
of the same shape get the same verdict. Anything the reduction does not understand (comments, unusual
whitespace, sets of values) is validated directly.

The library walks its parse tree recursively: a pattern joining a thousand comparisons goes past Python's
recursion limit. Large patterns are therefore validated in a worker thread with a large stack and a raised
recursion limit, after checking them against the limits (length, comparisons, nesting) so that a hostile pattern
is refused in bounded time instead.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from workbench.domain.errors import Cancelled
from workbench.services.importing.limits import Limits, describe_size

logger = logging.getLogger(__name__)

#: Patterns larger than this are validated in the worker thread with a deep stack.
_INLINE_COMPARISONS = 100
_INLINE_DEPTH = 20
_DEEP_STACK_BYTES = 256 * 1024 * 1024
_CACHE_SIZE = 20_000

# A pattern taken apart at its quoted literals: code between them, and the literals (``h'..'``, ``b'..'``, ``t'..'``
# prefixed ones included, kept whole). The lexer's string literal: any character but ' and \, or \' or \\.
_LITERALS = re.compile(r"([hbt]?'[^'\\]*(?:\\['\\][^'\\]*)*')")
# Code between literals: identifiers, numbers, operators, punctuation, plain whitespace. Anything else (comments,
# other whitespace, stray quotes or backslashes) and the pattern is validated as it is, without a shape.
_PLAIN_CODE = re.compile(r"[A-Za-z0-9_ \t\r\n:.,()\[\]*=!<>+-]*")
_ENDS_WITH_OPERATOR = re.compile(r"(?:[=<>]|\bLIKE|\bMATCHES|\bISSUBSET|\bISSUPERSET)[ \t\r\n]*$")
_HEX_RUN = re.compile(r"[a-fA-F0-9]*")
_SSDEEP_CHARS = re.compile(r"[a-zA-Z0-9/+:.]{1,128}")
_HASH_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
_TYPE_NAME = re.compile(r"^-?[a-z0-9]+(-[a-z0-9]+)*-?\Z")
_PROPERTY_NAME = re.compile(r"^[a-z0-9_]{3,250}\Z")


# Verdicts by (pattern version, shape), with the first pattern of that shape; shared by every import of the process.
_cache: dict[tuple[str, tuple[str, ...]], tuple[PatternVerdict, str]] = {}
_cache_lock = threading.Lock()
_deep_lock = threading.Lock()


@dataclass(frozen=True)
class PatternVerdict:
    """``error`` when the pattern is not valid STIX (the object is refused); ``warnings`` about names in it."""

    error: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class _Shape:
    key: tuple[str, ...] | None
    comparisons: int
    depth: int


class PatternChecker:
    """Validates patterns of one import (and remembers shapes across imports of the same process).

    The library's work for one import is bounded by ``Limits.pattern_budget`` comparisons: once spent, a pattern
    of a shape not seen yet is refused unvalidated. ``cancel`` is polled before each pattern the library
    validates, so that a file of costly patterns can be stopped at once (``Cancelled``).
    """

    def __init__(self, limits: Limits, cancel: Callable[[], bool] | None = None) -> None:
        self._limits = limits
        self._cancel = cancel
        self.validated = 0  # how many patterns went through the library (for the benchmark's curiosity)
        self.spent = 0  # comparisons validated by the library for this import

    def check(self, pattern: str, version: str) -> PatternVerdict:
        """The verdict on one pattern of the given pattern version (``2.1`` or ``2.0``)."""
        limits = self._limits
        if len(pattern) > limits.pattern_chars:
            return PatternVerdict(f"the pattern is longer than {describe_size(limits.pattern_chars)}")
        shape = _shape(pattern)
        if shape.comparisons > limits.pattern_comparisons:
            return PatternVerdict(f"the pattern joins more than {limits.pattern_comparisons:,} comparisons")
        if shape.depth > limits.pattern_depth:
            return PatternVerdict(f"the pattern nests brackets more than {limits.pattern_depth} deep")
        if shape.key is None:
            return self._validate(pattern, version, shape)
        cache_key = (version, shape.key)
        cached = _cache.get(cache_key)
        if cached is None:
            verdict = self._validate(pattern, version, shape)
            with _cache_lock:
                if len(_cache) >= _CACHE_SIZE:
                    _cache.clear()
                _cache[cache_key] = (verdict, pattern)
            return verdict
        verdict, first = cached
        if verdict.error and first != pattern and "hash" in verdict.error and self.validated < 1_000:
            # The library's message names the value of the first pattern of this shape; name this one's.
            verdict = self._validate(pattern, version, shape)
        return verdict

    def _validate(self, pattern: str, version: str, shape: _Shape) -> PatternVerdict:
        if self._cancel is not None and self._cancel():
            raise Cancelled()
        if self.spent + shape.comparisons > self._limits.pattern_budget:
            return PatternVerdict(
                f"not validated: this file's patterns of other shapes already took the {self._limits.pattern_budget:,}"
                " comparisons one file may spend"
            )
        self.spent += max(shape.comparisons, 1)
        self.validated += 1
        if shape.comparisons <= _INLINE_COMPARISONS and shape.depth <= _INLINE_DEPTH:
            try:
                return _run_library(pattern, version)
            except RecursionError:
                pass  # an unusual shape the counts did not foresee: retry with the deep stack
        return self._validate_deep(pattern, version, shape)

    def _validate_deep(self, pattern: str, version: str, shape: _Shape) -> PatternVerdict:
        outcome: list[PatternVerdict] = []

        def work() -> None:
            try:
                outcome.append(_run_library(pattern, version))
            except RecursionError:
                outcome.append(PatternVerdict("the pattern is nested too deeply to validate"))

        # The recursion limit is process-wide: raise it only while the worker runs, one worker at a time.
        with _deep_lock:
            previous_limit = sys.getrecursionlimit()
            previous_stack = threading.stack_size()
            sys.setrecursionlimit(max(previous_limit, 40 * (shape.comparisons + shape.depth) + 10_000))
            try:
                threading.stack_size(_DEEP_STACK_BYTES)
                worker = threading.Thread(target=work, name="pattern-validation", daemon=True)
                worker.start()
            finally:
                threading.stack_size(previous_stack)
            worker.join()
            sys.setrecursionlimit(previous_limit)
        return outcome[0] if outcome else PatternVerdict("the pattern could not be validated")


def _run_library(pattern: str, version: str) -> PatternVerdict:
    from stix2patterns.validator import run_validator

    try:
        errors = run_validator(pattern, version)
        if errors:
            return PatternVerdict("not a valid STIX pattern: " + _clean(str(errors[0])))
        return PatternVerdict(None, _name_warnings(pattern, version))
    except (AttributeError, TypeError, ValueError, IndexError, KeyError) as exc:
        # The library fails on a few unusual but well-formed paths (``hashes[0]``); do not refuse on its account.
        logger.info("pattern validator failed: %s", type(exc).__name__)
        return PatternVerdict(None, ("the pattern could not be checked completely",))


def _name_warnings(pattern: str, version: str) -> tuple[str, ...]:
    """Object type and property names that do not have the form STIX requires (the OASIS validator's check)."""
    if version == "2.0":
        from stix2patterns.v20.pattern import Pattern
    else:
        from stix2patterns.v21.pattern import Pattern  # type: ignore[assignment]
    comparisons = Pattern(pattern).inspect().comparisons
    warnings = []
    for object_type, expressions in comparisons.items():
        if not _TYPE_NAME.match(object_type) or not 3 <= len(object_type) <= 250:
            warnings.append(f"'{object_type}' in the pattern is not a valid object type name")
        for path, _operator, _value in expressions:
            first = path[0] if path else ""
            if isinstance(first, str) and not _PROPERTY_NAME.match(first):
                warnings.append(f"'{first}' in the pattern is not a valid property name")
    return tuple(dict.fromkeys(warnings))


def _clean(message: str) -> str:
    message = message.removeprefix("FAIL: ").strip()
    return " ".join(message.split())[:300]


def _shape(pattern: str) -> _Shape:
    """The pattern with its compared string values abstracted, or ``key=None`` if that is not safe.

    A string right after a comparison operator is a value: the library's verdict depends on it only through its
    hash check, and only when the comparison's path names ``hashes``. Such a value becomes its *hash class*: the
    facts about it that decide every hash format in the library's table (hexadecimal or not, its length where a
    hash has that length, the ssdeep alphabet, the leading run of hex digits). Any other value becomes ``V``.
    """
    parts = _LITERALS.split(pattern)
    all_code = " ".join(parts[0::2])
    if not _PLAIN_CODE.fullmatch(all_code):
        return _crude_shape(pattern)
    comparisons = _count_comparisons(all_code)
    depth = all_code.count("(") + all_code.count("[")
    if depth > _INLINE_DEPTH:
        depth = _nesting(all_code)
    key = list(parts)
    region_start = 0
    for index in range(1, len(parts), 2):
        literal = parts[index]
        if literal[0] != "'" or not _ENDS_WITH_OPERATOR.search(parts[index - 1]):
            continue
        region = parts[region_start:index]
        region_start = index + 1
        if any("hashes" in piece for piece in region):
            key[index] = "\x01H" + _hash_class(literal.replace("'", ""))
        else:
            key[index] = "\x01V"
    return _Shape(tuple(key), comparisons, depth)


def _hash_class(value: str) -> str:
    """What every hash format of the library's table can tell about ``value`` (``re.match`` semantics)."""
    core = value[:-1] if value.endswith("\n") else value  # "$" also matches before a final newline
    lead = _HEX_RUN.match(value).end()  # type: ignore[union-attr]
    all_hex = lead >= len(core)
    if all_hex:
        length = len(core) if len(core) in _HASH_LENGTHS else -1
        ssdeep = 1 <= len(core) <= 128
    else:
        length = -1
        ssdeep = _SSDEEP_CHARS.fullmatch(core) is not None
    md6_spaced = value.startswith("\n    ") and _HEX_RUN.match(value, 5).end() - 5 >= 64  # type: ignore[union-attr]
    return f"{int(all_hex)}{length}:{int(ssdeep)}:{int(lead >= 32)}:{int(md6_spaced)}"


def _count_comparisons(code: str) -> int:
    """Comparison operators in the code of a pattern (an upper bound: a word like ``IN`` inside a name counts)."""
    count = code.count("=") + code.count("<") + code.count(">")
    count -= code.count("==") + code.count("<>") + code.count("<=") + code.count(">=")
    for word in ("LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", " IN ", "EXISTS"):
        count += code.count(word)
    return count


def _crude_shape(pattern: str) -> _Shape:
    """No shape: counts that bound the work of validating it directly."""
    comparisons = _count_comparisons(pattern)
    depth = pattern.count("(") + pattern.count("[")
    if depth > _INLINE_DEPTH:
        depth = _nesting(pattern)
    return _Shape(None, comparisons, depth)


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]":
            depth -= 1
    return deepest


def _hash_table(version: str) -> dict[str, tuple[str, str]]:
    if version == "2.0":
        from stix2patterns.v20.object_validator import HASHES_REGEX
    else:
        from stix2patterns.v21.object_validator import HASHES_REGEX  # type: ignore[no-redef]
    return HASHES_REGEX
