"""The decision model of a review: what the editor decided about each finding of one document.

Pure: no Textual, no file I/O, so every rule here is tested directly. A
`DocumentReview` holds a document's findings and, per finding index, at most one
`Decision` (accept a suggestion, edit the replacement by hand, reject). Every
change is one undoable step (accepting all findings above a confidence is one
step too). Navigation honours a category filter: `shown` is the set of categories
on screen, `None` for all of them.

Decisions are applied with `fixer.apply`, so the review writes exactly what `fix`
would write for the same decisions. A review survives a run in a `ReviewState`:
decisions keyed by the finding's span *and* text, so that a finding that moved or
changed (another detector set, an edited file) is never given a decision made
about something else. After a save, `after_save` rebases the review on the written
text: applied findings are gone, the others shift, rejections stay rejected.

The deep tier (`Checker(deep=True)`: a language model) answers seconds after the
fast detectors, while the editor is already deciding. `merge_deep` folds its
findings into a review without touching what was decided: new findings are
added unless they overlap a decided one, undecided findings take the deep
tier's confidence and suggestions (or go, if it dropped them), and the undo
history and the current finding follow. `rebase_findings` and `rebase_state`
carry findings and decisions about a text over the edits a save wrote, for a
deep result that arrives after a save.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from respin.documents.files import Document
from respin.documents.fixer import apply
from respin.finding import Category, Finding

#: Categories on screen; None shows every category.
Shown = Collection[Category] | None
#: How a saved decision names its finding: start, end and the text between them.
SpanKey = tuple[int, int, str]
#: What a save wrote: start, end (in the text before it) and the replacement; sorted, disjoint.
Edit = tuple[int, int, str]


class Verdict(StrEnum):
    """What the editor decided about a finding."""

    ACCEPTED = "accepted"  # one of the suggestions, as proposed
    EDITED = "edited"  # a replacement typed by hand
    REJECTED = "rejected"  # the text stays as it is


@dataclass(frozen=True)
class Decision:
    """A verdict and, unless rejected, the text that replaces the finding."""

    verdict: Verdict
    replacement: str | None = None

    def __post_init__(self) -> None:
        if (self.verdict is Verdict.REJECTED) != (self.replacement is None):
            raise ValueError(f"a {self.verdict} decision {'has no' if self.replacement is None else 'takes no'} "
                             "replacement")

    @property
    def changes_text(self) -> bool:
        return self.verdict is not Verdict.REJECTED


REJECT = Decision(Verdict.REJECTED)


@dataclass(frozen=True)
class Summary:
    """How many findings were accepted, rejected, edited, and how many wait for a decision."""

    accepted: int = 0
    rejected: int = 0
    edited: int = 0
    remaining: int = 0

    def __add__(self, other: Summary) -> Summary:
        return Summary(self.accepted + other.accepted, self.rejected + other.rejected,
                       self.edited + other.edited, self.remaining + other.remaining)

    def __str__(self) -> str:
        return (f"accepted {self.accepted}, rejected {self.rejected}, edited {self.edited}, "
                f"remaining {self.remaining}")


@dataclass(frozen=True)
class ReviewState:
    """What resuming a review needs, independent of finding indices."""

    decisions: tuple[tuple[SpanKey, Decision], ...] = ()
    #: The finding on screen when the review was left; None: the first one.
    current: SpanKey | None = None
    #: Findings accepted and edited in earlier saves of this file (for the summary).
    applied_accepted: int = 0
    applied_edited: int = 0

    @property
    def empty(self) -> bool:
        return not (self.decisions or self.current or self.applied_accepted or self.applied_edited)

    def overlaid(self, newer: ReviewState) -> ReviewState:
        """This state with `newer` on top: its decisions win for the same finding, its position and counts count."""
        decisions = dict(self.decisions)
        decisions.update(newer.decisions)
        return ReviewState(
            decisions=tuple(sorted(decisions.items(), key=lambda item: item[0][:2])),
            current=newer.current if newer.current is not None else self.current,
            applied_accepted=newer.applied_accepted,
            applied_edited=newer.applied_edited,
        )


@dataclass(frozen=True)
class _Step:
    """One undoable change: the decisions of some findings before and after it."""

    indices: tuple[int, ...]
    before: tuple[Decision | None, ...]
    after: tuple[Decision | None, ...]


def span_key(finding: Finding) -> SpanKey:
    return finding.start, finding.end, finding.text


class DocumentReview:
    """The findings of one document and the decisions made about them."""

    def __init__(self, document: Document, findings: Sequence[Finding], fingerprint: str) -> None:
        self.document = document
        self.findings: tuple[Finding, ...] = tuple(findings)
        #: SHA-256 of the file's bytes this review is based on (what is on disk, if nobody else wrote it).
        self.fingerprint = fingerprint
        #: Index of the finding on screen; None when the document has no findings.
        self.current: int | None = 0 if self.findings else None
        #: The findings' start offsets, for bisection.
        self.starts: list[int] = [f.start for f in self.findings]
        self._decisions: dict[int, Decision] = {}
        self._counts: Counter[Verdict] = Counter()
        self._applied: Counter[Verdict] = Counter()
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []

    # -- reading -----------------------------------------------------------------------

    def decision(self, index: int) -> Decision | None:
        return self._decisions.get(index)

    @property
    def decisions(self) -> dict[int, Decision]:
        return dict(self._decisions)

    @property
    def unsaved(self) -> bool:
        """True when decisions would change the file (rejections change nothing)."""
        return bool(self._counts[Verdict.ACCEPTED] or self._counts[Verdict.EDITED])

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def summary(self) -> Summary:
        return Summary(
            accepted=self._counts[Verdict.ACCEPTED] + self._applied[Verdict.ACCEPTED],
            rejected=self._counts[Verdict.REJECTED],
            edited=self._counts[Verdict.EDITED] + self._applied[Verdict.EDITED],
            remaining=len(self.findings) - len(self._decisions),
        )

    def replacements(self) -> dict[int, str]:
        """The decisions `fixer.apply` takes: finding index -> replacement text."""
        return {i: d.replacement for i, d in self._decisions.items() if d.replacement is not None}

    def replacements_between(self, start: int, end: int) -> dict[int, str]:
        """`replacements()` of the findings that start in [start, end): what a preview of that stretch needs."""
        found = {}
        for index in range(bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)):
            decision = self._decisions.get(index)
            if decision is not None and decision.replacement is not None:
                found[index] = decision.replacement
        return found

    def applied_edits(self) -> list[Edit]:
        """The replacements a save writes, as (start, end, replacement) in text order."""
        return [(self.findings[i].start, self.findings[i].end, r) for i, r in sorted(self.replacements().items())]

    def index_of(self, key: SpanKey) -> int | None:
        """The index of the finding with this span and text; None if there is none."""
        index = bisect.bisect_left(self.starts, key[0])
        while index < len(self.findings) and self.findings[index].start == key[0]:
            if span_key(self.findings[index]) == key:
                return index
            index += 1
        return None

    def repaired_text(self) -> str:
        return apply(self.document.text, self.findings, self.replacements())

    def replacement_for(self, index: int, choice: int = 0) -> str | None:
        """Suggestion number `choice` (0: the best) of a finding, or None if it has no such suggestion."""
        suggestions = self.findings[index].suggestions
        return suggestions[choice] if 0 <= choice < len(suggestions) else None

    # -- deciding ----------------------------------------------------------------------

    def accept(self, index: int, choice: int = 0) -> bool:
        """Accept suggestion number `choice` (0: the best); False when there is no such suggestion."""
        replacement = self.replacement_for(index, choice)
        if replacement is None:
            return False
        self._change({index: Decision(Verdict.ACCEPTED, replacement)})
        return True

    def reject(self, index: int) -> None:
        self._change({index: REJECT})

    def edit(self, index: int, replacement: str) -> Verdict:
        """Replace a finding by hand; returns how it was recorded.

        Typing one of the suggestions is accepting it, and typing the text that
        stands there is rejecting the finding: the summary counts what happened.
        """
        finding = self.findings[index]
        if replacement == finding.text:
            decision = REJECT
        elif replacement in finding.suggestions:
            decision = Decision(Verdict.ACCEPTED, replacement)
        else:
            decision = Decision(Verdict.EDITED, replacement)
        self._change({index: decision})
        return decision.verdict

    def bulk_candidates(
        self, min_confidence: float, shown: Shown = None, among: Collection[SpanKey] | None = None
    ) -> list[int]:
        """Undecided findings on screen at or above `min_confidence` that have a suggestion.

        `among`: only findings with one of these spans and texts (those a dialog counted).
        """
        return [
            i for i, f in enumerate(self.findings)
            if i not in self._decisions and f.confidence >= min_confidence and f.suggestions and _on_screen(f, shown)
            and (among is None or span_key(f) in among)
        ]

    def accept_all(
        self, min_confidence: float, shown: Shown = None, among: Collection[SpanKey] | None = None
    ) -> int:
        """Accept the best suggestion of every `bulk_candidates` finding, as one undoable step."""
        chosen = self.bulk_candidates(min_confidence, shown, among)
        if chosen:
            self._change({i: Decision(Verdict.ACCEPTED, self.findings[i].suggestions[0]) for i in chosen})
        return len(chosen)

    def undo(self) -> int | None:
        """Take back the last change; returns the first finding it touched (None: nothing to undo)."""
        if not self._undo:
            return None
        step = self._undo.pop()
        self._set_all(step.indices, step.before)
        self._redo.append(step)
        return step.indices[0]

    def redo(self) -> int | None:
        """Make the last undone change again; returns the first finding it touched."""
        if not self._redo:
            return None
        step = self._redo.pop()
        self._set_all(step.indices, step.after)
        self._undo.append(step)
        return step.indices[0]

    def _change(self, after: dict[int, Decision | None]) -> None:
        indices = tuple(sorted(after))
        before = tuple(self._decisions.get(i) for i in indices)
        new = tuple(after[i] for i in indices)
        if before == new:
            return
        self._set_all(indices, new)
        self._undo.append(_Step(indices, before, new))
        self._redo.clear()

    def _set_all(self, indices: Iterable[int], decisions: Iterable[Decision | None]) -> None:
        for index, decision in zip(indices, decisions, strict=True):
            old = self._decisions.pop(index, None)
            if old is not None:
                self._counts[old.verdict] -= 1
            if decision is not None:
                self._decisions[index] = decision
                self._counts[decision.verdict] += 1

    # -- moving ------------------------------------------------------------------------

    def visible(self, index: int, shown: Shown) -> bool:
        return _on_screen(self.findings[index], shown)

    def following(self, shown: Shown = None, *, backwards: bool = False, pending: bool = False) -> int | None:
        """The next (or previous) finding on screen after the current one; None at the end."""
        if self.current is None:
            return None
        span = range(self.current - 1, -1, -1) if backwards else range(self.current + 1, len(self.findings))
        return next(self._matching(span, shown, pending), None)

    def next_pending(self, shown: Shown = None) -> int | None:
        """The next undecided finding on screen, wrapping round to the start; None when all are decided."""
        start = -1 if self.current is None else self.current
        order = [*range(start + 1, len(self.findings)), *range(0, start + 1)]
        return next(self._matching(order, shown, pending=True), None)

    def nearest_visible(self, shown: Shown = None) -> int | None:
        """The current finding if it is on screen, else the next one on screen, else the previous one."""
        if self.current is None:
            return None
        if self.visible(self.current, shown):
            return self.current
        after = self.following(shown)
        return after if after is not None else self.following(shown, backwards=True)

    def _matching(self, indices: Iterable[int], shown: Shown, pending: bool) -> Iterator[int]:
        for i in indices:
            if _on_screen(self.findings[i], shown) and not (pending and i in self._decisions):
                yield i

    def count_on_screen(self, shown: Shown) -> int:
        if shown is None:
            return len(self.findings)
        return sum(1 for f in self.findings if f.category in shown)

    # -- persisting --------------------------------------------------------------------

    def state(self) -> ReviewState:
        current = None
        if self.current:  # index 0 is where a review starts anyway
            current = span_key(self.findings[self.current])
        return ReviewState(
            decisions=tuple((span_key(self.findings[i]), d) for i, d in sorted(self._decisions.items())),
            current=current,
            applied_accepted=self._applied[Verdict.ACCEPTED],
            applied_edited=self._applied[Verdict.EDITED],
        )

    def restore(self, state: ReviewState) -> int:
        """Take over the decisions of `state` whose finding is still here; returns how many were.

        A restored decision is where the review starts, not a change: it cannot be undone.
        """
        index_of = self._index_by_span()
        restored = {index_of[key]: d for key, d in state.decisions if key in index_of}
        self._set_all(restored, restored.values())
        self._applied = Counter({Verdict.ACCEPTED: state.applied_accepted, Verdict.EDITED: state.applied_edited})
        if state.current is not None and self.findings:
            at_or_after = min(bisect.bisect_left(self.starts, state.current[0]), len(self.findings) - 1)
            self.current = index_of.get(state.current, at_or_after)
        return len(restored)

    def adopt_history(self, other: DocumentReview) -> None:
        """Take over the undo and redo steps of a review of the same text with other findings.

        Steps are mapped by span and text; a step about a finding that is not here is dropped.
        """
        index_of = self._index_by_span()

        def mapped(steps: list[_Step]) -> list[_Step]:
            kept = []
            for step in steps:
                keys = [span_key(other.findings[i]) for i in step.indices]
                if all(key in index_of for key in keys):
                    kept.append(_Step(tuple(index_of[key] for key in keys), step.before, step.after))
            return kept

        self._undo, self._redo = mapped(other._undo), mapped(other._redo)

    def _take_history(self, other: DocumentReview, new_index: dict[int, int]) -> None:
        """Take over `other`'s undo and redo steps through `new_index` (its finding index -> this review's).

        A step keeps the findings that are here and forgets the others (a step about none of them
        goes): each finding keeps its whole chain of decisions, so undoing and redoing stay consistent.
        """

        def mapped(steps: list[_Step]) -> list[_Step]:
            kept = []
            for step in steps:
                parts = [(new_index[i], b, a) for i, b, a in zip(step.indices, step.before, step.after, strict=True)
                         if i in new_index]
                if parts:
                    parts.sort(key=lambda part: part[0])
                    indices, before, after = zip(*parts, strict=True)
                    kept.append(_Step(indices, before, after))
            return kept

        self._undo, self._redo = mapped(other._undo), mapped(other._redo)

    def _index_by_span(self) -> dict[SpanKey, int]:
        return {span_key(f): i for i, f in enumerate(self.findings)}

    def after_save(self, written: Document, fingerprint: str) -> DocumentReview:
        """The review of the text just written: applied findings gone, the rest shifted, rejections kept.

        `written` is the document as saved (its text is `repaired_text()`), `fingerprint`
        the hash of the bytes written. Undo history does not survive a save.
        """
        rebased = DocumentReview(written, (), fingerprint)
        findings: list[Finding] = []
        shift = 0
        current: int | None = None
        for index, finding in enumerate(self.findings):
            decision = self._decisions.get(index)
            if decision is not None and decision.replacement is not None:
                shift += len(decision.replacement) - (finding.end - finding.start)
                rebased._applied[decision.verdict] += 1
                continue
            if current is None and self.current is not None and index >= self.current:
                current = len(findings)
            if decision is not None:
                rebased._set_all([len(findings)], [decision])
            findings.append(replace(finding, start=finding.start + shift, end=finding.end + shift))
        rebased._applied.update(self._applied)
        rebased.findings = tuple(findings)
        rebased.starts = [f.start for f in findings]
        rebased.current = None if not findings else (current if current is not None else len(findings) - 1)
        return rebased


@dataclass(frozen=True)
class DeepMerge:
    """A review with the deep tier's findings folded in, and what changed."""

    review: DocumentReview
    #: New findings offered (none overlaps a decided one).
    added: tuple[Finding, ...] = ()
    #: Undecided findings whose confidence or suggestions the deep tier changed.
    changed: int = 0
    #: Undecided findings the deep tier dropped (it judged them ordinary English): gone.
    withdrawn: int = 0
    #: Decided findings (and the one on screen) the deep tier would change or drop: left as they are.
    untouched: int = 0
    #: New findings not offered because they overlap a decided finding (or the one on screen).
    overlapping: int = 0

    def __str__(self) -> str:
        parts = []
        if self.added:
            parts.append(f"{len(self.added)} more finding{'s' if len(self.added) != 1 else ''}")
        if self.changed:
            parts.append(f"{self.changed} changed")
        if self.withdrawn:
            parts.append(f"{self.withdrawn} withdrawn")
        return ", ".join(parts) if parts else "nothing to add"


def merge_deep(
    review: DocumentReview,
    deep: Sequence[Finding],
    *,
    pinned: Collection[int] = (),
    earlier: ReviewState | None = None,
) -> DeepMerge:
    """Fold `deep` (the deep tier's findings of the same text) into `review`; returns a new review.

    Decided findings, and those in `pinned` (the one on screen: a key pressed as the deep
    result arrives must act on what the editor sees), stay exactly as they are. An undecided
    finding the deep tier also found (same span and text) takes its version: confidence,
    suggestions, message; one it did not find is withdrawn. A deep finding that is new is
    added unless it overlaps a finding that stays as it is. `earlier` (resume data) gives
    decisions to added findings with its span and text; a decision in it about a finding
    that was already in `review` is ignored (the review holds what the editor did since).
    Undo and redo steps follow their findings; the current finding stays the same one,
    or, if it went, becomes the next one.
    """
    by_key = {span_key(g): g for g in deep}
    fixed = set(review._decisions) | {i for i in pinned if 0 <= i < len(review.findings)}
    kept: list[tuple[Finding, int | None]] = []  # (finding, index in `review`), None for added ones
    changed = withdrawn = untouched = 0
    for index, finding in enumerate(review.findings):
        key = span_key(finding)
        found = by_key.pop(key, None)
        if index in fixed:
            if found is None or _verdict(found) != _verdict(finding):
                untouched += 1
            kept.append((finding, index))
        elif found is not None:
            changed += _verdict(found) != _verdict(finding)
            kept.append((found, index))
        else:
            withdrawn += 1
    spans = sorted((review.findings[i].start, review.findings[i].end) for i in fixed)
    added: list[Finding] = []
    overlapping = 0
    for finding in by_key.values():
        if _overlaps_any(finding, spans):
            overlapping += 1
        else:
            added.append(finding)
    kept.extend((finding, None) for finding in added)
    kept.sort(key=lambda item: (item[0].start, item[0].end))
    merged = DocumentReview(review.document, [finding for finding, _ in kept], review.fingerprint)
    new_index = {old: new for new, (_, old) in enumerate(kept) if old is not None}
    merged._set_all([new_index[i] for i in review._decisions], review._decisions.values())
    merged._applied = Counter(review._applied)
    merged._take_history(review, new_index)
    if earlier is not None:
        known = {span_key(f) for f in review.findings}
        given = {key: decision for key, decision in earlier.decisions if key not in known}
        restored = {}
        for finding in added:
            decision = given.get(span_key(finding))
            if decision is not None:
                restored[merged.index_of(span_key(finding))] = decision
        merged._set_all(restored, restored.values())
    merged.current = _follow(review, merged, new_index)
    return DeepMerge(merged, tuple(added), changed, withdrawn, untouched, overlapping)


def _verdict(finding: Finding) -> tuple[float, tuple[str, ...]]:
    """What a deep verdict changes that matters to a decision: the confidence and the suggestions."""
    return finding.confidence, finding.suggestions


def _overlaps_any(finding: Finding, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether `finding` overlaps one of `spans` (sorted, disjoint); an empty span overlaps what holds it."""
    i = bisect.bisect_left(spans, (max(finding.end, finding.start + 1),))
    return i > 0 and spans[i - 1][1] > finding.start


def _follow(old: DocumentReview, new: DocumentReview, new_index: dict[int, int]) -> int | None:
    """The current finding of `new`: `old`'s current one if it is still there, else the next one."""
    if not new.findings:
        return None
    if old.current is None:
        return 0
    if old.current in new_index:
        return new_index[old.current]
    start = old.findings[old.current].start
    return min(bisect.bisect_left(new.starts, start), len(new.findings) - 1)


def shift_span(start: int, end: int, edits: Sequence[Edit]) -> tuple[int, int] | None:
    """Where text[start:end] stands after `edits` (sorted, disjoint); None if an edit overlaps it."""
    shift = 0
    for edit_start, edit_end, replacement in edits:
        if edit_end <= start:
            shift += len(replacement) - (edit_end - edit_start)
        elif edit_start >= end:
            break
        else:
            return None
    return start + shift, end + shift


def rebase_findings(findings: Sequence[Finding], edits: Sequence[Edit]) -> list[Finding]:
    """`findings` of a text as they stand after `edits`: shifted; those an edit overlaps are dropped."""
    rebased = []
    for finding in findings:
        span = shift_span(finding.start, finding.end, edits)
        if span is not None:
            rebased.append(replace(finding, start=span[0], end=span[1]))
    return rebased


def rebase_state(state: ReviewState, edits: Sequence[Edit]) -> ReviewState:
    """`state`'s decisions about a text, named as they stand after `edits`; those an edit overlaps are dropped."""
    decisions = []
    for (start, end, text), decision in state.decisions:
        span = shift_span(start, end, edits)
        if span is not None:
            decisions.append(((span[0], span[1], text), decision))
    current = None
    if state.current is not None:
        span = shift_span(state.current[0], state.current[1], edits)
        current = None if span is None else (span[0], span[1], state.current[2])
    return replace(state, decisions=tuple(decisions), current=current)


def _on_screen(finding: Finding, shown: Shown) -> bool:
    return shown is None or finding.category in shown
