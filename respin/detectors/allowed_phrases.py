"""Phrases the user allows: a finding inside one is dropped, whichever detector made it.

The `allow` setting (`--allow PHRASE`, or an `allow-file` with one phrase a line)
lists wording that is right for this project although respin would flag it, as
codespell's ignore-words and vale's accept list do. A phrase matches as whole
words and case-insensitively, folded like dictionary keys (curly apostrophes
read as straight ones, a run of white space or a single line break as one
space). A finding whose text is an allowed phrase, or lies inside an occurrence
of one, is dropped; a finding that only overlaps one is kept. Allow files are read
by `respin.documents.allow_file`.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence

import ahocorasick_rs

from respin.finding import Finding
from respin.textview import TextView


def fold_phrase(phrase: str) -> str:
    """The phrase as the folded text spells it: lower case, straight apostrophes, single spaces."""
    return " ".join(TextView(phrase).folded.folded.split())


class AllowedPhrases:
    """A validated set of allowed phrases, with the matcher built on first use."""

    def __init__(self, phrases: Iterable[str]) -> None:
        folded = []
        for phrase in phrases:
            if not isinstance(phrase, str) or not any(ch.isalnum() for ch in phrase):
                raise ValueError(f"allowed phrase {phrase!r} has no word in it")
            folded.append(fold_phrase(phrase))
        self.folded: tuple[str, ...] = tuple(dict.fromkeys(folded))
        self._matcher: ahocorasick_rs.AhoCorasick | None = None

    def __bool__(self) -> bool:
        return bool(self.folded)

    def spans(self, view: TextView) -> AllowedSpans:
        """Every whole-word occurrence of an allowed phrase in the view's text."""
        if not self.folded:
            return AllowedSpans([])
        if self._matcher is None:
            # a contiguous NFA builds in linear time; a DFA (the automatic choice for a few phrases)
            # is quadratic in a long phrase: 21 s for one of 100k characters
            self._matcher = ahocorasick_rs.AhoCorasick(
                list(self.folded), implementation=ahocorasick_rs.Implementation.ContiguousNFA)
        folded = view.folded
        found = []
        for _, start, end in self._matcher.find_matches_as_indexes(folded.folded, overlapping=True):
            if folded.whole_word(start, end):
                found.append((folded.to_original(start), folded.to_original(end - 1) + 1))
        return AllowedSpans(found)


class AllowedSpans:
    """Where allowed phrases occur in one text; answers whether a finding lies inside one."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        #: furthest end of any span starting at or before each start
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))

    def covers(self, finding: Finding) -> bool:
        i = bisect.bisect_right(self._starts, finding.start)
        return i > 0 and self._reach[i - 1] >= finding.end

    def drop_covered(self, findings: Sequence[Finding]) -> list[Finding]:
        """The findings that lie inside no allowed phrase."""
        if not self._starts:
            return list(findings)
        return [finding for finding in findings if not self.covers(finding)]
