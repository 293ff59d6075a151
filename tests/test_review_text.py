"""The review's text helpers: wrapped rows of the document view, sentence and paragraph excerpts, the preview."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from respin.engine import Checker, check_text
from respin.review.excerpts import (
    Excerpt,
    Piece,
    PieceKind,
    paragraph_around,
    paragraph_break_after,
    repaired_pieces,
    sentence_around,
    widen_to_findings,
)
from respin.review.layout import cell_width, wrap_rows


def rows(text: str, width: int) -> list[str]:
    layout = wrap_rows(text, width)
    return [text[a:b] for a, b in zip(layout.starts, layout.ends)]


def test_wraps_after_spaces_and_keeps_empty_lines() -> None:
    """Lines break after a space within the width; blank lines and line endings give their own rows."""
    assert rows("one two three\r\n\r\nfour", 8) == ["one two ", "three", "", "four"]


def test_breaks_a_long_word_at_the_width() -> None:
    """A word longer than the width is cut at the width."""
    assert rows("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_wide_characters_take_two_cells() -> None:
    """East Asian wide characters count twice when wrapping."""
    assert rows("日本語のテキスト", 6) == ["日本語", "のテキ", "スト"]
    assert cell_width("日") == 2 and cell_width("\t") == 1


def test_row_of_finds_the_row_of_an_offset() -> None:
    """An offset maps to the row that shows it; a line break belongs to the row it ends."""
    text = "one two three\nfour"
    layout = wrap_rows(text, 8)
    assert [layout.row_of(o) for o in (0, 8, 13, 14, 17)] == [0, 1, 1, 2, 2]


@given(st.text(alphabet="ab \n\r\t日é", max_size=80), st.integers(min_value=1, max_value=12))
def test_rows_cover_the_text_in_order(text: str, width: int) -> None:
    """Rows are in order, never overlap, and only line breaks fall between them."""
    layout = wrap_rows(text, width)
    position = 0
    for start, end in zip(layout.starts, layout.ends):
        assert position <= start <= end
        assert set(text[position:start]) <= {"\r", "\n"}
        position = end
    assert set(text[position:]) <= {"\r", "\n"}


def test_sentence_around_a_finding() -> None:
    """The sentence runs from the previous sentence end to the next one."""
    text = "First one. The general met the shared chiefs of staff today. Last one."
    start = text.index("shared")
    sentence = sentence_around(text, start, start + len("shared chiefs of staff"))
    assert text[sentence.start : sentence.end] == "The general met the shared chiefs of staff today."
    assert not (sentence.cut_left or sentence.cut_right)


def test_long_sentence_is_cut_at_a_word_and_marked() -> None:
    """A sentence longer than the limit is cut at spaces on both sides."""
    text = "word " * 100 + "target " + "word " * 100
    start = text.index("target")
    sentence = sentence_around(text, start, start + 6, limit=30)
    assert sentence.cut_left and sentence.cut_right
    assert text[sentence.start : sentence.end].startswith("word") and len(text[sentence.start : sentence.end]) < 70


def test_paragraph_stops_at_blank_lines() -> None:
    """The paragraph of a finding is bounded by blank lines, CRLF ones too."""
    text = "Para one.\r\n\r\nPara two when you look at the end.\r\nSame para.\r\n\r\nPara three."
    start = text.index("when")
    excerpt = paragraph_around(text, start, start + 4)
    assert text[excerpt.start : excerpt.end] == "Para two when you look at the end.\r\nSame para."


def test_preview_pieces_plain_and_diff() -> None:
    """The preview puts replacements in place; the diff form also keeps the replaced text."""
    text = "The general met the shared chiefs of staff when you look at the capital."
    findings = check_text(text, Checker(jobs=1))
    starts = [f.start for f in findings]
    whole = Excerpt(0, len(text))
    pieces = repaired_pieces(text, whole, findings, starts, {0: "Joint Chiefs of Staff"}, current=1)
    assert pieces == [
        Piece("The general met the ", PieceKind.PLAIN),
        Piece("Joint Chiefs of Staff", PieceKind.INSERTED),
        Piece(" ", PieceKind.PLAIN),
        Piece("when you look at the", PieceKind.SPUN),
        Piece(" capital.", PieceKind.PLAIN),
    ]
    diff = repaired_pieces(text, whole, findings, starts, {0: "Joint Chiefs of Staff"}, diff=True)
    assert Piece("shared chiefs of staff", PieceKind.REMOVED) in diff
    assert "".join(p.text for p in pieces if p.kind is not PieceKind.REMOVED) == (
        "The general met the Joint Chiefs of Staff when you look at the capital.")


def test_widen_to_findings_does_not_cut_a_finding() -> None:
    """An excerpt edge inside a finding moves out to the finding's edge."""
    text = "The general met the shared chiefs of staff when you look at the capital."
    findings = check_text(text, Checker(jobs=1))
    starts = [f.start for f in findings]
    widened = widen_to_findings(Excerpt(25, 50), findings, starts)
    assert (widened.start, widened.end) == (findings[0].start, findings[1].end)


def test_paragraph_break_after_finds_the_next_blank_line() -> None:
    """The first blank line at or after an offset, within a limit; None when there is none."""
    text = "one\n\ntwo three\r\n\r\nfour"
    assert paragraph_break_after(text, 0, 50) == 3
    assert paragraph_break_after(text, 4, 50) == text.index("\r\n\r\n")
    assert paragraph_break_after(text, 4, 5) is None
