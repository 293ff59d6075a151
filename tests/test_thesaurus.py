"""Reverse spinning: the inverted thesaurus and its inflecting lookup."""

from __future__ import annotations

from respin.language import thesaurus
from respin.language.dictionary import dictionaries_dir


def test_index_file_has_provenance_and_lemmas() -> None:
    """The shipped index names its source and licence and maps words to most-frequent-first originals."""
    head = (dictionaries_dir() / thesaurus.FILENAME).read_text(encoding="utf-8").splitlines()[:5]
    assert any("Moby Thesaurus II" in line for line in head)
    assert any("public domain" in line for line in head)
    index = thesaurus.inverse_index()
    assert len(index) > 20_000
    assert "small" in index["tiny"]


def test_lookup_inflects_like_the_word() -> None:
    """Plural, past and -ing forms come back inflected the same way."""
    assert "cars" in thesaurus.originals("automobiles")
    assert "moved" in thesaurus.originals("relocated")
    assert "parts" in thesaurus.originals("elements")
    assert all(not o.endswith("s") or o.endswith("ss") for o in thesaurus.originals("tiny"))


def test_function_words_are_not_spins() -> None:
    """Function words have no originals: the index is for content words."""
    assert thesaurus.originals("the") == []
    assert thesaurus.originals("a") == []


def test_word_never_listed_as_its_own_original() -> None:
    """A word is not proposed as a replacement for itself."""
    for word in ("safety", "dispute", "movies", "handle"):
        assert word not in thesaurus.originals(word)


def test_may_replace_tests_one_pair_in_any_inflection() -> None:
    """A spinner's word maps back to the original it may have replaced, whatever the inflection."""
    assert thesaurus.may_replace("employees", "staff")
    assert thesaurus.may_replace("protection", "security")
    assert thesaurus.may_replace("worldwide", "international")
    assert not thesaurus.may_replace("banana", "security")
    assert not thesaurus.may_replace("security", "security")


def test_lookup_reads_one_entry_by_binary_search() -> None:
    """`lookup` finds a word's own line and nothing for words that only prefix another."""
    assert thesaurus.lookup("tiny") == thesaurus.inverse_index()["tiny"]
    assert thesaurus.lookup("abandon") != thesaurus.lookup("abandoned")
    assert thesaurus.lookup("zzzz-not-a-word") == ()


def test_index_is_sorted_by_word_for_binary_search() -> None:
    """`lookup` bisects the file, so its entries must stay sorted by word and every word must be found."""
    words = list(thesaurus.inverse_index())
    assert words == sorted(words)
    assert all(thesaurus.lookup(word) for word in words[::500])
