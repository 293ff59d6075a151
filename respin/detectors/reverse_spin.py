"""Names of institutions a spinner mangled in a way no dictionary lists.

The `entities` dictionary lists the rewrites spinners are known to make ("shared
chiefs of staff"). A spinner with a larger thesaurus makes new ones: "mutual
chiefs of team", "nationwide protection council". This detector runs the
spinner backwards. Around each occurrence of a word of a known name (the
canonical names of `entities` and the multi-word names of the gazetteer), it
maps every other word of the window to the words a spinner may have replaced
with it (`respin.language.thesaurus`, plus the word swaps the spin dictionaries record)
and compares the window with the name token by token (rapidfuzz's Levenshtein
distance over token sequences).

Ordinary English often reads like a paraphrase of a name ("military forces" is
no spin of "armed forces", "the first minister's comments" none of "Prime
Minister's Questions"), so a window is flagged only when all of these hold:

* the name has three words or more, two of them content words: with two-word
  names and the collocations included, the clean BBC text gave 267 findings
  ("home secretary" -> "home minister", "world crown" -> "World Cup");
* at least one content word of the name stands there unchanged, at least one
  is changed, and every function word ("of", "the") is unchanged;
* every changed word maps back to the name's word, except one inside (not at
  either end of) a name of four words or more;
* the changed words are written in lower case (a capitalised word mid-sentence
  is a name of its own: "Federal Security Council");
* no changed word forms, as written, a pair with a neighbouring content word
  that symspellpy's bigram counts list (such pairs are natural English).

The engine runs the rule only on a document in which other detectors already
found confident spins (`evidence.looks_spun`): in a clean article a paraphrase
of a name is far more often the writer's own wording. Findings are for review,
never auto-fixed; the deep tier's language model confirms or rejects them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from respin.finding import Category, Finding
from respin.language import thesaurus
from respin.language.dictionary import GAZETTEER, load, name_map, spec_named
from respin.language.lexicon import Lexicon, beside_listed_pair
from respin.textview import TextView, is_word_char, starts_sentence

#: Words that must stand unchanged: a spinner rarely swaps them, and a window that
#: differs in one is a different construction, not a mangled name.
FUNCTION_WORDS = frozenset(
    "a an the of in on at to for and or by with from as is are was were be de al la el le du".split()
)
#: Token similarity an expression of four or more words needs when one word does not map back.
MIN_SIMILARITY = 0.75
CONFIDENCE = 0.6
#: Shorter names are too often ordinary phrases ("world crown", "red icon", "home secretary").
MIN_WORDS = 3
RULE = "reverse-spun-name"
_WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
#: How far to look for a neighbouring word.
_REACH = 40


@dataclass(frozen=True)
class Expression:
    """A canonical name or phrase, as the words to compare and the spelling to suggest."""

    words: tuple[str, ...]
    spelling: str


@cache
def expressions() -> tuple[Expression, ...]:
    """The names the detector knows: canonical entities and gazetteer names of two content words or more."""
    spellings: set[str] = set()
    for entry in load(spec_named("entities")):
        spellings.update(entry.suggestions)
    spellings.update(name for name in name_map(GAZETTEER).values() if " " in name)
    found = []
    for spelling in sorted(spellings):
        words = tuple(_WORD.findall(spelling.lower()))
        if MIN_WORDS <= len(words) <= 6 and " ".join(words) == spelling.lower() and len(_content_words(words)) >= 2:
            found.append(Expression(words, spelling))
    return tuple(found)


def _content_words(words: tuple[str, ...]) -> list[str]:
    return [w for w in words if w not in FUNCTION_WORDS and len(w) > 2 and not w.isdigit()]


@cache
def anchors() -> dict[str, tuple[tuple[Expression, int], ...]]:
    """Content word -> (expression, position) pairs where it stands."""
    found: dict[str, list[tuple[Expression, int]]] = {}
    for expression in expressions():
        for position, word in enumerate(expression.words):
            if word in _content_words(expression.words):
                found.setdefault(word, []).append((expression, position))
    return {word: tuple(places) for word, places in found.items()}


@cache
def learned_swaps() -> dict[str, frozenset[str]]:
    """Written word -> original words, from the word-for-word rewrites the spin dictionaries record."""
    swaps: dict[str, set[str]] = {}
    for name in ("entities", "collocations", "collocations-review", "fingerprints"):
        for entry in load(spec_named(name)):
            key = entry.key.lower().split()
            for suggestion in entry.suggestions:
                canonical = suggestion.lower().split()
                if len(key) != len(canonical):
                    continue
                for written, original in zip(key, canonical):
                    if written != original:
                        swaps.setdefault(written, set()).add(original)
    return {word: frozenset(originals) for word, originals in swaps.items()}


def _maps_back(written: str, original: str) -> bool:
    """True when a spinner may have written `written` for `original`."""
    return original in learned_swaps().get(written, ()) or thesaurus.may_replace(written, original)


def _joins(gap: str) -> bool:
    """True when the characters between two words keep them in one phrase (spaces, one line break)."""
    return not gap.strip(" \t\r\n\xa0") and "\n\n" not in gap.replace("\r", "")


def _neighbours(lower: str, start: int, end: int, count: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of up to `count` words before [start, end) (nearest last) and after it, stopping at punctuation."""
    before: list[tuple[int, int]] = []
    position = start
    while len(before) < count:
        offset = max(0, position - _REACH)
        words = list(_WORD.finditer(lower, offset, position))
        if not words or not _joins(lower[words[-1].end() : position]) or words[-1].start() == offset > 0:
            break
        before.insert(0, words[-1].span())
        position = words[-1].start()
    after: list[tuple[int, int]] = []
    position = end
    while len(after) < count:
        match = _WORD.search(lower, position, position + _REACH)
        if not match or not _joins(lower[position : match.start()]):
            break
        after.append(match.span())
        position = match.end()
    return before, after


def _match(expression: Expression, written: list[str]) -> list[int] | None:
    """Positions of changed words when `written` is a spin of `expression`, else None."""
    changed, unmapped = [], 0
    mapped = list(written)
    for position, (word, original) in enumerate(zip(written, expression.words)):
        if word == original:
            continue
        if original in FUNCTION_WORDS or word in FUNCTION_WORDS:
            return None
        changed.append(position)
        if _maps_back(word, original):
            mapped[position] = original
        else:
            unmapped += 1
    if not changed or len(changed) == len(written):
        return None
    if unmapped:
        edges = (0, len(written) - 1)
        if len(written) < 4 or unmapped > 1 or any(i in edges and written[i] == mapped[i] for i in changed):
            return None  # an unmapped word at the edge would only be a neighbour, not part of the name
        from rapidfuzz.distance import Levenshtein  # 40 ms to import: only when a window gets this far

        if Levenshtein.normalized_similarity(mapped, list(expression.words)) < MIN_SIMILARITY:
            return None
    return changed


def find_reverse_spun_names(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """Windows around words of known names that map back, word by word, to the name."""
    table = anchors()
    present = view.tokens & table.keys()
    if not present:
        return
    text, lower = view.text, view.lower
    seen: set[tuple[int, int]] = set()
    for anchor in sorted(present):
        places = table[anchor]
        reach = max(len(expression.words) for expression, _ in places) - 1
        for start in _whole_word_offsets(lower, anchor):
            before, after = _neighbours(lower, start, start + len(anchor), reach)
            for expression, position in places:
                following = len(expression.words) - position - 1
                if position > len(before) or following > len(after):
                    continue
                spans = [*before[len(before) - position :], (start, start + len(anchor)), *after[:following]]
                written = [lower[a:b] for a, b in spans]
                changed = _match(expression, written)
                if changed is None:
                    continue
                span = (spans[0][0], spans[-1][1])
                if span in seen or _capitalised(text, [spans[i] for i in changed]):
                    continue
                if beside_listed_pair(written, changed, FUNCTION_WORDS):
                    continue
                seen.add(span)
                yield Finding(
                    span[0], span[1], text[span[0] : span[1]], (expression.spelling,), RULE, Category.ENTITY,
                    CONFIDENCE,
                    f"reads like a spun '{expression.spelling}' "
                    f"({', '.join(written[i] for i in changed)} for {', '.join(expression.words[i] for i in changed)})",
                    autofix=False,
                )


def _whole_word_offsets(lower: str, word: str) -> Iterator[int]:
    start = lower.find(word)
    while start != -1:
        end = start + len(word)
        if (start == 0 or not is_word_char(lower[start - 1])) and (end == len(lower) or not is_word_char(lower[end])):
            yield start
        start = lower.find(word, end)


def _capitalised(text: str, spans: list[tuple[int, int]]) -> bool:
    """True when a changed word is capitalised where a sentence does not start (a name of its own)."""
    return any(text[a].isupper() and not starts_sentence(text, a) for a, _ in spans)
