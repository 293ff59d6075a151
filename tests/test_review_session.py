"""The review's decision model: decisions, undo/redo, filter, summary, resume state, rebasing after a save."""

from __future__ import annotations

import pytest

from respin.documents.files import Document
from respin.documents.fixer import apply
from respin.engine import Checker, check_text
from respin.finding import Category
from respin.review.session import Decision, DocumentReview, ReviewState, Summary, Verdict, span_key

# Five findings, known to fire with the default checker (see test_review_findings_are_the_known_ones):
# 0 entity "shared chiefs of staff", 1 fingerprint "when you look at the", 2 scientific "brain tumefaction"
# (two suggestions, review only), 3 joined "attemptedto", 4 article "an".
TEXT = (
    "The general met the shared chiefs of staff when you look at the capital.\n"
    "The scan showed a brain tumefaction near the cortex.\n"
    "\n"
    "Officials attemptedto leave before an united states patrol arrived.\n"
)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(jobs=1)


@pytest.fixture
def review(checker: Checker) -> DocumentReview:
    return DocumentReview(Document("a.txt", TEXT, "utf-8"), check_text(TEXT, checker), "hash-a")


def test_review_findings_are_the_known_ones(review: DocumentReview) -> None:
    """The test text yields the five findings the other tests rely on."""
    assert [(f.text, f.category, f.suggestions) for f in review.findings] == [
        ("shared chiefs of staff", Category.ENTITY, ("Joint Chiefs of Staff",)),
        ("when you look at the", Category.FINGERPRINT, ("in the",)),
        ("brain tumefaction", Category.SCIENTIFIC, ("brain cancer", "brain tumor")),
        ("attemptedto", Category.JOINED, ("attempted to",)),
        ("an", Category.ARTICLE, ("a",)),
    ]


def test_accept_reject_edit_feed_apply(review: DocumentReview) -> None:
    """Accepted and edited findings are replaced, rejected and undecided ones stay."""
    review.accept(0)
    review.reject(1)
    review.accept(2, choice=1)
    review.edit(3, "tried to")
    assert review.repaired_text() == TEXT.replace("shared chiefs of staff", "Joint Chiefs of Staff").replace(
        "brain tumefaction", "brain tumor").replace("attemptedto", "tried to")
    assert review.summary() == Summary(accepted=2, rejected=1, edited=1, remaining=1)
    assert review.unsaved


def test_choosing_a_missing_suggestion_changes_nothing(review: DocumentReview) -> None:
    """Suggestion 3 of a finding with two is refused, and no decision is recorded."""
    assert not review.accept(2, choice=2)
    assert review.decision(2) is None and not review.can_undo


def test_edit_to_a_suggestion_is_accepting_and_to_the_text_is_rejecting(review: DocumentReview) -> None:
    """Typing a suggestion counts as accepting it; typing the original text counts as rejecting."""
    assert review.edit(2, "brain tumor") is Verdict.ACCEPTED
    assert review.edit(3, "attemptedto") is Verdict.REJECTED
    assert review.summary() == Summary(accepted=1, rejected=1, edited=0, remaining=3)


def test_rejections_alone_are_not_unsaved(review: DocumentReview) -> None:
    """Only decisions that change the text make the file unsaved."""
    review.reject(0)
    assert not review.unsaved


def test_undo_and_redo_walk_the_history(review: DocumentReview) -> None:
    """Undo restores the earlier decision and names the finding; redo makes it again; a new change clears redo."""
    review.accept(0)
    review.reject(0)
    assert review.undo() == 0
    assert review.decision(0) == Decision(Verdict.ACCEPTED, "Joint Chiefs of Staff")
    assert review.undo() == 0 and review.decision(0) is None
    assert review.undo() is None
    assert review.redo() == 0 and review.decision(0) is not None
    review.reject(1)
    assert not review.can_redo


def test_accept_all_is_one_step_and_honours_threshold_and_filter(review: DocumentReview) -> None:
    """Accept-all takes undecided findings at or above the confidence in the shown categories; one undo reverts it."""
    review.reject(1)
    assert review.bulk_candidates(0.95) == [0]
    assert review.accept_all(0.9, shown={Category.JOINED, Category.ARTICLE, Category.FINGERPRINT}) == 2
    assert sorted(review.replacements()) == [3, 4]
    assert review.undo() == 3
    assert review.replacements() == {}
    assert review.decision(1) == Decision(Verdict.REJECTED)


def test_navigation_skips_hidden_categories(review: DocumentReview) -> None:
    """Next and previous move among the categories shown; the end is None, not a wrap."""
    shown = {Category.ENTITY, Category.JOINED}
    assert review.following(shown) == 3
    review.current = 3
    assert review.following(shown) is None
    assert review.following(shown, backwards=True) == 0


def test_next_pending_wraps_round_and_skips_decided(review: DocumentReview) -> None:
    """After a decision the review goes to the next undecided finding, from the start if need be."""
    review.accept(0)
    review.reject(1)
    review.current = 4
    assert review.next_pending() == 2
    for index in (2, 3, 4):
        review.reject(index)
    assert review.next_pending() is None


def test_nearest_visible_moves_off_a_hidden_finding(review: DocumentReview) -> None:
    """When the filter hides the current finding, the next shown one (or the previous) takes its place."""
    review.current = 2
    assert review.nearest_visible({Category.ARTICLE}) == 4
    assert review.nearest_visible({Category.ENTITY}) == 0
    assert review.nearest_visible({Category.SCIENTIFIC}) == 2


def test_state_round_trips_by_span_and_text(review: DocumentReview, checker: Checker) -> None:
    """A restored review has the same decisions, current finding and summary."""
    review.accept(0)
    review.reject(1)
    review.edit(3, "tried to")
    review.current = 4
    again = DocumentReview(review.document, check_text(TEXT, checker), "hash-a")
    assert again.restore(review.state()) == 3
    assert again.decisions == review.decisions
    assert again.current == 4
    assert again.summary() == review.summary()
    assert not again.can_undo


def test_restore_ignores_decisions_whose_finding_moved_or_changed(review: DocumentReview, checker: Checker) -> None:
    """A decision is only restored onto a finding with the same span and the same text."""
    review.accept(0)
    review.accept(4)
    fixed_by_hand = TEXT.replace("an united", "a united")  # finding 4 is gone, the others stay put
    other = DocumentReview(Document("a.txt", fixed_by_hand, "utf-8"), check_text(fixed_by_hand, checker), "b")
    assert other.restore(review.state()) == 1
    assert other.replacements() == {0: "Joint Chiefs of Staff"}
    shifted = "Breaking: " + TEXT  # every finding moved
    moved = DocumentReview(Document("a.txt", shifted, "utf-8"), check_text(shifted, checker), "c")
    assert moved.restore(review.state()) == 0


def test_empty_state_means_nothing_to_keep(review: DocumentReview) -> None:
    """A review with no decisions, on its first finding, has nothing worth storing."""
    assert review.state().empty
    review.current = 1
    assert not review.state().empty


def test_after_save_drops_applied_shifts_the_rest_and_keeps_rejections(review: DocumentReview) -> None:
    """Rebasing on the written text: findings still match their text, rejections and counts carry over."""
    review.accept(0)  # 22 -> 21 characters
    review.reject(1)
    review.edit(3, "tried to")  # 11 -> 8
    review.current = 4
    written = review.repaired_text()
    rebased = review.after_save(Document("a.txt", written, "utf-8"), "hash-saved")
    assert [f.text for f in rebased.findings] == ["when you look at the", "brain tumefaction", "an"]
    for finding in rebased.findings:
        assert written[finding.start : finding.end] == finding.text
    assert rebased.decision(0) == Decision(Verdict.REJECTED)
    assert rebased.summary() == Summary(accepted=1, rejected=1, edited=1, remaining=2)
    assert rebased.current == 2 and not rebased.unsaved and not rebased.can_undo
    assert rebased.fingerprint == "hash-saved"


def test_rebased_state_restores_on_the_written_text(review: DocumentReview, checker: Checker) -> None:
    """After a save, the state of the rebased review resumes a fresh check of the written file."""
    review.accept(0)
    review.reject(1)
    written = review.repaired_text()
    state = review.after_save(Document("a.txt", written, "utf-8"), "h").state()
    reopened = DocumentReview(Document("a.txt", written, "utf-8"), check_text(written, checker), "h")
    assert reopened.restore(state) == 1
    assert reopened.summary() == Summary(accepted=1, rejected=1, edited=0, remaining=3)


def test_replacements_between_matches_replacements(review: DocumentReview) -> None:
    """The preview's windowed lookup agrees with the full map of replacements."""
    review.accept(0)
    review.accept(4)
    first_line = TEXT.index("\n")
    assert review.replacements_between(0, first_line) == {0: "Joint Chiefs of Staff"}
    assert review.replacements_between(0, len(TEXT)) == review.replacements()
    assert apply(TEXT, review.findings, review.replacements_between(0, len(TEXT))) == review.repaired_text()


def test_decision_requires_a_replacement_unless_rejected() -> None:
    """A rejection carries no replacement, every other decision carries one."""
    with pytest.raises(ValueError):
        Decision(Verdict.ACCEPTED)
    with pytest.raises(ValueError):
        Decision(Verdict.REJECTED, "x")


def test_summary_adds_up_and_reads_well() -> None:
    """Summaries of several files add up; the text form names every count."""
    total = Summary(1, 2, 3, 4) + Summary(1, 1, 1, 1)
    assert total == Summary(2, 3, 4, 5)
    assert str(total) == "accepted 2, rejected 3, edited 4, remaining 5"


def test_state_keys_are_span_and_text(review: DocumentReview) -> None:
    """Saved decisions name the finding by start, end and text."""
    review.reject(1)
    finding = review.findings[1]
    review.current = 2
    assert review.state() == ReviewState(decisions=((span_key(finding), Decision(Verdict.REJECTED)),),
                                         current=span_key(review.findings[2]))


def test_overlaid_state_prefers_the_newer_decisions(review: DocumentReview) -> None:
    """Overlaying keeps older decisions about other findings; the newer state wins per finding."""
    review.accept(0)
    review.reject(1)
    older = review.state()
    review.reject(0)
    review.undo()
    review.undo()
    review.accept(3)
    review.current = 3
    newer = review.state()
    merged = older.overlaid(newer)
    assert dict(merged.decisions) == {
        span_key(review.findings[0]): Decision(Verdict.ACCEPTED, "Joint Chiefs of Staff"),
        span_key(review.findings[1]): Decision(Verdict.REJECTED),
        span_key(review.findings[3]): Decision(Verdict.ACCEPTED, "attempted to"),
    }
    assert merged.current == span_key(review.findings[3])


def test_adopt_history_maps_steps_by_span(checker: Checker) -> None:
    """A review of the whole text takes over the undo steps made on its first paragraph's findings."""
    head_end = TEXT.index("\n\n")
    head = DocumentReview(Document("a.txt", TEXT, "utf-8"), check_text(TEXT[:head_end], checker), "h")
    assert [f.text for f in head.findings] == ["shared chiefs of staff", "when you look at the", "brain tumefaction"]
    head.accept(2, choice=1)
    head.reject(0)
    whole = DocumentReview(Document("a.txt", TEXT, "utf-8"), check_text(TEXT, checker), "h")
    whole.restore(head.state())
    whole.adopt_history(head)
    assert whole.undo() == 0 and whole.decision(0) is None
    assert whole.undo() == 2 and whole.decision(2) is None
    assert whole.redo() == 2 and whole.decision(2) == Decision(Verdict.ACCEPTED, "brain tumor")
