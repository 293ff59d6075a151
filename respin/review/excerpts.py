"""Excerpts of a document around a finding: its sentence, and the repaired paragraph.

Pure text helpers for the review's panels. They look at a bounded window around
the finding, never at the whole text, so they cost the same in a 5 KB and a 5 MB
file; a paragraph or sentence longer than the window is cut at a word and marked
as cut.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from respin.finding import Finding

_LINE_BREAK = r"(?:\r\n|\r(?!\n)|\n)"  # a lone \r is a break, but never the first half of \r\n
_BLANK_LINE = re.compile(rf"{_LINE_BREAK}[ \t]*{_LINE_BREAK}")
# A sentence ends at . ! or ? (and closing quotes or brackets) before white space, or at a blank line.
_SENTENCE_END = re.compile(rf"[.!?][\"'”’)\]]*(?=\s|$)|{_LINE_BREAK}[ \t]*{_LINE_BREAK}")


@dataclass(frozen=True)
class Excerpt:
    """A stretch of the text, and whether it was cut short on either side."""

    start: int
    end: int
    cut_left: bool = False
    cut_right: bool = False


def _excerpt(text: str, start: int, end: int, before: int, after: int, boundary: re.Pattern[str]) -> Excerpt:
    window_start = max(0, start - before)
    left, cut_left = window_start, window_start > 0
    for boundary_before in boundary.finditer(text, window_start, start):
        left, cut_left = boundary_before.end(), False
    if cut_left:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    while left < start and text[left] in " \t\r\n":
        left += 1
    window_end = min(len(text), end + after)
    match = boundary.search(text, end, window_end)
    if match is not None:
        right, cut_right = (match.start() if match.group().strip() == "" else match.end()), False
    else:
        right, cut_right = window_end, window_end < len(text)
        if cut_right:
            space = text.rfind(" ", end, right)
            right = space if space != -1 else right
    return Excerpt(left, right, cut_left, cut_right)


def sentence_around(text: str, start: int, end: int, limit: int = 200) -> Excerpt:
    """The sentence that holds text[start:end], at most `limit` characters either side of it."""
    return _excerpt(text, start, end, limit, limit, _SENTENCE_END)


def paragraph_around(text: str, start: int, end: int, before: int = 300, after: int = 600) -> Excerpt:
    """The paragraph (blank-line separated) that holds text[start:end], within a window around it."""
    return _excerpt(text, start, end, before, after, _BLANK_LINE)


def paragraph_break_after(text: str, offset: int, within: int) -> int | None:
    """Where the first blank line at or after `offset` starts, looking `within` characters; None if none."""
    match = _BLANK_LINE.search(text, offset, offset + within)
    return match.start() if match else None


def widen_to_findings(excerpt: Excerpt, findings: Sequence[Finding], starts: Sequence[int]) -> Excerpt:
    """Widen an excerpt so that it does not cut through a finding (`starts`: the findings' starts)."""
    start, end = excerpt.start, excerpt.end
    before = bisect.bisect_right(starts, start) - 1
    if before >= 0 and findings[before].end > start:
        start = findings[before].start
    last = bisect.bisect_left(starts, end) - 1
    if last >= 0 and findings[last].end > end:
        end = findings[last].end
    return Excerpt(start, end, excerpt.cut_left, excerpt.cut_right)


class PieceKind(StrEnum):
    PLAIN = "plain"  # text no decision touches
    SPUN = "spun"  # the current finding, undecided
    REMOVED = "removed"  # text a decision replaces (shown in a diff)
    INSERTED = "inserted"  # the replacement


@dataclass(frozen=True)
class Piece:
    text: str
    kind: PieceKind


def repaired_pieces(
    text: str,
    excerpt: Excerpt,
    findings: Sequence[Finding],
    starts: Sequence[int],
    replacements: Mapping[int, str],
    current: int | None = None,
    diff: bool = False,
) -> list[Piece]:
    """The excerpt with the decided replacements in place, as pieces to style.

    `findings` are in text order, `starts` their start offsets, `replacements` maps a
    finding's index to its replacement. With `diff`, replaced text is kept as a
    REMOVED piece before its replacement.
    """
    pieces: list[Piece] = []
    position = excerpt.start
    index = bisect.bisect_left(starts, excerpt.start)
    while index < len(findings) and findings[index].start < excerpt.end:
        finding = findings[index]
        if finding.start > position:
            pieces.append(Piece(text[position : finding.start], PieceKind.PLAIN))
        replacement = replacements.get(index)
        if replacement is None:
            kind = PieceKind.SPUN if index == current else PieceKind.PLAIN
            pieces.append(Piece(finding.text, kind))
        else:
            if diff:
                pieces.append(Piece(finding.text, PieceKind.REMOVED))
            pieces.append(Piece(replacement, PieceKind.INSERTED))
        position = finding.end
        index += 1
    if position < excerpt.end:
        pieces.append(Piece(text[position : excerpt.end], PieceKind.PLAIN))
    return pieces
