"""Restore capitals a lower-cased text lost: proper nouns, names, "US", sentence starts.

Spun articles are often published in lower case ("russia blamed the united
states ... said john ullyot"). These rules run only on a document that lost its
capitals (`is_lower_cased`: most sentences start in lower case, or most known
proper nouns are written in lower case), so a normally cased text is never
touched. Every repair keeps the text's length: only the case of letters changes.

Sources: `gazetteer.txt` (countries, cities, nationalities, months, days,
institutions, acronyms), `first-names.txt` and `surnames.txt` (1990 US Census
lists), and symspellpy's word counts to tell names from ordinary words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from functools import cache

import ahocorasick_rs

from respin.finding import Category, Finding
from respin.language.dictionary import FIRST_NAMES, GAZETTEER, SURNAMES, name_map
from respin.language.lexicon import Lexicon
from respin.textview import TOKEN_EDGES, TextView

PROPER_NOUN_CONFIDENCE = 0.85
NAME_CONFIDENCE = 0.75
SENTENCE_CONFIDENCE = 0.8

# A sentence end (with closing quotes or brackets) and the first letter after it.
# A wrapped line's start is not a sentence start: only the text's start and a line after a blank line.
_SENTENCE_START = re.compile(
    r"[.!?][\"”’')\]]*[ \t]+[\"“‘(\[]?([A-Za-z])|(?:^|\n[ \t]*\r?\n)[ \t]*[\"“‘(\[]?([A-Za-z])"
)
# The same, for a lower-case and for a capital first letter: counted in C. (No match can start inside
# another, so together they find the sentence starts `_SENTENCE_START` finds.)
_LOWER_SENTENCE_START, _CAPITAL_SENTENCE_START = (
    re.compile(_SENTENCE_START.pattern.replace("[A-Za-z]", letters)) for letters in ("[a-z]", "[A-Z]")
)
_ABBREVIATION_BEFORE = re.compile(
    r"(?:\b[a-z]\.[a-z]|\b(?:mr|mrs|ms|dr|st|no|vs|etc|gen|col|lt|sgt|jr|sr|inc|ltd|co))\.$", re.I
)
# Nouns after which "us" is the country, not the pronoun: "us forces", "his us counterpart".
_US_NOUNS = frozenset(
    "president presidents forces troops soldiers military army navy officials official counterpart bases base "
    "vehicles vehicle government administration embassy election elections economy dollar state department "
    "court courts firm firms company companies market markets plan strategy policy sanctions envoy allies ally "
    "officers diplomats diplomat intelligence congress senate senator lawmakers citizens citizen authorities "
    "treasury trade team national nationwide federal supreme central department defence defense ambassador "
    "commander general special navy-led".split()
)
_TITLES = ("mr", "mrs", "ms", "dr", "president", "chairman", "minister", "general", "gen", "sir", "senator",
           "governor", "chancellor", "spokesman", "spokeswoman", "secretary", "king", "queen", "prince", "judge")
_CAPITALISED_TITLES = {"mr": "Mr", "mrs": "Mrs", "ms": "Ms", "dr": "Dr", "gen": "Gen", "sir": "Sir"}
_TITLE_AND_NAME = re.compile(rf"(?<![a-z])(?:{'|'.join(_TITLES)})\.? +([a-z][a-z'’-]*)")
_NEXT_WORD = re.compile(r" ([a-z][a-z'’-]*)")
_PERSONAL_TITLES = frozenset(("mr", "mrs", "ms", "dr", "sir"))
_NAME_PARTICLES = ("al-", "el-", "bin-", "ibn-", "abu-")
#: Lower-case words inside names ("Lula da Silva", "Ludwig van Beethoven"): never capitalised.
_PARTICLE_WORDS = frozenset("da de di du do dos das van von der den la le al el bin ibn".split())
# Words a name is never made of, whatever the surname list says ("said", "will", "may").
_NEVER_NAMES = frozenset(
    "the a an and or but of in on at to for from by with as is was were be been has have had said says "
    "told added will would could should may might must can also not no that this these those who which "
    "while when where after before during since than then there their his her its our your they he she "
    "we it".split()
) | _PARTICLE_WORDS


def _names(spec_name: str) -> dict[str, str]:
    return name_map({"gazetteer": GAZETTEER, "first-names": FIRST_NAMES, "surnames": SURNAMES}[spec_name])


@cache
def _gazetteer_matcher() -> tuple[ahocorasick_rs.AhoCorasick, list[str]]:
    keys = sorted(_names("gazetteer"))
    # leftmost-longest: "united states of america" rather than "united states"
    return ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MATCHKIND_LEFTMOST_LONGEST), keys


def _all_names() -> None:
    for spec_name in ("gazetteer", "first-names", "surnames"):
        _names(spec_name)


#: What the case rules read (`Detector.resources`): the name lists and the gazetteer's automaton.
RESOURCES: tuple[Callable[[], object], ...] = (_all_names, _gazetteer_matcher)


def _finding(start: int, original: str, suggestion: str, rule: str, confidence: float, message: str) -> Finding:
    return Finding(start, start + len(original), original, (suggestion,), rule, Category.CASE, confidence, message)


#: Characters sampled from each end of a long text to decide whether it lost its capitals.
SAMPLE_CHARS = 20_000
#: `TextView.memo` key of `lost_capitals` decided for the whole document (`engine.document_facts`).
LOWER_CASED = "lower_cased"


def lost_capitals(text: str, tokens: Collection[str] | None = None) -> bool:
    """True when the text lost its capitals: most sentence starts or known proper nouns are lower case.

    A text lower-cased by a spinner or scraper is lower case throughout, so a sample
    from its start and end decides (a long text costs no more than a short one).
    """
    sample = text if len(text) <= 2 * SAMPLE_CHARS else text[:SAMPLE_CHARS] + "\n\n" + text[-SAMPLE_CHARS:]
    return sample_lost_capitals(sample, tokens if sample is text else None)


def sample_lost_capitals(sample: str, tokens: Collection[str] | None = None) -> bool:
    """`lost_capitals` on the sample it takes of a text (a text streamed in pieces gives its own).

    `tokens`, when given, are the sample's distinct white-space separated tokens (`set(sample.split())`).
    """
    lower_starts = len(_LOWER_SENTENCE_START.findall(sample))
    if lower_starts >= 3 and lower_starts >= len(_CAPITAL_SENTENCE_START.findall(sample)):
        return True  # the sentences lost their capitals
    # Or the names did. Each distinct token counts (two that strip to the same word count twice), and the
    # tokens are looked up in C first: this runs on every file, and few tokens are names.
    gazetteer = _names("gazetteer")
    words = [token.strip(TOKEN_EDGES) for token in (set(sample.split()) if tokens is None else tokens)]
    lower_names = sum(1 for word in [w for w in words if w in gazetteer] if len(word) > 2 and word.islower())
    if lower_names < 3:
        return False
    upper_names = sum(1 for word in words if word[:1].isupper() and len(word) > 2 and word.lower() in gazetteer)
    return lower_names >= 2 * upper_names


def is_lower_cased(view: TextView) -> bool:
    """`lost_capitals` of the view's document: decided once by the engine, or here for a lone view."""
    if LOWER_CASED not in view.memo:
        view.memo[LOWER_CASED] = lost_capitals(view.text)
    return bool(view.memo[LOWER_CASED])


def find_proper_nouns(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """Countries, cities, nationalities, days, months, institutions written in lower case."""
    if not is_lower_cased(view):
        return
    gazetteer = _names("gazetteer")
    matcher, keys = _gazetteer_matcher()
    folded, text = view.folded, view.text
    spans = []
    for key_index, start, end in matcher.find_matches_as_indexes(folded.folded):  # leftmost, non-overlapping
        o_start, o_end = folded.to_original(start), folded.to_original(end - 1) + 1
        before = text[o_start - 1] if o_start else " "
        after = text[o_end] if o_end < len(text) else " "
        if before.isalnum() or before in "'’" or after.isalnum():
            continue  # inside a word; a hyphen is a boundary: "moscow-affiliated", "anti-american"
        original = text[o_start:o_end]
        if not original.islower():
            continue  # already capitalised (or shouted): leave it
        spans.append((o_start, original, gazetteer[keys[key_index]]))
    for start, original, proper in spans:
        # keep the original's white space (a name may be wrapped over two lines)
        suggestion = "".join(p if o.isalpha() else o for o, p in zip(original, proper)) \
            if len(original) == len(proper) else proper
        yield _finding(start, original, suggestion, "proper-noun-case", PROPER_NOUN_CONFIDENCE,
                       "a proper noun lost its capitals")


_US = re.compile(r"(?:^|(?<=[^\w'’-]))(us|Us)(?=[ \t]+([a-z]+)|[^\w'’-]|$)")


def find_us(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """"us" that is the country: "the us said", "us forces", "his us counterpart"."""
    if not is_lower_cased(view):
        return
    text = view.text
    for match in _US.finditer(text):
        start = match.start(1)
        before = text[max(0, start - 6) : start].lower()
        following = match.group(2) or ""
        if before.endswith(("the ", "[the ", "(the ")) or following in _US_NOUNS or following.endswith("-led"):
            yield _finding(start, match.group(1), "US", "proper-noun-case", PROPER_NOUN_CONFIDENCE,
                           "'us' here is the United States")


_PRONOUN_I = re.compile(r"(?<![\w'’-])(i)(?=['’](?:m|ve|ll|d)\b|[^\w'’-]|$)")
_MONTH_DATE = re.compile(r"(?<![\w'’-])(march|may)(?= +(?:\d{1,2}(?:st|nd|rd|th)?|(?:19|20)\d\d)\b)"
                         r"|(?<=\d )(march|may)\b|(?<=\d(?:st|nd|rd|th) )(march|may)\b")


def find_proper_noun_case(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """Gazetteer proper nouns, the country "US", the pronoun "I", dated months, in lower-cased text."""
    yield from find_proper_nouns(view, lexicon)
    yield from find_us(view, lexicon)
    if not is_lower_cased(view):
        return
    for match in _PRONOUN_I.finditer(view.text):
        yield _finding(match.start(1), "i", "I", "proper-noun-case", PROPER_NOUN_CONFIDENCE,
                       "the pronoun 'I' is a capital")
    for match in _MONTH_DATE.finditer(view.text):
        group = next(g for g in (1, 2, 3) if match.group(g))
        month = match.group(group)
        yield _finding(match.start(group), month, month.title(), "proper-noun-case", PROPER_NOUN_CONFIDENCE,
                       "a month before or after a date")


def _capitalise_name(word: str) -> str:
    """"ullyot" -> "Ullyot", "al-assad" -> "al-Assad", "o'neill" -> "O'Neill"."""
    for particle in _NAME_PARTICLES:
        if word.startswith(particle) and len(word) > len(particle):
            return particle + _capitalise_name(word[len(particle) :])
    parts = re.split(r"(['’-])", word)
    # "o'neill" -> "O'Neill", but "glazer's" -> "Glazer's": a short piece after an apostrophe is a suffix
    return "".join(
        part[:1].upper() + part[1:] if part.isalpha() and not (i > 0 and parts[i - 1] in "'’" and len(part) <= 2)
        else part
        for i, part in enumerate(parts)
    )


def _name_like(word: str, lexicon: Lexicon) -> bool:
    """A surname-list entry that is not an everyday word, or a word English does not know."""
    if word in _NEVER_NAMES or not word.replace("-", "").replace("'", "").isalpha():
        return False
    if word.startswith(_NAME_PARTICLES) or word not in lexicon:
        return True
    return word in _names("surnames") and lexicon.count(word) < 5_000_000


def find_person_names(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """Names after a title ("mr heller", "president bashar al-assad") and first name + surname ("john ullyot")."""
    if not is_lower_cased(view):
        return
    text, lower = view.text, view.lower
    first_names = _names("first-names")
    reported: set[int] = set()

    def report(start: int, word: str, message: str) -> Iterator[Finding]:
        original = text[start : start + len(word)]
        if original.islower() and start not in reported:
            reported.add(start)
            yield _finding(start, original, _capitalise_name(original), "name-case", NAME_CONFIDENCE, message)

    for match in _TITLE_AND_NAME.finditer(lower):
        if match.start() and lower[match.start() - 1].isalnum():
            continue
        title = lower[match.start() : match.end()].split()[0].rstrip(".")
        first = match.group(1)
        # After "mr"/"dr" the next word is a surname, whatever else it means ("mr brown", "mr assad").
        personal = title in _PERSONAL_TITLES
        if first in _NEVER_NAMES or not (personal or _name_like(first, lexicon) or first in first_names):
            continue
        if title in _CAPITALISED_TITLES and text[match.start()].islower():
            yield _finding(match.start(), text[match.start() : match.start() + len(title)],
                           _CAPITALISED_TITLES[title], "name-case", NAME_CONFIDENCE, "a title before a name")
        yield from report(match.start(1), first, "a name after a title lost its capital")
        # the name may go on: "donald trump", "bashar al-assad", "lula da silva"
        previous, position, after_particle = first, match.end(1), False
        for _ in range(3):
            following = _NEXT_WORD.match(lower, position)
            if not following:
                break
            word, position = following.group(1), following.end(1)
            if word in _PARTICLE_WORDS:
                after_particle = True  # the particle stays lower case; the name goes on after it
                continue
            continues = after_particle or previous in first_names or previous not in lexicon \
                or word.startswith(_NAME_PARTICLES)
            if not (continues and _name_like(word, lexicon)):
                break
            yield from report(following.start(1), word, "a name after a title lost its capital")
            previous, after_particle = word, False

    # every pair of neighbouring words (the look-ahead lets pairs overlap: "and john ullyot")
    for match in re.finditer(r"(?:^|(?<=[^\w'’-]))([a-z]+)(?= +([a-z][a-z'’-]*)(?![\w'’-]))", lower):
        first, second = match.group(1), match.group(2)
        if first in _NEVER_NAMES or not _name_like(second, lexicon):
            continue
        if text[match.start(1)].isupper() and second not in lexicon:
            yield from report(match.start(2), second, "a surname lost its capital")  # "Valery gerasimov"
            continue
        if first not in first_names:
            continue
        if lexicon.count(first) >= 20_000_000 and lexicon.count(second) >= 5_000_000:
            continue  # "mark", "rose", "will" are words first: "rose sharply" is no name
        yield from report(match.start(1), first, "a first name lost its capital")
        yield from report(match.start(2), second, "a surname lost its capital")


def find_sentence_starts(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """The first word of a sentence in a lower-cased text."""
    if not is_lower_cased(view):
        return
    text = view.text
    for match in _SENTENCE_START.finditer(text):
        group = 1 if match.group(1) else 2
        start = match.start(group)
        if text[start].isupper():
            continue
        if group == 1 and (text[max(0, match.start() - 1) : match.start() + 1] == ".." or
                           text[match.start() + 1] in "\"”’'"):
            continue  # "... and then", '"Why?" he said': the sentence goes on
        if group == 1 and _ABBREVIATION_BEFORE.search(text, max(0, match.start() - 8), match.start() + 1):
            continue  # "u.s. officials", "mr. heller"
        end = start
        while end < len(text) and (text[end].isalpha() or text[end] in "'’"):
            end += 1
        word = text[start:end]
        yield _finding(start, word, word[0].upper() + word[1:], "sentence-case", SENTENCE_CONFIDENCE,
                       "a sentence starts with a capital")
