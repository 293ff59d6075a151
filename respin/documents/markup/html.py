"""HTML: which parts are prose, found with the standard library's `html.parser`.

Only text nodes are prose, and not inside elements of code, data or markup of their
own (`HTML_MASKED_ELEMENTS`). Character references arrive on their own
(`convert_charrefs=False`) and are masked; positions come from the parser's
`getpos()`, which counts lines by "\\n" only, as the line starts here do.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from respin.documents.spans import Scan, Span, complement, merge_spans

#: Elements whose text is code, data or markup of its own, not prose.
HTML_MASKED_ELEMENTS = frozenset(
    {"script", "style", "pre", "code", "kbd", "samp", "var", "textarea", "template", "svg", "math"}
)
_CHARACTER_REFERENCE = re.compile(r"&#?[0-9A-Za-z]+;?")


class _ProseCollector(HTMLParser):
    """Collects the text nodes outside masked elements; character references and everything else are markup."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)  # character references arrive on their own: masked
        self.text = text
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]  # as HTMLParser counts lines
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
        """Where the event being handled starts in the text."""
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_data(self, data: str) -> None:
        start = self.source_offset()
        if not self.text.startswith(data, start):  # never expected; masked rather than guessed
            return
        if any(self.open.values()):
            self.literal.append((start, start + len(data)))
            self.opaque.append((start, start + len(data)))
        else:
            self.prose.append((start, start + len(data)))

    def handle_entityref(self, name: str) -> None:
        reference = _CHARACTER_REFERENCE.match(self.text, self.source_offset())
        if reference:
            self.opaque.append(reference.span())

    handle_charref = handle_entityref


def scan_html(text: str) -> Scan:
    """What is not prose in an HTML document: everything but text nodes outside code, scripts and styles."""
    collector = _ProseCollector(text)
    collector.feed(text)
    collector.close()
    return Scan(complement(merge_spans(collector.prose), len(text)), collector.literal, collector.opaque)
