"""Spans of a text (start, end offsets) and what a syntax's scanner reports with them.

Shared by `respin.documents.formats` and the markup scanners (`respin.documents.markup`),
which `formats` imports lazily: keeping these here is what keeps the two from importing
each other.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Span = tuple[int, int]


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sort spans and merge those that overlap or touch; empty spans are dropped."""
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def complement(spans: Sequence[Span], length: int) -> list[Span]:
    """The parts of [0, length) that merged, sorted `spans` do not cover."""
    gaps, position = [], 0
    for start, end in spans:
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < length:
        gaps.append((position, length))
    return gaps


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_spans(text: str) -> list[Span]:
    """(start, end) of every line, without its line break (`\\r\\n`, `\\r` or `\\n`)."""
    lines, start = [], 0
    for match in _LINE_BREAK.finditer(text):
        lines.append((start, match.start()))
        start = match.end()
    lines.append((start, len(text)))
    return lines


def contains(spans: Sequence[Span], starts: Sequence[int], offset: int) -> bool:
    i = bisect.bisect_right(starts, offset) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


@dataclass
class Scan:
    """What a syntax's scanner found: spans that are not prose, the code among them, and word-like spans."""

    masked: list[Span] = field(default_factory=list)
    #: Code and verbatim text: an inline-control directive written there is an example, not a directive.
    literal: list[Span] = field(default_factory=list)
    #: Masked spans that stand for a word of their own in a sentence (inline code, an entity).
    opaque: list[Span] = field(default_factory=list)
