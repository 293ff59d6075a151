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

Addresses and inline control are found here; the scanners of each markup live in
`respin.documents.markup` and are imported only when a file of their syntax is read.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from enum import StrEnum

from respin.documents.files import STDIN
from respin.documents.spans import Scan, Span, contains, line_spans, merge_spans
from respin.engine import Checker, check_text
from respin.finding import Finding


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
    return EXTENSIONS.get(os.path.splitext(path)[1].lower(), Syntax.TEXT)  # (PurePath costs 40 us a file)


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


def _scan(text: str, syntax: Syntax) -> Scan:
    """What is not prose in `text` (merged), and where a masked span stands for a word of its own."""
    scan = _scan_syntax(text, Syntax(syntax))
    addresses = address_spans(text)
    masked = merge_spans([*scan.masked, *addresses, *control_spans(text, syntax, scan.literal)])
    return Scan(masked, scan.literal, [*scan.opaque, *addresses])


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
    """URLs (`scheme://...`, `www....`, `mailto:...`) and e-mail addresses in `text`.

    Each pattern starts with a literal, so each search is one fast pass over a text
    without addresses (no `in` test first: it would cost as much).
    """
    spans: list[Span] = []
    for match in _AFTER_SCHEME.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        while start < match.start() and not text[start].isalpha():
            start += 1  # a scheme starts with a letter
        if start < match.start() and match.end() > match.start() + 3:
            spans.append((start, _url_end(text, start, match.end())))
    for pattern in (_WWW, _MAILTO):
        for match in pattern.finditer(text):
            before = text[match.start() - 1] if match.start() else " "
            if not (before.isalnum() or before in "./@"):
                spans.append((match.start(), _url_end(text, match.start(), match.end())))
    for match in _AT_DOMAIN.finditer(text):
        start = match.start()
        while start > 0 and text[start - 1] in _USER_CHARS:
            start -= 1
        if start < match.start() and text[start] != ".":
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


def control_spans(text: str, syntax: Syntax, literal: Sequence[Span] = ()) -> list[Span]:
    """The spans inline-control directives exclude; directives starting inside `literal` do nothing."""
    if "respin:" not in text:
        return []
    literal = merge_spans(literal)
    literal_starts = [start for start, _ in literal]

    def honoured(offset: int) -> bool:
        return not contains(literal, literal_starts, offset)

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
# The syntaxes


def _scan_syntax(text: str, syntax: Syntax) -> Scan:
    """The syntax's own scan; the scanners of markup are imported only when a file needs them."""
    if syntax is Syntax.MARKDOWN:
        from respin.documents.markup.markdown import scan_markdown

        return scan_markdown(text)
    if syntax is Syntax.HTML:
        from respin.documents.markup.html import scan_html

        return scan_html(text)
    if syntax is Syntax.RST:
        from respin.documents.markup.rst import scan_rst

        return scan_rst(text)
    return Scan()  # plain text: only addresses and inline control, found for every syntax
