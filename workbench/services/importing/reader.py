"""Reading a STIX document as a stream of elements, never holding the whole document.

Accepted shapes: a STIX 2.1 or 2.0 bundle, a bare JSON array of objects, a TAXII 2.1 envelope (``{"objects":
[...]}``) and a single STIX object. The top level is taken apart here, key by key and element by element; each
element of the ``objects`` array is decoded on its own with the standard library's C decoder, so memory holds one
read buffer and one element at a time.

What is refused, as ``InvalidInput`` naming the cause and, where there is one, the line and column:
text that is not UTF-8; anything that is not JSON (a log file, a truncated file); ``NaN`` and ``Infinity``; a
number longer than the limit or out of range; duplicate keys in any object (the file would mean different things
to different readers); an element larger than the limit; nesting deeper than the decoder's stack allows; more
than one JSON document in the file; more elements than the limit. Limits are in ``limits.Limits``.
"""

from __future__ import annotations

import codecs
import json
import logging
import math
import re
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO, NamedTuple

from workbench.domain.errors import InvalidInput
from workbench.services.importing.limits import Limits, describe_size

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024

SHAPE_BUNDLE = "STIX 2.1 bundle"
SHAPE_BUNDLE_20 = "STIX 2.0 bundle (upgraded to 2.1)"
SHAPE_ARRAY = "JSON array of STIX objects"
SHAPE_ENVELOPE = "TAXII 2.1 envelope"
SHAPE_SINGLE = "single STIX object"

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*,[ \t\n\r]*(?=[^ \t\n\r])")


class _Refused(Exception):
    """Raised from inside the JSON decoder's hooks; turned into ``InvalidInput`` with the position."""


class Element(NamedTuple):
    """One element of the document's ``objects`` (or the single object): its value and the size of its text."""

    position: int
    value: Any
    chars: int


class StixReader:
    """Iterate over the elements of one document: ``for element in reader: ...``.

    ``shape`` and ``declared_version`` (a bundle's own ``spec_version``) are set as the top level is read: both are
    known before the first element when the producer writes the bundle's header first, as every producer does;
    ``shape`` is final once iteration ends. ``bytes_read`` grows as the file is read, for progress.
    """

    def __init__(self, handle: BinaryIO, name: str, limits: Limits, *, chunk_bytes: int = CHUNK_BYTES) -> None:
        self._handle = handle
        self._chunk = chunk_bytes
        self._name = name
        self._limits = limits
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
        self._text = ""
        self._pos = 0
        self._eof = False
        self._lines_before = 0  # newlines in the text already dropped from the buffer
        self._column_before = 0  # characters of the buffer's first line already dropped
        self.bytes_read = 0
        self.shape: str | None = None
        self.declared_version: str | None = None
        self.bundle_id: Any = None
        self.elements_read = 0
        decoder = json.JSONDecoder(
            object_pairs_hook=self._pairs,
            parse_int=self._int,
            parse_float=self._float,
            parse_constant=self._constant,
            strict=True,
        )
        self._scan = decoder.scan_once  # type: ignore[attr-defined]

    # -- the document --------------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Element]:
        self._fill()
        if self._text.startswith("\ufeff"):  # a byte order mark, written by some Windows tools
            self._pos = 1
        self._skip_whitespace()
        first = self._peek()
        if first == "":
            raise InvalidInput(f"{self._name} is empty")
        if first == "[":
            self.shape = SHAPE_ARRAY
            yield from self._array()
        elif first == "{":
            yield from self._top_object()
        else:
            raise InvalidInput(
                f"{self._name} is not a STIX document: it does not begin with a JSON object or array ({self._where()})"
            )
        self._skip_whitespace()
        if self._peek() != "":
            raise InvalidInput(
                f"{self._name} holds more than one JSON document, or text after the document ({self._where()})"
            )

    def _array(self) -> Iterator[Element]:
        self._pos += 1  # the "["
        self._skip_whitespace()
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            value, chars = self._value(self._limits.object_chars, what="one object")
            index = self.elements_read
            self.elements_read += 1
            if self.elements_read > self._limits.objects:
                raise InvalidInput(f"{self._name} holds more than {self._limits.objects:,} objects")
            yield Element(index, value, chars)  # type: ignore[misc]
            # The usual case in one step: a comma and the whitespace around it, all in the buffer.
            separator = _SEPARATOR.match(self._text, self._pos)
            if separator is not None:
                self._pos = separator.end()
                continue
            self._skip_whitespace()
            following = self._peek()
            if following == ",":
                self._pos += 1
                self._skip_whitespace()
            elif following == "]":
                self._pos += 1
                return
            else:
                raise InvalidInput(
                    f"{self._name} is not valid JSON: expected ',' or ']' after element {index + 1} ({self._where()})"
                )

    def _top_object(self) -> Iterator[Element]:
        """A bundle, an envelope or a single object; only an ``objects`` array is streamed."""
        self._pos += 1  # the "{"
        header: dict[str, Any] = {}
        streamed = False
        header_chars = 0
        self._skip_whitespace()
        if self._peek() == "}":
            self._pos += 1
            raise InvalidInput(f"{self._name} is an empty JSON object, not STIX")
        while True:
            key, _ = self._value(self._limits.string_chars, what="one key")
            if not isinstance(key, str):
                raise InvalidInput(f"{self._name} is not valid JSON: expected a key ({self._where()})")
            if key in header or (key == "objects" and streamed):
                raise InvalidInput(
                    f"{self._name} has the key '{_short(key)}' twice at its top level; refused as ambiguous"
                )
            self._skip_whitespace()
            if self._peek() != ":":
                raise InvalidInput(f"{self._name} is not valid JSON: expected ':' ({self._where()})")
            self._pos += 1
            self._skip_whitespace()
            if key == "objects" and self._peek() == "[" and header.get("type", "bundle") == "bundle":
                streamed = True
                self.shape = SHAPE_BUNDLE if header.get("type") == "bundle" else SHAPE_ENVELOPE
                self.declared_version = _version(header.get("spec_version"))
                self.bundle_id = header.get("id")
                yield from self._array()
            else:
                value, chars = self._value(self._limits.object_chars, what="one object")
                header_chars += chars
                if header_chars > self._limits.object_chars:
                    raise InvalidInput(
                        f"{self._name}: its top level is larger than {describe_size(self._limits.object_chars)}"
                    )
                header[key] = value
            self._skip_whitespace()
            following = self._peek()
            if following == ",":
                self._pos += 1
                self._skip_whitespace()
            elif following == "}":
                self._pos += 1
                break
            else:
                raise InvalidInput(f"{self._name} is not valid JSON: expected ',' or '}}' ({self._where()})")
        kind = header.get("type")
        if streamed:
            if kind == "bundle":
                self.declared_version = _version(header.get("spec_version"))
                self.bundle_id = header.get("id")
                self.shape = SHAPE_BUNDLE_20 if self.declared_version == "2.0" else SHAPE_BUNDLE
            elif kind is None:
                self.shape = SHAPE_ENVELOPE
            else:
                raise InvalidInput(
                    f"{self._name}: an object of type '{_short(kind)}' whose 'objects' came before its"
                    " type; refused as ambiguous"
                )
            return
        if kind == "bundle":
            if "objects" in header and not isinstance(header["objects"], list):
                raise InvalidInput(f"{self._name}: the bundle's 'objects' is not a list")
            self.declared_version = _version(header.get("spec_version"))
            self.bundle_id = header.get("id")
            self.shape = SHAPE_BUNDLE_20 if self.declared_version == "2.0" else SHAPE_BUNDLE
            return  # a bundle with no objects
        if "objects" in header and kind is None:
            raise InvalidInput(f"{self._name}: 'objects' is not a list")
        if isinstance(kind, str) and kind:
            self.shape = SHAPE_SINGLE
            self.elements_read = 1
            yield Element(0, header, header_chars)
            return
        raise InvalidInput(
            f"{self._name} is JSON but not STIX: it is neither a bundle, nor a TAXII envelope, nor a STIX object"
        )

    # -- one JSON value ------------------------------------------------------------------------------------------

    def _value(self, limit: int, *, what: str) -> tuple[Any, int]:
        """Decode the value at the current position, reading more of the file as needed (at most ``limit``)."""
        while True:
            text, start = self._text, self._pos
            try:
                value, end = self._scan(text, start)
            except StopIteration as exc:
                # The decoder reports a missing value with the position where it expected one, which may be
                # inside a nested value that the buffer cut short.
                missing_at = exc.value if isinstance(exc.value, int) else start
                if self._near_end(missing_at) and self._need_more(limit, what):
                    continue
                raise InvalidInput(
                    f"{self._name} is not valid JSON: expected a value ({self._where(missing_at)})"
                ) from None
            except json.JSONDecodeError as exc:
                # An error near the end of the buffer (or an unterminated string) may only mean the value goes on
                # in the next chunk; anywhere else it is in the file.
                truncated = self._near_end(exc.pos) or exc.msg.startswith("Unterminated string")
                if truncated and self._need_more(limit, what):
                    continue
                raise InvalidInput(f"{self._name} is not valid JSON: {exc.msg} ({self._where(exc.pos)})") from None
            except _Refused as exc:
                raise InvalidInput(f"{self._name}: {exc} (in the value at {self._where(start)})") from None
            except RecursionError:
                raise InvalidInput(
                    f"{self._name}: arrays or objects nested too deeply (at {self._where(start)})"
                ) from None
            # A number or literal that ends with the buffer may continue in the next chunk.
            if (
                end == len(text)
                and not self._eof
                and not isinstance(value, (dict, list, str))
                and self._need_more(limit, what)
            ):
                continue
            chars = end - start
            if chars > limit or (chars * 4 > limit and _held(text, chars) > limit):
                raise InvalidInput(
                    f"{self._name}: {what} is larger than {describe_size(limit)} (at {self._where(start)})"
                )
            self._pos = end
            return value, chars

    def _near_end(self, pos: int) -> bool:
        return pos >= len(self._text) - 16

    def _need_more(self, limit: int, what: str) -> bool:
        """Read more text for a value that did not decode; False at the end of the file.

        The pending text at least doubles each time, so a value spanning many chunks is decoded a bounded number
        of times; a value that is still incomplete past ``limit`` is refused.
        """
        if self._eof:
            return False
        pending = len(self._text) - self._pos
        if pending > limit or (pending * 4 > limit and _held(self._text, pending) > limit):
            raise InvalidInput(f"{self._name}: {what} is larger than {describe_size(limit)} (at {self._where()})")
        self._fill(max(pending, self._chunk))
        return True

    # -- the buffer ----------------------------------------------------------------------------------------------

    def _fill(self, size: int = 0) -> None:
        """Append the next ``size`` bytes (a chunk by default) of the file to the buffer, dropping what was
        consumed."""
        data = self._handle.read(size or self._chunk)
        offset = self.bytes_read
        self.bytes_read += len(data)
        try:
            fresh = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{self._name} is not UTF-8 text (invalid byte at offset {offset + exc.start:,})"
            ) from None
        if not data:
            self._eof = True
        if self._pos:
            dropped_lines = self._text.count("\n", 0, self._pos)
            if dropped_lines:
                self._lines_before += dropped_lines
                self._column_before = self._pos - self._text.rfind("\n", 0, self._pos) - 1
            else:
                self._column_before += self._pos
            self._text = self._text[self._pos :] + fresh
            self._pos = 0
        else:
            self._text += fresh

    def _skip_whitespace(self) -> None:
        while True:
            match = _WHITESPACE.match(self._text, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._text) or self._eof:
                return
            self._fill()

    def _peek(self) -> str:
        if self._pos >= len(self._text) and not self._eof:
            self._fill()
        return self._text[self._pos] if self._pos < len(self._text) else ""

    def _where(self, pos: int | None = None) -> str:
        pos = self._pos if pos is None else pos
        newlines = self._text.count("\n", 0, pos)
        line = self._lines_before + newlines + 1
        column = pos - self._text.rfind("\n", 0, pos) + (0 if newlines else self._column_before)
        return f"line {line:,}, column {column:,}"

    # -- decoder hooks -------------------------------------------------------------------------------------------

    def _pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise _Refused(f"the key '{_short(key)}' appears twice in one object; refused as ambiguous")
                seen.add(key)
        return obj

    def _int(self, text: str) -> int:
        if len(text) > self._limits.number_chars:
            raise _Refused(f"a number with {len(text):,} digits (the limit is {self._limits.number_chars})")
        return int(text)

    def _float(self, text: str) -> float:
        if len(text) > self._limits.number_chars:
            raise _Refused(f"a number {len(text):,} characters long (the limit is {self._limits.number_chars})")
        value = float(text)
        if math.isinf(value):
            raise _Refused(f"the number {text} is out of range")
        return value

    @staticmethod
    def _constant(text: str) -> float:
        raise _Refused(f"{text} is not a JSON number")


_EMPTY_SIZE = sys.getsizeof("")


def _held(text: str, chars: int) -> int:
    """The bytes ``chars`` characters of ``text`` take in memory: 1, 2 or 4 a character, by the widest one in it.

    Limits count these bytes, not characters: 64 Mi characters of a 4-byte script are 256 MiB once decoded, and
    the decoded value, its stored JSON and its index entries are each as large again.
    """
    if not text:
        return 0
    width = (sys.getsizeof(text) - _EMPTY_SIZE) // len(text) or 1
    return chars * width


def _version(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _short(text: Any, length: int = 60) -> str:
    """A value from the file, shortened and made printable for a one-line message."""
    shown = str(text)
    shown = "".join(char if char.isprintable() else "?" for char in shown[:length])
    return shown + ("..." if len(str(text)) > length else "")
