"""Soft-wrapped screen rows of a document, for the review's document view.

The view draws only the rows on screen, so a 1 MB article costs what its visible
rows cost. What it needs from the whole text is computed once per width here:
where each screen row starts and ends (code-point offsets, line breaks excluded).
Lines are broken after a space where possible, else at the width. Every
character takes one cell except wide ones (two cells) and zero-width ones; control
characters, tabs included, are drawn as one space (`DISPLAY`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from rich.cells import get_character_cell_size

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: `str.translate` table that turns control characters into spaces for drawing.
DISPLAY = {code: " " for code in [*range(32), 127]}


def cell_width(character: str) -> int:
    return 1 if character < " " or character == "\x7f" else get_character_cell_size(character)


@dataclass
class RowLayout:
    """Where each screen row of a text starts and ends, for one width."""

    width: int
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.starts)

    def row_of(self, offset: int) -> int:
        """The row showing the character at `offset` (a line break belongs to the row it ends)."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)


def wrap_rows(text: str, width: int) -> RowLayout:
    """Break every line of `text` into rows of at most `width` cells."""
    width = max(1, width)
    layout = RowLayout(width)
    all_ascii = text.isascii()
    line_start = 0
    for line_break in _LINE_BREAK.finditer(text):
        _wrap_line(text, line_start, line_break.start(), layout, all_ascii)
        line_start = line_break.end()
    _wrap_line(text, line_start, len(text), layout, all_ascii)
    return layout


def _wrap_line(text: str, start: int, end: int, layout: RowLayout, all_ascii: bool) -> None:
    if all_ascii or text[start:end].isascii():
        _wrap_ascii(text, start, end, layout)
    else:
        _wrap_cells(text, start, end, layout)


def _wrap_ascii(text: str, start: int, end: int, layout: RowLayout) -> None:
    width, position = layout.width, start
    while end - position > width:
        space = text.rfind(" ", position, position + width + 1)
        # A row may end with the space it breaks at: the space is not drawn, the width holds.
        cut = space + 1 if space > position else position + width
        layout.starts.append(position)
        layout.ends.append(cut)
        position = cut
    layout.starts.append(position)
    layout.ends.append(end)


def _wrap_cells(text: str, start: int, end: int, layout: RowLayout) -> None:
    width, row_start, used, after_space = layout.width, start, 0, -1
    for position in range(start, end):
        character = text[position]
        cells = cell_width(character)
        if used + cells > width and position > row_start and character != " ":
            cut = after_space if after_space > row_start else position
            layout.starts.append(row_start)
            layout.ends.append(cut)
            used = sum(cell_width(c) for c in text[cut:position])
            row_start, after_space = cut, -1
        used += cells
        if character == " ":
            after_space = position + 1
    layout.starts.append(row_start)
    layout.ends.append(end)
