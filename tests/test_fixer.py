"""`apply` and `auto_decisions`: offset-tracked replacement and its edge cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from respin.documents.fixer import StaleFindingError, apply, auto_decisions
from respin.finding import Category, Finding


def make(text: str, start: int, end: int, *suggestions: str, confidence: float = 0.9,
         autofix: bool = True) -> Finding:
    return Finding(start, end, text[start:end], suggestions or ("X",), "test", Category.FINGERPRINT,
                   confidence, "test finding", autofix)


TEXT = "when you look at the war, us makes retreat"


def test_replaces_at_start_and_end() -> None:
    """Replacements at offset 0 and at the very end of the text land exactly."""
    first = make(TEXT, 0, 20, "in the")
    last = make(TEXT, 35, 42, "withdrawal")
    assert apply(TEXT, [first, last], {0: "in the", 1: "withdrawal"}) == "in the war, us makes withdrawal"


def test_grow_and_shrink_keep_later_offsets() -> None:
    """A longer and a shorter replacement in one pass do not shift each other."""
    shrink = make(TEXT, 0, 20, "in the")
    grow = make(TEXT, 26, 34, "US forces")
    assert apply(TEXT, [shrink, grow], {0: "in the", 1: "US forces"}) == "in the war, US forces retreat"


def test_adjacent_findings_both_apply() -> None:
    """Findings that touch without overlapping are both applied."""
    text = "abcdef"
    a, b = make(text, 0, 3), make(text, 3, 6)
    assert apply(text, [a, b], {0: "1", 1: "2"}) == "12"


def test_overlapping_decisions_are_refused() -> None:
    """Two accepted findings over the same characters are a caller error; nothing is applied."""
    a, b = make(TEXT, 0, 10), make(TEXT, 5, 20)
    with pytest.raises(ValueError, match="overlap"):
        apply(TEXT, [a, b], {0: "x", 1: "y"})


def test_undecided_and_rejected_findings_leave_text() -> None:
    """Only findings with a decision change the text."""
    a, b = make(TEXT, 0, 20, "in the"), make(TEXT, 26, 34, "US forces")
    assert apply(TEXT, [a, b], {1: "US forces"}) == "when you look at the war, US forces retreat"
    assert apply(TEXT, [a, b], {}) == TEXT


def test_stale_finding_is_refused() -> None:
    """A finding whose text no longer matches is not applied blindly."""
    finding = make(TEXT, 0, 20, "in the")
    with pytest.raises(StaleFindingError):
        apply("something else entirely here", [finding], {0: "in the"})


def test_auto_decisions_take_only_fixable_confident_findings() -> None:
    """Review-only, multi-suggestion and low-confidence findings are not auto-applied."""
    findings = [
        make(TEXT, 0, 20, "in the"),
        make(TEXT, 26, 34, "US forces", "US troops"),
        make(TEXT, 35, 42, "withdrawal", autofix=False),
        make(TEXT, 21, 24, "conflict", confidence=0.5),
    ]
    assert auto_decisions(findings, min_confidence=0.8) == {0: "in the"}


def test_auto_decisions_prefer_longest_of_overlaps() -> None:
    """Of two overlapping fixable findings the longer one wins."""
    short, long_ = make(TEXT, 0, 4, "in"), make(TEXT, 0, 20, "in the")
    assert auto_decisions([short, long_]) == {1: "in the"}


@given(st.text(min_size=1, max_size=60), st.data())
def test_apply_rebuilds_text_outside_findings(text: str, data) -> None:
    """Whatever the spans, every character outside accepted findings is preserved in order."""
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), min_size=2, max_size=6, unique=True)))
    findings = [make(text, a, b, "<>") for a, b in zip(cuts[::2], cuts[1::2])]
    result = apply(text, findings, {i: "<>" for i in range(len(findings))})
    expected, position = [], 0
    for f in findings:
        expected.append(text[position : f.start] + "<>")
        position = f.end
    assert result == "".join(expected) + text[position:]
