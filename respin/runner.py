"""Check or repair many files: in this process, or in worker processes, results in input order.

`run_files(targets, job, workers)` yields one `FileResult` per target, in the
order of `targets`, as soon as that file and every file before it are done, so
a caller can print each file's report while the run goes on, and the output of
`--jobs 2` is byte for byte that of `--jobs 1`.

With N workers, this process and a pool of N - 1 processes share the files
(forked where the platform allows it, so they start in milliseconds): the
`Job`, and with it the `Checker`, reaches each pool process once, through the
pool's initializer; files are sent as paths, in chunks, and read, checked (and
for `fix --write` written) where they are checked. With fork, the resources
are loaded once before the pool starts, and shared; otherwise each pool
process loads them once. A file that cannot be read comes back as a result
with an `error`, so the other files still run. Pool processes ignore Ctrl-C;
the caller's KeyboardInterrupt (or a closed pipe) stops the pool and ends its
processes at once.

A check job made `with_verdict()` also gives each file its spin score
(`respin.detectors.verdict`), computed where the file is checked, from the findings at the
threshold the verdict's weights were fitted at: the reported findings, or, when
the checker's threshold is above that one, those of a second check of the same
text at it (`Job.evidence`).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from respin.documents import files, formats
from respin.documents.files import (
    DEFAULT_MAX_BYTES,
    STDIN,
    BinaryInputError,
    Document,
    InputError,
    WriteRefusedError,
    display_name,
    is_utf8,
    read_document,
    write_document,
)
from respin.documents.fixer import apply, auto_decisions
from respin.documents.walk import Target
from respin.engine import Checker
from respin.finding import Finding, KnownPositions

#: What a job does with each file: report findings, or repair it (rewrite it, print a diff, print it).
Action = Literal["check", "write", "diff", "print"]
#: Extra findings for a text from a detector that runs in this process only (LanguageTool).
ExtraFinder = Callable[[str], list[Finding]]
#: Most files sent to a worker at once: larger chunks cost less in messages, smaller ones stream sooner.
MAX_CHUNK = 8
#: `fix` checks the repaired text again at most this many times in all, to reach a text it leaves alone.
MAX_FIX_ROUNDS = 4


class WorkerError(Exception):
    """A worker process died: the run cannot know what happened to the files it held."""


@dataclass(frozen=True)
class FileResult:
    """What happened to one file."""

    path: str
    #: The decoded text (check only: reports derive lines and columns from it; empty when `positions` is set).
    text: str = ""
    #: Findings reported (check) or repairs applied (fix).
    findings: tuple[Finding, ...] = ()
    #: Why the file could not be read or written (the message names it), or None.
    error: str | None = None
    #: A binary file found by walking a directory: skipped without a message.
    skipped: bool = False
    #: The file was read and checked (an `error` may still say it could not be written).
    checked: bool = False
    size: int = 0  # bytes read
    #: Words read (white-space separated tokens), when the job counts them (`Job.count_words`).
    words: int = 0
    #: fix: whether the repaired text differs from the file.
    changed: bool = False
    #: fix --diff: the unified diff; fix to standard output: the repaired file's bytes.
    output: str | bytes = ""
    #: check with a verdict: the probability that the text was machine-spun (see `respin.detectors.verdict`).
    spin_score: float | None = None
    #: A large file checked as a stream (`respin.documents.stream`): its findings' lines and columns.
    positions: KnownPositions | None = None

    @property
    def content(self) -> str | KnownPositions:
        """What reports read lines and columns from: the text, or the positions a stream counted."""
        return self.positions if self.positions is not None else self.text


@dataclass(frozen=True)
class Job:
    """The work done on every file, picklable so that it can be sent to a worker once."""

    checker: Checker
    encoding: str = "utf-8"
    action: Action = "check"
    #: --syntax: None or "auto" reads each file's syntax from its extension (see `respin.documents.formats`).
    syntax: str | None = None
    #: check: also give each file its spin score (`with_verdict` sets it).
    verdict: bool = False
    #: The largest input read (`respin.documents.files.read_document`).
    max_bytes: int = DEFAULT_MAX_BYTES
    #: write: also replace read-only and hard-linked files (`respin.documents.files.write_atomic`).
    force: bool = False
    #: The checker whose findings the spin score reads when `checker`'s threshold is above the one the
    #: verdict's weights were fitted at (None: the reported findings are the evidence).
    evidence: Checker | None = None
    #: Count each file's words (`FileResult.words`, for --stats): a pass over the whole text, so optional.
    count_words: bool = True

    def with_verdict(self) -> Job:
        """This job, also scoring each file (a check only)."""
        from respin.detectors.verdict import evidence_threshold

        threshold = evidence_threshold(self.checker.deep)
        evidence = None
        if self.checker.min_confidence > threshold:
            evidence = copy.copy(self.checker)
            evidence.min_confidence = threshold
        return replace(self, verdict=True, evidence=evidence)

    def in_one_process(self) -> Job:
        """A copy whose checkers check a large text in this process only (no pool inside a pool)."""
        checker = copy.copy(self.checker)
        checker.jobs = 1
        evidence = copy.copy(self.evidence) if self.evidence is not None else None
        if evidence is not None:
            evidence.jobs = 1
        return replace(self, checker=checker, evidence=evidence)

    def run(self, target: Target, extra: ExtraFinder | None = None) -> FileResult:
        """Read, check and (for a fix) repair one file; input and output errors become the result's `error`."""
        try:
            return self._run(target, extra)
        except MemoryError:  # the file is untouched: nothing is written before the check is complete
            return FileResult(target.path, error=f"{display_name(target.path)}: not enough memory to check it "
                                                 f"(lower --max-file-size, or check it in parts)")

    def _run(self, target: Target, extra: ExtraFinder | None) -> FileResult:
        if self._may_stream(target, extra):
            from respin.documents import stream  # imported only for a large file: start-up time

            try:
                streamed = stream.check_file(target.path, self.checker, self.max_bytes, self.count_words)
            except InputError as error:
                return FileResult(target.path, error=str(error))
            if streamed is not None:
                return FileResult(target.path, findings=tuple(streamed.findings), checked=True,
                                  size=streamed.size, words=streamed.words, positions=streamed.positions)
        try:
            document = read_document(target.path, self.encoding, self.max_bytes)
        except BinaryInputError as error:
            if not target.named:
                return FileResult(target.path, skipped=True)
            return FileResult(target.path, error=str(error))
        except InputError as error:
            return FileResult(target.path, error=str(error))
        text = document.text
        syntax = formats.syntax_for(target.path, self.syntax)
        extra_found = extra(text) if extra is not None else ()
        findings = formats.check_document(text, self.checker, syntax, extra_found)
        words = count_words(text) if self.count_words else 0
        checked = FileResult(target.path, checked=True, size=_size(document), words=words)
        if self.action == "check":
            score = self.spin_score(text, syntax, findings, extra_found) if self.verdict else None
            return replace(checked, text=text, findings=tuple(findings), spin_score=score)
        decisions = auto_decisions(findings, self.checker.min_confidence)
        repaired = settle(apply(text, findings, decisions), self.checker, syntax) if decisions else text
        fixed = replace(checked, findings=tuple(findings[i] for i in sorted(decisions)), changed=repaired != text)
        if self.action == "diff":
            return replace(fixed, output="".join(unified_diff(document, repaired)))
        if self.action == "print":
            return replace(fixed, output=document.encode(repaired))
        if fixed.changed:
            try:
                write_document(document, repaired, force=self.force)
            except WriteRefusedError as error:
                return replace(checked, error=str(error))
            except OSError as error:  # the file is untouched: write_document is atomic
                return replace(checked, error=f"{display_name(target.path)}: cannot write ({error.strerror or error})")
        return fixed


    def _may_stream(self, target: Target, extra: ExtraFinder | None) -> bool:
        """Whether the file is large enough to read in pieces (`files.STREAM_MIN_BYTES`), and nothing but the
        findings is asked of it."""
        if not (self.action == "check" and not self.verdict and extra is None and not self.checker.deep
                and target.path != STDIN and formats.syntax_for(target.path, self.syntax) is formats.Syntax.TEXT
                and is_utf8(self.encoding)):
            return False
        try:
            return os.stat(target.path).st_size >= files.STREAM_MIN_BYTES
        except OSError:
            return False  # reading it whole gives the error

    def spin_score(self, text: str, syntax: formats.Syntax, findings: Sequence[Finding],
                   extra_found: Sequence[Finding] = ()) -> float:
        """The file's spin score, from the reported findings or from those of the evidence checker."""
        from respin.detectors.verdict import spin_score

        if self.evidence is not None:
            findings = formats.check_document(text, self.evidence, syntax, extra_found)
        return spin_score(text, findings, deep=self.checker.deep)


#: Texts longer than this are split into pieces of about this size to count their words, so that
#: counting never holds a list of every word of a large file.
_COUNT_PIECE = 1 << 20


def count_words(text: str) -> int:
    """`len(text.split())`, without holding every word of a large text at once."""
    if len(text) <= _COUNT_PIECE:
        return len(text.split())
    total, start = 0, 0
    while start < len(text):
        end = min(len(text), start + _COUNT_PIECE)
        while end < len(text) and not text[end].isspace():  # cut at white space, never inside a word
            end += 1
        total += len(text[start:end].split())
        start = end
    return total


def _size(document: Document) -> int:
    if document.path == STDIN:
        return len(document.encode(document.text))
    try:
        return os.stat(document.path).st_size
    except OSError:
        return len(document.encode(document.text))


def settle(repaired: str, checker: Checker, syntax: formats.Syntax = formats.Syntax.TEXT) -> str:
    """Check a repaired text again and apply what is found, until nothing is (`MAX_FIX_ROUNDS` in all).

    One repair can reveal another ("attemptedto attemptedto" -> "attemptedto" ->
    "attempted to"), so a single pass would leave work for the next `fix`: fixing
    is idempotent only at a fixed point. The later rounds leave the language
    model out (`deep`): they look for what the first repairs revealed, not for
    a second opinion, and must not cost a second pass of the model.
    """
    if checker.deep:
        checker = copy.copy(checker)
        checker.deep = False
    for _ in range(MAX_FIX_ROUNDS - 1):
        findings = formats.check_document(repaired, checker, syntax)
        decisions = auto_decisions(findings, checker.min_confidence)
        if not decisions:
            break
        repaired = apply(repaired, findings, decisions)
    return repaired


def unified_diff(document: Document, repaired: str) -> Iterator[str]:
    """A unified diff that marks a last line without a line break, as diff(1) does."""
    import difflib  # only diffs need it: start-up time

    name = display_name(document.path)
    lines = difflib.unified_diff(
        document.text.splitlines(keepends=True), repaired.splitlines(keepends=True),
        fromfile=f"a/{name}", tofile=f"b/{name}",
    )
    for line in lines:
        yield line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"


def usable_cores() -> int:
    """The cores this process may run on (the affinity mask where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_files(targets: Sequence[Target], job: Job, workers: int = 1,
              extra: ExtraFinder | None = None) -> Generator[FileResult, None, None]:
    """One result per target, in the order of `targets`; `workers` > 1 checks files in a process pool.

    `extra` (findings from a detector that must run in this process) keeps the run in this process.
    """
    workers = min(workers, len(targets))
    if workers <= 1 or extra is not None or any(t.path == STDIN for t in targets):
        for target in targets:
            yield job.run(target, extra)
        return
    yield from _run_pooled(targets, job, workers)


def _run_pooled(targets: Sequence[Target], job: Job, workers: int) -> Iterator[FileResult]:
    """`workers` processes at work: this one and `workers - 1` workers (`respin.workers`), results in input order.

    The files go out in chunks; this process checks the earliest chunk no worker
    has started whenever it would otherwise wait. A worker that dies (killed, out
    of memory) stops the run with `WorkerError` at once, never a hang.
    """
    from respin.workers import WorkerDied, WorkerFailed, ordered_map

    size = max(1, min(MAX_CHUNK, len(targets) // (workers * 4)))
    chunks = [targets[i : i + size] for i in range(0, len(targets), size)]
    here = job.in_one_process()  # the files are the unit of parallel work: no pool for one file inside this one
    job.checker.load_resources()  # loaded once here: forked workers share them
    try:
        for results in ordered_map(_run_chunk_in_worker, chunks, workers - 1,
                                   run_here=lambda chunk: [here.run(target) for target in chunk],
                                   initializer=_start_worker, initargs=(job,)):
            yield from results
    except WorkerDied as error:
        raise WorkerError(
            "a worker process stopped unexpectedly (out of memory, or killed); run again with --jobs 1 "
            "to check the files in one process"
        ) from error
    except WorkerFailed as error:
        raise WorkerError(f"a worker process failed:\n{error}") from error


# The job a worker runs, set once per worker process by `_start_worker`.
_worker_job: Job | None = None


def _start_worker(job: Job) -> None:
    global _worker_job  # noqa: PLW0603 - per-process state of a worker
    _worker_job = job.in_one_process()  # the files are the unit of parallel work: no pool inside a worker


def _run_chunk_in_worker(chunk: Sequence[Target]) -> list[FileResult]:
    assert _worker_job is not None, "called outside a worker started by run_files"
    return [_worker_job.run(target) for target in chunk]
