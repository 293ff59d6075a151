"""Reverse spinning: for a word in a text, the words a synonym spinner may have replaced.

Reads `dictionaries/thesaurus-inverse.txt` (Moby Thesaurus II inverted, lemmas
only) once, lazily. Lookups inflect: "causes" is looked up as "cause" and its
originals come back as plurals ("forces"), "automobiles" as "automobile" ->
"vehicles", "guarded" as "guard" -> "defended", so candidates fit the sentence.
"""

from __future__ import annotations

from functools import cache

from respin.dictionary import dictionaries_dir
from respin.lexicon import Lexicon, shared_lexicon

FILENAME = "thesaurus-inverse.txt"


@cache
def inverse_index() -> dict[str, tuple[str, ...]]:
    """replacement -> originals, most frequent first (read once per process)."""
    index: dict[str, tuple[str, ...]] = {}
    with (dictionaries_dir() / FILENAME).open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or "->" not in line:
                continue
            word, _, originals = line.rstrip("\n").partition("->")
            index[word] = tuple(originals.split())
    return index


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
    index = inverse_index()
    found: dict[str, int] = {}
    for lemma, inflected, lemma_end in _lemmas(word.lower()):
        for original in index.get(lemma, ()):
            form = _inflect(original, inflected, lemma_end, lexicon)
            if form and form != word and form not in found:
                found[form] = lexicon.count(form)
    return sorted(found, key=lambda w: -found[w])[:limit]
