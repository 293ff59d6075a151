"""reStructuredText: which parts are prose, found by a line scanner (docutils is not needed).

Explicit markup blocks (directives, comments, targets, substitution definitions) are
masked with their indented bodies, except the bodies of admonitions, which are prose;
literal blocks after "::" and doctest blocks are masked; section adornments and table
borders are masked; in each paragraph the inline markup (literals, roles, interpreted
text, substitution and footnote references, reference markers and URIs) is masked.
"""

from __future__ import annotations

import re

from respin.documents.spans import Scan, Span, line_spans

#: Directives whose content is prose (admonitions and the like): only the marker and options are masked.
RST_PROSE_DIRECTIVES = frozenset(
    {
        "attention", "caution", "danger", "error", "hint", "important", "note", "tip", "warning",
        "admonition", "seealso", "topic", "sidebar", "rubric", "epigraph", "highlights", "pull-quote",
        "compound", "container", "versionadded", "versionchanged", "deprecated", "versionremoved", "todo",
    }
)


def _rst_start(first: str) -> str:
    """`first`, the first character of an inline markup start, not after a word character or backslash.

    The look-behind follows the literal, and no alternative of `_INLINE` starts
    with a group: so the regex engine knows the characters a match can start with and
    skips ahead to the next of them instead of trying every position.
    """
    return rf"{re.escape(first)}(?<![\w\\]{re.escape(first)})"


_EXPLICIT = re.compile(r"[ \t]*\.\.(?=[ \t]|$)")
_DIRECTIVE = re.compile(r"[ \t]*\.\.[ \t]+([A-Za-z0-9][\w:.+-]*?)::(?=[ \t]|$)")
_FOOTNOTE = re.compile(r"[ \t]*\.\.[ \t]+\[(?:\d+|#[\w.-]*|\*|[A-Za-z][\w.-]*)\](?=[ \t]|$)")
_ANONYMOUS_TARGET = re.compile(r"[ \t]*__(?:[ \t]|$)")
_FIELD_NAME = re.compile(r"[ \t]*:(?![ \t])(?:[^:`\\]|\\.)+?(?<![ \t]):(?=[ \t]|$)")
_OPTION = re.compile(r"[ \t]+:[\w-]+:(?=[ \t]|$)")
_ADORNMENT = re.compile(r"[ \t]*([!-/:-@\[-`{-~])\1+[ \t]*")
_TABLE_BORDER = re.compile(r"[ \t]*(?:(?:=+[ \t]+)*=+|(?:-+[ \t]+)*-+|\+(?:[-=]+\+)+)[ \t]*")
_INLINE = re.compile(
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


def _rst_inline(text: str, start: int, end: int, scan: Scan) -> None:
    """Mask the inline markup of one paragraph, text[start:end]."""
    for match in _INLINE.finditer(text, start, end):
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


def scan_rst(text: str) -> Scan:
    """What is not prose in a reStructuredText document (see `respin.documents.formats`)."""
    scan = Scan()
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
            if indent > options_indent and _OPTION.match(line):
                scan.masked.append((start, end))
                continue
            options_indent = None
        if _EXPLICIT.match(line):
            end_paragraph()
            directive = _DIRECTIVE.match(line)
            footnote = _FOOTNOTE.match(line)
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
        if _ANONYMOUS_TARGET.match(line):
            end_paragraph()
            mask_block(start, end, indent, is_literal=False)
            continue
        stripped = line.strip()
        if stripped == "::":
            end_paragraph()
            scan.masked.append((start, end))
            literal_after = indent
            continue
        if _ADORNMENT.fullmatch(line) or _TABLE_BORDER.fullmatch(line):
            end_paragraph()
            scan.masked.append((start, end))
            continue
        if stripped.startswith(">>>") and paragraph is None:
            doctest = True
            scan.masked.append((start, end))
            scan.literal.append((start, end))
            continue
        field_name = _FIELD_NAME.match(line)
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
