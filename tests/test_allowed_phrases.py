"""Allowed phrases: whichever detector finds something inside one, the finding is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from respin import Checker, check_text
from respin.detectors.allowed_phrases import AllowedPhrases
from respin.documents.allow_file import AllowFileError, read_allow_file
from respin.finding import Category, Finding

TEXT = "the band the the played its final march when you look at the crowd."


def _found(text: str, *allowed: str) -> list[tuple[str, str]]:
    return [(f.text, f.rule) for f in check_text(text, Checker(allowed=allowed))]


def test_without_allowed_phrases_everything_is_reported() -> None:
    """The baseline the other tests change: a doubled word and two dictionary findings."""
    assert _found(TEXT) == [
        ("the the", "doubled-word"), ("final march", "fingerprints"), ("when you look at the", "fingerprints")
    ]


def test_allowed_phrase_suppresses_a_rule_finding_in_any_case() -> None:
    """'The The' (a band) allows the doubled-word finding 'the the': matching ignores case."""
    assert _found(TEXT, "The The") == [("final march", "fingerprints"), ("when you look at the", "fingerprints")]
    assert ("the the", "doubled-word") not in _found(TEXT, "THE THE")


def test_allowed_phrase_suppresses_a_dictionary_finding() -> None:
    """An allowed phrase equal to a dictionary key hides that finding and nothing else."""
    assert _found(TEXT, "Final March") == [("the the", "doubled-word"), ("when you look at the", "fingerprints")]


def test_finding_inside_a_longer_allowed_phrase_is_dropped() -> None:
    """'its final march' covers the finding 'final march' inside it."""
    assert ("final march", "fingerprints") not in _found(TEXT, "its final march")


def test_allowed_phrase_matches_whole_words_only() -> None:
    """An allowed phrase that starts or ends inside a word of the text allows nothing."""
    text = "prices rose when you look at the data"
    assert _found(text, "hen you look at the") == [("when you look at the", "fingerprints")]
    assert _found(text, "when you look at the da") == [("when you look at the", "fingerprints")]
    assert _found(text, "rose when you look at the data") == []


def test_finding_that_only_overlaps_an_allowed_phrase_is_kept() -> None:
    """An allowed phrase that covers part of a finding does not hide it."""
    assert ("when you look at the", "fingerprints") in _found(TEXT, "look at the the crowd")


def test_allowed_findings_leave_room_for_the_findings_they_overlapped() -> None:
    """Allowed findings are dropped before overlaps are resolved, so a shorter finding they hid is shown."""
    text = "prices rose when you look at the the data"
    assert _found(text) == [("when you look at the", "fingerprints")]
    assert _found(text, "when you look at the") == [("the the", "doubled-word")]


def test_allowed_phrase_matches_across_line_breaks_and_apostrophes() -> None:
    """Like dictionary keys, an allowed phrase spans a single line break and either apostrophe."""
    assert _found("the band the\nthe played", "the the") == []
    assert _found("o’brien in harms way") == [("in harms way", "collocations")]
    assert _found("o’brien in harms way", "O'Brien in Harms Way") == []
    assert _found("o'brien in harms way", "O’Brien in Harms Way") == []


def test_extra_findings_are_filtered_too() -> None:
    """Findings handed in by an outside detector (LanguageTool) obey the allowed phrases as well."""
    text = "We use colour and flavour."
    grammar = Finding(7, 13, "colour", ("color",), "languagetool:MORFOLOGIK_RULE_EN_US", Category.GRAMMAR, 0.9, "x")
    assert check_text(text, Checker(), [grammar]) == [grammar]
    assert check_text(text, Checker(allowed=("colour",)), [grammar]) == []


def test_phrases_without_words_are_refused() -> None:
    """An allowed phrase must contain a letter or digit."""
    with pytest.raises(ValueError, match="has no word in it"):
        AllowedPhrases(["  -- "])
    with pytest.raises(ValueError, match="has no word in it"):
        Checker(allowed=("",))


def test_allow_file_reads_phrases_comments_and_blank_lines(tmp_path: Path) -> None:
    """One phrase a line, surrounding spaces stripped, `#` comments and blank lines skipped, BOM ignored."""
    path = tmp_path / "allowed.txt"
    path.write_bytes("\ufeff# music site\n\nThe The\n  final march  \r\nharm’s way\n".encode())
    assert read_allow_file(str(path)) == ("The The", "final march", "harm’s way")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ok\n---\n", r"allow\.txt:2: '---' has no word in it"),
        (b"ok\ncaf\xe9\n", r"allow\.txt:2: not valid UTF-8"),
    ],
)
def test_bad_allow_files_name_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    """A line without a word, or bytes that are not UTF-8, are errors naming the file and line."""
    path = tmp_path / "allow.txt"
    path.write_bytes(content)
    with pytest.raises(AllowFileError, match=message):
        read_allow_file(str(path))


def test_missing_allow_file(tmp_path: Path) -> None:
    """A missing allow file is an error naming it."""
    with pytest.raises(AllowFileError, match=r"nope\.txt: no such file"):
        read_allow_file(str(tmp_path / "nope.txt"))
