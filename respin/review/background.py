"""The deep tier in the background: a daemon thread checks each document again with the slow checker.

`Checker(deep=True)` runs a language model, seconds per article; the review shows
the fast detectors' findings at once and hands each document, once checked, to a
`DeepQueue`. Its thread checks the documents one after another (the model uses
every core anyway) and posts `DeepStarted`, then `DeepChecked` or `DeepFailed`,
to the screen, which folds the result in (`session.merge_deep`).

Why not a Textual worker: `run_worker(thread=True)` runs in asyncio's default
executor, which `asyncio.run` joins when the app exits, so quitting in the middle
of a language-model call would wait for the call to end (a minute, on a long
article). A daemon thread is left behind instead: `cancel()` makes it post nothing
more and calls the check's `close()`, if it has one, and the process exits without
waiting for it. The default check (`deep_process.DeepProcess`) runs the language
model in a child process, so this thread only waits on a pipe, and `close()` ends
the child at once.

When the language model is unavailable (`LanguageModelUnavailable`: the extra is
not installed, or its model file is missing) the first job fails with that reason
and every later one fails at once with the same, without trying again.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.message import Message

from respin.documents.formats import Syntax
from respin.finding import Finding
from respin.review.messages import DeepChecked, DeepFailed, DeepStarted

#: How the deep tier checks a document: (text, syntax, findings from outside the engine) -> every finding.
#: It is called from the deep tier's thread; if it has a `close()` method, cancelling calls it.
DeepCheck = Callable[[str, Syntax, Sequence[Finding]], Sequence[Finding]]


@dataclass(frozen=True)
class DeepJob:
    """One document for the deep tier: which one, which check of it, and what to check."""

    position: int
    generation: int
    text: str
    syntax: Syntax
    extra: tuple[Finding, ...] = ()


class DeepQueue:
    """Documents waiting for the deep tier, and the daemon thread that checks them in turn."""

    def __init__(
        self, check: DeepCheck, post: Callable[[Message], object], wanted: Callable[[DeepJob], bool]
    ) -> None:
        """`post` delivers a message to the screen (thread-safe); `wanted` says whether a job still matters."""
        self._check = check
        self._post = post
        self._wanted = wanted
        self._jobs: queue.SimpleQueue[DeepJob | None] = queue.SimpleQueue()
        self._cancelled = threading.Event()
        self._thread: threading.Thread | None = None
        #: Why the language model cannot be used, once a check said so.
        self.unavailable: str | None = None

    def submit(self, job: DeepJob) -> None:
        """Queue a document; the thread starts with the first one (call from the app's thread)."""
        if self._cancelled.is_set():
            return
        if self._thread is None:
            # The app's context (its active app) goes along, so that posting from the thread finds the app.
            context = contextvars.copy_context()
            self._thread = threading.Thread(target=context.run, args=(self._run,), name="respin deep tier",
                                            daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def cancel(self) -> None:
        """Stop: the check under way is closed (or left to finish), its result and every later one dropped."""
        if self._cancelled.is_set():
            return
        self._cancelled.set()
        self._jobs.put(None)
        close = getattr(self._check, "close", None)
        if callable(close):
            close()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def _run(self) -> None:
        from respin.language.lm import LanguageModelUnavailable  # imports nothing heavy: torch is loaded on first use

        while True:
            job = self._jobs.get()
            if job is None or self._cancelled.is_set():
                return
            if not self._wanted(job):
                continue  # superseded (the file was reloaded): a newer job follows
            if self.unavailable is not None:
                self._send(DeepFailed(job.position, job.generation, self.unavailable, unavailable=True))
                continue
            self._send(DeepStarted(job.position, job.generation))
            try:
                findings = list(self._check(job.text, job.syntax, job.extra))
            except LanguageModelUnavailable as error:
                self.unavailable = str(error)
                self._send(DeepFailed(job.position, job.generation, self.unavailable, unavailable=True))
            except Exception as error:  # any failure of the slow tier leaves the fast findings
                self._send(DeepFailed(job.position, job.generation, f"{type(error).__name__}: {error}"))
            else:
                self._send(DeepChecked(job.position, job.generation, findings))

    def _send(self, message: Message) -> None:
        if self._cancelled.is_set():
            return
        try:
            self._post(message)
        except Exception:  # the app has closed (its event loop is gone): nobody is listening
            self._cancelled.set()
