"""The formats benchmark on a tiny corpus: structure of the figures, not their values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import formats_speed
from respin.documents.formats import Syntax


def test_as_html_wraps_paragraphs_and_escapes() -> None:
    """Each paragraph becomes a <p>; & and < are escaped so the page parses as the same text."""
    page = formats_speed.as_html("A & B < C.\n\nSecond.\n")
    assert "<p>A &amp; B &lt; C.</p>\n<p>Second.\n</p>" in page


def test_masking_figures_cover_every_syntax() -> None:
    """One figure per syntax, with the spans the masking found (the URL and the <p> tags)."""
    figures = formats_speed.measure_masking("See https://example.com now.\n\nMore text.\n", repeat=1)
    assert [f.syntax for f in figures] == list(Syntax)
    assert all(f.spans >= 1 and f.mask_s >= 0 and f.copy_s >= 0 for f in figures)


def test_main_prints_a_row_per_syntax(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report has a masking row and a start-up row for each syntax."""
    (tmp_path / "a.txt").write_text("Officials said us makes moved in.\n\nSee https://example.com.\n", encoding="utf-8")
    assert formats_speed.main(["--corpus", str(tmp_path), "--repeat", "1", "--startup-repeat", "1"]) == 0
    out = capsys.readouterr().out
    for syntax in Syntax:
        assert f"mask as {syntax.value} " in out
        assert f"5 KB {formats_speed.SUFFIXES[syntax]}" in out


def test_missing_corpus_exits_2(tmp_path: Path) -> None:
    """Without a corpus the benchmark says so and exits 2."""
    assert formats_speed.main(["--corpus", str(tmp_path / "none")]) == 2
