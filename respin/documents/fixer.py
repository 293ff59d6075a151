"""Apply decisions about findings to a text: a pure, offset-tracked step.

`fix`, the review TUI and the pre-commit hook all decide per finding (accept a
suggestion, edit it, reject it) and hand those decisions to `apply`, which
rebuilds the text from the untouched stretches and the accepted replacements.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from respin.finding import Finding

#: index of a finding in the list given to `apply` -> its replacement text.
Decisions = Mapping[int, str]


class StaleFindingError(ValueError):
    """A finding no longer matches the text it is applied to."""


def auto_decisions(findings: Sequence[Finding], min_confidence: float = 0.0) -> dict[int, str]:
    """Accept every fixable finding at or above `min_confidence`, skipping overlaps.

    Findings are taken longest first, then most confident, so an overlap is
    resolved the same way the engine resolves it.
    """
    order = sorted(
        (i for i, f in enumerate(findings) if f.fixable and f.confidence >= min_confidence),
        key=lambda i: (-(findings[i].end - findings[i].start), -findings[i].confidence, findings[i].start),
    )
    chosen: dict[int, str] = {}
    for i in order:
        if not any(findings[i].overlaps(findings[j]) for j in chosen):
            chosen[i] = findings[i].suggestions[0]
    return chosen


def apply(text: str, findings: Sequence[Finding], decisions: Decisions) -> str:
    """Return `text` with each decided finding replaced by its decision.

    Findings without a decision are left as they are. Raises `StaleFindingError`
    when a decided finding does not match `text`, and `ValueError` when two
    decided findings overlap (a caller bug: nothing is applied).
    """
    accepted = sorted((findings[i], replacement) for i, replacement in decisions.items())
    for finding, _ in accepted:
        if text[finding.start : finding.end] != finding.text:
            raise StaleFindingError(
                f"finding {finding.text!r} at {finding.start} does not match the text there"
            )
    for (left, _), (right, _) in itertools.pairwise(accepted):
        if left.end > right.start:
            raise ValueError(f"decided findings overlap: {left.text!r} and {right.text!r}")
    pieces: list[str] = []
    position = 0
    for finding, replacement in accepted:
        pieces.append(text[position : finding.start])
        pieces.append(replacement)
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)
