"""Mechanical repairs: the damage spinners and scrapers leave besides word swaps.

Each rule is a `Detector` (`respin.detectors.base`, the protocol plugins implement too)
registered in `RULES`, with examples
that must fire (and the text they must produce) and examples that must stay
quiet; `tests/test_rules.py` runs all of them and fails on a rule without
examples. A rule's `find` gets a `TextView` and the shared lexicon and yields
findings; it does no I/O of its own.

Rules run over multi-megabyte inputs, so each one first looks for a cheap,
literal trigger in the lower-cased text (or in the set of distinct words) and
only then does per-match work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from respin.detectors import case_rules, evidence, reverse_spin, tortured
from respin.detectors.base import Detector
from respin.finding import Category, Finding
from respin.language.casing import carry_case
from respin.language.dictionary import GAZETTEER, name_map
from respin.language.lexicon import Lexicon, shared_lexicon
from respin.textview import TextView, is_word_char, starts_sentence


def _finding(start: int, text: str, suggestion: str, rule: str, category: Category,
             confidence: float, message: str, autofix: bool = True) -> Finding:
    return Finding(start, start + len(text), text, (suggestion,), rule, category,
                   confidence, message, autofix)


def _starts_word(text: str, start: int) -> bool:
    """True when `start` is not inside a word (the text's start counts)."""
    return start == 0 or not is_word_char(text[start - 1])


def _occurrences(text: str, token: str) -> Iterator[int]:
    """Offsets where `token` stands as a whole word (not inside a longer word, URL or address)."""
    start = text.find(token)
    while start != -1:
        end = start + len(token)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not is_word_char(before) and before not in "@./" and not is_word_char(after) and after != "@" \
                and not (after == "." and end + 1 < len(text) and text[end + 1].isalnum()):
            yield start
        start = text.find(token, end)


# --- joined words ---------------------------------------------------------------------

# Words a scraper or spinner glues to a neighbour ("attemptedto", "thecasualties").
# Prefix-like words ("on", "over", "a", "in", "be") are left out: "onwards",
# "overbalancing", "prima" are words, not joins.
JOIN_LEADING = frozenset("the of and to that this with from their these those which who was were has have had".split())
JOIN_TRAILING = frozenset("the to of and that with from was were has have had their".split())


def find_joined_words(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """Lower-case tokens that are no word but split cleanly into two known words."""
    unknown = view.words_not_in(lexicon.counts)
    candidates = [w for w in unknown if len(w) >= 5 and w.isalpha() and w.islower()]
    for token in sorted(candidates):
        parts = lexicon.segment(token, max_parts=2)
        if not parts or len(parts) != 2:
            continue
        confidence = _join_confidence(parts, lexicon)
        if not confidence:
            continue
        for start in _occurrences(view.text, token):
            yield _finding(start, token, " ".join(parts), "joined-words", Category.JOINED, confidence,
                           "words run together")


def _join_confidence(parts: list[str], lexicon: Lexicon) -> float:
    """How sure a two-word split is a lost space; 0 where a rare word or a compound is likelier.

    A function word glued to a common word is almost never a real word. Two content
    words are trusted only when the first is inflected ("unverifiedvideos"):
    English compounds rarely inflect their first part ("greenlight", "ringtones").
    """
    first, second = parts
    if first in JOIN_LEADING and second not in JOIN_LEADING | JOIN_TRAILING:
        content = second
    elif second in JOIN_TRAILING and first not in JOIN_LEADING | JOIN_TRAILING:
        content = first
    else:
        content = ""
    if content:
        return 0.9 if len(content) >= 4 and lexicon.count(content) >= 100_000 else 0.0
    inflected_first = first.endswith(("ed", "ing", "ly")) and not first.endswith(("eed", "ling"))
    common = min(len(first), len(second)) >= 4 and min(lexicon.count(first), lexicon.count(second)) >= 200_000
    return 0.7 if inflected_first and common else 0.0


# --- a / an ---------------------------------------------------------------------------

# One pattern per character that can precede an article, each starting with a literal
# so the regex engine can skip ahead (a look-behind would be tried at every position).
_ARTICLE_PATTERNS = tuple(
    (char, re.compile(rf"{re.escape(char) if char else '^'}(a)[ \t]+([aeiouh][a-z]*)(?![\w'’\-])"
                      rf"|{re.escape(char) if char else '^'}(an)[ \t]+([a-z]+)(?![\w'’\-])"))
    for char in (" ", "\n", "\t", "", '"', "“", "‘", "(", "[")
)
# vowel-letter words that start with a consonant sound: "a united", "a one-off"
_CONSONANT_SOUND = re.compile(
    r"^(?:uni(?!n|mp|mag|d|ntell)|unanim|use|usu|uti|ura|uro|ure|euro?|eu|ewe|one(?!r|st)|once|ouija|ukr"
    r"|us$|uk$|un$)"  # "a us court" in lower-cased text is "a US court"
)
# consonant-letter words that start with a vowel sound: "an hour", "an honest"
_VOWEL_SOUND = re.compile(r"^(?:hour|honest|honou?r|heir)")
_PRECEDED_BY_LABEL = re.compile(
    r"(?:type|class|grade|plan|series|vitamin|section|part|category|item|point|option|model|group|league|"
    r"division|tier|level|exhibit|appendix|schedule|form|box|block|line|route|platform|row|from|to)[ \t]*$"
)


def find_article_mismatch(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """`a` before a vowel sound or `an` before a consonant sound."""
    text, lower = view.text, view.lower
    for char, pattern in _ARTICLE_PATTERNS:
        if char not in lower:  # ("" is in every text: the pattern for the text's start)
            continue
        for match in pattern.finditer(lower):
            group = 1 if match.group(1) else 3
            word = match.group(group + 1)
            wants_an = bool(_VOWEL_SOUND.match(word)) or (word[0] in "aeiou" and not _CONSONANT_SOUND.match(word))
            if wants_an == (group == 3) or word not in lexicon:
                continue
            if word[0] == "h" and not wants_an:
                continue  # British "an historic", "an hotel": accepted usage
            start = match.start(group)
            article = text[start : match.end(group)]
            spelled = text[match.start(group + 1) : match.end(group + 1)]
            if len(spelled) > 1 and spelled.isupper():
                continue  # an acronym: "an MP", "a US court", "an REM spokesman" depend on its letters
            if _PRECEDED_BY_LABEL.search(lower, max(0, start - 20), start):
                continue  # "plan A", "from A to B"
            if article == "A" and not starts_sentence(text, start):
                continue
            wanted = carry_case(article, "an" if wants_an else "a")
            yield _finding(start, article, wanted, "a-an", Category.ARTICLE, 0.9,
                           f"'{wanted}' goes before '{text[match.start(group + 1) : match.end(group + 1)]}'")


# --- lost possessive apostrophes ------------------------------------------------------

_TITLE_POSSESSIVE = tuple(
    (title, re.compile(rf"{title}\.? +([a-z]+?)s +([a-z]+)\b")) for title in ("mr", "mrs", "ms", "dr")
)
#: Nouns a person's name is possessive of ("mr trumps decision"); "mr gates pledged" is a name.
_POSSESSED = frozenset(
    "decision decisions administration government campaign party plan plans policy policies comments "
    "remarks speech statement wife husband son daughter family father mother brother sister office "
    "spokesman spokeswoman lawyer lawyers team company firm allies supporters critics supporter "
    "election victory defeat move call tweet tweets visit presidency term leadership role approach "
    "aides aide successor predecessor book career life death".split()
)


def _gazetteer() -> dict[str, str]:
    return name_map(GAZETTEER)


def _lexicon_counts() -> dict[str, str]:
    return shared_lexicon().counts


def find_lost_possessive(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """`russias military`, `octobers decision`, `mr trumps decision`: a possessive without its apostrophe."""
    names = _gazetteer()
    text = view.text
    candidates = [
        w for w in view.words_not_in(lexicon.counts)
        if len(w) > 3 and w.endswith("s") and w.isalpha() and w[:-1].lower() in names
        and w.lower() not in names and w.lower() not in lexicon
    ]
    for token in sorted(candidates):
        stem = token[:-1]
        proper = names[stem.lower()]
        spelled = proper if stem.islower() or stem.istitle() else stem
        for start in _occurrences(text, token):
            if not re.match(r"[ \t]+[a-z]", text[start + len(token) : start + len(token) + 3]):
                continue  # a possessive is followed by what it possesses
            if token[0].isupper() and _follows_capitalised_word(text, start):
                continue  # part of a longer name: "Aguas Argentinas"
            yield _finding(start, token, f"{spelled}'s", "lost-possessive", Category.APOSTROPHE, 0.9,
                           "possessive without its apostrophe")
    matches = (m for title, pattern in _TITLE_POSSESSIVE if title in view.lower for m in pattern.finditer(view.lower))
    for match in matches:
        stem_start = match.start(1)
        if not _starts_word(view.lower, match.start()):
            continue
        if match.group(2) not in _POSSESSED or text[match.start() : match.start() + 2] == "MS":
            continue
        stem = text[stem_start : match.end(1)]
        word = text[stem_start : match.end(1) + 1]
        name = stem[:1].upper() + stem[1:]  # after a title it is a name: "mr trumps" -> "mr Trump's"
        yield _finding(stem_start, word, f"{name}'s", "lost-possessive", Category.APOSTROPHE, 0.8,
                       "possessive without its apostrophe after a title")


def _follows_capitalised_word(text: str, start: int) -> bool:
    """True when the word before `start`, on the same line, is capitalised ("Aguas Argentinas")."""
    words = re.split(r"[\r\n]", text[max(0, start - 40) : start])[-1].split()
    return bool(words) and words[-1][:1].isupper() and words[-1][-1:].isalpha()


# --- doubled words --------------------------------------------------------------------

_REPEATABLE = frozenset(
    "had that very so no bye ha haha knock tut blah never go dum bang tom chop ding dong "
    "yeah yes well now far hip bla chin wink nudge boo hush cha tsk".split()
)


_DOUBLED_IN_FOLDED = re.compile(r" ([a-z]+) \1(?![\w'-])")  # a literal start keeps the search fast


def find_doubled_words(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """The same word twice in a row ("the the"), except doubles English uses."""
    folded, text = view.folded, view.text
    for match in _DOUBLED_IN_FOLDED.finditer(" " + folded.folded):  # the space lets line one match
        match_start, match_end = match.start(1) - 1, match.end() - 1
        word = match.group(1)
        if word in _REPEATABLE:
            continue
        start, stop = folded.to_original(match_start), folded.to_original(match_end - 1) + 1
        first, second = text[start : start + len(word)], text[stop - len(word) : stop]
        if first[0].isupper() and second[0].isupper():
            continue  # names such as "Duran Duran", "Sirhan Sirhan"
        yield _finding(start, text[start:stop], first, "doubled-word", Category.REPEAT, 0.9,
                       f"'{first}' twice in a row")


# --- "ended up being" for "was" -------------------------------------------------------

_ENDED_UP_BEING = re.compile(
    r"ended up being(?=\s+(?:[a-z]+ly\s+)?(?:[a-z]+(?:ed|wn|ght)|taken|given|seen|done|known|shown|chosen|"
    r"driven|beaten|broken|spoken|stolen|written|forgotten|hidden|eaten|fallen|frozen|sworn|torn|worn)\b)"
)
_PLURAL_SUBJECT = re.compile(r"(?:they|we|you|these|those|both|troops|forces|soldiers|people)\s+$")


def find_ended_up_being(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """Spinners turn passive "was notified" into "ended up being notified"."""
    for match in _ENDED_UP_BEING.finditer(view.lower):
        start = match.start()
        if not _starts_word(view.lower, start):
            continue
        plural = _PLURAL_SUBJECT.search(view.lower, max(0, start - 20), start)
        matched = view.text[start : match.end()]
        yield _finding(start, matched, carry_case(matched, "were" if plural else "was"), "ended-up-being",
                       Category.FINGERPRINT, 0.7, "spinner rewrite of a passive 'was'")


# --- grammar the spinner broke ----------------------------------------------------------

_MONTH_NAMES = "january|february|march|april|june|july|august|september|october|november|december"
_YEAR = re.compile(r" (?:19|20)\d\d\b")  # a literal start: far faster than a pattern per month
_AT_OR_ON_MONTH = re.compile(rf"(?:^|[^\w'’-])(at|on) +(?:{_MONTH_NAMES})$")


def find_month_preposition(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """"at february 2018": a month with its year takes "in" (spinners swap prepositions)."""
    lower = view.lower
    for year in _YEAR.finditer(lower):
        before = _AT_OR_ON_MONTH.search(lower, max(0, year.start() - 16), year.start())
        if before:
            word = view.text[before.start(1) : before.end(1)]
            yield _finding(before.start(1), word, carry_case(word, "in"), "month-preposition",
                           Category.FINGERPRINT, 0.9, "a month and year take 'in'")


_WHENEVER = re.compile(r",\s+(whenever)\b")
_DATE_BEFORE = re.compile(rf"(?:(?:19|20)\d\d|{_MONTH_NAMES}|yesterday|last year|last week|last month)$")


def find_date_whenever(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """"in february 2018, whenever troops...": one dated event is "when", not "whenever"."""
    for match in _WHENEVER.finditer(view.lower):
        if _DATE_BEFORE.search(view.lower, max(0, match.start() - 12), match.start()):
            start = match.start(1)
            word = view.text[start : match.end(1)]
            yield _finding(start, word, carry_case(word, "when"), "date-whenever", Category.FINGERPRINT, 0.85,
                           "a single dated event: 'when', not 'whenever'")


_WHOM_VERB = re.compile(
    r"whom\s+(?:is|are|was|were|has|have|had|will|would|can|could|said|says|sent|told|made|took|went|came|"
    r"did|does|lives|lived|died|became|wants|wanted)\b"
)
_WHOM_AS_OBJECT = re.compile(r"(?:of|to|by|for|with|from|about|whom)\s+$")


def find_whom_subject(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """"foreign powers whom sent troops": a subject is "who" (spinners swap who/whom)."""
    for match in _WHOM_VERB.finditer(view.lower):
        start = match.start()
        if not _starts_word(view.lower, start):
            continue
        if _WHOM_AS_OBJECT.search(view.lower, max(0, start - 8), start):
            continue  # "many of whom are": whom is the object of "of"
        word = view.text[start : start + 4]
        yield _finding(start, word, carry_case(word, "who"), "whom-subject", Category.FINGERPRINT, 0.85,
                       "'whom' cannot be the subject of a verb")


_GERUND_FRAMES = tuple(
    (frame, re.compile(rf"{frame} +([a-z]+)\b"))
    for frame in ("instrumental in", "capable of", "prevented from", "refrained from", "succeeded in", "persisted in")
)


def _gerund(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    return verb + "ing"


def find_bare_verb_after_frame(view: TextView, lexicon: Lexicon) -> Iterator[Finding]:
    """"instrumental in fight": frames that take an -ing form lost it in the spin."""
    matches = (m for frame, pattern in _GERUND_FRAMES if frame in view.lower for m in pattern.finditer(view.lower))
    for match in matches:
        verb = match.group(1)
        gerund = _gerund(verb)
        if verb in _NOT_VERBS or lexicon.count(gerund) < 1_000_000 or lexicon.count(verb) < 1_000_000:
            continue
        start = match.start(1)
        word = view.text[start : match.end(1)]
        yield _finding(start, word, carry_case(word, gerund), "bare-verb", Category.FINGERPRINT, 0.75,
                       "this phrase takes the -ing form of the verb")


#: Words that follow the frames as nouns or determiners, whatever their -ing form.
_NOT_VERBS = frozenset("the a an this that these those his her its their our your my some any all "
                       "such being having doing getting".split())


RULES: tuple[Detector, ...] = (
    Detector(
        "joined-words", Category.JOINED, "words run together by a scraper or spinner",
        find_joined_words,
        fires_on=(
            ("officials attemptedto stop the patrol", "officials attempted to stop the patrol"),
            ("how that caused thecasualties.", "how that caused the casualties."),
            ("unverifiedvideos uploaded on social media", "unverified videos uploaded on social media"),
        ),
        quiet_on=(
            "the ringtones market", "John Ullyot said", "see www.bbc.co.uk/news", "mail me at a@b.com",
            "from 2000 onwards", "a prima ballerina", "the onstart of winter", "an overbalancing economy",
            "the Thecasualties Trust", "the well-knownname", "an aside", "the militaries",
            "a greenlight", "russias",
        ),
        resources=(_lexicon_counts,),
    ),
    Detector(
        "a-an", Category.ARTICLE, "'a' before a vowel sound, 'an' before a consonant sound",
        find_article_mismatch,
        fires_on=(
            ("hit an united states armoured vehicle", "hit a united states armoured vehicle"),
            ("it was a unusual move", "it was an unusual move"),
            ("An car hit the wall.", "A car hit the wall."),
            ("waited a hour", "waited an hour"),
            ("in an bid to help", "in a bid to help"),
        ),
        quiet_on=(
            "a university", "an hour", "a one-off payment", "a European deal", "an historic win",
            "a unanimous vote", "Plan A is fine", "an unidentified man", "a useful tool", "an MP said",
            "vitamin A", "a hotel", "a US court", "a us court", "an REM spokesman", "a UK firm",
        ),
        resources=(_lexicon_counts,),
    ),
    Detector(
        "lost-possessive", Category.APOSTROPHE, "a possessive that lost its apostrophe",
        find_lost_possessive,
        fires_on=(
            ("the head of russias military", "the head of Russia's military"),
            ("since last octobers decision", "since last October's decision"),
            ("mr trumps decision last year", "mr Trump's decision last year"),
        ),
        quiet_on=("the americas cup", "Russia's military", "the two russias", "Mr Trump's plan", "mr jones said",
                  "Mr Gates pledged $750m", "Aguas Argentinas signed", "MS sufferers in Canada"),
        resources=(_lexicon_counts, _gazetteer),
    ),
    Detector(
        "doubled-word", Category.REPEAT, "the same word twice in a row",
        find_doubled_words,
        fires_on=(("it was the the end", "it was the end"), ("in in\nthe morning", "in\nthe morning")),
        quiet_on=("he had had enough", "Duran Duran played", "that that is", "the theme"),
    ),
    Detector(
        "ended-up-being", Category.FINGERPRINT, "'ended up being' + participle for a passive 'was'",
        find_ended_up_being,
        fires_on=(
            ("the decision ended up being extensively criticised", "the decision was extensively criticised"),
            ("[the us] ended up being notified before", "[the us] was notified before"),
        ),
        quiet_on=("he ended up being late", "it ended up being a draw", "it ended up being open"),
    ),
    Detector(
        "month-preposition", Category.FINGERPRINT, "'in' before a month and year",
        find_month_preposition,
        fires_on=(("the event was at february 2018, when", "the event was in february 2018, when"),
                  ("On March 2004 the firm", "In March 2004 the firm")),
        quiet_on=("at march 15 2004", "on 2 March 2004", "in February 2018", "at February's meeting"),
    ),
    Detector(
        "date-whenever", Category.FINGERPRINT, "'when' for a single dated event",
        find_date_whenever,
        fires_on=(("in february 2018, whenever american troops", "in february 2018, when american troops"),),
        quiet_on=("he calls whenever he can", "in 2018, when troops", "whenever, wherever"),
    ),
    Detector(
        "whom-subject", Category.FINGERPRINT, "'who' as the subject of a verb",
        find_whom_subject,
        fires_on=(("foreign powers whom sent their troops", "foreign powers who sent their troops"),
                  ("Whom said that?", "Who said that?")),
        quiet_on=("many of whom are children", "to whom it was sent", "whom he met", "people with whom we had"),
    ),
    Detector(
        "bare-verb", Category.FINGERPRINT, "an -ing form after 'instrumental in', 'capable of', ...",
        find_bare_verb_after_frame,
        fires_on=(("instrumental in fight islamist militants", "instrumental in fighting islamist militants"),
                  ("capable of make the trip", "capable of making the trip")),
        quiet_on=("instrumental in the fight", "capable of fighting", "instrumental in peace talks",
                  "succeeded in business"),
        resources=(_lexicon_counts,),
    ),
    Detector(
        reverse_spin.RULE, Category.ENTITY,
        "a name of three words or more with words swapped for thesaurus neighbours (for review)",
        reverse_spin.find_reverse_spun_names,
        fires_on=(
            ("the mutual chiefs of team met on monday", "the mutual chiefs of team met on monday"),
            ("a nationwide protection council meeting", "a nationwide protection council meeting"),
            ("the global monetary fund said", "the global monetary fund said"),
        ),
        quiet_on=(
            "the Joint Chiefs of Staff met", "the national security council said", "military forces attacked",
            "the Federal Security Council said", "the joint chiefs, staff and guests", "shared chiefs\n\nof staff",
            "the perceived influence of human rights groups",
        ),
        gate=evidence.looks_spun,
        resources=(reverse_spin.anchors, reverse_spin.learned_swaps),
    ),
    Detector(
        tortured.RULE, Category.SCIENTIFIC,
        "a scientific term with words swapped the way paper mills swap them (for review)",
        tortured.find_tortured_phrases,
        fires_on=(
            ("we found 77 percent exactness", "we found 77 percent exactness"),
            ("we apply a priori credibility here", "we apply a priori credibility here"),
        ),
        quiet_on=(
            "we used a support vector machine", "the support vectors were found", "the two years of growth",
            "sensitive information", "developing countries", "counterfeit consciousness",
        ),
        gate=evidence.reads_as_research,
        resources=(tortured.vocabulary,),
    ),
    Detector(
        "proper-noun-case", Category.CASE, "countries, nationalities, days, institutions, 'US' in lower-cased text",
        case_rules.find_proper_noun_case,
        fires_on=(
            ("it rained. russia blamed the united states on wednesday. the us said its us forces stayed. "
             "moscow-affiliated soldiers left. i think so, i'm sure. it was in march 2005.",
             "it rained. Russia blamed the United States on Wednesday. the US said its US forces stayed. "
             "Moscow-affiliated soldiers left. I think so, I'm sure. it was in March 2005."),
        ),
        quiet_on=(
            "Russia blamed the United States on Wednesday. The US said it stayed. Officials told us nothing.",
            "it rained. they told us about it. he gave us time. she sent us away. we left.",
            "The turkey was cooked. The china was broken. Russian officials spoke.",
        ),
        resources=case_rules.RESOURCES,
    ),
    Detector(
        "name-case", Category.CASE, "people's names in lower-cased text",
        case_rules.find_person_names,
        fires_on=(
            ("it rained. he met mr heller and john ullyot. then president bashar al-assad spoke. we left.",
             "it rained. he met Mr Heller and John Ullyot. then president Bashar al-Assad spoke. we left."),
            ("it rained. fans backed mr glazer's bid and mr brown's plan. we left.",
             "it rained. fans backed Mr Glazer's bid and Mr Brown's plan. we left."),
            ("it rained. president lula da silva spoke. we left.",
             "it rained. president Lula da Silva spoke. we left."),
        ),
        quiet_on=(
            "It rained. He met Mr Heller and John Ullyot. Then President Bashar al-Assad spoke.",
            "it rained. prices will rise. they mark the date. the rose garden opened. we left.",
        ),
        resources=case_rules.RESOURCES,
    ),
    Detector(
        "sentence-case", Category.CASE, "the first word of a sentence in lower-cased text",
        case_rules.find_sentence_starts,
        fires_on=(
            ("the talks failed. this allowed russia to grow. in response, officials left.",
             "The talks failed. This allowed russia to grow. In response, officials left."),
            ('it rained. growth of 0.1%... in march. "why?" he asked. we left.',
             'It rained. Growth of 0.1%... in march. "Why?" he asked. We left.'),
        ),
        quiet_on=(
            "The talks failed. This allowed Russia to grow. In response, officials left.",
            "See e.g. the report. It said so.",
        ),
        resources=case_rules.RESOURCES,
    ),
)
