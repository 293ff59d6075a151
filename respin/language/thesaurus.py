"""Reverse spinning: for a word in a text, the words a synonym spinner may have replaced.

Reads `dictionaries/thesaurus-inverse.txt` (Moby Thesaurus II inverted, lemmas
only) once, lazily, and looks words up by binary search in its text. Lookups
inflect: "causes" is looked up as "cause" and its originals come back as
plurals ("forces"), "automobiles" as "automobile" -> "vehicles", "guarded" as
"guard" -> "defended", so candidates fit the sentence. `may_replace` tests one
pair ("employees" for "staff") without inflecting or ranking.
"""

from __future__ import annotations

from functools import cache

from respin.language.dictionary import dictionaries_dir
from respin.language.lexicon import Lexicon, shared_lexicon

FILENAME = "thesaurus-inverse.txt"


@cache
def _entries() -> tuple[str, int]:
    """The index file's text and the offset of its first entry (after the header comments)."""
    text = (dictionaries_dir() / FILENAME).read_text(encoding="utf-8")
    start = 0
    while text.startswith("#", start):
        start = text.index("\n", start) + 1
    return text, start


@cache
def lookup(lemma: str) -> tuple[str, ...]:
    """The originals listed for one lemma, most frequent first (empty when none).

    A binary search over the file's text, whose entries are sorted by word:
    reading it costs a few ms, building a dict of its 22k entries 0.14 s, which
    a run that looks up a handful of words should not pay.
    """
    text, low = _entries()
    high = len(text)
    while low < high:
        middle = (low + high) // 2
        line_start = max(low, text.rfind("\n", low, middle) + 1)
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end == -1 else line_end
        arrow = text.find("->", line_start, line_end)
        word = text[line_start:arrow]
        if word == lemma:
            return tuple(text[arrow + 2 : line_end].split())
        if word < lemma:
            low = line_end + 1
        else:
            high = line_start
    return ()


def inverse_index() -> dict[str, tuple[str, ...]]:
    """replacement -> originals, most frequent first: the whole index, in file order (tools and tests)."""
    text, start = _entries()
    return {word: tuple(rest.split()) for word, _, rest in (line.partition("->") for line in text[start:].splitlines())}


# (suffix of the inflected form, suffix of the lemma): tried in order
_INFLECTIONS = (
    ("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
)


def _lemmas(word: str) -> list[tuple[str, str, str]]:
    """(lemma, inflected suffix, lemma suffix) readings of `word`, the word itself first."""
    readings = [(word, "", "")]
    for inflected, lemma_end in _INFLECTIONS:
        if word.endswith(inflected) and len(word) - len(inflected) >= 3:
            readings.append((word[: len(word) - len(inflected)] + lemma_end, inflected, lemma_end))
    return readings


def _inflect(lemma: str, inflected: str, lemma_end: str, lexicon: Lexicon) -> str | None:
    """Give `lemma` the inflection a word had ("force" + s -> "forces"), if English knows the form."""
    if not inflected:
        return lemma
    stem = lemma[: len(lemma) - len(lemma_end)] if lemma_end and lemma.endswith(lemma_end) else lemma
    forms = [stem + inflected]
    if inflected == "s":
        forms += [lemma + "es", lemma[:-1] + "ies" if lemma.endswith("y") else ""]
    if inflected in ("ed", "ing") and lemma.endswith("e"):
        forms.append(lemma[:-1] + inflected)
    if inflected in ("ed", "ing"):
        forms.append(lemma + lemma[-1] + inflected)  # "stop" -> "stopped"
    for form in forms:
        if form and lexicon.count(form) > 0:
            return form
    return None


def originals(word: str, limit: int = 30, lexicon: Lexicon | None = None) -> list[str]:
    """Words a spinner may have replaced with `word` (lower case), inflected like it, most frequent first."""
    lexicon = lexicon or shared_lexicon()
    found: dict[str, int] = {}
    for lemma, inflected, lemma_end in _lemmas(word.lower()):
        for original in lookup(lemma):
            form = _inflect(original, inflected, lemma_end, lexicon)
            if form and form != word and form not in found:
                found[form] = lexicon.count(form)
    return sorted(found, key=lambda w: -found[w])[:limit]


def may_replace(written: str, original: str) -> bool:
    """True when a spinner may have written `written` for `original` (any inflection of either).

    A cheap test for one candidate pair: no inflecting, no ranking ("employees"
    may replace "staff", "protection" may replace "security").
    """
    originals = {lemma for lemma, _, _ in _lemmas(original.lower())}
    return any(not originals.isdisjoint(lookup(lemma)) for lemma, _, _ in _lemmas(written.lower()))
