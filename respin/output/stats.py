"""`--stats`: what a run read and found, and how fast, added up file by file.

Printed on stderr after the run (so the report on stdout stays what it is), and,
for `--format json`, also given as the document's `stats` object (`as_dict`).
MB is 10**6 bytes; the time is the wall-clock time from the start of the run
(walking the folders included) to its end. When the run scored its files
(`respin.detectors.verdict`), the summary also gives how many scored 0.5 or above, the
mean score, and the files with the highest scores (ties in input order).
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field
from typing import Any

from respin.detectors.verdict import LIKELY_SPUN
from respin.documents.files import display_name
from respin.runner import FileResult

#: How many of the highest-scoring files the summary names.
TOP_FILES = 5

MB = 1_000_000


@dataclass
class RunStats:
    """Counts of one run; `add` each file's result, then `stop` the clock."""

    started: float = field(default_factory=time.perf_counter)
    seconds: float | None = None
    files: int = 0
    unreadable: int = 0
    binary_skipped: int = 0
    files_with_findings: int = 0
    files_changed: int = 0
    size: int = 0
    words: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    #: Files given a spin score, the sum of their scores, and how many scored LIKELY_SPUN or above.
    scored: int = 0
    score_sum: float = 0.0
    likely_spun: int = 0
    #: The highest scores as (score, -order, path), a min-heap of at most TOP_FILES.
    _top: list[tuple[float, int, str]] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        if result.skipped:
            self.binary_skipped += 1
            return
        if not result.checked:
            self.unreadable += 1
            return
        self.files += 1
        self.size += result.size
        self.words += result.words
        self.files_with_findings += bool(result.findings)
        self.files_changed += result.changed
        for finding in result.findings:
            name = finding.category.value
            self.by_category[name] = self.by_category.get(name, 0) + 1
        if result.spin_score is not None:
            self.add_score(result.path, result.spin_score)

    def add_score(self, path: str, score: float) -> None:
        self.scored += 1
        self.score_sum += score
        self.likely_spun += score >= LIKELY_SPUN
        entry = (score, -self.scored, path)  # of equal scores, the earlier file ranks higher
        if len(self._top) < TOP_FILES:
            heapq.heappush(self._top, entry)
        else:
            heapq.heappushpop(self._top, entry)

    def highest(self) -> list[tuple[str, float]]:
        """(path as shown, score) of the highest-scoring files, highest first."""
        return [(display_name(path), score) for score, _, path in sorted(self._top, reverse=True)]

    def stop(self) -> None:
        """Fix the elapsed time (the first call counts)."""
        if self.seconds is None:
            self.seconds = time.perf_counter() - self.started

    @property
    def elapsed(self) -> float:
        return self.seconds if self.seconds is not None else time.perf_counter() - self.started

    @property
    def findings(self) -> int:
        return sum(self.by_category.values())

    def categories(self) -> list[tuple[str, int]]:
        """(category, count), most frequent first, then by name."""
        return sorted(self.by_category.items(), key=lambda item: (-item[1], item[0]))

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready values (rates are None when no time was measured)."""
        elapsed = self.elapsed
        figures: dict[str, Any] = {
            "files": self.files,
            "files_with_findings": self.files_with_findings,
            "files_changed": self.files_changed,
            "unreadable": self.unreadable,
            "binary_skipped": self.binary_skipped,
            "bytes": self.size,
            "words": self.words,
            "findings": self.findings,
            "by_category": dict(self.categories()),
            "seconds": round(elapsed, 3),
            "files_per_second": round(self.files / elapsed, 1) if elapsed > 0 else None,
            "mb_per_second": round(self.size / MB / elapsed, 3) if elapsed > 0 else None,
        }
        if self.scored:
            figures["spin_score"] = {
                "files": self.scored,
                "mean": round(self.score_sum / self.scored, 3),
                "likely_spun": self.likely_spun,
                "highest": [{"path": path, "spin_score": round(score, 3)} for path, score in self.highest()],
            }
        return figures

    def lines(self, command: str = "check") -> list[str]:
        """The summary for people, one `respin: ...` line each (`command` is check or fix)."""
        elapsed = self.elapsed
        rates = f"{self.files / elapsed:,.0f} files/s, {self.size / MB / elapsed:.2f} MB/s" if elapsed > 0 else ""
        out = [
            f"respin: {_count(self.files, 'file')} checked ({self.size / MB:.2f} MB, {_count(self.words, 'word')}) "
            f"in {elapsed:.2f} s" + (f": {rates}" if rates else "")
        ]
        what = "finding" if command == "check" else "repair"
        found = f"respin: {_count(self.findings, what)} in {_count(self.files_with_findings, 'file')}"
        if self.by_category:
            found += ": " + ", ".join(f"{name} {count:,}" for name, count in self.categories())
        out.append(found)
        if command == "fix":
            out.append(f"respin: {_count(self.files_changed, 'file')} changed")
        skipped = []
        if self.unreadable:
            skipped.append(f"{_count(self.unreadable, 'file')} could not be read")
        if self.binary_skipped:
            skipped.append(f"{_count(self.binary_skipped, 'binary file')} skipped")
        if skipped:
            out.append("respin: " + ", ".join(skipped))
        if self.scored:  # last: the lines above stay where they always were
            out.append(
                f"respin: spin scores: {self.likely_spun:,} of {_count(self.scored, 'file')} likely spun "
                f"({LIKELY_SPUN:g} or above), mean {self.score_sum / self.scored:.3f}; highest: "
                + ", ".join(f"{path} {score:.3f}" for path, score in self.highest())
            )
        return out


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"
