"""The deep tier: a language model verifies and re-ranks what the other detectors found.

Entries of the review dictionaries ("military causes" -> "military forces",
"has actually" -> "has") are spins in spun text and ordinary English elsewhere:
the dictionaries alone cannot tell, so they are shown at confidence 0.6 and not
applied. With `Checker(deep=True)` (`respin check --deep`), each such finding,
and each finding with several suggestions, is scored in a short window of its
text as written and with each suggestion (`respin.language.lm`, one batched call):

    gain = [NLL(window as written) - NLL(window with suggestion)]
           - [NLL(written phrase alone) - NLL(suggestion alone)]

the context's preference for the suggestion beyond the phrases' own likelihood
(a pointwise mutual information; without the second term, shorter and more
frequent wording always wins). Suggestions are re-ranked by gain; a best gain of
`CONFIRM_GAIN` nats or more raises the confidence to `CONFIRMED`, so `fix`
applies it; a gain of `REJECT_GAIN` or less (the text reads better as written)
drops it to `REJECTED`, below the report threshold, but only for a like-for-like
swap (as many words as written): when the suggestion is shorter or longer, the
prior term weighs the length as much as the wording ("ended up being" -> "was"
scored -8 nats in a sentence that plainly wants "was"), so such findings can be
confirmed, never rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from respin.finding import Category, Finding

#: Categories whose findings the language model can judge (wording, not spelling or case).
VERIFIED = frozenset({Category.FINGERPRINT, Category.ENTITY, Category.COLLOCATION, Category.SCIENTIFIC})
#: Findings at or above this confidence are already applied by `fix`: left as they are.
SURE = 0.8
CONFIRM_GAIN = 2.0
REJECT_GAIN = -1.0
CONFIRMED = 0.85
REJECTED = 0.3
#: Characters of context on each side of a finding (cut back to whole words).
LEFT, RIGHT = 60, 40


def _window(text: str, start: int, end: int) -> tuple[str, str]:
    """The words before and after text[start:end] on its line (about LEFT and RIGHT characters)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    before = text[max(line_start, start - LEFT) : start]
    after = text[end : min(line_end, end + RIGHT)]
    if start - LEFT > line_start and " " in before:
        before = before[before.index(" ") + 1 :]
    if end + RIGHT < line_end and " " in after.rstrip():
        after = after[: after.rstrip().rindex(" ")]
    return before, after


def needs_verdict(finding: Finding) -> bool:
    return finding.category in VERIFIED and (finding.confidence < SURE or len(finding.suggestions) > 1)


def verify(text: str, findings: Sequence[Finding]) -> list[Finding]:
    """`findings` with the uncertain ones confirmed, re-ranked or rejected by the language model."""
    todo = [i for i, f in enumerate(findings) if needs_verdict(f)]
    if not todo:
        return list(findings)
    from respin.language.lm import get_model

    texts: list[str] = []
    layout = []
    for i in todo:
        finding = findings[i]
        before, after = _window(text, finding.start, finding.end)
        layout.append((i, len(texts)))
        texts.append(before + finding.text + after)
        texts.extend(before + s + after for s in finding.suggestions)
        texts.append(" " + finding.text)
        texts.extend(" " + s for s in finding.suggestions)
    scores = get_model().nll(texts)
    verdicts = list(findings)
    for i, first in layout:
        finding = findings[i]
        n = len(finding.suggestions)
        written, written_alone = scores[first], scores[first + 1 + n]
        gains = [
            (written - scores[first + 1 + k]) - (written_alone - scores[first + 2 + n + k]) for k in range(n)
        ]
        ranked = sorted(range(n), key=lambda k: -gains[k])
        best = gains[ranked[0]]
        suggestions = tuple(finding.suggestions[k] for k in ranked)
        like_for_like = len(suggestions[0].split()) == len(finding.text.split())
        if best >= CONFIRM_GAIN:
            confidence, verdict = max(finding.confidence, CONFIRMED), "confirmed"
        elif best <= REJECT_GAIN and like_for_like:
            confidence, verdict = min(finding.confidence, REJECTED), "reads better as written"
        else:
            confidence, verdict = finding.confidence, "undecided"
        verdicts[i] = replace(
            finding, suggestions=suggestions, confidence=confidence,
            message=f"{finding.message}; language model: {verdict} ({best:+.1f} nats)",
        )
    return verdicts
