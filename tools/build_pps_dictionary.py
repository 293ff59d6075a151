"""Build `dictionaries/scientific-pps.txt` and `scientific-pps-uncertain.txt` from the PPS list.

Input: the Problematic Paper Screener (PPS) tortured-phrase list, 2025-11 snapshot, a CSV
with the columns `tortured_phrase,expected_phrase,num_papers` (github hahuyhoang411/
tortured-phrase, data/tortured.csv; MIT repository, the fingerprints are PPS's: Cabanac,
Labbé & Magazinov 2021).

`tortured_phrase` is a PPS query. It is parsed (`parse_query`) and turned into one
dictionary entry per key phrase (`convert_row`):

* `"a"`                       key `a`
* `"a" AND "b"`, `"a" AND b`  key `a` ;; requires "b"   (unquoted words form one phrase)
* `"a" AND ("b" OR "c")`      key `a` ;; requires "b" | "c"
* `"a" NOT "b"`, `NOT b`      key `a` ;; excludes "b"
* `"a b"~N` (the key)         key `a b` ;; within N     (single-word key: ~N is ignored)
* `"a" OR "b" ...`            one entry per key phrase, each with the shared conditions
* `optimiz*`                  requires "optimiz*": conditions match whole words, and a
                              trailing * makes the phrase a prefix
* `NOT "a b c"~N`             excludes each word of the phrase that is not in the key
                              (wider than PPS: missing a flag beats a false alarm)
* `AND "a b c"~N`             dropped when its words are already required by the key and
                              the other terms, else `requires` each of its words
* `ADN` (a typo in the list)  read as AND

`expected_phrase` is cleaned into suggestions (`clean_expected`), keeping PPS's spelling:

* acronyms and glosses in parentheses at the start or end are dropped
  (`back propagation (BP)` -> `back propagation`); when the key itself ends with an
  acronym, `data technology (IT)`, the suggestion keeps or regains it;
  `NGS (Next-Generation Sequencing)` for a spun expansion becomes the expansion;
* a single inner word in parentheses or any inner `[words]` is optional: both
  readings are offered for review (`supervised (machine) learning`);
  words glued to a parenthesis, `function(s)`, likewise;
* `a/b`, `a or b` and `A OR B` become several suggestions for review;
* `[...]` placeholders are dropped and the entry needs review; commas (lists) are
  removed from the suggestion and the PPS wording becomes the review reason;
* `X, see URL` keeps the reference as the review reason; caveats in parentheses
  ("could be either", "caveat: ...") make the entry need review;
* `?`, `(?)` mark uncertain wording: the entry goes to scientific-pps-uncertain.txt,
  never auto-fixable; `???` alone, or a `?` standing for a word, leaves no usable
  suggestion and the row is skipped.

Rows are skipped when the key cannot be written as a dictionary key (a comma-separated
list, or characters such as en dashes that the key format does not allow), when no
usable suggestion is left, or when the suggestion equals the key. Keys that are also
ordinary English (`ORDINARY_ENGLISH`) are made review-only. Duplicate keys are merged
(`merge_duplicates`), and a suggestion that is itself a key is followed to that key's
suggestion, for review (`break_cycles`). Every line written is checked with respin's
own parser (`respin.language.dictionary.parse_line`).

Run: python tools/build_pps_dictionary.py [CSV]
(default CSV: ../shared/data/pps-tortured-phrases-2025-11.csv relative to the repo root)
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import product
from pathlib import Path

from respin.language.dictionary import DictionaryError, parse_line

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = ROOT.parent / "shared" / "data" / "pps-tortured-phrases-2025-11.csv"
OUT_DIR = ROOT / "dictionaries"
CERTAIN_NAME = "scientific-pps"
UNCERTAIN_NAME = "scientific-pps-uncertain"

UNCERTAIN_REASON = "canonical wording uncertain in PPS"
ORDINARY_REASON = "also ordinary English"

#: Expected values that are prose rather than wording, resolved by hand. The value is
#: fed to `clean_expected` in place of the PPS text; None means "no usable wording".
_PUBPEER = "https://pubpeer.com/publications/"
OVERRIDES: dict[str, str | None] = {
    f"The word ‘are’ as in the conjugated verb ‘be’, see {_PUBPEER}57C388D664E1F25E918F2D2CE623D5#2": (
        f"are, see {_PUBPEER}57C388D664E1F25E918F2D2CE623D5#2"
    ),
    f"paraphrased versions of the words ‘an’ and ‘are’ (see {_PUBPEER}38119B560544003CFD49520629BEEC)": (
        f"an, see {_PUBPEER}38119B560544003CFD49520629BEEC"
    ),
    "Search and replace of cell -> mobile": "cellular",
    f"meaning unclear, see {_PUBPEER}D6459EF8B2A77D0B989C9D2B5ECC26": None,
    # alternatives written like lists or half-shared: spelled out so the rules read them
    "structure, structural features": "structure / structural features",
    "is in accord, correlates": "is in accord / correlates",
    "rectified linear unit, ReLU": "rectified linear unit (ReLU)",
    "sensitive customer/user data": "sensitive customer data / sensitive user data",
    "an incredible/ a staggering need": "an incredible need / a staggering need",
}

#: Keys without a `requires` condition that are also ordinary English, made review-only
#: ("also ordinary English"). Every key was counted whole-word in 2,173 clean BBC News
#: articles (2004-2005; evaluation data, read by a throwaway script and not copied):
#: no key without a condition occurs more than once, so none is dropped; the three that
#: occur at all are here (after "gross", the GDP fix would even double the word).
#: The 141 single-word keys were read by hand: those without a condition are hyphenated
#: compounds or non-words except two rare English words, also here. Everyday words
#: (bosom, brilliant, ruinous, ...) all carry a PPS condition.
ORDINARY_ENGLISH: frozenset[str] = frozenset(
    {
        "brilliant machine",  # in clean news
        "domestic output (gdp)",  # in clean news
        "keen gadget",  # in clean news
        "indagation",  # an English word (investigation)
        "thimbleful",  # an English word
    }
)

_OPERATORS = {"AND": "AND", "ADN": "AND", "OR": "OR", "NOT": "NOT"}
_TOKEN = re.compile(
    r'\s*(?:"(?P<quoted>[^"]*)"(?:~(?P<slop>\d+))?'
    r"|(?P<paren>[()])"
    r"|(?P<word>[^\s\"()]+)(?:~(?P<wslop>\d+))?)"
)
_ACRONYM = re.compile(r"^(?=[^\s]*[A-Z][^\s]*[A-Z0-9]|[^\s]*[0-9][^\s]*[A-Z])[\w&+/.'\-]+$")
_CAVEAT = re.compile(r"\b(caveat|could be|possibly|please note|in this context|sometimes)\b", re.IGNORECASE)
_SEE = re.compile(r",\s*(see\s+\S.*)$")
#: A ?, (?) or [?] standing for a word: "?? value", "(?) detection", "[?] countries".
_WORD_MARKER = re.compile(r"(?:^|(?<=\s))(?:\(\?+\)|\[\?+\]|\?+)(?=\s+\w)")
_DROPPED_ACRONYM = "acronym in parentheses dropped"
_DROPPED_GLOSS = "gloss in parentheses or brackets dropped"


class QueryError(ValueError):
    """A PPS query this converter cannot read."""


class Unusable(ValueError):
    """A row that yields no dictionary entry; the message is the skip reason."""


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Term:
    """One phrase of a PPS query."""

    text: str
    slop: int | None = None  # PPS proximity `~N`
    quoted: bool = True


@dataclass
class Query:
    """A parsed PPS query: alternative key phrases and the conditions they share."""

    keys: list[Term]
    requires: list[list[Term]] = field(default_factory=list)  # each group: any one must occur
    excludes: list[Term] = field(default_factory=list)  # none may occur


def _tokens(query: str) -> list[tuple[str, object]]:
    tokens: list[tuple[str, object]] = []
    pos = 0
    query = query.strip()
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if not match or match.end() == pos:
            raise QueryError(f"cannot read {query[pos:]!r}")
        pos = match.end()
        if match.group("quoted") is not None:
            slop = match.group("slop")
            tokens.append(("term", Term(match.group("quoted"), int(slop) if slop else None)))
        elif match.group("paren"):
            tokens.append((match.group("paren"), None))
        elif match.group("word") in _OPERATORS:
            tokens.append(("op", _OPERATORS[match.group("word")]))
        else:
            slop = match.group("wslop")
            word = Term(match.group("word"), int(slop) if slop else None, quoted=False)
            previous = tokens[-1][1] if tokens and tokens[-1][0] == "term" else None
            if isinstance(previous, Term) and not previous.quoted:  # unquoted words run on
                tokens[-1] = ("term", Term(f"{previous.text} {word.text}", word.slop, quoted=False))
            else:
                tokens.append(("term", word))
    return tokens


def parse_query(query: str) -> Query:
    """Parse a PPS query (phrases, AND/OR/NOT, parenthesised OR groups, `~N`)."""
    tokens = _tokens(query)
    pos = 0

    def operand() -> list[Term]:
        nonlocal pos
        if pos >= len(tokens):
            raise QueryError(f"{query!r}: operator without operand")
        kind, value = tokens[pos]
        pos += 1
        if kind == "term":
            assert isinstance(value, Term)
            return [value]
        if kind != "(":
            raise QueryError(f"{query!r}: unexpected {kind} {value or ''}")
        group = operand()
        while pos < len(tokens) and tokens[pos] == ("op", "OR"):
            pos += 1
            group += operand()
        if pos >= len(tokens) or tokens[pos][0] != ")":
            raise QueryError(f"{query!r}: unclosed parenthesis")
        pos += 1
        return group

    parsed = Query(keys=operand())
    while pos < len(tokens):
        kind, op = tokens[pos]
        if kind != "op":
            raise QueryError(f"{query!r}: two phrases without an operator")
        pos += 1
        terms = operand()
        if op == "OR" and not parsed.requires and not parsed.excludes:
            parsed.keys += terms  # "a" OR "b" AND "c": (a OR b) AND c
        elif op == "OR" and parsed.requires:
            parsed.requires[-1] += terms
        elif op == "AND":
            parsed.requires.append(terms)
        elif op == "NOT":
            parsed.excludes += terms
        else:
            raise QueryError(f"{query!r}: OR after NOT")
    return parsed


# ------------------------------------------------------------------------ phrases


def fold(text: str) -> str:
    """Lower case, straight apostrophes, single spaces: how keys are matched."""
    return " ".join(text.replace("’", "'").replace("‘", "'").replace("\xa0", " ").split()).lower()


def _condition_phrase(term: Term) -> str:
    return fold(term.text).strip()  # a trailing * stays: respin reads it as a prefix


def _quote(phrases: Iterable[str]) -> str:
    return " | ".join(f'"{p}"' for p in dict.fromkeys(phrases))


def conditions_for(query: Query, key: Term) -> tuple[str, ...]:
    """The `;;` conditions of one key phrase, as written in the dictionary."""
    key_words = set(fold(key.text).split())
    required_words = set(key_words)
    plain_groups = [g for g in query.requires if not (len(g) == 1 and g[0].slop)]
    for group in plain_groups:
        if len(group) == 1:
            required_words |= set(_condition_phrase(group[0]).split())
    conditions: list[str] = []
    for group in query.requires:
        if len(group) == 1 and group[0].slop:  # an AND'ed proximity clause
            missing = [w for w in _condition_phrase(group[0]).split() if w not in required_words]
            conditions += [f"requires {_quote([w])}" for w in missing]
        else:
            conditions.append(f"requires {_quote(_condition_phrase(t) for t in group)}")
    for term in query.excludes:
        phrase = _condition_phrase(term)
        if term.slop:
            words = [w for w in phrase.split() if w not in key_words] or phrase.split()
            conditions += [f"excludes {_quote([w])}" for w in words]
        else:
            conditions.append(f"excludes {_quote([phrase])}")
    if key.slop and len(fold(key.text).split()) > 1:
        conditions.append(f"within {key.slop}")
    return tuple(dict.fromkeys(conditions))


# ----------------------------------------------------------------- expected phrases


@dataclass(frozen=True)
class Canonical:
    """Suggestions cleaned from one `expected_phrase`."""

    suggestions: tuple[str, ...]
    review: bool = False  # several readings or changed wording: a person decides
    reason: str = ""  # shown to the reviewer; implies review
    uncertain: bool = False  # PPS marked the wording with ?
    notes: tuple[str, ...] = ()  # what was done, for the counts


@dataclass(frozen=True)
class _Group:
    bracket: str  # "(" or "["
    content: str


def _pieces(text: str) -> list[str | _Group]:
    """Split text into plain strings and balanced (...) / [...] groups."""
    pieces: list[str | _Group] = []
    buffer = ""
    i = 0
    while i < len(text):
        opening = text[i]
        if opening in "([":
            closing = ")" if opening == "(" else "]"
            depth, j = 0, i
            while j < len(text):
                depth += {opening: 1, closing: -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            if j < len(text):
                pieces += [buffer, _Group(opening, text[i + 1 : j].strip())]
                buffer, i = "", j + 1
                continue
        buffer += opening
        i += 1
    pieces.append(buffer)
    return pieces


def _is_acronym(text: str) -> bool:
    return bool(_ACRONYM.match(text.strip()))


def _tidy(text: str) -> str:
    text = text.replace('\\"', "").replace('"', "").replace("*", "").replace("\xa0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([,.;:])", r"\1", text).strip(" ,;:")


def _expand_alternatives(text: str, key: str) -> list[str]:
    """`a/b c`, `a or b c`, `A OR B`, `x / y` -> the readings, in PPS order."""
    if " OR " in text:
        return [r for part in text.split(" OR ") for r in _expand_alternatives(part.strip(), key)]
    if re.search(r"\s/|/\s", text):
        return [part.strip() for part in re.split(r"\s*/\s*", text) if part.strip()]
    if " or " in text and " or " not in f" {key} ":
        parts = text.split(" or ")
        if all(len(p.split()) > 1 for p in parts):
            return [p.strip() for p in parts]
        text = re.sub(r"(\S+) or (\S+)", r"\1/\2", text)
    if "/" not in text or "/" in key:
        return [text]
    halves = text.split("/")
    if len(halves) == 2 and all(len(h.split()) > 1 for h in halves):
        return [h.strip() for h in halves]
    words = [w.split("/") if "/" in w else [w] for w in text.split()]
    return [" ".join(choice) for choice in product(*words)]


def clean_expected(raw: str, key_text: str) -> Canonical:
    """Turn one PPS `expected_phrase` into suggestions for the key `key_text` (PPS spelling).

    Raises `Unusable` when no suggestion is left.
    """
    notes: list[str] = []
    if raw in OVERRIDES:
        resolved = OVERRIDES[raw]
        if resolved is None:
            raise Unusable("no canonical wording in PPS")
        raw, notes = resolved, ["expected value resolved by hand (OVERRIDES)"]
    key = fold(key_text)
    text = raw.replace("\xa0", " ").replace('\\"', '"').strip().strip('"').strip()
    reasons: list[str] = []

    uncertain = "?" in text
    if uncertain:
        if _WORD_MARKER.search(text):
            raise Unusable("no canonical wording in PPS")
        text = re.sub(r"\s*\(\?+\)", "", text).replace("?", "")
        reasons.append(UNCERTAIN_REASON)

    see = _SEE.search(text)
    if see:
        reasons.append(see.group(1).strip())
        notes.append('"see URL" made the reason (review)')
        text = text[: see.start()]
    if " AND " in text:  # "differential equation AND 1st order": the rest names the AND term
        text = text.split(" AND ")[0]
        notes.append("expected also names the AND term: first part kept")

    key_groups = [p for p in _pieces(key_text) if isinstance(p, _Group)]
    pieces = _pieces(text)
    whole = re.fullmatch(r"(\S+) \(([^()]+)\)", text.strip())
    if whole and not key_groups and _is_acronym(whole.group(1)) and not _CAVEAT.search(whole.group(2)):
        expansion = whole.group(2).split(",")[0].strip()
        if expansion[:1].lower() == whole.group(1)[:1].lower():
            pieces = [expansion]  # "NGS (Next-Generation Sequencing)" for a spun expansion
            notes.append("acronym replaced by its expansion")

    if not "".join(p for p in pieces if isinstance(p, str)).strip():
        raise Unusable("no canonical wording in PPS" if uncertain else "no usable suggestion")
    # a slash the acronym also has is part of the term: "gas chromatography/mass spectrometry (GC/MS)"
    keep_slash = any(isinstance(p, _Group) and "/" in p.content and _is_acronym(p.content) for p in pieces)

    readings = [""]
    paren_index = 0
    for i, piece in enumerate(pieces):
        if isinstance(piece, str):
            readings = [r + piece for r in readings]
            continue
        before = "".join(p for p in pieces[:i] if isinstance(p, str))
        after = "".join(p for p in pieces[i + 1 :] if isinstance(p, str))
        glued = (before[-1:].isalnum()) or (after[:1].isalnum())
        edge = not before.strip() or not after.strip()
        ordinal = paren_index
        if piece.bracket == "(":
            paren_index += 1
        content = piece.content
        if content in ("...", "…"):
            reasons.append(f"PPS wording has a placeholder: {_tidy(raw)}")
            notes.append("[...] placeholder dropped (review)")
        elif (
            key_groups
            and piece.bracket == "("
            and not _CAVEAT.search(content)
            and (_is_acronym(content) or ordinal < len(key_groups))
        ):
            readings = [f"{r}({content})" for r in readings]  # the key has its own (...)
        elif piece.bracket == "(" and _CAVEAT.search(content):
            reasons.append(f"PPS note: {_tidy(content)}")
            notes.append("caveat in parentheses made the reason (review)")
        elif glued:
            readings = [x for r in readings for x in (r, r + content)]
            notes.append("letters in parentheses inside a word: both readings (review)")
        elif edge:
            notes.append(_DROPPED_ACRONYM if _is_acronym(content) else _DROPPED_GLOSS)
        elif piece.bracket == "[" or (len(content.split()) == 1 and not _is_acronym(content)):
            readings = [x for r in readings for x in (r, f"{r} {content} ")]
            notes.append("optional inner words: both readings (review)")
        else:
            notes.append(_DROPPED_ACRONYM if _is_acronym(content) else _DROPPED_GLOSS)

    key_end, key_rest = (["", *_pieces(key_text)])[-2:]
    if (
        isinstance(key_end, _Group)
        and isinstance(key_rest, str)
        and not key_rest.strip()
        and _is_acronym(key_end.content)
        and not any("(" in r for r in readings)
    ):
        readings = [f"{r} ({key_end.content})" for r in readings]  # "data technology (IT)"
        notes.append("acronym of the key kept in the suggestion")

    suggestions: list[str] = []
    for reading in readings:
        reading = _tidy(reading)
        if "," in reading:
            reasons.append("PPS wording: " + reading.replace(",", ";"))
            reading = _tidy(reading.replace(",", " "))
            notes.append("comma list written without commas (review)")
        for alternative in [reading] if keep_slash else _expand_alternatives(reading, key):
            alternative = _tidy(alternative)
            if (
                any(ch.isalnum() for ch in alternative)
                and alternative.lower() != key
                and alternative.lower() not in (s.lower() for s in suggestions)
            ):
                suggestions.append(alternative)
    review = len(suggestions) > 1
    if review:
        notes.append("several suggestions (review)")
    if not suggestions:
        if uncertain or not any(ch.isalnum() for ch in text):
            raise Unusable("no canonical wording in PPS")
        if any(_tidy(r).lower() == key for r in readings):
            raise Unusable("expected phrase equals the tortured phrase")
        raise Unusable("no usable suggestion")
    reason = "; ".join(dict.fromkeys(r.replace(",", ";") for r in reasons))
    return Canonical(tuple(suggestions), review or bool(reason), reason, uncertain, tuple(notes))


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class Draft:
    """One dictionary line in the making."""

    key: str
    suggestions: tuple[str, ...]
    autofix: bool
    reason: str
    conditions: tuple[str, ...]
    uncertain: bool
    papers: int
    notes: tuple[str, ...] = ()  # how the expected phrase was cleaned, for the counts

    @property
    def within(self) -> bool:
        return any(c.startswith("within ") for c in self.conditions)

    @property
    def requires(self) -> bool:
        return any(c.startswith("requires ") for c in self.conditions)

    def line(self) -> str:
        """The entry as a dictionary line (see respin/language/dictionary.py)."""
        rhs = ", ".join(self.suggestions)
        if self.reason:
            rhs += f", {self.reason}"
        elif not self.autofix:
            rhs += ","
        return f"{self.key}->{rhs}" + "".join(f" ;; {c}" for c in self.conditions)


def _papers(value: str) -> int:
    digits = value.replace(",", "").strip()
    return int(digits) if digits.isdigit() else 0


def convert_row(tortured: str, expected: str, papers: int = 0) -> list[Draft]:
    """The dictionary entries of one PPS row. Raises `Unusable` or `QueryError`."""
    query = parse_query(tortured)
    drafts = []
    for term in query.keys:
        key = fold(term.text)
        if "," in key:
            raise Unusable("tortured phrase is a comma-separated list")
        try:
            parse_line(f"{key}->x", "key")
        except DictionaryError:
            raise Unusable("tortured phrase has characters a key cannot hold") from None
        canonical = clean_expected(expected, term.text)
        reason = canonical.reason
        drafts.append(
            Draft(
                key=key,
                suggestions=canonical.suggestions,
                autofix=not (canonical.review or canonical.uncertain),
                reason=reason,
                conditions=conditions_for(query, term),
                uncertain=canonical.uncertain,
                papers=papers,
                notes=canonical.notes,
            )
        )
    return drafts


def _with_reason(draft: Draft, reason: str) -> Draft:
    combined = "; ".join(dict.fromkeys(r for r in (draft.reason, reason) if r))
    return replace(draft, autofix=False, reason=combined)


def merge_duplicates(drafts: Sequence[Draft]) -> tuple[list[Draft], Counter[str]]:
    """One entry per key (across both files). Returns the entries and what was merged how.

    Same suggestions: an entry without conditions wins, else `requires` alternatives of
    entries that differ only there are joined, else the one with most papers stays.
    Different suggestions: a certain reading beats an uncertain one; entries with the
    same conditions are combined into one review entry; otherwise most papers wins.
    """
    stats: Counter[str] = Counter()
    by_key: dict[str, list[Draft]] = {}
    for draft in drafts:
        by_key.setdefault(draft.key, []).append(draft)
    merged: list[Draft] = []
    for group in by_key.values():
        group.sort(key=lambda d: (-d.papers, d.line()))
        if len(group) == 1:
            merged.append(group[0])
            continue
        certain = [d for d in group if not d.uncertain]
        if certain and len(certain) < len(group):
            stats["duplicate: uncertain reading dropped for a certain one"] += len(group) - len(certain)
            group = certain
        if len({(d.suggestions, d.autofix, d.reason) for d in group}) == 1:
            best = group[0]
            if all(d.conditions == best.conditions for d in group):
                stats["duplicate: identical entry dropped"] += len(group) - 1
                merged.append(best)
                continue
            if any(not d.conditions for d in group):
                stats["duplicate: conditional entry subsumed by an unconditional one"] += len(group) - 1
                merged.append(next(d for d in group if not d.conditions))
                continue
            others = {tuple(c for c in d.conditions if not c.startswith("requires ")) for d in group}
            requires = [[c for c in d.conditions if c.startswith("requires ")] for d in group]
            if len(others) == 1 and all(len(r) == 1 for r in requires):
                phrases = [p for r in requires for p in re.findall(r'"([^"]+)"', r[0])]
                conditions = (f"requires {_quote(phrases)}", *next(iter(others)))
                stats["duplicate: requires alternatives joined"] += len(group) - 1
                merged.append(replace(best, conditions=conditions))
                continue
        elif len({d.conditions for d in group}) == 1:
            suggestions = tuple(dict.fromkeys(s for d in group for s in d.suggestions))
            reasons = "; ".join(dict.fromkeys(d.reason for d in group if d.reason))
            stats["duplicate: suggestions combined for review"] += len(group) - 1
            merged.append(replace(group[0], suggestions=suggestions, autofix=False, reason=reasons))
            continue
        stats["duplicate: entry with fewer papers dropped"] += len(group) - 1
        merged.append(group[0])
    return merged, stats


def break_cycles(drafts: Sequence[Draft]) -> tuple[list[Draft], Counter[str]]:
    """Resolve suggestions that are themselves keys (PPS lists spins of spins).

    `companion in nursing` -> `Associate in Nursing`, itself a key mapped to `an`,
    becomes `companion in nursing` -> `an`, for review, naming the step in between.
    An entry whose chain loops back is dropped.
    """
    stats: Counter[str] = Counter()
    by_key = {d.key: d for d in drafts}

    def resolve(suggestion: str, seen: frozenset[str]) -> tuple[str, ...] | None:
        target = by_key.get(suggestion.lower())
        if target is None:
            return (suggestion,)
        if target.key in seen:
            return None
        resolved: list[str] = []
        for s in target.suggestions:
            step = resolve(s, seen | {target.key})
            if step is None:
                return None
            resolved += step
        return tuple(resolved)

    result = []
    for draft in drafts:
        via = [s for s in draft.suggestions if s.lower() in by_key]
        if not via:
            result.append(draft)
            continue
        resolved = [resolve(s, frozenset({draft.key})) for s in draft.suggestions]
        if any(r is None for r in resolved):
            stats["cycle: suggestion chain loops, dropped"] += 1
            continue
        suggestions = tuple(dict.fromkeys(s for r in resolved if r for s in r if s.lower() != draft.key))
        if not suggestions:
            stats["cycle: suggestion chain leads back to the key, dropped"] += 1
            continue
        stats["chain: suggestion is itself a tortured phrase, resolved for review"] += 1
        note = "PPS gives " + " / ".join(via) + " (itself a tortured phrase)"
        result.append(_with_reason(replace(draft, suggestions=suggestions), note))
    return result, stats


def mark_ordinary_english(drafts: Sequence[Draft]) -> tuple[list[Draft], Counter[str]]:
    """Make keys in `ORDINARY_ENGLISH` review-only unless PPS gave them a `requires` condition."""
    stats: Counter[str] = Counter()
    result = []
    for draft in drafts:
        if draft.key in ORDINARY_ENGLISH and not draft.requires:
            stats["ordinary English key, review only"] += 1
            draft = _with_reason(draft, ORDINARY_REASON)
        result.append(draft)
    return result, stats


# ---------------------------------------------------------------------------- build


@dataclass
class Build:
    """The two dictionary texts and the counts their headers report."""

    certain: list[Draft]
    uncertain: list[Draft]
    rows: int
    skipped: Counter[str]
    changes: Counter[str]
    notes: Counter[str]

    def counts(self) -> dict[str, int]:
        everything = self.certain + self.uncertain
        return {
            "rows": self.rows,
            "entries": len(everything),
            "certain": len(self.certain),
            "uncertain": len(self.uncertain),
            "auto-fixable": sum(d.autofix and not d.within and len(d.suggestions) == 1 for d in self.certain),
            "with conditions": sum(bool(d.conditions) for d in everything),
            "requires": sum(d.requires for d in everything),
            "excludes": sum(any(c.startswith("excludes") for c in d.conditions) for d in everything),
            "within": sum(d.within for d in everything),
            "skipped rows": sum(self.skipped.values()),
        }

    def texts(self) -> dict[str, str]:
        """The two files' contents; every line is checked with respin's parser."""
        texts = {
            CERTAIN_NAME: _render(CERTAIN_NAME, self.certain, self),
            UNCERTAIN_NAME: _render(UNCERTAIN_NAME, self.uncertain, self),
        }
        for name, text in texts.items():
            for number, line in enumerate(text.splitlines(), start=1):
                parse_line(line, f"{name}.txt:{number}")  # raises DictionaryError
        return texts


def read_rows(path: Path) -> list[tuple[str, str, int]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (r["tortured_phrase"], r["expected_phrase"], _papers(r["num_papers"]))
            for r in csv.DictReader(handle)
        ]


def build(rows: Sequence[tuple[str, str, int]]) -> Build:
    """Convert all rows, merge, and split into the certain and uncertain dictionaries."""
    drafts: list[Draft] = []
    skipped: Counter[str] = Counter()
    notes: Counter[str] = Counter()
    for tortured, expected, papers in rows:
        try:
            row_drafts = convert_row(tortured, expected, papers)
        except (Unusable, QueryError) as error:
            skipped[str(error) if isinstance(error, Unusable) else "query not understood"] += 1
            continue
        drafts += row_drafts
        notes.update({note for d in row_drafts for note in d.notes})  # once per row
    changes: Counter[str] = Counter()
    for step in (merge_duplicates, mark_ordinary_english, break_cycles):
        drafts, stats = step(drafts)
        changes += stats
    drafts.sort(key=Draft.line)
    return Build(
        certain=[d for d in drafts if not d.uncertain],
        uncertain=[replace(d, autofix=False) for d in drafts if d.uncertain],
        rows=len(rows),
        skipped=skipped,
        changes=changes,
        notes=notes,
    )


def _render(name: str, drafts: Sequence[Draft], built: Build) -> str:
    counts = built.counts()
    header = [
        f"# respin dictionary: {name}",
        "# source: Problematic Paper Screener (PPS) tortured-phrase list, 2025-11 snapshot:",
        "#   github hahuyhoang411/tortured-phrase, data/tortured.csv (MIT repository; the",
        "#   fingerprints are PPS's, Cabanac, Labbé & Magazinov 2021).",
        "# licence: MIT (the repository); the fingerprints are the Problematic Paper Screener's.",
        "# generated by tools/build_pps_dictionary.py from the 2025-11 snapshot: edit the script,",
        "#   not this file.",
    ]
    if name == UNCERTAIN_NAME:
        header += [
            f"# {len(drafts)} entries whose canonical wording PPS marks with ? or (?); never",
            f"#   auto-fixed (reason: {UNCERTAIN_REASON}).",
        ]
    else:
        review = len(drafts) - counts["auto-fixable"]
        header += [
            f"# {len(drafts)} entries: {counts['auto-fixable']} auto-fixable, {review} for review (several",
            "#   suggestions, a reason, or a within condition: respin never auto-fixes those).",
            f"#   Entries PPS marks with ? or (?) are in {UNCERTAIN_NAME}.txt ({counts['uncertain']}).",
        ]
    header += [
        (
            f"# both files: {counts['rows']} PPS rows -> {counts['entries']} entries; {counts['with conditions']}"
            f" with conditions (requires {counts['requires']}, excludes {counts['excludes']},"
            f" within {counts['within']})."
        ),
        '# queries: AND -> requires; AND (a OR b) -> requires "a" | "b"; NOT -> excludes;',
        '#   "a b"~N on the key -> within N (two words in either order, as in PPS);',
        '#   NOT "a b"~N -> excludes the words not in the key (wider than PPS); an AND\'ed',
        '#   proximity clause whose words are already required is dropped; "a" OR "b" -> one',
        '#   entry per phrase; unquoted words form one phrase; optimiz* -> requires "optimiz*"',
        "#   (conditions match whole words; a trailing * is a prefix); ADN is read as AND.",
        "# expected phrases: PPS spelling kept; acronyms and glosses in parentheses dropped",
        "#   (a key ending in an acronym keeps it); optional inner (word) or [words], a/b,",
        "#   a or b -> several suggestions for review; commas (lists) removed with the PPS",
        "#   wording as the reason; [...] placeholders dropped with a reason; caveats and",
        '#   "see URL" become the reason; a suggestion that is itself a PPS key is followed',
        "#   to that key's suggestion, for review.",
        "# ordinary English: every key was counted in clean English news (BBC, 2,173",
        "#   articles); none without a condition occurs more than once, so none is dropped;",
        "#   those that occur, and the two English words among the single-word keys, are",
        '#   review-only ("also ordinary English"). Single-word keys are otherwise non-words',
        "#   or carry a PPS condition (bosom requires breast).",
        "# expected-phrase cleaning (rows):",
    ]
    header += [f"#   {count:5d} {note}" for note, count in sorted(built.notes.items())]
    header += [f"# skipped rows ({counts['skipped rows']}):"]
    header += [f"#   {count:5d} {reason}" for reason, count in sorted(built.skipped.items())]
    header.append("# merged or changed entries:")
    header += [f"#   {count:5d} {reason}" for reason, count in sorted(built.changes.items())]
    lines = sorted(d.line() for d in drafts)
    return "\n".join(header + lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "csv", nargs="?", type=Path, default=DEFAULT_CSV, help="PPS CSV (default: %(default)s)"
    )
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="where to write (default: %(default)s)")
    args = parser.parse_args(argv)
    if not args.csv.is_file():
        print(f"no such file: {args.csv}", file=sys.stderr)
        return 1
    built = build(read_rows(args.csv))
    for name, text in built.texts().items():
        (args.out_dir / f"{name}.txt").write_text(text, encoding="utf-8")
    counts = built.counts()
    print(
        f"converted: {counts['entries']} entries from {counts['rows']} rows "
        f"({counts['certain']} in {CERTAIN_NAME}.txt, {counts['auto-fixable']} auto-fixable)"
    )
    print(
        f"conditions: {counts['with conditions']} entries (requires {counts['requires']}, "
        f"excludes {counts['excludes']}, within {counts['within']})"
    )
    print(f"uncertain: {counts['uncertain']} entries in {UNCERTAIN_NAME}.txt")
    print(f"skipped: {counts['skipped rows']} rows")
    for reason, count in sorted(built.skipped.items()):
        print(f"  {count:5d} {reason}")
    print("expected-phrase cleaning (rows):")
    for note, count in sorted(built.notes.items()):
        print(f"  {count:5d} {note}")
    print("merged or changed:")
    for reason, count in sorted(built.changes.items()):
        print(f"  {count:5d} {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
