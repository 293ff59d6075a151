"""WordNet 3.0 read straight from its database files, for the `wordnet` spinner (`bench.spinner`).

The files come from Debian's package `wordnet-base` (`apt-get install
wordnet-base`), installed under /usr/share/wordnet (`$WORDNET_DIR` points
elsewhere). respin itself never reads WordNet: a spinner built on it measures
the detector against a source it does not know. No nltk: the format is simple.

The format relied on (WordNet 3.0, wndb(5), senseidx(5), morphy(7)); in every
file, lines that begin with two spaces are the licence header and are skipped:

index.noun, index.verb, index.adj, index.adv
    ``lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt offset...``
    One lemma a line, lower case, words joined by ``_``. The last synset_cnt
    fields are the 8-digit offsets of its synsets in data.POS, in sense order:
    most frequent sense in the semantic concordance first, the first
    tagsense_cnt of them seen there at least once.
data.noun, data.verb, data.adj, data.adv
    ``offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt ... | gloss``
    One synset a line; w_cnt is two hexadecimal digits; a word keeps its
    capitals ("Bank_of_England"); in data.adj a word may end in a syntactic
    marker "(a)", "(p)" or "(ip)", dropped here.
noun.exc, verb.exc, adj.exc, adv.exc
    ``inflected_form base [base...]``: the inflections morphy's suffix rules
    cannot derive: irregular ("children child", "ran run"), and in verb.exc
    also the doubled consonants ("stopped stop", "stopping stop").
cntlist.rev
    ``sense_key sense_number tag_cnt``, the key ``lemma%ss_type:lex_filenum:...``
    with ss_type 1 noun, 2 verb, 3 adjective, 4 adverb, 5 adjective satellite.
    Summed per lemma and part of speech: how often the lemma was seen as that
    part of speech, which decides between the readings of a written word.

What the spinner asks (`WordNet.options`): for a written word or phrase (lower
case), the replacements WordNet gives, inflected like it, each with a weight.

1. Readings (`analyses`). A single word: a noun lemma as written or a plural
   (noun.exc, or morphy's suffix rules: -s, -ses, -xes, -zes, -ches, -shes,
   -men, -ies); a verb lemma as written, or a third person -s, past -ed, or
   -ing form (verb.exc forms ending in -s, -ed, -ing; the suffix rules -s,
   -ies, -es, -ed, -ing); an adjective or adverb lemma as written. A word that
   is an irregular form in verb.exc not ending in -s/-ed/-ing ("rose", "left",
   "found": past tense or something else?) or a comparative in adj.exc or
   adv.exc ("better") has no reading: the spinner is unsure, so it skips it. A
   phrase: a noun lemma with its last word read as a noun, or a verb lemma
   with its first word read as a verb ("takes part" -> take_part, third
   person); adjective and adverb phrases as written.
2. The reading whose lemma was seen most often as that part of speech
   (cntlist.rev) is taken; ties go to noun, verb, adjective, adverb, then to
   the uninflected reading. Only that one: a rarer reading of a word is
   probably not what the sentence says.
3. Senses: the lemma's first `MAX_SENSES` senses, but only the ones the
   concordance saw (at least the first), weighted 1, 1/2, 1/3 by sense rank.
   A sense's weight is shared by its other lemmas that can be written like
   the word (step 4): lower-case words only
   (capitals mark names), at most `MAX_WORDS` words, "_" read as a space.
   "bank" (noun) -> sense 1, "sloping land", has no other lemma; sense 2 gives
   "depository financial institution", "banking concern", "banking company".
4. Inflection like the written word (`inflect`): a plural noun pluralises its
   last word (noun.exc backwards, else -es after s/x/z/ch/sh, -ies after a
   consonant and y, else -s), and gives up on a word ending in a single s
   ("news", "series") and on a phrase with a function word ("court of law":
   "courts of law" or "court of laws"?); a verb inflects its first word
   (verb.exc backwards for the form with that ending, else the usual rules),
   and gives up on a past tense when the verb is irregular ("take": "took" or
   "taken"?). A replacement that cannot be inflected is dropped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_DIR = Path("/usr/share/wordnet")
POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
POS_ORDER = ("n", "v", "a", "r")
_SS_TYPE_POS = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
#: Senses of a lemma the spinner may draw from (only those seen in the concordance, at least one).
MAX_SENSES = 3
#: Longest replacement, in words.
MAX_WORDS = 4
#: Forms of a word or phrase the spinner knows how to write.
FORMS = ("base", "plural", "3sg", "past", "ing")

_LEMMA = re.compile(r"[a-z]+(?:_[a-z]+)*")
_ADJ_MARKER = re.compile(r"\((?:a|p|ip)\)$")
_VOWELS = frozenset("aeiou")
#: Words that make a noun phrase's plural uncertain ("court of law": "courts of law").
_PHRASE_FUNCTION_WORDS = frozenset("of in on for to at by with from and or the a an as into".split())
# morphy's detachment rules, (suffix of the inflected form, suffix of the lemma, form)
_NOUN_RULES = (("s", "", "plural"), ("ses", "s", "plural"), ("xes", "x", "plural"), ("zes", "z", "plural"),
               ("ches", "ch", "plural"), ("shes", "sh", "plural"), ("men", "man", "plural"),
               ("ies", "y", "plural"))
_VERB_RULES = (("s", "", "3sg"), ("ies", "y", "3sg"), ("es", "e", "3sg"), ("es", "", "3sg"),
               ("ed", "e", "past"), ("ed", "", "past"), ("ing", "e", "ing"), ("ing", "", "ing"))


class WordNetMissing(RuntimeError):
    """WordNet's database files are not where the spinner looks."""


@dataclass(frozen=True, order=True)
class Analysis:
    """One reading of a written word or phrase: its lemma ("_" between words), part of speech and form."""

    lemma: str
    pos: str
    form: str


def wordnet_dir() -> Path:
    return Path(os.environ.get("WORDNET_DIR") or DEFAULT_DIR)


def _lines(path: Path) -> Iterable[str]:
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if not line.startswith("  ") and line.strip():
                yield line


def parse_index(lines: Iterable[str]) -> dict[str, tuple[tuple[int, ...], int]]:
    """lemma -> (synset offsets in sense order, how many of the first were seen in the concordance)."""
    index: dict[str, tuple[tuple[int, ...], int]] = {}
    for line in lines:
        fields = line.split()
        synset_count, pointer_count = int(fields[2]), int(fields[3])
        tagged = int(fields[5 + pointer_count])
        offsets = tuple(int(f) for f in fields[6 + pointer_count : 6 + pointer_count + synset_count])
        index[fields[0]] = (offsets, tagged)
    return index


def parse_data(lines: Iterable[str]) -> dict[int, tuple[str, ...]]:
    """synset offset -> its lemmas as written (capitals kept, adjective markers dropped), in file order."""
    synsets: dict[int, tuple[str, ...]] = {}
    for line in lines:
        fields = line.split(" ", 4 + 2 * 255)
        count = int(fields[3], 16)
        synsets[int(fields[0])] = tuple(_ADJ_MARKER.sub("", w) for w in fields[4 : 4 + 2 * count : 2])
    return synsets


def parse_exceptions(lines: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """inflected form -> its base forms."""
    return {fields[0]: tuple(fields[1:]) for fields in (line.split() for line in lines) if len(fields) >= 2}


def parse_counts(lines: Iterable[str]) -> dict[tuple[str, str], int]:
    """(lemma, part of speech) -> tag count summed over its senses."""
    counts: dict[tuple[str, str], int] = {}
    for line in lines:
        fields = line.split()
        if len(fields) < 3 or "%" not in fields[0]:
            continue
        lemma, _, rest = fields[0].partition("%")
        pos = _SS_TYPE_POS.get(rest[:1])
        if pos is not None:
            counts[lemma, pos] = counts.get((lemma, pos), 0) + int(fields[2])
    return counts


def _consonant_y(word: str) -> bool:
    return len(word) >= 2 and word.endswith("y") and word[-2] not in _VOWELS


class WordNet:
    """The parts of WordNet the spinner reads, with its morphology."""

    def __init__(self, index: dict[str, dict[str, tuple[tuple[int, ...], int]]],
                 synsets: dict[str, dict[int, tuple[str, ...]]],
                 exceptions: dict[str, dict[str, tuple[str, ...]]],
                 counts: dict[tuple[str, str], int]) -> None:
        self.index = index
        self.synsets = synsets
        self.exceptions = exceptions
        self.counts = counts
        # base -> its irregular forms, per part of speech (the exception lists read backwards)
        self.irregular: dict[str, dict[str, tuple[str, ...]]] = {}
        for pos, table in exceptions.items():
            backwards: dict[str, list[str]] = {}
            for form, bases in table.items():
                for base in bases:
                    if base != form:
                        backwards.setdefault(base, []).append(form)
            self.irregular[pos] = {base: tuple(sorted(forms)) for base, forms in backwards.items()}
        self._readings: dict[str, tuple[tuple[str, str, str], ...]] = {}
        self._analyses: dict[tuple[str, ...], tuple[Analysis, ...]] = {}
        self._options: dict[tuple[str, ...], tuple[tuple[str, float], ...]] = {}
        self.max_words = max((lemma.count("_") + 1 for table in index.values() for lemma in table), default=1)
        # A written phrase can only be a multi-word lemma if its first word is a lemma's first word (nouns,
        # adjectives, adverbs, as written) or its second word a lemma's second word (verbs inflect the first).
        multi = [lemma.split("_") for table in index.values() for lemma in table if "_" in lemma]
        self._first_words = frozenset(words[0] for words in multi)
        self._second_words = frozenset(words[1] for words in multi)

    # --- reading a written word ------------------------------------------------------

    def _word_readings(self, word: str) -> tuple[tuple[str, str, str], ...]:
        """(base, pos, form) readings of one written word, whatever its lemma; () when unsure."""
        if word not in self._readings:
            self._readings[word] = tuple(self._find_word_readings(word))
        return self._readings[word]

    def _find_word_readings(self, word: str) -> list[tuple[str, str, str]]:
        verb_exc = self.exceptions.get("v", {}).get(word)
        if verb_exc and not word.endswith(("s", "ed", "ing")):
            return []  # an irregular past or participle, or something else: unsure
        for pos in ("a", "r"):
            if any(base != word for base in self.exceptions.get(pos, {}).get(word, ())):
                return []  # a comparative
        readings = []
        for pos in POS_ORDER:
            readings.append((word, pos, "base"))
        for base in self.exceptions.get("n", {}).get(word, ()):
            readings.append((base, "n", "plural"))
        for base in verb_exc or ():
            form = "ing" if word.endswith("ing") else "past" if word.endswith("ed") else "3sg"
            readings.append((base, "v", form))
        for pos, rules in (("n", _NOUN_RULES), ("v", _VERB_RULES)):
            for suffix, ending, form in rules:
                if word.endswith(suffix) and len(word) > len(suffix):
                    readings.append((word[: len(word) - len(suffix)] + ending, pos, form))
        return readings

    def analyses(self, words: tuple[str, ...]) -> tuple[Analysis, ...]:
        """Every reading of the written words (lower case) whose lemma WordNet lists, best first (see module doc)."""
        if words not in self._analyses:
            self._analyses[words] = self._find_analyses(words)
        return self._analyses[words]

    def _find_analyses(self, words: tuple[str, ...]) -> tuple[Analysis, ...]:
        found: set[Analysis] = set()
        if len(words) == 1:
            for base, pos, form in self._word_readings(words[0]):
                if base in self.index.get(pos, {}):
                    found.add(Analysis(base, pos, form))
        elif words[0] in self._first_words or words[1] in self._second_words:
            exact = "_".join(words)
            for pos in POS_ORDER:
                if exact in self.index.get(pos, {}):
                    found.add(Analysis(exact, pos, "base"))
            head, last = words[:-1], words[-1]
            for base, pos, form in self._word_readings(last):
                lemma = "_".join((*head, base))
                if pos == "n" and form != "base" and lemma in self.index.get("n", {}):
                    found.add(Analysis(lemma, "n", form))
            first, tail = words[0], words[1:]
            for base, pos, form in self._word_readings(first):
                lemma = "_".join((base, *tail))
                if pos == "v" and form != "base" and lemma in self.index.get("v", {}):
                    found.add(Analysis(lemma, "v", form))
        return tuple(sorted(found, key=lambda a: (-self.counts.get((a.lemma, a.pos), 0), POS_ORDER.index(a.pos),
                                                  a.form != "base", a.lemma)))

    # --- writing a replacement -------------------------------------------------------

    def plural(self, noun: str) -> str | None:
        forms = self.irregular.get("n", {}).get(noun, ())
        if len(forms) == 1:
            return forms[0]
        if forms or (noun.endswith("s") and not noun.endswith("ss")):
            return None  # several plurals, or "news", "series", "thesis": unsure
        if noun.endswith(("ss", "x", "z", "ch", "sh")):
            return noun + "es"
        if _consonant_y(noun):
            return noun[:-1] + "ies"
        return noun + "s"

    def verb_form(self, verb: str, form: str) -> str | None:
        irregular = self.irregular.get("v", {}).get(verb, ())
        if form == "3sg":
            forms = [f for f in irregular if f.endswith("s")]
            if forms:
                return forms[0] if len(forms) == 1 else None
            if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
                return verb + "es"
            return verb[:-1] + "ies" if _consonant_y(verb) else verb + "s"
        if form == "past":
            forms = [f for f in irregular if f.endswith("ed")]
            others = [f for f in irregular if not f.endswith(("ed", "ing", "s"))]
            if others or len(forms) > 1:
                return None  # an irregular verb ("took", "taken"), or several pasts: unsure
            if forms:
                return forms[0]
            if verb.endswith("e"):
                return verb + "d"
            return verb[:-1] + "ied" if _consonant_y(verb) else verb + "ed"
        if form == "ing":
            forms = [f for f in irregular if f.endswith("ing")]
            if forms:
                return forms[0] if len(forms) == 1 else None
            if verb.endswith("ie"):
                return verb[:-2] + "ying"
            if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
                return verb[:-1] + "ing"
            return verb + "ing"
        raise ValueError(f"unknown verb form {form!r}")

    def inflect(self, lemma: str, pos: str, form: str) -> str | None:
        """The lemma ("_" between words) written in `form`, words spaced; None when unsure."""
        words = lemma.split("_")
        if form == "base":
            return " ".join(words)
        if pos == "n" and form == "plural":
            if len(words) > 1 and not _PHRASE_FUNCTION_WORDS.isdisjoint(words):
                return None
            last = self.plural(words[-1])
            return None if last is None else " ".join((*words[:-1], last))
        if pos == "v" and form in ("3sg", "past", "ing"):
            first = self.verb_form(words[0], form)
            return None if first is None else " ".join((first, *words[1:]))
        return None

    # --- what the spinner asks ---------------------------------------------------------

    def senses(self, lemma: str, pos: str) -> list[tuple[float, tuple[str, ...]]]:
        """(weight, other lemmas) of the senses the spinner draws from, in sense order."""
        offsets, tagged = self.index.get(pos, {}).get(lemma, ((), 0))
        result = []
        for rank, offset in enumerate(offsets[: min(MAX_SENSES, max(1, tagged))], 1):
            others = tuple(w for w in self.synsets.get(pos, {}).get(offset, ())
                           if w != lemma and w.lower() != lemma and _LEMMA.fullmatch(w)
                           and w.count("_") < MAX_WORDS)
            result.append((1.0 / rank, others))
        return result

    def options(self, words: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
        """Replacements of the written words (lower case), inflected like them, with weights; () when none."""
        if words not in self._options:
            self._options[words] = self._find_options(words)
        return self._options[words]

    def _find_options(self, words: tuple[str, ...]) -> tuple[tuple[str, float], ...]:
        readings = self.analyses(words)
        if not readings:
            return ()
        best = readings[0]
        written = " ".join(words)
        weights: dict[str, float] = {}
        for weight, others in self.senses(best.lemma, best.pos):
            inflected = [w for w in (self.inflect(o, best.pos, best.form) for o in others) if w and w != written]
            for replacement in inflected:
                weights[replacement] = weights.get(replacement, 0.0) + weight / len(inflected)
        return tuple(weights.items())

    def __contains__(self, word: object) -> bool:
        """True when a single written word (lower case) has a replacement."""
        return isinstance(word, str) and bool(self.options((word,)))


def read_wordnet(root: Path) -> WordNet:
    """WordNet from the database files in `root`; raises `WordNetMissing` when they are not all there."""
    names = [f"index.{n}" for n in POS_FILES.values()] + [f"data.{n}" for n in POS_FILES.values()]
    missing = [name for name in names if not (root / name).is_file()]
    if missing:
        raise WordNetMissing(
            f"WordNet 3.0 is not installed in {root} (missing {', '.join(missing)}): the wordnet spinner needs "
            f"Debian's package wordnet-base (apt-get install wordnet-base), or $WORDNET_DIR set to its files"
        )
    index = {pos: parse_index(_lines(root / f"index.{name}")) for pos, name in POS_FILES.items()}
    synsets = {pos: parse_data(_lines(root / f"data.{name}")) for pos, name in POS_FILES.items()}
    exceptions = {pos: parse_exceptions(_lines(root / f"{name}.exc")) if (root / f"{name}.exc").is_file() else {}
                  for pos, name in POS_FILES.items()}
    counts = parse_counts(_lines(root / "cntlist.rev")) if (root / "cntlist.rev").is_file() else {}
    return WordNet(index, synsets, exceptions, counts)


@cache
def load_wordnet(root: Path | None = None) -> WordNet:
    """WordNet from `root` (default `$WORDNET_DIR`, else /usr/share/wordnet), read once per process."""
    return read_wordnet(root or wordnet_dir())
