"""One text and the derived forms the detectors search, each computed at most once.

Detectors run over multi-megabyte inputs, so they share the expensive views of
a text instead of each lower-casing or tokenising it again: `lower` (same length
as the text, so offsets carry over), `tokens` and `words_not_in` (distinct
tokens, and the words a vocabulary lacks: rules that look for unusual words
need only those), `folded`
(lower case with runs of white space collapsed, for phrase matching, with a
map back to the text's offsets).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
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
        self._unknown: tuple[Mapping[str, object], frozenset[str]] | None = None
        #: What detectors derive once and share (e.g. whether the text lost its capitals).
        self.memo: dict[str, object] = {}

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
    def tokens(self) -> frozenset[str]:
        """Distinct white-space separated tokens of the original text, punctuation and all."""
        return frozenset(self.text.split())

    def words_not_in(self, vocabulary: Mapping[str, object]) -> frozenset[str]:
        """Distinct words (tokens stripped of surrounding punctuation) that `vocabulary` lacks.

        The set difference runs in C over the raw tokens first, so only the few tokens
        the vocabulary does not know are stripped and looked up again.
        """
        if self._unknown is None or self._unknown[0] is not vocabulary:
            unknown = self.tokens.difference(vocabulary)
            stripped = {token.strip(TOKEN_EDGES) for token in unknown}
            self._unknown = (vocabulary, frozenset(w for w in stripped if w and w not in vocabulary))
        return self._unknown[1]


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in _WORD_CHARS


def starts_sentence(text: str, offset: int) -> bool:
    """True when only spaces, a line break or an opening quote stand between `offset` and
    the previous sentence's end (or the start of the text)."""
    i = offset - 1
    while i >= 0 and text[i] in " \t\xa0\"'“‘(":
        i -= 1
    return i < 0 or text[i] in ".!?:\n\r"


_SPACE = " \t\xa0\r\n"
#: Every run worth collapsing contains one of these pairs; `str.find` locates them far
#: faster than a regex scan that must also step over every paragraph break.
_RUN_SEEDS = ("  ", " \n", "\n ", "\t", "\r", "\xa0")


def _line_breaks(run: str) -> int:
    return run.count("\n") + run.count("\r") - run.count("\r\n")


def _collapsible_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of two or more white-space characters holding at most one line break."""
    runs: set[tuple[int, int]] = set()
    for seed in _RUN_SEEDS:
        position = text.find(seed)
        while position != -1:
            start, end = position, position + 1
            while start > 0 and text[start - 1] in _SPACE:
                start -= 1
            while end < len(text) and text[end] in _SPACE:
                end += 1
            if end - start >= 2 and _line_breaks(text[start:end]) <= 1:
                runs.add((start, end))
            position = text.find(seed, end)
    return sorted(runs)


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
        for run_start, run_end in _collapsible_runs(lowered):
            pieces.append(lowered[last:run_start])
            pieces.append(" ")
            last = run_end
            shift_at.append(run_start + 1 - removed)
            removed += run_end - run_start - 1
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
