"""Tortured phrases no dictionary lists, found by undoing the word swaps paper mills make.

The Problematic Paper Screener's list (`scientific-pps`) pairs tortured phrases
with the terms they replaced: "counterfeit consciousness" -> "artificial
intelligence", "amino corrosive" -> "amino acid". Aligned word by word, its
entries teach which words paper mills substitute for which ("corrosive" for
"acid", "consciousness" for "intelligence"), and its suggestions give the
vocabulary of canonical terms. A paper mill reuses its substitutions in new
combinations, so a window of two to four words is flagged when undoing those
substitutions turns it into a canonical term: "amino corrosive" becomes
"amino acid" even if that entry were missing from the list.

Ordinary English is full of such swaps ("two years" could be "40 years"), so a
window is flagged only when:

* the words undone are content words, and no change is a mere inflection or
  spelling variant ("vector" / "vectors", "feed-forward" / "feed forward");
* the window as written is neither a canonical term nor an entry of the list
  (the dictionary reports those itself);
* no changed word forms, as written, a pair with a neighbouring content word
  that symspellpy's bigram counts list (such pairs are natural English).

The engine runs the rule only on a text that reads like a research paper
(`evidence.reads_as_research`); its findings
are for review, never auto-fixed. The vocabulary is learnt from the shipped
`scientific-pps` dictionary when first needed (about 50 ms) and cached with
functools, so the evaluation's hold-out (`bench.holdout`) learns only from the
entries it keeps.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from respin.finding import Category, Finding
from respin.language.casing import carry_case
from respin.language.dictionary import load, spec_named
from respin.language.lexicon import Lexicon, beside_listed_pair
from respin.textview import TextView

RULE = "tortured-phrase"
SOURCE = "scientific-pps"
CONFIDENCE = 0.6
#: When a changed word is itself a word of canonical terms ("precision and robustness" could be
#: "accuracy and robustness", but "precision" is a scientist's word too): below `check`'s default.
CONFIDENCE_SCIENTIFIC_WORD = 0.45
#: Longest window tried, in words (PPS terms are mostly two or three words).
MAX_WORDS = 4
#: Canonical words tried for each tortured word, the most often seen first.
MAX_SWAPS = 6
FUNCTION_WORDS = frozenset(
    "a an the of in on at to for and or by with from as is are was were be been into onto than that this these "
    "those it its their our we which via per not no".split()
)
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")


@dataclass(frozen=True)
class Vocabulary:
    """What the tortured-phrase list teaches: word swaps, canonical terms, and the listed keys."""

    #: tortured word -> canonical words it replaced, most often seen first
    swaps: dict[str, tuple[str, ...]]
    #: canonical term (words joined by one space, lower case) -> its spelling in the list
    canonical: dict[str, str]
    #: keys of the list (lower case): the dictionary itself reports them
    keys: frozenset[str]
    #: every word of a canonical term: a scientific word, not a paper mill's
    canonical_words: frozenset[str]


def _variant(written: str, original: str) -> bool:
    """True when two words differ only by a plural ending or a hyphen."""
    def stems(word: str) -> set[str]:
        word = word.replace("-", "").replace("–", "")
        return {word, word.removesuffix("s"), word.removesuffix("es")}

    return not stems(written).isdisjoint(stems(original))


@cache
def vocabulary() -> Vocabulary:
    """Learn the swaps and terms from the shipped list (once per process)."""
    seen: dict[str, Counter[str]] = {}
    canonical: dict[str, str] = {}
    keys: set[str] = set()
    for entry in load(spec_named(SOURCE)):
        keys.add(" ".join(_WORD.findall(entry.key.lower())))
        for suggestion in entry.suggestions:
            words = _WORD.findall(suggestion.lower())
            if len(words) >= 2 and " ".join(words) == suggestion.lower():
                canonical.setdefault(" ".join(words), suggestion)
        if len(entry.suggestions) != 1:
            continue
        written_words = entry.key.lower().split()
        original_words = entry.suggestions[0].lower().split()
        if len(written_words) != len(original_words):
            continue
        for written, original in zip(written_words, original_words):
            if written == original or written in FUNCTION_WORDS or original in FUNCTION_WORDS:
                continue
            if _variant(written, original) or not (_WORD.fullmatch(written) and _WORD.fullmatch(original)):
                continue
            seen.setdefault(written, Counter())[original] += 1
    swaps = {word: tuple(w for w, _ in counts.most_common(MAX_SWAPS)) for word, counts in seen.items()}
    canonical_words = frozenset(word for term in canonical for word in term.split())
    return Vocabulary(swaps, canonical, frozenset(keys), canonical_words)


def _undo(words: tuple[str, ...], known: Vocabulary) -> tuple[str, list[int]] | None:
    """The canonical term the window becomes when tortured words are swapped back, and which changed."""
    choices = [(word, *known.swaps.get(word, ())) for word in words]
    for combination in itertools.product(*choices):
        if combination == words:
            continue
        term = " ".join(combination)
        if term in known.canonical:
            return term, [i for i, (a, b) in enumerate(zip(combination, words)) if a != b]
    return None


def find_tortured_phrases(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """Windows of two to four words that undoing known tortured-word swaps turns into a canonical term."""
    known = vocabulary()
    if view.tokens.isdisjoint(known.swaps.keys()):
        return
    text, lower = view.text, view.lower
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(lower)]
    # joined[k]: tokens k and k + 1 are separated by spaces or a single line break only
    gaps = (lower[left[2] : right[1]] for left, right in itertools.pairwise(tokens))
    joined = [not gap.strip() and "\n\n" not in gap for gap in gaps]
    # swaps_before[k]: how many of the first k tokens are tortured words the list knows
    swaps_before = [0, *itertools.accumulate(word in known.swaps for word, _, _ in tokens)]
    taken: list[tuple[int, int]] = []
    for size in range(MAX_WORDS, 1, -1):
        for first in range(len(tokens) - size + 1):
            if swaps_before[first + size] == swaps_before[first] or not all(joined[first : first + size - 1]):
                continue
            window = tokens[first : first + size]
            words = tuple(word for word, _, _ in window)
            written = " ".join(words)
            if written in known.canonical or written in known.keys:
                continue
            undone = _undo(words, known)
            if undone is None:
                continue
            term, changed = undone
            start, end = window[0][1], window[-1][2]
            if any(start < right and left < end for left, right in taken):
                continue
            if beside_listed_pair(words, changed, FUNCTION_WORDS):
                continue
            taken.append((start, end))
            spelling = known.canonical[term]
            if not any(word.isupper() and len(word) > 1 for word in spelling.split()):
                spelling = carry_case(text[start:end], term)  # the list's capitals are not the term's
            swapped = ", ".join(f"{words[i]} for {term.split()[i]}" for i in changed)
            scientific = any(words[i] in known.canonical_words for i in changed)
            confidence = CONFIDENCE_SCIENTIFIC_WORD if scientific else CONFIDENCE
            yield Finding(start, end, text[start:end], (spelling,), RULE, Category.SCIENTIFIC, confidence,
                          f"reads like a tortured '{spelling}' ({swapped})", autofix=False)
