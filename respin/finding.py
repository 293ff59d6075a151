"""The `Finding` record every detector produces and every consumer reads.

A finding is a span of the checked text (code-point offsets, end exclusive)
that respin believes was spun, with the canonical wording it proposes. Line,
column and serialised forms are derived from it, never stored in it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    """What kind of damage a finding repairs; reports and filters use the value."""

    FINGERPRINT = "fingerprint"  # function-word and idiom rewrites spinners produce
    ENTITY = "entity"  # mangled names of people, places and institutions
    COLLOCATION = "collocation"  # fixed expressions with a word swapped
    SCIENTIFIC = "scientific"  # tortured phrases of paper mills
    JOINED = "joined"  # words run together
    ARTICLE = "article"  # a/an before the next word's sound
    APOSTROPHE = "apostrophe"  # lost possessive apostrophes
    REPEAT = "repeat"  # doubled words
    CASE = "case"  # capitals lost by lower-casing (proper nouns)
    GRAMMAR = "grammar"  # reported by a LanguageTool server
    CONTEXT = "context"  # a word or phrase its sentence says was swapped (the language model's context tier)


#: Where the context tier's candidates come from; its findings' rules are `context-<source>`.
CONTEXT_SOURCES = ("thesaurus", "dictionary", "model", "phrase", "deletion")


@dataclass(frozen=True, order=True)
class Finding:
    """One suspected spin: where it is, what stands there, what should stand there."""

    start: int
    end: int
    text: str
    suggestions: tuple[str, ...]
    rule: str
    category: Category
    confidence: float
    message: str
    #: False when the dictionary or rule marks the suggestion as needing review.
    autofix: bool = field(default=True)

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")
        if len(self.text) != self.end - self.start:
            raise ValueError(f"text {self.text!r} does not fill span {self.start}..{self.end}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside 0..1")

    @property
    def fixable(self) -> bool:
        """True when `fix` may apply this finding without a person choosing."""
        return self.autofix and len(self.suggestions) == 1

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Maps code-point offsets to 1-based (line, column); `\\r\\n`, `\\n` and `\\r` end lines.

    Reports ask in text order, so the common case counts line breaks between one
    query and the next (`str.count`, in C) instead of indexing the whole text.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
        self._starts: list[int] | None = None
        self._offset, self._line, self._line_start = 0, 1, 0

    def line_col(self, offset: int) -> tuple[int, int]:
        if self._lone_cr or offset < self._offset:
            return self._indexed(offset)
        text = self._text
        breaks = text.count("\n", self._offset, offset)
        if breaks:
            self._line += breaks
            self._line_start = text.rindex("\n", self._offset, offset) + 1
        self._offset = offset
        return self._line, offset - self._line_start + 1

    def _indexed(self, offset: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _LINE_BREAK.finditer(self._text))]
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


class KnownPositions:
    """The (line, column) of given offsets, counted while a text streamed by (`respin.documents.stream`).

    Stands in for a `LineIndex` where the text itself is not kept: it answers for
    the offsets it was given (the starts and ends of a file's findings) only.
    """

    def __init__(self, positions: dict[int, tuple[int, int]]) -> None:
        self._positions = positions

    def line_col(self, offset: int) -> tuple[int, int]:
        return self._positions[offset]


def line_index(content: str | KnownPositions) -> LineIndex | KnownPositions:
    """What reports ask for lines and columns: a `LineIndex` over a text, or the positions a stream counted."""
    return content if isinstance(content, KnownPositions) else LineIndex(content)

