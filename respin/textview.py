"""One text and the derived forms the detectors search, each computed at most once.

Detectors run over multi-megabyte inputs, so they share the expensive views of
a text instead of each lower-casing or tokenising it again: `lower` (same length
as the text, so offsets carry over), `words` (the set of distinct tokens, for
rules that only need to know whether a candidate occurs at all), `folded`
(lower case with runs of white space collapsed, for phrase matching, with a
map back to the text's offsets).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

#: Characters that continue a word: a match must not start or end next to one.
_WORD_CHARS = frozenset("-_'’")
#: Punctuation stripped from the ends of a whitespace-separated token.
TOKEN_EDGES = "\"'“”‘’()[]{}<>.,;:!?*_…—–"


class TextView:
    """A text with lazily derived, shared views."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def lower(self) -> str:
        """The text in lower case, code point for code point (offsets are the text's)."""
        lowered = self.text.lower()
        if len(lowered) == len(self.text):
            return lowered
        # A few characters ("İ") lower-case to two code points: keep those as they are.
        return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in self.text)

    @cached_property
    def folded(self) -> FoldedText:
        """Lower case with white space runs collapsed, for phrase matching."""
        return FoldedText.of(self)

    @cached_property
    def words(self) -> frozenset[str]:
        """Distinct tokens of the original text, stripped of surrounding punctuation."""
        return frozenset(token.strip(TOKEN_EDGES) for token in set(self.text.split()))


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in _WORD_CHARS


def starts_sentence(text: str, offset: int) -> bool:
    """True when only spaces, a line break or an opening quote stand between `offset` and
    the previous sentence's end (or the start of the text)."""
    i = offset - 1
    while i >= 0 and text[i] in " \t\xa0\"'“‘(":
        i -= 1
    return i < 0 or text[i] in ".!?:\n\r"


_RUN_OF_SPACE = re.compile(r"\s\s+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class FoldedText:
    """A case-folded, space-collapsed copy of a text with a map back to original offsets."""

    original: str
    folded: str
    _shift_at: list[int]  # folded offsets after which later offsets shift
    _shift_by: list[int]  # cumulative characters removed up to that point

    @classmethod
    def of(cls, view: TextView) -> FoldedText:
        """Fold a text: runs of space within a line, or across one line break, become one space.

        A paragraph break (two line breaks or more) is kept as several spaces, so no
        phrase matches across it.
        """
        lowered = view.lower
        shift_at: list[int] = []
        shift_by: list[int] = []
        removed = 0
        pieces: list[str] = []
        last = 0
        for match in _RUN_OF_SPACE.finditer(lowered):
            if len(_LINE_BREAK.findall(match.group())) > 1:
                continue
            width = match.end() - match.start()
            pieces.append(lowered[last : match.start()])
            pieces.append(" ")
            last = match.end()
            shift_at.append(match.start() + 1 - removed)
            removed += width - 1
            shift_by.append(removed)
        pieces.append(lowered[last:])
        folded = "".join(pieces)
        for char, replacement in (("\n", " "), ("\r", " "), ("\t", " "), ("\xa0", " "), ("’", "'"), ("‘", "'")):
            if char in folded:
                folded = folded.replace(char, replacement)
        return cls(view.text, folded, shift_at, shift_by)

    def to_original(self, offset: int) -> int:
        """Original offset of a folded offset (a collapsed run maps to its end)."""
        i = bisect.bisect_right(self._shift_at, offset) - 1
        return offset if i < 0 else offset + self._shift_by[i]

    def whole_word(self, start: int, end: int) -> bool:
        folded = self.folded
        if start > 0 and is_word_char(folded[start - 1]):
            return False
        return not (end < len(folded) and is_word_char(folded[end]))
