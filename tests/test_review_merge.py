"""Folding the deep tier's findings into a review under way (`session.merge_deep`) and carrying them over a save."""

from __future__ import annotations

from dataclasses import replace

import pytest

from respin.documents.files import Document
from respin.engine import Checker, check_text
from respin.finding import Category, Finding
from respin.review.session import (
    REJECT,
    Decision,
    DeepMerge,
    DocumentReview,
    ReviewState,
    Summary,
    Verdict,
    merge_deep,
    rebase_findings,
    rebase_state,
    span_key,
)

# The fast findings: 0 "shared chiefs of staff", 1 "when you look at the", 2 "brain tumefaction"
# ("brain cancer" | "brain tumor"), 3 "attemptedto", 4 "an" (tests/test_review_session.py pins them).
TEXT = (
    "The general met the shared chiefs of staff when you look at the capital.\n"
    "The scan showed a brain tumefaction near the cortex.\n"
    "\n"
    "Officials attemptedto leave before an united states patrol arrived.\n"
)


def context(text: str, suggestion: str, occurrence: str | None = None) -> Finding:
    """A context-tier finding of `text` (found where `occurrence`, which holds it, stands)."""
    around = occurrence or text
    start = TEXT.index(around) + around.index(text)
    return Finding(start, start + len(text), text, (suggestion,), "context", Category.CONTEXT, 0.7,
                   "the sentence wants another word")


@pytest.fixture(scope="module")
def fast() -> tuple[Finding, ...]:
    found = tuple(check_text(TEXT, Checker(jobs=1)))
    assert [f.text for f in found] == ["shared chiefs of staff", "when you look at the", "brain tumefaction",
                                       "attemptedto", "an"]
    return found


@pytest.fixture
def review(fast: tuple[Finding, ...]) -> DocumentReview:
    return DocumentReview(Document("a.txt", TEXT, "utf-8"), fast, "hash-a")


def deep_result(fast: tuple[Finding, ...], *new: Finding) -> list[Finding]:
    """What the deep tier says: 2 re-ranked and confirmed, 4 ('an') dropped as English, `new` added."""
    reranked = replace(fast[2], suggestions=("brain tumor", "brain cancer"), confidence=0.85,
                       message=fast[2].message + "; language model: confirmed")
    return sorted([fast[0], fast[1], reranked, fast[3], *new])


def texts(review: DocumentReview) -> list[str]:
    return [f.text for f in review.findings]


def test_undecided_findings_take_the_deep_verdict_new_ones_are_added(
    review: DocumentReview, fast: tuple[Finding, ...]
) -> None:
    """Re-ranked findings are updated, dropped ones withdrawn, new ones added in text order."""
    cortex = context("cortex", "cortex area")
    merged = merge_deep(review, deep_result(fast, cortex))
    assert isinstance(merged, DeepMerge)
    assert texts(merged.review) == ["shared chiefs of staff", "when you look at the", "brain tumefaction", "cortex",
                                    "attemptedto"]
    assert merged.review.findings[2].suggestions == ("brain tumor", "brain cancer")
    assert (merged.added, merged.changed, merged.withdrawn, merged.untouched, merged.overlapping) == (
        (cortex,), 1, 1, 0, 0)
    assert str(merged) == "1 more finding, 1 changed, 1 withdrawn"
    assert merged.review.starts == [f.start for f in merged.review.findings]
    assert review.findings == fast  # the review merged from is left as it was


def test_decided_findings_stay_exactly_as_they_are(review: DocumentReview, fast: tuple[Finding, ...]) -> None:
    """A decision is never undone by the deep tier: not by re-ranking, not by dropping the finding."""
    review.accept(2)  # "brain cancer", which the deep tier ranks second
    review.reject(4)  # the deep tier drops "an"
    review.edit(3, "tried to")
    merged = merge_deep(review, deep_result(fast, context("cortex", "cortex area")))
    new = merged.review
    assert texts(new) == ["shared chiefs of staff", "when you look at the", "brain tumefaction", "cortex",
                          "attemptedto", "an"]
    assert new.findings[2] == fast[2] and new.findings[5] == fast[4]
    assert new.decision(2) == Decision(Verdict.ACCEPTED, "brain cancer")
    assert new.decision(4) == Decision(Verdict.EDITED, "tried to")
    assert new.decision(5) == REJECT
    assert (merged.changed, merged.withdrawn, merged.untouched) == (0, 0, 2)
    assert new.summary() == Summary(accepted=1, rejected=1, edited=1, remaining=3)
    assert new.repaired_text() == review.repaired_text()


def test_a_new_finding_overlapping_a_decided_one_is_not_offered(
    review: DocumentReview, fast: tuple[Finding, ...]
) -> None:
    """'met the shared' overlaps 'shared chiefs of staff': dropped when that is decided, offered when it is not."""
    wider = context("met the shared chiefs", "met the Joint Chiefs")
    deep = [f for f in deep_result(fast, wider) if f != fast[0]]  # the deep tier kept the wider one
    review.reject(0)
    merged = merge_deep(review, deep)
    assert texts(merged.review)[0] == "shared chiefs of staff" and merged.review.decision(0) == REJECT
    assert merged.added == () and merged.overlapping == 1 and merged.untouched == 1
    review.undo()
    merged = merge_deep(review, deep)
    assert texts(merged.review)[0] == "met the shared chiefs" and merged.added == (wider,)
    assert merged.withdrawn == 2  # "shared chiefs of staff" and "an", both undecided


def test_the_finding_on_screen_is_pinned(review: DocumentReview, fast: tuple[Finding, ...]) -> None:
    """A pinned undecided finding is neither changed nor withdrawn, and a new finding overlapping it waits out."""
    review.current = 4
    merged = merge_deep(review, deep_result(fast, context("an united", "a united")), pinned=[4])
    assert merged.review.findings[merged.review.current or 0] == fast[4]
    assert texts(merged.review)[-1] == "an"
    assert (merged.withdrawn, merged.untouched, merged.overlapping) == (0, 1, 1)


def test_the_current_finding_stays_the_same_one(review: DocumentReview, fast: tuple[Finding, ...]) -> None:
    """New findings before the current one shift its index, not the finding; a withdrawn current one gives the next."""
    review.current = 3  # "attemptedto"
    merged = merge_deep(review, deep_result(fast, context("general", "generals"), context("cortex", "cortex area")))
    assert merged.review.findings[merged.review.current or 0].text == "attemptedto"
    assert merged.review.current == 5
    review.current = 2
    merged = merge_deep(review, [fast[0], fast[1], fast[3]])  # the deep tier drops the current, undecided, one
    assert merged.review.findings[merged.review.current or 0].text == "attemptedto"
    assert merge_deep(review, []).review.current is None


def test_undo_and_redo_follow_their_findings(review: DocumentReview, fast: tuple[Finding, ...]) -> None:
    """History steps are renumbered; a step about a withdrawn finding keeps its other findings."""
    review.accept(0)
    review.accept(2, choice=1)
    review.accept_all(0.9)  # one step: "attemptedto" and "an" (and "when you look at the")
    review.undo()  # the accept-all goes to the redo stack: all three undecided again
    merged = merge_deep(review, deep_result(fast, context("general", "generals")))
    new = merged.review
    assert texts(new)[:2] == ["general", "shared chiefs of staff"]
    assert new.redo() is not None  # the accept-all again, without the withdrawn "an"
    assert {new.findings[i].text: d.replacement for i, d in new.decisions.items()} == {
        "shared chiefs of staff": "Joint Chiefs of Staff", "when you look at the": "in the",
        "brain tumefaction": "brain tumor", "attemptedto": "attempted to"}
    assert new.undo() is not None and new.undo() == 3  # back to before "brain tumor", at its new index
    assert new.decision(3) is None and new.undo() == 1 and new.decisions == {}
    assert new.undo() is None
    assert new.summary() == Summary(remaining=5)


def test_decisions_from_resume_data_reach_the_added_findings(
    review: DocumentReview, fast: tuple[Finding, ...]
) -> None:
    """Resume data decides new findings it names; about findings already in the review, the review decides."""
    cortex = context("cortex", "cortex area")
    earlier = ReviewState(decisions=((span_key(cortex), REJECT), (span_key(fast[1]), REJECT)))
    merged = merge_deep(review, deep_result(fast, cortex), earlier=earlier)
    assert merged.review.decision(3) == REJECT
    assert merged.review.decision(1) is None
    assert not merged.review.can_undo  # a restored decision is where the review starts, not a step


def test_findings_and_decisions_follow_a_save(review: DocumentReview, fast: tuple[Finding, ...]) -> None:
    """The deep result of the text before a save lands on the written text: shifted, or gone where a save wrote."""
    review.accept(0)  # "shared chiefs of staff" -> "Joint Chiefs of Staff": one character shorter
    review.accept(1)  # "when you look at the" -> "in the": 14 characters shorter
    edits = review.applied_edits()
    written = review.after_save(Document("a.txt", review.repaired_text(), "utf-8"), "hash-b")
    new_text = written.document.text
    assert len(new_text) == len(TEXT) - 15
    wider = context("met the shared chiefs", "met the Joint Chiefs")
    cortex = context("cortex", "cortex area")
    rebased = rebase_findings([wider, *deep_result(fast), cortex], edits)
    assert [f.text for f in rebased] == ["brain tumefaction", "attemptedto", "cortex"]
    assert all(new_text[f.start : f.end] == f.text for f in rebased)
    merged = merge_deep(written, rebased)
    assert texts(merged.review) == ["brain tumefaction", "cortex", "attemptedto"]
    state = rebase_state(ReviewState(decisions=((span_key(cortex), REJECT), (span_key(fast[0]), REJECT)),
                                     current=span_key(cortex)), edits)
    assert state.decisions == (((cortex.start - 15, cortex.end - 15, "cortex"), REJECT),)
    assert state.current == (cortex.start - 15, cortex.end - 15, "cortex")


def test_index_of_finds_a_finding_by_span_and_text(review: DocumentReview, fast: tuple[Finding, ...]) -> None:
    assert [review.index_of(span_key(f)) for f in fast] == [0, 1, 2, 3, 4]
    assert review.index_of((fast[0].start, fast[0].end, "something else")) is None
