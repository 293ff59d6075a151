"""Checking a large plain-text file piece by piece, so that memory does not grow with the file.

`check_file` reads a UTF-8 file in pieces of `PIECE_BYTES`, decodes them
incrementally, and checks it in chunks of about `engine.CHUNK_CHARS` characters,
each with `engine.CONTEXT_MARGIN` characters of context on both sides, as the
engine checks a large text it holds: only a few chunks of text are in memory at
once, never the file (a 50 MB file holding one character beyond Latin-1 would
take 100 to 200 MB as a Python string). What the engine decides about the whole
document comes from the stream too:

- whether the text lost its capitals: from its first and last
  `case_rules.SAMPLE_CHARS` characters (the end is read first, by seeking);
- the research-marker score and the count of spaces the gates read: summed over
  the chunks; a gated rule whose gate opens runs in a further pass;
- whether a condition's phrase occurs in the document (`StreamedDocument`): by
  reading the file again, once per phrase asked about.

Reports cannot count lines in a text they do not have, so the lines and columns
of the findings are counted as the chunks go by (`finding.KnownPositions`).

It serves `respin check` on plain text of `files.STREAM_MIN_BYTES` or more, where
nothing else needs the whole text: UTF-8 (with or without a byte-order mark), no
`--deep`, no LanguageTool, no spin score (json and sarif always give one). A file
with NUL bytes near its start, one that starts with a UTF-16 mark, and one that
holds an inline-control directive ("respin:", whose off/on regions may span the
file) are not streamed: `check_file` returns None and the caller reads the file
whole. The findings are those of `formats.check_document` on the whole text
(`tests/test_stream.py` compares them).
"""

from __future__ import annotations

import codecs
import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from respin.detectors import case_rules, evidence
from respin.detectors.base import Detector
from respin.detectors.phrase_index import phrase_occurs_as_words
from respin.documents.files import InputError, display_name, not_decodable, readable_size, too_large
from respin.documents.formats import Syntax, _scan, masked_text
from respin.engine import (
    CHUNK_CHARS,
    CONTEXT_MARGIN,
    Checker,
    _find,
    document_facts,
    merge_case_repairs,
    outside,
    resolve_overlaps,
)
from respin.finding import Finding, KnownPositions
from respin.textview import TextView

#: Bytes read and decoded at a time.
PIECE_BYTES = 2**20
#: Without a paragraph break within this many chunk lengths, a chunk is cut at a line break or a space.
LONGEST_CHUNK = 4
_BINARY_SNIFF = 8192
_DIRECTIVE = "respin:"


class NotStreamable(Exception):
    """The file turned out to need reading whole (an inline-control directive, a UTF-16 mark, NUL bytes)."""


@dataclass(frozen=True)
class Window:
    """A chunk of the file and the context around it."""

    start: int  # offset of text[0] in the file's decoded text
    chunk: tuple[int, int]  # the chunk: findings starting here belong to this window
    text: str

    @property
    def local_chunk(self) -> tuple[int, int]:
        return self.chunk[0] - self.start, self.chunk[1] - self.start


@dataclass
class StreamedCheck:
    """What `check_file` found in a file."""

    findings: list[Finding]
    positions: KnownPositions
    size: int
    words: int = 0


def check_file(path: str, checker: Checker, max_bytes: int, count_words: bool = False) -> StreamedCheck | None:
    """The findings `formats.check_document` would give on the file's text, read in pieces.

    None when the file cannot be streamed (see the module docstring); `InputError`
    when it cannot be read or is not valid UTF-8 (the message names the first bad
    byte, as reading it whole would). `count_words` also counts its words.
    """
    try:
        return _check(_Source(path, max_bytes), checker, count_words)
    except NotStreamable:
        return None


class _Source:
    """The file: its size, where its text starts (after a UTF-8 mark), and its text, window by window."""

    def __init__(self, path: str, max_bytes: int) -> None:
        self.path, self.max_bytes = path, max_bytes
        self.size = readable_size(path, max_bytes)
        with _open(path) as handle:
            head = handle.read(_BINARY_SNIFF)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
            raise NotStreamable
        self.skip = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0

    def tail(self, chars: int) -> str:
        """The last `chars` characters of the text (fewer if it is shorter)."""
        with _open(self.path) as handle:
            start = max(self.skip, self.size - 4 * chars - 4)
            handle.seek(start)
            data = handle.read()
        lead = 0
        while lead < len(data) and 0x80 <= data[lead] < 0xC0:
            lead += 1  # a character's continuation bytes: start at the next character
        try:
            return data[lead:].decode("utf-8")[-chars:]
        except UnicodeDecodeError:
            raise NotStreamable from None  # reading it whole names the first bad byte

    def windows(self) -> Iterator[Window]:
        """The text's chunks in order, each with `CONTEXT_MARGIN` characters of context on both sides."""
        buffer, buffer_start, chunk_start, eof = "", 0, 0, False
        pieces = self._decoded()
        while True:
            local = chunk_start - buffer_start
            while True:  # find where the chunk ends, reading on until its right margin is in the buffer
                cut = _cut(buffer, local, eof)
                if cut is not None:
                    break
                piece = next(pieces, None)
                if piece is None:
                    eof = True
                else:
                    buffer += piece
            if cut <= local:
                return
            window_from = max(0, local - CONTEXT_MARGIN)
            yield Window(buffer_start + window_from, (chunk_start, buffer_start + cut),
                         buffer[window_from : cut + CONTEXT_MARGIN])
            chunk_start = buffer_start + cut
            drop = max(0, cut - CONTEXT_MARGIN)
            buffer, buffer_start = buffer[drop:], buffer_start + drop

    def _decoded(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        consumed = 0  # bytes of the text (after a byte-order mark) given to the decoder
        with _open(self.path) as handle:
            handle.seek(self.skip)
            while True:
                data = handle.read(PIECE_BYTES)
                if consumed + len(data) > self.max_bytes:  # it grew while being read
                    raise too_large(display_name(self.path), self.max_bytes)
                pending = len(decoder.getstate()[0])
                try:
                    text = decoder.decode(data, final=not data)
                except UnicodeDecodeError as error:
                    raise not_decodable(display_name(self.path), "utf-8", error.object[error.start],
                                        consumed - pending + error.start) from None
                consumed += len(data)
                if text:
                    yield text
                if not data:
                    return


def _open(path: str) -> BinaryIO:
    try:
        return Path(path).open("rb")
    except OSError as error:
        raise InputError(f"{display_name(path)}: cannot read ({error.strerror or error})") from None


def _cut(buffer: str, local: int, eof: bool) -> int | None:
    """Where the chunk starting at `local` ends in `buffer`, or None when more text is needed first.

    At a paragraph break after `CHUNK_CHARS` characters, as `engine.chunk_bounds` cuts; a text
    without one is cut at a line break (after it), else after a space, else anywhere.
    """
    target = local + CHUNK_CHARS
    if eof and len(buffer) <= target + CONTEXT_MARGIN:
        return len(buffer)
    cut = buffer.find("\n\n", target)
    if cut != -1 and (eof or cut + CONTEXT_MARGIN <= len(buffer)):
        return cut
    if eof:
        return len(buffer) if cut == -1 else cut
    if len(buffer) - local < LONGEST_CHUNK * CHUNK_CHARS:
        return None
    limit = len(buffer) - CONTEXT_MARGIN
    for separator in ("\n", " "):
        at = buffer.rfind(separator, target, limit)
        if at != -1:
            return at + 1
    return limit - (buffer[limit - 1] == "\r")  # never between the two characters of "\r\n"


@dataclass
class StreamedDocument:
    """The whole document, as far as the detectors ask about it: conditions and gate figures.

    Quacks like the `TextView` of the whole text where the engine reads one: its
    `memo` holds the facts and figures, and `occurs_as_words` searches the file.
    """

    source: _Source
    memo: dict[str, object] = field(default_factory=dict)

    def occurs_as_words(self, phrase: str) -> bool:
        """Whether `phrase` occurs in the (masked, lower-cased) text as whole words: the file is read again."""
        for window in self.source.windows():
            view = _masked_view(window)[0]
            start, end = window.local_chunk
            if phrase_occurs_as_words(phrase, view.lower, start, end):
                return True
        return False


#: Where the line breaks of a chunk, up to an offset, leave it: (breaks, where the last one ends or None).
LineBreaks = tuple[int, int | None]


def _breaks(window: Window, end: int) -> LineBreaks:
    """Line breaks ending in [chunk start, end), and where the last of them ends (None: none).

    Lines end at "\r\n", "\n" or "\r", as `finding.LineIndex` counts them.
    """
    text = window.text
    a, b = window.chunk[0] - window.start, end - window.start
    count = text.count("\n", a, b) + text.count("\r", a, b) - text.count("\r\n", a, b)
    if b > a and text[b - 1] == "\r" and b < len(text) and text[b] == "\n":
        count -= 1  # "\r" + "\n": the break ends after the "\n", beyond `end` (a window always
        # reaches past its chunk, so the next chunk counts it, at its "\n")
    last = max(text.rfind("\n", a, b), _lone_cr(text, a, b))
    return count, (window.start + last + 1 if last != -1 else None)


class _Lines:
    """Counts lines as the chunks go by, and turns what a chunk says of its own line breaks into positions."""

    def __init__(self) -> None:
        self.line, self.line_start = 1, 0  # at the start of the current chunk
        self.positions: dict[int, tuple[int, int]] = {}

    def add(self, result: _WindowResult) -> None:
        """Record the (line, column) of the offsets the chunk's result notes, and move past the chunk."""
        for offset, (breaks, last_end) in result.breaks_before.items():
            line_start = last_end if last_end is not None else self.line_start
            self.positions.setdefault(offset, (self.line + breaks, offset - line_start + 1))
        breaks, last_end = result.chunk_breaks
        self.line += breaks
        if last_end is not None:
            self.line_start = last_end


def _lone_cr(text: str, start: int, end: int) -> int:
    """The offset of the last "\\r" in text[start:end] that ends a line by itself (-1: none)."""
    at = text.rfind("\r", start, end)
    while at != -1 and at + 1 < len(text) and text[at + 1] == "\n":
        at = text.rfind("\r", start, at)
    return at


def _masked_view(window: Window) -> tuple[TextView, list[tuple[int, int]]]:
    """The window's text as `formats.check_document` checks plain text: addresses blanked; and the blanked spans."""
    if _DIRECTIVE in window.text:
        raise NotStreamable  # off/on regions may span the file: `formats.control_spans` reads it whole
    scan = _scan(window.text, Syntax.TEXT)
    if not scan.masked:
        return TextView(window.text), []
    return TextView(masked_text(window.text, scan.masked, scan.opaque)), scan.masked


@dataclass
class _WindowResult:
    """What checking one window gives: its chunk's findings and its share of the document's figures."""

    findings: list[Finding]
    breaks_before: dict[int, LineBreaks]  # for each offset of a finding, the chunk's line breaks before it
    chunk_breaks: LineBreaks
    research_score: int = 0
    spaces: int = 0
    words: int = 0


@dataclass
class _Task:
    """What every window is checked with (sent once to each worker)."""

    checker: Checker
    document: StreamedDocument
    facts: dict[str, object]
    count_words: bool

    def run(self, window: Window) -> _WindowResult | Exception:
        """The window's result; an error that must end the stream is returned, to cross from a worker intact."""
        try:
            view, masked = _masked_view(window)
            found = _find(view, self.checker, self.document, self.facts)
            return _window_result(window, _in_chunk(window, found, self.checker, view, masked), view,
                                  self.count_words)
        except (NotStreamable, InputError) as error:
            return error


def _window_result(window: Window, kept: list[Finding], view: TextView | None = None,
                   count_words: bool = False) -> _WindowResult:
    start, end = window.local_chunk
    result = _WindowResult(kept, {offset: _breaks(window, offset) for f in kept for offset in (f.start, f.end)},
                           _breaks(window, window.chunk[1]))
    if view is not None:
        result.research_score = evidence.research_marker_score(view.lower, start, end)
        result.spaces = view.text.count(" ", start, end)
        if count_words:
            result.words = len(window.text[start:end].split())
    return result


def _check(source: _Source, checker: Checker, count_words: bool) -> StreamedCheck:
    document = StreamedDocument(source)
    windows = source.windows()
    first = next(windows, None)
    if first is None:
        raise NotStreamable  # an empty text
    facts = document_facts(checker, lambda: _lost_capitals(source, _masked_view(first)[0].text))
    document.memo.update(facts)
    task = _Task(checker, document, facts, count_words)
    jobs = checker.jobs or os.cpu_count() or 1
    results: Iterator[_WindowResult | Exception]
    if jobs > 1:
        from respin.workers import ordered_map

        checker.load_resources()  # before forking: the workers share them
        results = ordered_map(_run_in_worker, itertools.chain([first], windows), jobs - 1, run_here=task.run,
                              initializer=_start_worker, initargs=(task,))
    else:
        results = (task.run(window) for window in itertools.chain([first], windows))
    lines = _Lines()
    found: list[Finding] = []
    research_score = spaces = words = 0
    for result in results:
        if isinstance(result, Exception):
            raise result
        lines.add(result)
        found.extend(result.findings)
        research_score += result.research_score
        spaces += result.spaces
        words += result.words
    document.memo[evidence.RESEARCH_SCORE] = research_score
    document.memo[evidence.SPACES] = spaces
    for rule in checker._rules:
        if rule.gate is not None and rule.gate(document, found):  # type: ignore[arg-type]
            found.extend(_gated_pass(source, checker, rule, lines))
    kept = [f for f in found if f.confidence >= checker.min_confidence]
    return StreamedCheck(resolve_overlaps(merge_case_repairs(kept)), KnownPositions(lines.positions), source.size,
                         words)


# The task a worker runs on the windows it is sent, set once per worker process by `_start_worker`.
_worker_task: _Task | None = None


def _start_worker(task: _Task) -> None:
    global _worker_task  # noqa: PLW0603 - per-process state of a worker
    _worker_task = task


def _run_in_worker(window: Window) -> _WindowResult | Exception:
    assert _worker_task is not None, "called outside a worker started by _check"
    return _worker_task.run(window)


def _lost_capitals(source: _Source, first_window: str) -> bool:
    """`case_rules.lost_capitals` on the sample it takes, from the text's first window and its masked end."""
    chars = case_rules.SAMPLE_CHARS
    tail = _masked_view(Window(0, (0, 0), source.tail(chars + CONTEXT_MARGIN)))[0].text[-chars:]
    return case_rules.sample_lost_capitals(first_window[:chars] + "\n\n" + tail)


def _in_chunk(window: Window, found: Sequence[Finding], checker: Checker, view: TextView,
              masked: Sequence[tuple[int, int]]) -> list[Finding]:
    """Findings of the window that start in its chunk, as `engine.check_text` keeps them: outside allowed
    phrases and masked spans; in the file's offsets, with the original text."""
    found = checker._allowed.spans(view).drop_covered(list(found))
    if masked:
        found = outside(found, masked)
    start, end = window.local_chunk
    kept = []
    for finding in found:
        if start <= finding.start < end:
            original = window.text[finding.start : finding.end]
            kept.append(replace(finding, start=finding.start + window.start, end=finding.end + window.start,
                                text=original))
    return kept


def _gated_pass(source: _Source, checker: Checker, rule: Detector, lines: _Lines) -> list[Finding]:
    """A gated rule's findings, the file read again (its gate opened on the first pass's findings)."""
    found: list[Finding] = []
    counter = _Lines()
    for window in source.windows():
        view, masked = _masked_view(window)
        kept = _in_chunk(window, list(rule.find(view, checker.lexicon)), checker, view, masked)
        result = _window_result(window, kept)
        counter.add(result)
        found.extend(result.findings)
    lines.positions.update(counter.positions)
    return found
