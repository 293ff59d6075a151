"""Document formats: which parts of a file are prose, and checking only those.

A Markdown, HTML or reStructuredText file holds code, markup, addresses and
metadata as well as prose; a spin detector must read the prose and leave the
rest alone. `prose_mask(text, syntax)` returns the spans of a text that are not
prose, and `check_document` checks the text with those spans blanked out:

- every masked character except a line break becomes a space in a same-length
  copy of the text, so offsets, lines and columns are the original file's, and
  a masked span inside a sentence still separates the words around it;
- markup that only dresses prose (emphasis markers, tags, link brackets and
  destinations, list and quote markers) is blank; a masked span that stands for
  a word of its own (inline code, an entity, a URL) starts with `PLACEHOLDER`
  ("—") instead, so that "a `x` or" does not read as "a or", and a sentence
  that opens with code does not open with the word after it;
- the engine checks the copy and drops any finding that overlaps a masked span
  (`check_text(..., excluded=...)`), so `fix` never writes inside one;
- a text with nothing to mask is checked as it is, at no extra cost.

What is prose, per `Syntax`:

- text: everything but URLs and e-mail addresses (masked in every syntax).
- markdown (parsed with markdown-it-py, CommonMark plus tables and
  strikethrough): the text of paragraphs, headings, list items, block quotes,
  table cells, link texts and image descriptions. Code blocks (fenced and
  indented), inline code, autolinks, link destinations, titles and reference
  labels, reference definitions, HTML blocks and inline HTML, entities,
  backslash escapes, emphasis markers and front matter (``---`` YAML or
  ``+++`` TOML at the top) are masked.
- html: text nodes, except inside script, style, pre, code, kbd, samp, var,
  textarea, template, svg and math. Tags, attributes, comments, declarations
  and character references (``&amp;``, ``&nbsp;``) are masked.
- rst: paragraph text, section titles, list items, field bodies, footnotes and
  the bodies of admonitions (note, warning, ...). Other directives with their
  options and bodies, literal blocks (``::``), doctest blocks, comments,
  hyperlink targets, substitution definitions, inline literals, roles,
  interpreted text, substitution and footnote references, the URL and
  markers of a hyperlink reference, field names, section adornments and
  table borders are masked.

Inline control, every syntax: a line containing ``respin: ignore`` (in any
comment style, or as bare text) is masked; ``respin: ignore-next-line`` masks
its own line and the next. ``<!-- respin: off -->`` ... ``<!-- respin: on -->``
masks everything between (Markdown, HTML), as do the lines ``.. respin: off``
... ``.. respin: on`` in reStructuredText and ``respin: off`` ... ``respin: on``
on lines of their own in plain text (a ``#`` or ``//`` before them is allowed).
An ``off`` without ``on`` runs to the end. Directives written inside code
(a code block, inline code, a script) are examples, not directives: ignored.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from respin.engine import Checker, check_text
from respin.files import STDIN
from respin.finding import Finding

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

Span = tuple[int, int]


class Syntax(StrEnum):
    """How a document is written; decides what in it is prose."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    RST = "rst"


#: File name extension (lower case) -> syntax; anything else is plain text.
EXTENSIONS: dict[str, Syntax] = {
    ".md": Syntax.MARKDOWN,
    ".markdown": Syntax.MARKDOWN,
    ".mdown": Syntax.MARKDOWN,
    ".mkd": Syntax.MARKDOWN,
    ".html": Syntax.HTML,
    ".htm": Syntax.HTML,
    ".xhtml": Syntax.HTML,
    ".rst": Syntax.RST,
    ".rest": Syntax.RST,
}
#: The values `--syntax` takes: `auto` detects by extension.
CHOICES: tuple[str, ...] = ("auto", *(s.value for s in Syntax))


def syntax_for(path: str, override: str | None = None) -> Syntax:
    """The syntax of the file at `path`: `override` unless it is None or "auto", else by extension.

    Standard input (`-`) and unknown extensions are plain text.
    """
    if override is not None and override != "auto":
        return Syntax(override)
    if path == STDIN:
        return Syntax.TEXT
    return EXTENSIONS.get(PurePath(path).suffix.lower(), Syntax.TEXT)


def check_document(text: str, checker: Checker, syntax: Syntax, extra: Sequence[Finding] = ()) -> list[Finding]:
    """Findings in the prose of a document only; offsets are the original text's.

    `extra` (e.g. grammar findings computed on the original text) are kept only
    where they do not overlap a masked span either.
    """
    scan = _scan(text, syntax)
    if not scan.masked:
        return check_text(text, checker, extra)
    found = check_text(masked_text(text, scan.masked, scan.opaque), checker, extra, excluded=scan.masked)
    # Outside the masked spans the copy is the text itself; take `text` from the original anyway.
    return [f if text[f.start : f.end] == f.text else replace(f, text=text[f.start : f.end]) for f in found]


def prose_mask(text: str, syntax: Syntax) -> list[Span]:
    """The spans of `text` that are not prose: sorted, disjoint (start, end) pairs."""
    return _scan(text, syntax).masked


def masked_copy(text: str, syntax: Syntax) -> str:
    """The same-length copy of `text` that `check_document` checks: prose as it is, the rest blanked."""
    scan = _scan(text, syntax)
    return masked_text(text, scan.masked, scan.opaque)


def _scan(text: str, syntax: Syntax) -> _Scan:
    """What is not prose in `text` (merged), and where a masked span stands for a word of its own."""
    scan = _SCANNERS[Syntax(syntax)](text)
    addresses = address_spans(text)
    masked = merge_spans([*scan.masked, *addresses, *control_spans(text, syntax, scan.literal)])
    return _Scan(masked, scan.literal, [*scan.opaque, *addresses])


#: What stands in the masked copy at the start of a masked span that is a word of its own
#: (inline code, an entity, a URL): not a letter, not white space, not the end of a sentence.
PLACEHOLDER = "—"
_NOT_LINE_BREAK = re.compile(r"[^\r\n]+")


def masked_text(text: str, spans: Sequence[Span], opaque: Iterable[Span] = ()) -> str:
    """`text` with every character inside `spans` (merged, sorted) but line breaks replaced by a space.

    The first character of each `opaque` span (inside `spans`) becomes `PLACEHOLDER`
    instead, unless it is a line break.
    """
    marks = sorted({start for start, end in opaque if end > start and text[start] not in "\r\n"})
    pieces, position, next_mark = [], 0, 0
    for start, end in spans:
        pieces.append(text[position:start])
        blank = _NOT_LINE_BREAK.sub(lambda m: " " * len(m.group()), text[start:end])
        while next_mark < len(marks) and marks[next_mark] < start:
            next_mark += 1  # (a mark outside every span: ignored)
        inside = []
        while next_mark < len(marks) and marks[next_mark] < end:
            inside.append(marks[next_mark] - start)
            next_mark += 1
        if inside:
            characters = list(blank)
            for offset in inside:
                characters[offset] = PLACEHOLDER
            blank = "".join(characters)
        pieces.append(blank)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sort spans and merge those that overlap or touch; empty spans are dropped."""
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def complement(spans: Sequence[Span], length: int) -> list[Span]:
    """The parts of [0, length) that merged, sorted `spans` do not cover."""
    gaps, position = [], 0
    for start, end in spans:
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    if position < length:
        gaps.append((position, length))
    return gaps


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def line_spans(text: str) -> list[Span]:
    """(start, end) of every line, without its line break (`\\r\\n`, `\\r` or `\\n`)."""
    lines, start = [], 0
    for match in _LINE_BREAK.finditer(text):
        lines.append((start, match.start()))
        start = match.end()
    lines.append((start, len(text)))
    return lines


@dataclass
class _Scan:
    """What a syntax's scanner found: spans that are not prose, and the code among them."""

    masked: list[Span] = field(default_factory=list)
    #: Code and verbatim text: an inline-control directive written there is an example, not a directive.
    literal: list[Span] = field(default_factory=list)
    #: Masked spans that stand for a word of their own in a sentence (inline code, an entity).
    opaque: list[Span] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# URLs and e-mail addresses (every syntax)

# Each pattern starts with a literal, which the regex engine searches for quickly; the
# scheme of a URL and the user of an address are found by stepping back from it.
_URL_REST = r"[^\s<>\"`{}|\\^]*"
_AFTER_SCHEME = re.compile("://" + _URL_REST)
_WWW = re.compile(r"www\d{0,3}\." + _URL_REST)
_MAILTO = re.compile(r"mailto:" + _URL_REST)
_AT_DOMAIN = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_USER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_TRAILING = ".,;:!?'\"*_~"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _url_end(text: str, start: int, end: int) -> int:
    """Where a URL found at text[start:end] really ends: without trailing punctuation or an unopened bracket."""
    while end > start:
        last = text[end - 1]
        unopened = last in _CLOSERS and text.count(_CLOSERS[last], start, end) < text.count(last, start, end)
        if not (last in _TRAILING or unopened):
            break
        end -= 1
    return end


def address_spans(text: str) -> list[Span]:
    """URLs (`scheme://...`, `www....`, `mailto:...`) and e-mail addresses in `text`."""
    spans: list[Span] = []
    if "://" in text:
        for match in _AFTER_SCHEME.finditer(text):
            start = match.start()
            while start > 0 and text[start - 1] in _SCHEME_CHARS:
                start -= 1
            while start < match.start() and not text[start].isalpha():
                start += 1  # a scheme starts with a letter
            if start < match.start() and match.end() > match.start() + 3:
                spans.append((start, _url_end(text, start, match.end())))
    for pattern, needle in ((_WWW, "www"), (_MAILTO, "mailto:")):
        if needle in text:
            for match in pattern.finditer(text):
                if match.start() == 0 or not (text[match.start() - 1].isalnum() or text[match.start() - 1] in "./@"):
                    spans.append((match.start(), _url_end(text, match.start(), match.end())))
    if "@" in text:
        for match in _AT_DOMAIN.finditer(text):
            start = match.start()
            while start > 0 and text[start - 1] in _USER_CHARS:
                start -= 1
            if start < match.start() and text[start] not in ".":
                spans.append((start, match.end()))
    return spans


# ---------------------------------------------------------------------------------------------
# Inline control: respin: ignore, respin: ignore-next-line, respin: off / on

_IGNORE = re.compile(r"respin:[ \t]*ignore(-next-line)?(?![\w-])")
_COMMENT_SWITCH = re.compile(r"<!--[ \t]*respin:[ \t]*(off|on)[ \t]*-->")
_LINE_SWITCH = {
    Syntax.RST: re.compile(r"[ \t]*\.\.[ \t]+respin:[ \t]*(off|on)[ \t]*"),
    Syntax.TEXT: re.compile(r"[ \t]*(?:#+|//)?[ \t]*respin:[ \t]*(off|on)[ \t]*"),
}


def _inside(spans: Sequence[Span], starts: Sequence[int], offset: int) -> bool:
    i = bisect.bisect_right(starts, offset) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def control_spans(text: str, syntax: Syntax, literal: Sequence[Span] = ()) -> list[Span]:
    """The spans inline-control directives exclude; directives starting inside `literal` do nothing."""
    if "respin:" not in text:
        return []
    literal = merge_spans(literal)
    literal_starts = [start for start, _ in literal]

    def honoured(offset: int) -> bool:
        return not _inside(literal, literal_starts, offset)

    lines = line_spans(text)
    line_starts = [start for start, _ in lines]
    spans: list[Span] = []
    for match in _IGNORE.finditer(text):
        if honoured(match.start()):
            line = bisect.bisect_right(line_starts, match.start()) - 1
            last = min(line + 1, len(lines) - 1) if match.group(1) else line
            spans.append((lines[line][0], lines[last][1]))
    switches: list[tuple[str, int, int]] = []  # (off|on, start, end)
    if syntax in (Syntax.MARKDOWN, Syntax.HTML):
        switches = [(m.group(1), m.start(), m.end()) for m in _COMMENT_SWITCH.finditer(text) if honoured(m.start())]
    else:
        pattern = _LINE_SWITCH[Syntax(syntax)]
        for start, end in lines:
            if text.find("respin:", start, end) >= 0:
                switch = pattern.fullmatch(text, start, end)
                if switch and honoured(start):
                    switches.append((switch.group(1), start, end))
    off_at: int | None = None
    for state, start, end in switches:
        if state == "off" and off_at is None:
            off_at = start
        elif state == "on" and off_at is not None:
            spans.append((off_at, end))
            off_at = None
    if off_at is not None:
        spans.append((off_at, len(text)))
    return spans


# ---------------------------------------------------------------------------------------------
# Plain text


def _scan_text(text: str) -> _Scan:
    return _Scan()


# ---------------------------------------------------------------------------------------------
# Markdown (markdown-it-py)
#
# markdown-it gives blocks their lines (`Token.map`) but inline tokens no positions. The
# block parse yields each inline token's `content` (its lines, without container markers
# such as "> " or "- "); every inline rule that consumes markup (code spans, links, HTML,
# entities, escapes, emphasis delimiters) is wrapped to record the span it consumed in
# that content. What no rule consumed is text: prose. The content's lines are then found
# in the source lines to map those spans back to the file.

_RECORDER = "respin.formats.recorder"
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

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
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


def _scan_markdown(text: str) -> _Scan:
    lines = line_spans(text)
    source_lines = [text[start:end] for start, end in lines]
    front = _front_matter_lines(source_lines)
    parsed_lines = [""] * front + source_lines[front:]
    md = _markdown_parser()
    env: dict[str, Any] = {}
    tokens = md.parse("\n".join(parsed_lines), env)  # the same lines: markdown-it's line numbers are ours
    references = env.get("references", {})

    prose: list[Span] = []
    literal: list[Span] = []
    opaque: list[Span] = []
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
                if not _inside(markup, markup_starts, newline) and not text[gap_start:gap_end].strip():
                    prose.append((gap_start, gap_end))
    masked = complement(merge_spans(prose), len(text))
    return _Scan(masked, literal, opaque)


# ---------------------------------------------------------------------------------------------
# HTML (html.parser)

#: Elements whose text is code, data or markup of its own, not prose.
HTML_MASKED_ELEMENTS = frozenset(
    {"script", "style", "pre", "code", "kbd", "samp", "var", "textarea", "template", "svg", "math"}
)


_CHARACTER_REFERENCE = re.compile(r"&#?[0-9A-Za-z]+;?")


def _scan_html(text: str) -> _Scan:
    from html.parser import HTMLParser

    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]  # HTMLParser counts "\n" only

    class ProseCollector(HTMLParser):
        """Collects the text nodes outside masked elements; entities and everything else are markup."""

        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)  # character references arrive on their own: masked
            self.open: dict[str, int] = {}
            self.prose: list[Span] = []
            self.literal: list[Span] = []
            self.opaque: list[Span] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in HTML_MASKED_ELEMENTS:
                self.open[tag] = self.open.get(tag, 0) + 1

        def handle_endtag(self, tag: str) -> None:
            if self.open.get(tag):
                self.open[tag] -= 1

        def source_offset(self) -> int:
            line, column = self.getpos()
            return line_starts[line - 1] + column

        def handle_data(self, data: str) -> None:
            start = self.source_offset()
            if not text.startswith(data, start):  # never expected; masked rather than guessed
                return
            if any(self.open.values()):
                self.literal.append((start, start + len(data)))
                self.opaque.append((start, start + len(data)))
            else:
                self.prose.append((start, start + len(data)))

        def handle_entityref(self, name: str) -> None:
            reference = _CHARACTER_REFERENCE.match(text, self.source_offset())
            if reference:
                self.opaque.append(reference.span())

        handle_charref = handle_entityref

    collector = ProseCollector()
    collector.feed(text)
    collector.close()
    return _Scan(complement(merge_spans(collector.prose), len(text)), collector.literal, collector.opaque)


# ---------------------------------------------------------------------------------------------
# reStructuredText (a line scanner: docutils is not needed to tell prose from markup)

#: Directives whose content is prose (admonitions and the like): only the marker and options are masked.
RST_PROSE_DIRECTIVES = frozenset(
    {
        "attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning",
        "admonition", "seealso", "topic", "sidebar", "rubric", "epigraph", "highlights", "pull-quote",
        "compound", "container", "versionadded", "versionchanged", "deprecated", "versionremoved", "todo",
    }
)
_RST_EXPLICIT = re.compile(r"[ \t]*\.\.(?=[ \t]|$)")
_RST_DIRECTIVE = re.compile(r"[ \t]*\.\.[ \t]+([A-Za-z0-9][\w:.+-]*?)::(?=[ \t]|$)")
_RST_FOOTNOTE = re.compile(r"[ \t]*\.\.[ \t]+\[(?:\d+|#[\w.-]*|\*|[A-Za-z][\w.-]*)\](?=[ \t]|$)")
_RST_ANONYMOUS_TARGET = re.compile(r"[ \t]*__(?:[ \t]|$)")
_RST_FIELD = re.compile(r"[ \t]*:(?![ \t])(?:[^:`\\]|\\.)+?(?<![ \t]):(?=[ \t]|$)")
_RST_OPTION = re.compile(r"[ \t]+:[\w-]+:(?=[ \t]|$)")
_RST_ADORNMENT = re.compile(r"[ \t]*([!-/:-@\[-`{-~])\1+[ \t]*")
_RST_TABLE_BORDER = re.compile(r"[ \t]*(?:(?:=+[ \t]+)*=+|(?:-+[ \t]+)*-+|\+(?:[-=]+\+)+)[ \t]*")


def _rst_start(first: str) -> str:
    """`first`, the first character of an inline markup start, not after a word character or backslash.

    The look-behind follows the literal, and no alternative of the pattern below starts
    with a group: so the regex engine knows the characters a match can start with and
    skips ahead to the next of them instead of trying every position.
    """
    return rf"{re.escape(first)}(?<![\w\\]{re.escape(first)})"


_RST_INLINE = re.compile(
    rf"""
      {_rst_start("`")}`(?=\S)(?P<literal>.*?)(?<=\S)``                     # ``inline literal``
    | {_rst_start(":")}[\w.+:-]+:`(?=\S)[^`]*?(?<=\S)`                     # :role:`text`
    | {_rst_start("`")}(?=\S)[^`]*?(?<=\S)`:[\w.+:-]+:                     # `text`:role:
    | {_rst_start("`")}(?=\S)(?P<label>[^`<]*?)(?:\s*<[^<>`]*>)?`__?(?!\w)  # `label <uri>`_, `label`__
    | {_rst_start("_")}`(?=\S)[^`]*?(?<=\S)`                                # _`inline target`
    | {_rst_start("`")}(?=\S)[^`]*?(?<=\S)`                                 # `interpreted text`
    | {_rst_start("|")}(?=\S)[^|\n]*?(?<=\S)\|(?:__?)?(?!\w)              # |substitution|
    | {_rst_start("[")}(?:\d+|\#[\w.-]*|\*|[A-Za-z][\w.-]*)\]_(?!\w)      # [1]_, [#note]_, [CIT]_
    | _(?<=[^\W_]_)_?(?=[\s.,;:!?)\]'"]|$)                                 # reference_, reference__
    """,
    re.DOTALL | re.VERBOSE,
)


def _indent(line: str) -> int:
    expanded = line.expandtabs(8)
    return len(expanded) - len(expanded.lstrip())


def _rst_inline(text: str, start: int, end: int, scan: _Scan) -> None:
    """Mask the inline markup of one paragraph, text[start:end]."""
    for match in _RST_INLINE.finditer(text, start, end):
        label = match.group("label")
        if label is not None and label.strip():  # a hyperlink reference's text is prose
            label_start, label_end = match.span("label")
            scan.masked += [(match.start(), label_start), (label_end, match.end())]
            continue
        scan.masked.append(match.span())
        if match.group("literal") is not None:
            scan.literal.append(match.span())
        if not match.group().startswith("_"):  # all but the markers of targets and references: a word
            scan.opaque.append(match.span())


def _scan_rst(text: str) -> _Scan:
    scan = _Scan()
    block_indent: int | None = None  # inside a masked block: blank lines and lines indented deeper
    block_is_literal = False
    literal_after: int | None = None  # a paragraph ended with "::" at this indent: a literal block follows
    options_indent: int | None = None  # after a prose directive: its option lines
    doctest = False
    paragraph: Span | None = None

    def end_paragraph() -> None:
        nonlocal paragraph
        if paragraph is not None:
            _rst_inline(text, paragraph[0], paragraph[1], scan)
            paragraph = None

    def mask_block(start: int, end: int, indent: int, is_literal: bool) -> None:
        nonlocal block_indent, block_is_literal
        scan.masked.append((start, end))
        if is_literal:
            scan.literal.append((start, end))
        block_indent, block_is_literal = indent, is_literal

    for start, end in line_spans(text):
        line = text[start:end]
        blank = not line.strip()
        indent = _indent(line)
        if block_indent is not None:
            if blank or indent > block_indent:
                scan.masked.append((start, end))
                if block_is_literal:
                    scan.literal.append((start, end))
                continue
            block_indent = None
        if doctest:
            if not blank:
                scan.masked.append((start, end))
                scan.literal.append((start, end))
                continue
            doctest = False
        if blank:
            end_paragraph()
            options_indent = None
            continue
        if literal_after is not None:
            end_paragraph()
            paragraph_indent, literal_after = literal_after, None
            if indent > paragraph_indent:
                mask_block(start, end, paragraph_indent, is_literal=True)
                continue
        if options_indent is not None:
            if indent > options_indent and _RST_OPTION.match(line):
                scan.masked.append((start, end))
                continue
            options_indent = None
        if _RST_EXPLICIT.match(line):
            end_paragraph()
            directive = _RST_DIRECTIVE.match(line)
            footnote = _RST_FOOTNOTE.match(line)
            if directive and directive.group(1).lower() in RST_PROSE_DIRECTIVES:
                scan.masked.append((start, start + directive.end()))
                options_indent = indent
                if directive.end() < len(line):
                    paragraph = (start + directive.end(), end)
            elif footnote:
                scan.masked.append((start, start + footnote.end()))
                paragraph = (start + footnote.end(), end)
            else:  # other directives, comments, targets, substitution definitions: with their bodies
                mask_block(start, end, indent, is_literal=directive is not None)
            continue
        if _RST_ANONYMOUS_TARGET.match(line):
            end_paragraph()
            mask_block(start, end, indent, is_literal=False)
            continue
        stripped = line.strip()
        if stripped == "::":
            end_paragraph()
            scan.masked.append((start, end))
            literal_after = indent
            continue
        if _RST_ADORNMENT.fullmatch(line) or _RST_TABLE_BORDER.fullmatch(line):
            end_paragraph()
            scan.masked.append((start, end))
            continue
        if stripped.startswith(">>>") and paragraph is None:
            doctest = True
            scan.masked.append((start, end))
            scan.literal.append((start, end))
            continue
        field_name = _RST_FIELD.match(line)
        if field_name:  # a field list item: its name is markup, its body a paragraph of its own
            end_paragraph()
            scan.masked.append((start, start + field_name.end()))
        paragraph = (paragraph[0] if paragraph else start + (field_name.end() if field_name else 0), end)
        if stripped.endswith("::"):
            colons = start + len(line.rstrip()) - 2
            scan.masked.append((colons, colons + 2))
            paragraph = (paragraph[0], colons)
            end_paragraph()
            literal_after = indent
    end_paragraph()
    return scan


_SCANNERS: dict[Syntax, Callable[[str], _Scan]] = {
    Syntax.TEXT: _scan_text,
    Syntax.MARKDOWN: _scan_markdown,
    Syntax.HTML: _scan_html,
    Syntax.RST: _scan_rst,
}
