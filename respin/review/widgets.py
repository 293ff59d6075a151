"""The review's widgets: the document with its highlights, the finding panel, the preview.

`DocumentView` is a line-API scroll view: it wraps the text into rows once per
width (`layout.wrap_rows`) and draws only the rows on screen, looking up the
findings of a row by bisection. A keypress therefore redraws a screenful of
rows, whatever the size of the file. Each highlight carries its finding's index
in its style's meta, so a click on it says which finding it was.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from rich.console import Group
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import events
from textual.color import Color
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from respin.finding import Finding, LineIndex
from respin.review.excerpts import (
    Excerpt,
    PieceKind,
    paragraph_around,
    repaired_pieces,
    sentence_around,
    widen_to_findings,
)
from respin.review.layout import DISPLAY, RowLayout, wrap_rows
from respin.review.messages import FindingClicked
from respin.review.palette import category_style, highlight_style
from respin.review.session import DocumentReview, Shown, Verdict

#: Meta key under which a highlight names its finding's index.
FINDING_META = "finding"
#: Cells left of the text: a marker on the rows of the current finding.
GUTTER = 2
CURRENT_MARKER = "▶ "


class DocumentView(ScrollView, can_focus=False):
    """A document with every finding highlighted in place, drawn a row at a time."""

    DEFAULT_CSS = """
    DocumentView {
        overflow-x: hidden;
        overflow-y: scroll;
        scrollbar-size-vertical: 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = ""
        self._review: DocumentReview | None = None
        self._findings: Sequence[Finding] = ()
        self._ends: list[int] = []
        self._shown: Shown = None
        self._layout: RowLayout | None = None
        #: How each finding on the rows drawn last looked (decision, current, shown): a keypress
        #: redraws only the rows of findings whose look changed.
        self._drawn: dict[int, tuple[Verdict | None, bool, bool]] = {}

    def show(self, text: str, review: DocumentReview | None, shown: Shown) -> None:
        """Display `text` with the findings of `review` (None: not checked yet) under the filter `shown`."""
        redraw_all = text is not self._text or review is not self._review or shown != self._shown
        if text is not self._text:
            self._text = text
            self._layout = None
        if review is not self._review:
            self._review = review
            self._findings = review.findings if review is not None else ()
            self._ends = [f.end for f in self._findings]
        self._shown = shown
        if self._ensure_layout() or redraw_all:
            self._drawn.clear()
            self.refresh()
        else:
            self._refresh_changed_rows()

    def _look(self, index: int) -> tuple[Verdict | None, bool, bool]:
        """What a finding's style depends on: its decision, whether it is current, whether it is shown."""
        review = self._review
        assert review is not None
        decision = review.decision(index)
        return decision.verdict if decision else None, index == review.current, review.visible(index, self._shown)

    def _refresh_changed_rows(self) -> None:
        layout = self._layout
        if layout is None or self._review is None:
            return
        for index, look in list(self._drawn.items()):
            if self._look(index) != look:
                finding = self._findings[index]
                first, last = layout.row_of(finding.start), layout.row_of(max(finding.start, finding.end - 1))
                self.refresh_lines(first, last - first + 1)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._drawn.clear()  # scrolling redraws every row

    @property
    def layout_rows(self) -> RowLayout | None:
        return self._layout

    def _ensure_layout(self) -> bool:
        """Wrap the text for the current width if it is not wrapped for it yet; True if it was wrapped now."""
        width = self.scrollable_content_region.width - GUTTER
        if width <= 0 or (self._layout is not None and self._layout.width == width):
            return False
        self._layout = wrap_rows(self._text, width)
        self.virtual_size = Size(width, len(self._layout))
        return True

    def on_resize(self, event: events.Resize) -> None:
        self._ensure_layout()
        self._drawn.clear()
        self.refresh()

    def scroll_to_finding(self, index: int) -> None:
        """Bring a finding into view (a third of the way down), unless it is already on screen."""
        self._ensure_layout()
        if self._layout is None or not 0 <= index < len(self._findings):
            return
        finding = self._findings[index]
        first = self._layout.row_of(finding.start)
        last = self._layout.row_of(max(finding.start, finding.end - 1))
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        if first < top or last >= top + height:
            self.scroll_to(y=max(0, first - height // 3), animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.scrollable_content_region.width
        row = round(self.scroll_y) + y
        if self._layout is None or row >= len(self._layout):
            return Strip.blank(width, base)
        start, end = self._layout.starts[row], self._layout.ends[row]
        text = self._text
        segments = [self._gutter(row, base)]
        position = start
        index = bisect.bisect_right(self._ends, start)
        while index < len(self._findings) and self._findings[index].start < end:
            finding = self._findings[index]
            left, right = max(finding.start, start), min(finding.end, end)
            if left > position:
                segments.append(Segment(text[position:left].translate(DISPLAY), base))
            segments.append(Segment(text[left:right].translate(DISPLAY), self._finding_style(index, finding, base)))
            position = right
            index += 1
        if position < end:
            segments.append(Segment(text[position:end].translate(DISPLAY), base))
        return Strip(segments).crop_extend(0, width, base)

    def _gutter(self, row: int, base: Style) -> Segment:
        """The marker left of the rows that show the current finding, blank elsewhere."""
        review, layout = self._review, self._layout
        if review is None or layout is None or review.current is None or not review.visible(review.current,
                                                                                              self._shown):
            return Segment(" " * GUTTER, base)
        finding = self._findings[review.current]
        if layout.row_of(finding.start) <= row <= layout.row_of(max(finding.start, finding.end - 1)):
            return Segment(CURRENT_MARKER, base + category_style(finding.category))
        return Segment(" " * GUTTER, base)

    def _finding_style(self, index: int, finding: Finding, base: Style) -> Style:
        if self._review is None:
            return base
        look = self._drawn[index] = self._look(index)
        verdict, current, shown = look
        if not shown:
            return base
        background = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
        style = highlight_style(finding.category, finding.confidence, verdict, current, background)
        return base + style + Style.from_meta({FINDING_META: index})

    def on_click(self, event: events.Click) -> None:
        index = event.style.meta.get(FINDING_META)
        if isinstance(index, int):
            self.post_message(FindingClicked(index))


class FindingPanel(Static):
    """The current finding: its sentence, the spun text, the suggestions, rule, category, confidence, why.

    The panels have a fixed size, so their updates repaint them without a new layout of the screen.
    """

    _lines: tuple[str, LineIndex] | None = None

    def show_finding(self, review: DocumentReview, index: int) -> None:
        finding = review.findings[index]
        text = review.document.text
        heading = Text()
        heading.append(f" {finding.category.value} ", category_style(finding.category) + Style(reverse=True))
        heading.append(f"  rule {finding.rule}", "bold")
        heading.append(f"  confidence {finding.confidence:.2f}", "italic")
        details = Table.grid(padding=(0, 1))
        details.add_column(style="dim", no_wrap=True)
        details.add_column(overflow="fold")
        details.add_row("spun", Text(finding.text.translate(DISPLAY), category_style(finding.category)))
        details.add_row("suggest", _suggestions_text(finding))
        details.add_row("why", finding.message)
        details.add_row("decision", _decision_text(review, index))
        if self._lines is None or self._lines[0] is not text:
            self._lines = (text, LineIndex(text))
        line, column = self._lines[1].line_col(finding.start)
        self.border_subtitle = f"line {line}, column {column}"
        self.update(Group(heading, self._sentence(text, finding), details), layout=False)

    def show_message(self, message: str) -> None:
        self.border_subtitle = ""
        self.update(Text(message, style="italic"), layout=False)

    @staticmethod
    def _sentence(text: str, finding: Finding) -> Text:
        sentence = sentence_around(text, finding.start, finding.end)
        out = Text(overflow="fold")
        out.append("…" if sentence.cut_left else "")
        out.append(text[sentence.start : finding.start].translate(DISPLAY))
        out.append(text[finding.start : finding.end].translate(DISPLAY),
                   category_style(finding.category) + Style(underline=True))
        out.append(text[finding.end : sentence.end].translate(DISPLAY))
        out.append("…" if sentence.cut_right else "")
        return out


def _suggestions_text(finding: Finding) -> Text:
    out = Text()
    if not finding.suggestions:
        return Text("none: edit (e) or reject (r)", style="italic")
    for number, suggestion in enumerate(finding.suggestions[:9], start=1):
        out.append(f"{number}", "bold reverse")
        out.append(f" {suggestion}  ")
    if not finding.fixable:
        out.append("(review)", "dim italic")
    return out


def _decision_text(review: DocumentReview, index: int) -> Text:
    decision = review.decision(index)
    if decision is None:
        return Text("undecided", style="italic")
    if decision.verdict is Verdict.REJECTED:
        return Text("rejected: the text stays", style="bold")
    return Text.assemble((f"{decision.verdict.value} ", "bold"), "→ ", (decision.replacement or "", "bold green"))


class PreviewPanel(Static):
    """The paragraph of the current finding with the decisions applied (or as a diff)."""

    def show_preview(self, review: DocumentReview, index: int, diff: bool) -> None:
        finding = review.findings[index]
        text = review.document.text
        excerpt: Excerpt = widen_to_findings(paragraph_around(text, finding.start, finding.end),
                                             review.findings, review.starts)
        pieces = repaired_pieces(
            text, excerpt, review.findings, review.starts, review.replacements_between(excerpt.start, excerpt.end),
            current=index if review.decision(index) is None else None, diff=diff,
        )
        out = Text(no_wrap=False, overflow="fold")
        if excerpt.cut_left:
            out.append("…")
        for piece in pieces:
            out.append(piece.text, _PIECE_STYLES[piece.kind])
        if excerpt.cut_right:
            out.append("…")
        self.border_title = "Preview: diff" if diff else "Preview: repaired"
        self.update(out, layout=False)

    def show_message(self, message: str) -> None:
        self.update(Text(message, style="italic"), layout=False)


_PIECE_STYLES: dict[PieceKind, str] = {
    PieceKind.PLAIN: "",
    PieceKind.SPUN: "underline bold",
    PieceKind.REMOVED: "strike red",
    PieceKind.INSERTED: "bold green",
}
