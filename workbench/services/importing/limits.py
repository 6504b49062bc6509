"""The sizes an import accepts. Anything beyond them is refused with a message naming the limit.

The figures are far above what real STIX needs (ATT&CK's largest object is about 130 KB, its deepest nesting five
levels, its longest pattern-free string 30 KB; the longest real pattern in the shared data is 57 KB) and low enough
that a hostile file cannot take more than a bounded amount of time or memory.
"""

from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """One set of limits; ``DEFAULT_LIMITS`` is what the command and the window use. Tests may pass smaller ones."""

    #: Size of the file on disk.
    file_bytes: int = 4 * GiB
    #: Objects (elements of the ``objects`` array) in one file.
    objects: int = 5_000_000
    #: Size of one element as JSON text (a report listing 500,000 references is about 30 MB).
    object_chars: int = 64 * MiB
    #: One string value or key.
    string_chars: int = 16 * MiB
    #: Digits of one number (STIX numbers are ports, sizes, confidences: a few digits).
    number_chars: int = 40
    #: Nesting of arrays and objects inside one STIX object.
    depth: int = 64
    #: A STIX pattern: its length and how many comparisons it may join (the 1,019-OR pattern of the STIX 1.x
    #: idioms is 57 KB; validation costs about 0.6 ms a comparison).
    pattern_chars: int = 512 * KiB
    pattern_comparisons: int = 5_000
    #: Parentheses and brackets nested inside one pattern.
    pattern_depth: int = 100
    #: Comparisons the pattern library may validate for one file (patterns of a shape already seen cost nothing):
    #: about 10 s. A file of many large patterns, each of another shape, would otherwise take minutes.
    pattern_budget: int = 20_000
    #: Findings kept in the summary of one file; further ones are counted, not listed.
    listed_findings: int = 1_000
    #: Objects a dry run lists one by one (for the previews); further ones are counted, not listed.
    listed_objects: int = 10_000


DEFAULT_LIMITS = Limits()


def describe_size(count: int) -> str:
    """``64 MiB``, ``512 KiB``, ``4 GiB``: a limit as people read it."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count:,} bytes"
