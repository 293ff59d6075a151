"""The `respin review` application: decide about findings from the keyboard, then save.

`make_app(documents, checker)` builds the app from documents already read (with
the fingerprint of their bytes) and a `Checker`; the command line and the tests
both use it. The documents are checked in a worker thread, one after another,
so the first one is on screen, text first and highlights as soon as its
findings are in, while the others are still being checked.

With `Checker(deep=True)` the documents are first checked without the deep tier
(a language model: seconds per article), so the fast findings are on screen at
once; then a daemon thread (`background.DeepQueue`) has each document checked
again with it, by a child process (`deep_process.DeepProcess`: the model's load and
scoring would stall keys in this one), and its findings are folded into the review
as they arrive
(`session.merge_deep`: decided findings and the one on screen stay as they are).
The status line says what the language model is doing; keys, saving and quitting
never wait for it.

`ReviewScreen` is the main screen: it owns one `DocumentReview` per document, the
category filter (shared by all documents) and the keys. Decisions go to the
review model, the widgets redraw what is on screen, and the resume store is
written a moment after the last decision, on save and on quit. Saving writes
through `fixer.apply` and the atomic writer, and refuses to overwrite a file that
changed on disk since it was read (offering to reload it instead).
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from respin.documents import formats
from respin.documents.files import InputError, WriteRefusedError, display_name
from respin.engine import Checker
from respin.finding import Category, Finding
from respin.review.background import DeepCheck, DeepJob, DeepQueue
from respin.review.disk import OpenedDocument, fingerprint_on_disk, open_document, save_document
from respin.review.excerpts import paragraph_break_after
from respin.review.messages import CheckFailed, DeepChecked, DeepFailed, DeepStarted, DocumentChecked, FindingClicked
from respin.review.screens import (
    AcceptAllScreen,
    ConfirmScreen,
    EditScreen,
    FilterScreen,
    HelpScreen,
    QuitChoice,
    QuitScreen,
)
from respin.review.session import (
    DocumentReview,
    Edit,
    ReviewState,
    Summary,
    Verdict,
    merge_deep,
    rebase_findings,
    rebase_state,
    span_key,
)
from respin.review.store import ResumeStore, StoreError
from respin.review.widgets import DocumentView, FindingPanel, PreviewPanel

#: Findings from detectors outside the engine (a LanguageTool server) for a text.
ExtraFindings = Callable[[str], Sequence[Finding]]
#: Confidence the accept-all dialog proposes: what `fix` applies by default.
DEFAULT_ACCEPT_ALL = 0.8
#: Seconds after the last decision before the resume data is written.
STORE_DELAY = 1.0
#: Documents this long show the findings of their first paragraphs (about `HEAD_CHARS`) while the
#: rest is checked: a megabyte takes seconds to check, its first screen a few milliseconds.
PROGRESSIVE_MIN_CHARS = 200_000
HEAD_CHARS = 20_000


@dataclass(frozen=True)
class KeySpec:
    """One key of the review: its Textual key names, action, help text and footer label."""

    keys: str
    action: str
    help: str
    footer: str | None = None
    shown_as: str = ""


KEYS: tuple[KeySpec, ...] = (
    KeySpec("a,enter", "accept", "accept the best suggestion, then go to the next undecided finding", "Accept",
            "a  Enter"),
    KeySpec("r", "reject", "reject: the text stays as it is", "Reject", "r"),
    KeySpec("1", "choose(1)", "accept suggestion 1 to 9", None, "1 … 9"),
    *(KeySpec(str(n), f"choose({n})", f"accept suggestion {n}") for n in range(2, 10)),
    KeySpec("e", "edit", "edit the replacement by hand (starts with the suggestion)", "Edit", "e"),
    KeySpec("n,tab,down,right", "next", "next finding", "Next", "n  Tab  ↓  →"),
    KeySpec("p,shift+tab,up,left", "previous", "previous finding", None, "p  Shift+Tab  ↑  ←"),
    KeySpec("A", "accept_all", "accept every undecided finding on screen at or above a confidence (asks first)",
            "Accept all", "A"),
    KeySpec("u", "undo", "undo the last decision", "Undo", "u"),
    KeySpec("ctrl+r", "redo", "redo what was undone", None, "Ctrl+R"),
    KeySpec("f", "filter", "choose the categories on screen", "Filter", "f"),
    KeySpec("right_square_bracket", "next_file", "next file", None, "]"),
    KeySpec("left_square_bracket", "previous_file", "previous file", None, "["),
    KeySpec("v", "toggle_preview", "preview: repaired text or diff", None, "v"),
    KeySpec("pagedown", "scroll_document(1)", "scroll the document a page down", None, "PgDn"),
    KeySpec("pageup", "scroll_document(-1)", "scroll the document a page up", None, "PgUp"),
    KeySpec("s", "save", "save every file with accepted or edited findings", "Save", "s"),
    KeySpec("question_mark", "help", "this help", "Help", "?"),
    KeySpec("q", "quit_review", "quit (asks first if decisions are not saved); Ctrl+Q does the same", "Quit", "q"),
)

HELP_ROWS: tuple[tuple[str, str], ...] = (
    *((k.shown_as, k.help) for k in KEYS if k.shown_as),
    ("click", "select the finding under the mouse"),
)


@dataclass(frozen=True)
class FileOutcome:
    """How the review of one file ended: for the summary the command line prints."""

    name: str
    summary: Summary
    unsaved: bool


@dataclass
class DeepProgress:
    """Where the deep tier is with one document, for the status line."""

    #: The check of the document it reads (results of an older one are stale).
    generation: int
    #: waiting, reading, done or failed.
    state: str = "waiting"
    #: When it started reading (time.monotonic()).
    since: float = 0.0
    #: What it added (done), or that it failed.
    note: str = ""
    #: Edits written by saves since it started, in order: its findings are carried over them.
    saved_edits: list[list[Edit]] | None = None

    @property
    def running(self) -> bool:
        return self.state in ("waiting", "reading")


class ReviewScreen(Screen[None]):
    """The document, the current finding, the preview, and every decision key."""

    DEFAULT_CSS = """
    ReviewScreen DocumentView {
        height: 1fr;
        border: round $primary;
        border-title-align: left;
        border-subtitle-align: right;
    }
    ReviewScreen #status {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-align: right;
    }
    ReviewScreen #panels {
        height: 12;
    }
    ReviewScreen FindingPanel {
        width: 3fr;
    }
    ReviewScreen PreviewPanel {
        width: 2fr;
    }
    ReviewScreen FindingPanel, ReviewScreen PreviewPanel {
        height: 100%;
        border: round $secondary;
        padding: 0 1;
        border-subtitle-align: right;
    }
    """
    # The footer shows one key per action, the first one named (not Tab, which Screen binds first).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(k.keys, k.action, k.footer or k.help, show=k.footer is not None,
                key_display=k.keys.split(",")[0] if "," in k.keys else None)
        for k in KEYS
    ]

    def __init__(
        self,
        documents: Sequence[OpenedDocument],
        checker: Checker,
        store: ResumeStore,
        fresh: bool,
        extra: ExtraFindings,
        syntax: str | None = None,
        deep_check: DeepCheck | None = None,
    ) -> None:
        """`checker` finds the fast findings; `deep_check`, if given, the deep tier's (in the background)."""
        super().__init__()
        self.opened = list(documents)
        self.checker = checker
        self.deep_check = deep_check
        self.store = store
        self.fresh = fresh
        self.extra = extra
        #: --syntax: None or "auto" reads each file's syntax from its extension.
        self.syntax = syntax
        #: One review per document, None while it is being checked.
        self.reviews: list[DocumentReview | None] = [None] * len(self.opened)
        self.position = 0
        #: Categories on screen; None: all.
        self.shown: frozenset[Category] | None = None
        self.diff_preview = False
        self._store_timer: Timer | None = None
        self._store_pending: set[int] = set()
        self._store_warned = False
        #: Reviews being reloaded, put back if the file cannot be read any more.
        self._previous_reviews: dict[int, DocumentReview] = {}
        #: Documents whose review holds only the first paragraphs' findings, with the decisions they
        #: started from (resume data or a reload's), to lay under what is decided meanwhile.
        self._provisional: dict[int, ReviewState] = {}
        #: A document at least this long is checked in two steps: `head_chars` first, then all of it.
        self.progressive_min_chars = PROGRESSIVE_MIN_CHARS
        self.head_chars = HEAD_CHARS
        #: How many checks of each document were started: a result of an older one is stale.
        self._checks_started = [0] * len(self.opened)
        #: The deep tier: its thread (started with the first document), and where it is with each document.
        self._deep_queue: DeepQueue | None = None
        self.deep_progress: dict[int, DeepProgress] = {}
        #: Decisions a review started from (resume data), kept until the deep tier's findings are in:
        #: some may be about findings only the deep tier finds.
        self._deep_base: dict[int, ReviewState] = {}
        self._deep_unavailable_told = False

    # -- building ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield DocumentView(id="document")
        yield Static(id="status")
        with Horizontal(id="panels"):
            yield FindingPanel(id="finding")
            yield PreviewPanel(id="preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(FindingPanel).border_title = "Finding"
        self.query_one(PreviewPanel).border_title = "Preview: repaired"
        if self.deep_check is not None:
            self._deep_queue = DeepQueue(self.deep_check, self.post_message, self._deep_wanted)
            self.set_interval(1.0, self._tick)
        self.refresh_view()
        self._check([(position, opened, None) for position, opened in enumerate(self.opened)])

    def on_unmount(self) -> None:
        if self._deep_queue is not None:
            self._deep_queue.cancel()

    @property
    def review(self) -> DocumentReview | None:
        return self.reviews[self.position]

    def document_name(self, position: int) -> str:
        return display_name(self.opened[position].document.path)

    # -- checking ----------------------------------------------------------------------

    def _check(self, jobs: list[tuple[int, OpenedDocument | None, ReviewState | None]]) -> None:
        """Check documents in a worker thread (None: read the file again first) and post the findings.

        A large document's first paragraphs are checked first and posted as a provisional
        result, so its first screen is ready long before the whole text is checked.
        """

        generations = {}
        for position, _, _ in jobs:
            self._checks_started[position] += 1
            generations[position] = self._checks_started[position]

        def work() -> None:
            for position, opened, carried in jobs:
                generation = generations[position]
                if opened is None:
                    try:
                        current = self.opened[position].document
                        opened = open_document(current.path, current.encoding)
                    except InputError as error:
                        self.post_message(CheckFailed(position, str(error), generation))
                        continue
                text = opened.document.text
                syntax = formats.syntax_for(opened.document.path, self.syntax)
                head = paragraph_break_after(text, self.head_chars, self.head_chars) \
                    if len(text) >= self.progressive_min_chars else None
                if head is not None:
                    findings = formats.check_document(text[:head], self.checker, syntax)
                    self.post_message(
                        DocumentChecked(position, opened, findings, carried, generation, provisional=True))
                extra = tuple(self.extra(text))
                findings = formats.check_document(text, self.checker, syntax, extra)
                self.post_message(DocumentChecked(position, opened, findings, carried, generation, extra=extra))

        self.run_worker(work, thread=True, group="check", name="check documents")

    def on_document_checked(self, message: DocumentChecked) -> None:
        position, opened = message.position, message.opened
        if message.generation != self._checks_started[position]:
            return  # a newer check of this document (a reload) is under way
        self.opened[position] = opened
        previous = self._previous_reviews.pop(position, None)
        if previous is not None and previous.fingerprint != opened.fingerprint:
            self._forget(previous.fingerprint)  # that content is no longer on disk
        review = DocumentReview(opened.document, message.findings, opened.fingerprint)
        base = self._provisional.pop(position, None)
        provisional = self.reviews[position] if base is not None else None
        if base is not None and provisional is not None and provisional.fingerprint == opened.fingerprint:
            # The whole text is checked: carry over what was decided on the first paragraphs meanwhile.
            state: ReviewState | None = base.overlaid(provisional.state())
            review.restore(state)
            review.adopt_history(provisional)
        else:
            state = self._start_review(review, position, message.carried, message.provisional)
            if message.provisional:
                self._provisional[position] = state or ReviewState()
        if review.current is not None and self.shown is not None:
            review.current = review.nearest_visible(self.shown)
        self.reviews[position] = review
        # The checker's resources and the findings live as long as the app: keep the cyclic garbage
        # collector from scanning them again and again (a full pass over them stalls a keypress ~0.1 s).
        gc.freeze()
        if not message.provisional:
            self._start_deep(position, opened, message.generation, message.extra, state)
        if position == self.position:
            self.refresh_view()

    def _start_review(
        self, review: DocumentReview, position: int, carried: ReviewState | None, provisional: bool
    ) -> ReviewState | None:
        """Give a new review its decisions: those carried over a reload, else the resume data; return them."""
        name = self.document_name(position)
        state = carried
        if state is None and not self.fresh:
            try:
                state = self.store.load(review.fingerprint)
            except StoreError as error:
                self.notify(f"Ignoring unreadable resume data: {error}", severity="warning", timeout=8)
        if state is None:
            return None
        restored = review.restore(state)
        if provisional:  # most of the text is not checked yet: count what was kept, not what matched so far
            restored = len(state.decisions)
        if carried is not None:
            self.notify(f"{name}: reloaded, {restored} decision{'s' if restored != 1 else ''} kept")
        elif restored:
            self.notify(f"{name}: resumed, {restored} decision{'s' if restored != 1 else ''} restored")
        return state

    def state_of(self, position: int) -> ReviewState | None:
        """Everything decided about a document, to keep or carry over (None while it is being checked)."""
        review = self.reviews[position]
        if review is None:
            return None
        base = self._provisional.get(position)
        state = review.state() if base is None else base.overlaid(review.state())
        deep_base = self._deep_base.get(position)
        if deep_base is not None:  # decisions about findings the deep tier has not reported yet
            state = _unmatched(deep_base, review).overlaid(state)
        return state

    def checks_started(self, position: int) -> int:
        """How many checks of a document were started; the latest one's results carry this number."""
        return self._checks_started[position]

    def fully_checked(self, position: int) -> bool:
        """True once the whole text of a document is checked (not only its first paragraphs)."""
        return self.reviews[position] is not None and position not in self._provisional

    def _still_checking(self, position: int) -> bool:
        """True (and a word to the user) while a file is checked or only its first paragraphs are."""
        if self.fully_checked(position):
            return False
        self.notify(f"Still checking {self.document_name(position)}…", severity="warning")
        return True

    def on_check_failed(self, message: CheckFailed) -> None:
        if message.generation != self._checks_started[message.position]:
            return
        self.notify(message.reason, severity="error", timeout=10)
        previous = self._previous_reviews.pop(message.position, None)
        if self.reviews[message.position] is None and previous is not None:
            self.reviews[message.position] = previous
        progress = self.deep_progress.get(message.position)
        if progress is not None and progress.running:
            progress.state, progress.note = "failed", "not run: the file could not be read again"
        if message.position == self.position:
            self.refresh_view()

    # -- the deep tier -----------------------------------------------------------------

    @property
    def deep_running(self) -> bool:
        """True while the deep tier has documents to read (or is reading one)."""
        return any(progress.running for progress in self.deep_progress.values())

    def _start_deep(
        self, position: int, opened: OpenedDocument, generation: int, extra: Sequence[Finding],
        state: ReviewState | None,
    ) -> None:
        """Hand a document whose fast findings are on screen to the deep tier."""
        if self._deep_queue is None:
            return
        self.deep_progress[position] = DeepProgress(generation, saved_edits=[])
        if state is not None and state.decisions:
            self._deep_base[position] = state
        else:
            self._deep_base.pop(position, None)
        syntax = formats.syntax_for(opened.document.path, self.syntax)
        self._deep_queue.submit(DeepJob(position, generation, opened.document.text, syntax, tuple(extra)))

    def _deep_wanted(self, job: DeepJob) -> bool:
        """Whether a queued job is still the latest check of its document (asked from the deep thread)."""
        return job.generation == self._checks_started[job.position]

    def _deep_current(self, position: int, generation: int) -> DeepProgress | None:
        progress = self.deep_progress.get(position)
        if progress is None or progress.generation != generation or generation != self._checks_started[position]:
            return None  # a newer check of this document (a reload) is under way
        return progress

    def on_deep_started(self, message: DeepStarted) -> None:
        progress = self._deep_current(message.position, message.generation)
        if progress is not None:
            progress.state, progress.since = "reading", time.monotonic()
            self._update_status(message.position)

    def on_deep_checked(self, message: DeepChecked) -> None:
        position = message.position
        progress = self._deep_current(position, message.generation)
        review = self.reviews[position]
        if progress is None or review is None or position in self._provisional:
            return
        findings = message.findings
        for edits in progress.saved_edits or ():  # the text was saved meanwhile: carry the findings over
            findings = rebase_findings(findings, edits)
        # The finding on screen stays as it is: a key pressed as the result arrives acts on what was shown.
        pinned = () if review.current is None else (review.current,)
        merged = merge_deep(review, findings, pinned=pinned, earlier=self._deep_base.pop(position, None))
        if merged.review.current is not None and self.shown is not None:
            merged.review.current = merged.review.nearest_visible(self.shown)
        self.reviews[position] = merged.review
        added = len(merged.added)
        progress.state, progress.saved_edits = "done", None
        # The status line has room for what was added; the notice says what changed as well.
        progress.note = f"{added} more finding{'s' if added != 1 else ''}" if added else "no new findings"
        gc.freeze()  # as for the fast findings: the deep ones live as long as the app
        note = f"{self.document_name(position)}: language model: {merged}."
        if merged.overlapping:
            n = merged.overlapping
            note += f" {n} more not offered: {'they overlap' if n != 1 else 'it overlaps'} a finding already decided."
        self.notify(note, timeout=6)
        if position == self.position:
            self.refresh_view()

    def on_deep_failed(self, message: DeepFailed) -> None:
        progress = self._deep_current(message.position, message.generation)
        if progress is None:
            return
        progress.state, progress.saved_edits = "failed", None
        if message.unavailable:
            progress.note = "unavailable"
            if not self._deep_unavailable_told:  # one message, however many files
                self._deep_unavailable_told = True
                self.notify(f"{message.reason}\n\nThe review goes on with the fast findings only.",
                            title="Language model unavailable", severity="error", timeout=20)
        else:
            progress.note = "failed"
            self.notify(f"{self.document_name(message.position)}: the language model failed ({message.reason}); "
                        "the fast findings stay.", severity="error", timeout=10)
        self._update_status(message.position)

    def _deep_status(self, position: int) -> str | None:
        """What the status line says about the deep tier and this document; None without a deep tier."""
        progress = self.deep_progress.get(position)
        if progress is None:
            return None
        if progress.state == "waiting":
            return "language model: waiting…"
        if progress.state == "reading":
            return f"language model: reading… {time.monotonic() - progress.since:.0f} s"
        return f"language model: {progress.note}"

    def _tick(self) -> None:
        """Once a second: the seconds the language model has been reading the document on screen."""
        progress = self.deep_progress.get(self.position)
        if progress is not None and progress.state == "reading":
            self._update_status(self.position)

    def _update_status(self, position: int) -> None:
        review = self.reviews[position]
        if position == self.position and review is not None:
            self.query_one("#status", Static).update(self._status(review), layout=False)

    # -- drawing -----------------------------------------------------------------------

    def refresh_view(self) -> None:
        """Redraw everything that depends on the decisions: cheap, it draws only what is on screen."""
        review = self.review
        opened = self.opened[self.position]
        view = self.query_one(DocumentView)
        finding_panel = self.query_one(FindingPanel)
        preview = self.query_one(PreviewPanel)
        name = self.document_name(self.position)
        self.app.sub_title = name if len(self.opened) == 1 else f"{name} ({self.position + 1} of {len(self.opened)})"
        if view.border_title != name:  # setting a border title repaints the whole widget, even if unchanged
            view.border_title = name
        view.show(opened.document.text if review is None else review.document.text, review, self.shown)
        status = self.query_one("#status", Static)
        if review is None:
            status.update("checking…", layout=False)
            finding_panel.border_title = "Finding"
            finding_panel.show_message(f"Checking {name}…")
            preview.show_message("")
            return
        status.update(self._status(review), layout=False)
        current = review.current
        if current is None or not review.visible(current, self.shown):
            finding_panel.border_title = "Finding"
            finding_panel.show_message("No findings in this file." if not review.findings
                                       else "No findings in the categories shown (f: filter).")
            preview.show_message("")
            return
        total = review.count_on_screen(self.shown) if self.shown is not None else len(review.findings)
        finding_panel.border_title = f"Finding {current + 1} of {len(review.findings)}" + (
            f" ({total} shown)" if self.shown is not None else "")
        finding_panel.show_finding(review, current)
        preview.show_preview(review, current, self.diff_preview)
        view.scroll_to_finding(current)

    def _status(self, review: DocumentReview) -> str:
        summary = review.summary()
        parts = [f"accepted {summary.accepted}", f"rejected {summary.rejected}", f"edited {summary.edited}",
                 f"remaining {summary.remaining}"]
        if self.shown is not None:
            parts.append("showing " + ", ".join(sorted(c.value for c in self.shown)) if self.shown else "showing none")
        if review.unsaved:
            parts.append("unsaved")
        if self.position in self._provisional:
            parts.append("checking the rest…")
        deep = self._deep_status(self.position)
        if deep is not None:
            parts.append(deep)
        return " · ".join(parts)

    # -- deciding ----------------------------------------------------------------------

    def _current(self) -> tuple[DocumentReview, int] | None:
        """The review and finding a decision is about, or None (with a word to the user) if there is none."""
        review = self.review
        if review is None:
            self.notify("Still checking this file…", severity="warning")
            return None
        if review.current is None or not review.visible(review.current, self.shown):
            self.notify("No finding selected.", severity="warning")
            return None
        return review, review.current

    def _decided(self, review: DocumentReview) -> None:
        following = review.next_pending(self.shown)
        if following is not None:
            review.current = following
        elif review.findings:
            self.notify("Every finding on screen is decided: s saves, q quits.")
        self._changed(review)

    def _changed(self, review: DocumentReview) -> None:
        self._store_pending.add(self.reviews.index(review))
        if self._store_timer is not None:
            self._store_timer.stop()
        self._store_timer = self.set_timer(STORE_DELAY, self.write_stores)
        self.refresh_view()

    def action_accept(self) -> None:
        self.action_choose(1)

    def action_choose(self, number: int) -> None:
        target = self._current()
        if target is None:
            return
        review, index = target
        if not review.accept(index, number - 1):
            suggestions = len(review.findings[index].suggestions)
            self.notify(f"No suggestion {number}: this finding has {suggestions}; e edits by hand." if suggestions
                        else "No suggestion: e edits by hand, r rejects.", severity="warning")
            return
        self._decided(review)

    def action_reject(self) -> None:
        target = self._current()
        if target is None:
            return
        review, index = target
        review.reject(index)
        self._decided(review)

    def action_edit(self) -> None:
        target = self._current()
        if target is None:
            return
        review, index = target
        decision = review.decision(index)
        finding = review.findings[index]
        start = decision.replacement if decision and decision.replacement is not None else (
            finding.suggestions[0] if finding.suggestions else finding.text)
        position, key = self.position, span_key(finding)

        def edited(replacement: str | None) -> None:
            # The deep tier may have merged its findings meanwhile: find the finding again by span and text.
            review = self.reviews[position]
            index = None if review is None else review.index_of(key)
            if replacement is None or review is None or index is None or position != self.position:
                return
            verdict = review.edit(index, replacement)
            if verdict is Verdict.REJECTED:
                self.notify("Unchanged text: recorded as rejected.")
            self._decided(review)

        self.app.push_screen(EditScreen(finding, start), edited)

    def action_accept_all(self) -> None:
        review = self.review
        if review is None or self._still_checking(self.position):
            return
        candidates = review.bulk_candidates(0.0, self.shown)
        if not candidates:
            self.notify("No undecided findings with a suggestion on screen.", severity="warning")
            return
        scope = "in this file" if self.shown is None else "in this file, categories shown"
        position, counted = self.position, {span_key(review.findings[i]) for i in candidates}

        def chosen(threshold: float | None) -> None:
            # Only the findings the dialog counted, even if the deep tier merged more in meanwhile.
            review = self.reviews[position]
            if threshold is None or review is None or position != self.position:
                return
            accepted = review.accept_all(threshold, self.shown, among=counted)
            self.notify(f"Accepted {accepted} finding{'s' if accepted != 1 else ''} at or above {threshold:.2f}.")
            if accepted:
                self._decided(review)

        confidences = [review.findings[i].confidence for i in candidates]
        self.app.push_screen(AcceptAllScreen(confidences, DEFAULT_ACCEPT_ALL, scope), chosen)

    def action_undo(self) -> None:
        self._history(undo=True)

    def action_redo(self) -> None:
        self._history(undo=False)

    def _history(self, undo: bool) -> None:
        review = self.review
        if review is None:
            return
        index = review.undo() if undo else review.redo()
        if index is None:
            self.notify("Nothing to undo." if undo else "Nothing to redo.", severity="warning")
            return
        review.current = index
        if not review.visible(index, self.shown):
            self.shown = None  # show what changed, even if it was filtered out since
            self.notify("Filter cleared to show the finding.")
        self._changed(review)

    # -- moving ------------------------------------------------------------------------

    def action_next(self) -> None:
        self._move(backwards=False)

    def action_previous(self) -> None:
        self._move(backwards=True)

    def _move(self, backwards: bool) -> None:
        review = self.review
        if review is None or review.current is None:
            return
        target = review.following(self.shown, backwards=backwards)
        if target is None:
            self.notify("First finding." if backwards else "Last finding.", timeout=2)
            return
        review.current = target
        self._store_pending.add(self.position)
        self.refresh_view()

    def on_finding_clicked(self, message: FindingClicked) -> None:
        review = self.review
        if review is not None and 0 <= message.index < len(review.findings):
            review.current = message.index
            self.refresh_view()

    def action_scroll_document(self, pages: int) -> None:
        view = self.query_one(DocumentView)
        view.scroll_to(y=view.scroll_y + pages * view.scrollable_content_region.height, animate=False)

    def action_filter(self) -> None:
        counts: dict[Category, int] = {}
        for review in self.reviews:
            for finding in review.findings if review is not None else ():
                counts[finding.category] = counts.get(finding.category, 0) + 1
        if not counts:
            self.notify("No findings to filter.", severity="warning")
            return
        ordered = {category: counts[category] for category in Category if category in counts}
        shown = self.shown if self.shown is not None else frozenset(ordered)

        def chosen(categories: frozenset[Category] | None) -> None:
            if categories is None:
                return
            self.shown = None if categories >= set(ordered) else categories
            for review in self.reviews:
                if review is not None and review.current is not None:
                    review.current = review.nearest_visible(self.shown)
            self.refresh_view()

        self.app.push_screen(FilterScreen(ordered, shown), chosen)

    def action_next_file(self) -> None:
        self._switch(1)

    def action_previous_file(self) -> None:
        self._switch(-1)

    def _switch(self, step: int) -> None:
        if len(self.opened) > 1:
            self.position = (self.position + step) % len(self.opened)
            self.refresh_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_file", "previous_file"):
            return len(self.opened) > 1
        return True

    def action_toggle_preview(self) -> None:
        self.diff_preview = not self.diff_preview
        self.refresh_view()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(HELP_ROWS))

    # -- saving and quitting -----------------------------------------------------------

    def action_save(self) -> None:
        unsaved = [p for p, r in enumerate(self.reviews) if r is not None and r.unsaved]
        if not unsaved:
            self.notify("Nothing to save: no accepted or edited findings.")
            return
        self.save(unsaved)

    def save(self, positions: Sequence[int], then: Callable[[], None] | None = None) -> None:
        """Write the decisions of these documents; `then` runs if every one of them was written."""
        changed: list[int] = []
        failed = False
        for position in positions:
            review = self.reviews[position]
            if review is None or not review.unsaved:
                continue
            if self._still_checking(position):
                failed = True
                continue
            name = self.document_name(position)
            if fingerprint_on_disk(review.document.path) != review.fingerprint:
                changed.append(position)
                continue
            try:
                written = save_document(review.document, review.repaired_text())
            except WriteRefusedError as error:  # read-only or hard-linked: `fix --write --force` can write it
                self.notify(str(error).replace("--force", "respin fix --write --force"), severity="error",
                            timeout=10)
                failed = True
                continue
            except OSError as error:
                self.notify(f"{name}: cannot write ({error.strerror or error})", severity="error", timeout=10)
                failed = True
                continue
            changes = len(review.replacements())
            self._deep_saved(position, review.applied_edits())
            rebased = review.after_save(written.document, written.fingerprint)
            self.reviews[position] = rebased
            self.opened[position] = written
            self._forget(review.fingerprint)
            self._write_store(position)
            self.notify(f"Saved {name}: {changes} change{'s' if changes != 1 else ''}.")
        self.refresh_view()
        if changed:
            self._offer_reload(changed)
        elif not failed and then is not None:
            then()

    def _deep_saved(self, position: int, edits: list[Edit]) -> None:
        """A save wrote `edits`: the deep tier's findings, and the decisions kept for them, follow the text."""
        progress = self.deep_progress.get(position)
        if progress is not None and progress.saved_edits is not None:
            progress.saved_edits.append(edits)
        base = self._deep_base.get(position)
        if base is not None:
            self._deep_base[position] = rebase_state(base, edits)

    def _offer_reload(self, positions: Sequence[int]) -> None:
        names = ", ".join(self.document_name(p) for p in positions)
        what = "These files have" if len(positions) > 1 else "The file has"
        message = (f"{names}\n\n{what} changed on disk since respin read it, so respin did not overwrite it. "
                   "Reload to check the file as it is now: decisions about findings that are still there "
                   "are kept, the others are dropped.")

        def answered(reload: bool | None) -> None:
            if reload:
                self.reload(positions)

        self.app.push_screen(ConfirmScreen("File changed on disk", message, "Reload", "Keep my version open"),
                             answered)

    def reload(self, positions: Sequence[int]) -> None:
        """Read these documents again and check them; decisions whose finding still matches are kept."""
        jobs: list[tuple[int, OpenedDocument | None, ReviewState | None]] = []
        for position in positions:
            review, state = self.reviews[position], self.state_of(position)
            if review is None or state is None:
                continue
            self._provisional.pop(position, None)
            self._deep_base.pop(position, None)  # `state` holds its decisions
            self._previous_reviews[position] = review
            self.reviews[position] = None
            jobs.append((position, None, state))
        self.refresh_view()
        self._check(jobs)

    def action_quit_review(self) -> None:
        unsaved = [p for p, r in enumerate(self.reviews) if r is not None and r.unsaved]
        if not unsaved:
            self.finish()
            return

        def chosen(choice: QuitChoice | None) -> None:
            if choice is QuitChoice.SAVE:
                self.save(unsaved, then=self.finish)
            elif choice is QuitChoice.DISCARD:
                self.finish()

        self.app.push_screen(QuitScreen([self.document_name(p) for p in unsaved], self.summaries()), chosen)

    def summaries(self) -> list[tuple[str, Summary]]:
        return [(self.document_name(p), r.summary()) for p, r in enumerate(self.reviews) if r is not None]

    def finish(self) -> None:
        """Keep every review's resume data and leave, reporting how each file ended."""
        if self._store_timer is not None:
            self._store_timer.stop()
        if self._deep_queue is not None:
            self._deep_queue.cancel()  # its thread is a daemon: leaving never waits for the language model
        self._store_pending.update(range(len(self.reviews)))
        self.write_stores()
        outcomes = [FileOutcome(self.document_name(p), r.summary(), r.unsaved)
                    for p, r in enumerate(self.reviews) if r is not None]
        self.app.exit(outcomes)

    # -- resume data -------------------------------------------------------------------

    def write_stores(self) -> None:
        """Write the resume data of every review changed since it was last written."""
        pending, self._store_pending = self._store_pending, set()
        for position in sorted(pending):
            self._write_store(position)

    def _write_store(self, position: int) -> None:
        review, state = self.reviews[position], self.state_of(position)
        if review is None or state is None:
            return
        try:
            self.store.record(review.fingerprint, state, review.document.path)
        except OSError as error:
            if not self._store_warned:
                self._store_warned = True
                self.notify(f"Cannot keep resume data in {self.store.directory}: {error.strerror or error}",
                            severity="warning", timeout=8)

    def _forget(self, fingerprint: str) -> None:
        with contextlib.suppress(OSError):  # a stale resume file is harmless: its content is gone
            self.store.discard(fingerprint)


def _unmatched(state: ReviewState, review: DocumentReview) -> ReviewState:
    """The decisions of `state` about findings `review` does not have (those it has, it decides itself)."""
    return ReviewState(decisions=tuple((key, d) for key, d in state.decisions if review.index_of(key) is None))


class ReviewApp(App[list[FileOutcome]]):
    """`respin review`: one `ReviewScreen` over the documents given."""

    TITLE = "respin review"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, screen: ReviewScreen) -> None:
        super().__init__()
        self._review_screen = screen

    def get_default_screen(self) -> Screen[None]:
        return self._review_screen

    @property
    def review_screen(self) -> ReviewScreen:
        return self._review_screen

    async def action_quit(self) -> None:
        """Ctrl+Q quits as `q` does: asking first when decisions are unsaved."""
        if self.screen is self._review_screen:
            self._review_screen.action_quit_review()
        else:
            self.bell()


def make_app(
    documents: Sequence[OpenedDocument],
    checker: Checker,
    *,
    store: ResumeStore | None = None,
    fresh: bool = False,
    extra: ExtraFindings | None = None,
    syntax: str | None = None,
    deep_check: DeepCheck | None = None,
) -> ReviewApp:
    """Build the review app over documents already read (`disk.open_document`).

    `checker` finds the findings; it runs in a worker thread, so a checker that
    would fork worker processes for a large text is replaced by a one-process copy.
    `store` keeps decisions between runs (default: `ResumeStore()`, the user's
    cache); `fresh` ignores what it holds; `extra` adds findings from outside the
    engine (LanguageTool); `syntax` overrides each file's syntax (`formats.syntax_for`:
    only the prose of Markdown, HTML and rST files is checked).

    With `checker.deep`, each document is checked first by a copy of `checker` without
    the deep tier, and its findings are on screen at once; then, in the background,
    by `deep_check(text, syntax, extra_findings)`, which returns every finding of the
    text as the deep tier reports them (default: `deep_process.DeepProcess`, which runs
    `formats.check_document` with `checker` itself in a child process). It is called from
    a background thread; a `close()` method, if it has one, is called when the review
    ends. Passing `deep_check` is how a caller plugs in another slow tier, or a test a
    slow one; it needs `checker.deep`.
    """
    from dataclasses import replace

    if not documents:
        raise ValueError("review needs at least one document")
    if deep_check is not None and not checker.deep:
        raise ValueError("deep_check is the deep tier's check: it needs a checker with deep=True")
    if checker.jobs != 1:
        checker = replace(checker, jobs=1)  # forking from a threaded process is unsafe
    fast = checker
    if checker.deep:
        fast = replace(checker, deep=False)
        if deep_check is None:
            from respin.review.deep_process import DeepProcess

            deep_check = DeepProcess(checker)

    screen = ReviewScreen(documents, fast, store or ResumeStore(), fresh, extra or (lambda text: ()), syntax,
                          deep_check)
    return ReviewApp(screen)
