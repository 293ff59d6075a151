"""Markdown: which parts are prose, found with markdown-it-py (CommonMark, tables, strikethrough).

markdown-it gives blocks their lines (`Token.map`) but inline tokens no positions. The
block parse yields each inline token's `content` (its lines, without container markers
such as "> " or "- "); every inline rule that consumes markup (code spans, links, HTML,
entities, escapes, emphasis delimiters) is wrapped to record the span it consumed in
that content. What no rule consumed is text: prose. The content's lines are then found
in the source lines to map those spans back to the file; a line that cannot be found
stays masked (never guessed). Front matter (`---` YAML, `+++` TOML) is masked before
parsing. See `respin.documents.formats` for what is prose.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from respin.documents.spans import Scan, Span, complement, contains, line_spans, merge_spans

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

_RECORDER = "respin.documents.formats.recorder"
#: markdown-it's nesting limit (its default is 20). A block nested deeper ends the parse of
#: everything after it, so `scan_markdown` parses around such a block (see `_too_deep`).
MAX_NESTING = 64
#: A line's leading container markers ("- ", "1. ", "> "), skipped when a too-deep line is read as text.
_CONTAINER_MARKERS = re.compile(r"[ \t]*(?:(?:[-+*]|\d{1,9}[.)]|>)(?:[ \t]+|$))*")
#: Characters that start the inline markup recorded below (escapes, code, ~~, emphasis, links, images, <...>, &...;).
_INLINE_MARKUP_START = re.compile(r"[\\`~*_\[!<&]")


@dataclass
class _InlineRecorder:
    """Spans of an inline token's content consumed by markup rules, and the code spans among them."""

    markup: list[Span] = field(default_factory=list)
    code: list[Span] = field(default_factory=list)
    #: Markup that stands for a word of its own: code spans, entities, autolinks.
    opaque: list[Span] = field(default_factory=list)
    #: Offset of the string being parsed in the content (an image's description is parsed on its own).
    base: int = 0


InlineRule = Callable[["StateInline", bool], bool]


def _recording(rule: InlineRule, kind: str) -> InlineRule:
    """Wrap an inline rule so that, when it consumes input for real, the span is recorded."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        recorder: _InlineRecorder | None = state.env.get(_RECORDER)
        if recorder is None or silent:
            return rule(state, silent)
        start, base = state.pos, recorder.base
        if kind == "image":
            recorder.base = base + start + 2  # the description is parsed as a string of its own
        try:
            matched = rule(state, silent)
        finally:
            recorder.base = base
        if not matched:
            return False
        end = state.pos
        if kind in ("link", "image"):
            # "[" or "![" and "](destination "title")", "][label]" or "]": the label between is prose
            label_open = start + (1 if kind == "link" else 2)
            state.pos = start
            label_end = state.md.helpers.parseLinkLabel(state, label_open - 1, kind == "link")
            state.pos = end
            if label_end < 0:  # cannot happen after a match; keep the whole link out of the prose
                label_end = label_open
            recorder.markup += [(base + start, base + label_open), (base + label_end, base + end)]
        else:
            recorder.markup.append((base + start, base + end))
            if kind == "code":
                recorder.code.append((base + start, base + end))
            if kind in ("code", "word"):
                recorder.opaque.append((base + start, base + end))
        return True

    return wrapped


@cache
def _markdown_parser() -> MarkdownIt:
    """CommonMark with tables and strikethrough; inline rules record the markup they consume."""
    from markdown_it import MarkdownIt, rules_inline

    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    md.disable("inline")  # the block parse only: inline content is parsed per token, with a recorder
    rules: dict[str, tuple[InlineRule, str]] = {
        "escape": (rules_inline.escape, "markup"),
        "backticks": (rules_inline.backtick, "code"),
        "strikethrough": (rules_inline.strikethrough.tokenize, "markup"),
        "emphasis": (rules_inline.emphasis.tokenize, "markup"),
        "link": (rules_inline.link, "link"),
        "image": (rules_inline.image, "image"),
        "autolink": (rules_inline.autolink, "word"),
        "html_inline": (rules_inline.html_inline, "markup"),
        "entity": (rules_inline.entity, "word"),
    }
    for name, (rule, kind) in rules.items():
        md.inline.ruler.at(name, _recording(rule, kind))
    return md


def _front_matter_lines(lines: Sequence[str]) -> int:
    """How many lines at the top are YAML (`---` ... `---` or `...`) or TOML (`+++` ... `+++`) front matter."""
    if not lines:
        return 0
    first = lines[0].rstrip()
    closers = {"---": ("---", "..."), "+++": ("+++",)}.get(first)
    if closers is None:
        return 0
    for number in range(1, len(lines)):
        if lines[number].rstrip() in closers:
            return number + 1
    return 0


@dataclass(frozen=True)
class _Segment:
    """content[content_start : content_start + length] == text[source_start : source_start + length]."""

    content_start: int
    source_start: int
    length: int


def _locate_line(text: str, part: str, start: int, end: int, suffix: bool) -> list[tuple[int, int, int]] | None:
    """Where `part` of a content line stands in text[start:end], as (part offset, source offset, length) pieces.

    A paragraph's lines but the last end where their source line ends (`suffix`);
    otherwise the first occurrence is taken. A table cell's content has `\\|` unescaped
    to `|`, so a cell is also looked for with optional backslashes before pipes.
    """
    if suffix and end - len(part) >= start and text.startswith(part, end - len(part)):
        return [(0, end - len(part), len(part))]
    found = text.find(part, start, end)
    if found >= 0:
        return [(0, found, len(part))]
    if "|" not in part:
        return None
    pattern = "".join(r"\\?\|" if ch == "|" else re.escape(ch) for ch in part)
    match = re.compile(pattern).search(text, start, end)
    if match is None:
        return None
    pieces, offset, source = [], 0, match.start()
    for chunk in part.split("|"):
        if offset:  # the pipe before this chunk, escaped or not
            if text[source] == "\\":
                source += 1
            pieces.append((offset - 1, source, 1))
            source += 1
        pieces.append((offset, source, len(chunk)))
        offset += len(chunk) + 1
        source += len(chunk)
    return [p for p in pieces if p[2]]


def _align(
    content: str, text: str, lines: Sequence[Span], first_line: int, cursor: int | None
) -> tuple[list[_Segment], list[tuple[int, Span]]]:
    """Map an inline token's content to the source, line by line; lines not found are left out (masked).

    Returns the segments, and for each line break of the content whose lines on both sides
    were found, its offset in the content and the source between those lines (the line
    break, and the next line's indentation or container markers such as "> ").
    `cursor` (table cells) is where the search in the first line starts; None for other blocks.
    """
    segments: list[_Segment] = []
    breaks: list[tuple[int, Span]] = []
    content_lines = content.split("\n")
    offset = 0
    previous_end: int | None = None  # where the previous content line ended in the source, if found
    for number, content_line in enumerate(content_lines):
        source_number = first_line + number
        if source_number >= len(lines):
            break
        start, end = lines[source_number]
        part = content_line.lstrip(" \t")  # markdown-it turns leading tabs into spaces
        lead = len(content_line) - len(part)
        found = None
        if part:
            suffix = cursor is None and number < len(content_lines) - 1
            found = _locate_line(text, part, max(start, cursor or 0), end, suffix)
        if found:
            if previous_end is not None:
                breaks.append((offset - 1, (previous_end, found[0][1])))
            segments.extend(_Segment(offset + lead + p_offset, source, length) for p_offset, source, length in found)
            previous_end = found[-1][1] + found[-1][2]
        else:
            previous_end = None
        offset += len(content_line) + 1
    return segments, breaks


def _to_source(spans: Iterable[Span], segments: Sequence[_Segment]) -> list[Span]:
    """The source spans of content spans, through the segments (sorted, disjoint) that map content to source."""
    segment_ends = [segment.content_start + segment.length for segment in segments]
    mapped = []
    for start, end in spans:
        i = bisect.bisect_right(segment_ends, start)  # the first segment ending after `start`
        while i < len(segments) and segments[i].content_start < end:
            segment = segments[i]
            low, high = max(start, segment.content_start), min(end, segment_ends[i])
            if low < high:
                shift = segment.source_start - segment.content_start
                mapped.append((low + shift, high + shift))
            i += 1
    return mapped


def _too_deep(tokens: Sequence[Any]) -> int | None:
    """The line of the first block opened at markdown-it's last nesting level, if any.

    Nothing fits inside such a block, and markdown-it then stops parsing: every
    line after it would silently go unchecked.
    """
    for token in tokens:
        if token.nesting == 1 and token.level >= MAX_NESTING - 1 and token.map is not None:
            return int(token.map[0])
    return None


def scan_markdown(text: str) -> Scan:
    """What is not prose in a Markdown document: everything but the text of inline content.

    A line nested deeper than markdown-it's limit (`MAX_NESTING`; hostile or
    broken input, such as forty "- " on one line) is read as plain text after its
    markers, and the lines before and after it are parsed on their own, so no
    part of the file goes unchecked because of a parser limit.
    """
    lines = line_spans(text)
    source_lines = [text[start:end] for start, end in lines]
    front = _front_matter_lines(source_lines)
    parsed_lines = [""] * front + source_lines[front:]
    md = _markdown_parser()
    prose: list[Span] = []
    literal: list[Span] = []
    opaque: list[Span] = []
    first = 0
    while first < len(parsed_lines):
        env: dict[str, Any] = {}
        # the lines before `first` are blanked, not dropped: markdown-it's line numbers stay ours
        tokens = md.parse("\n".join([""] * first + parsed_lines[first:]), env)
        deep = _too_deep(tokens)
        if deep is None:
            _collect(md, tokens, env, text, lines, prose, literal, opaque)
            break
        if deep > first:
            tokens = md.parse("\n".join([""] * first + parsed_lines[first:deep]), env := {})
            _collect(md, tokens, env, text, lines, prose, literal, opaque)
        start, end = lines[deep]
        prose.append((_CONTAINER_MARKERS.match(text, start, end).end(), end))  # type: ignore[union-attr]
        first = deep + 1
    masked = complement(merge_spans(prose), len(text))
    return Scan(masked, literal, opaque)


def _collect(md: MarkdownIt, tokens: Sequence[Any], env: dict[str, Any], text: str, lines: Sequence[Span],
             prose: list[Span], literal: list[Span], opaque: list[Span]) -> None:
    """Add the prose, literal and opaque source spans of one parse's tokens."""
    references = env.get("references", {})
    row_cursor: dict[int, int] = {}  # a table row's line -> where its next cell is looked for
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        first, last = token.map
        if token.type in ("fence", "code_block"):
            literal.append((lines[first][0], lines[min(last, len(lines)) - 1][1]))
        elif token.type == "inline" and token.content:
            recorder = _InlineRecorder()
            if _INLINE_MARKUP_START.search(token.content):  # else it is all text: no need to parse it
                md.inline.parse(token.content, md, {"references": references, _RECORDER: recorder}, [])
            in_table = index > 0 and tokens[index - 1].type in ("th_open", "td_open")
            cursor = row_cursor.get(first, 0) if in_table else None
            segments, breaks = _align(token.content, text, lines, first, cursor)
            if in_table and segments:
                row_cursor[first] = segments[-1].source_start + segments[-1].length
            markup = merge_spans(recorder.markup)
            prose.extend(_to_source(complement(markup, len(token.content)), segments))
            literal.extend(_to_source(recorder.code, segments))
            opaque.extend(_to_source(recorder.opaque, segments))
            markup_starts = [start for start, _ in markup]
            for newline, (gap_start, gap_end) in breaks:
                # a line break inside a paragraph is prose when only white space stands there
                # (not "> " or an open code span): a phrase may run over it, as in plain text
                if not contains(markup, markup_starts, newline) and not text[gap_start:gap_end].strip():
                    prose.append((gap_start, gap_end))
