"""Find dictionary phrases in a text: Aho-Corasick (ahocorasick-rs), whole words, case-insensitive.

The text is folded once (lower case, curly apostrophes straightened, a line break
with its indentation read as one space) and every registered phrase is found in a
single pass. Offsets are mapped back to the original text, so a finding's `text`
is always `original[start:end]`. Where phrases overlap, the engine keeps the
longest; here every whole-word match is reported, and an allow-listed phrase
covering a match suppresses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import ahocorasick_rs

from respin.finding import Finding
from respin.language.casing import carry_case
from respin.language.dictionary import (
    ARROW,
    WITHIN_MARK,
    DictionarySpec,
    Entry,
    UserDictionary,
    parse_trusted,
    shipped_lines,
)
from respin.language.lexicon import shared_lexicon
from respin.textview import FoldedText, TextView, is_word_char, starts_sentence


class _Rule:
    """One dictionary line, parsed only when its key is found (start-up stays cheap)."""

    __slots__ = ("_entry", "line", "number", "spec")

    def __init__(self, spec: DictionarySpec, number: int, line: str, entry: Entry | None = None) -> None:
        self.spec, self.number, self.line = spec, number, line
        self._entry: Entry | None = entry  # given for a user dictionary: already parsed by the validator

    @property
    def entry(self) -> Entry:
        if self._entry is None:
            self._entry = parse_trusted(self.line, self.spec.allow_list, self.number)
        return self._entry


#: key -> (phrase rules, proximity rules with their word orders); one slot per distinct key
_Slots = dict[str, tuple[list[_Rule], list[tuple[_Rule, tuple[str, ...], tuple[str, ...]]]]]


def _add_proximity(slots: _Slots, rule: _Rule) -> None:
    """File a proximity entry under its trigger word."""
    words = tuple(rule.entry.key.split())
    after: tuple[str, ...]
    before: tuple[str, ...]
    if len(words) == 2:
        rare, common = sorted(words, key=shared_lexicon().count)
        trigger, after, before = rare, (rare, common), (common, rare)
    else:
        trigger, after, before = words[0], words, ()
    slots.setdefault(trigger, ([], []))[1].append((rule, after, before))


class PhraseIndex:
    """All registered phrases of the given dictionaries, ready to search in one pass.

    Plain keys go into one Aho-Corasick automaton. A proximity entry ("a b" with up
    to N words between) puts one of its words into the same automaton as a
    trigger (for two words, the rarer: PPS proximity ignores order, so the
    pattern is tried both ways around it); only where a trigger occurs is a
    pattern tried, so proximity costs next to nothing.

    User dictionaries (`user`) are searched in the same pass. A user entry replaces a
    shipped entry (spin or allowed) with the same key; otherwise overlaps resolve as
    usual, the longest match winning.
    """

    def __init__(self, specs: Sequence[DictionarySpec], user: Sequence[UserDictionary] = ()) -> None:
        slots: _Slots = {}
        replaced = {entry.key for dictionary in user for entry in dictionary.entries}
        for spec in specs:
            for number, line in shipped_lines(spec):
                rule = _Rule(spec, number, line)
                if WITHIN_MARK not in line:
                    key = line[: line.index(ARROW)]
                    if replaced and key in replaced:
                        continue
                    slot = slots.get(key) or slots.setdefault(key, ([], []))
                    slot[0].append(rule)
                elif rule.entry.key not in replaced:
                    _add_proximity(slots, rule)
        for dictionary in user:
            for entry in dictionary.entries:
                rule = _Rule(dictionary.spec, entry.line, "", entry)
                if entry.within:
                    _add_proximity(slots, rule)
                else:
                    slots.setdefault(entry.key, ([], []))[0].append(rule)
        keys = [key.encode("utf-8", "surrogatepass") for key in slots]
        self._payloads = list(slots.values())
        # Standard match kind with overlapping=True reports every key at every position. A contiguous
        # NFA builds in time linear in the keys; the automatic choice may build a DFA, quadratic in a
        # long key (a user dictionary's 100k-character line took 20 s). The automaton reads UTF-8 bytes:
        # a third faster than letting it convert a str, and the offsets map back in one pass.
        self._matcher = ahocorasick_rs.BytesAhoCorasick(
            keys, implementation=ahocorasick_rs.Implementation.ContiguousNFA) if keys else None

    def find(self, text: str | TextView, document: TextView | None = None) -> list[Finding]:
        """Every phrase found in `text`; document conditions are tested on `document` (default: the text)."""
        view = text if isinstance(text, TextView) else TextView(text)
        if self._matcher is None:
            return []
        folded = view.folded
        spans: list[tuple[int, int, _Rule]] = []
        for key_index, start, end in _char_offsets(folded.folded, self._matcher):
            rules, proximity = self._payloads[key_index]
            if not folded.whole_word(start, end):
                continue
            spans.extend((start, end, rule) for rule in rules)
            for rule, after, before in proximity:
                within = rule.entry.within
                match = _proximity_pattern(after, within).match(folded.folded, start)
                if not match and before:  # the trigger word last: search back to it
                    lookback = max(0, start - 40 * (within + 2))
                    match = _proximity_pattern(before, within, ending=True).search(folded.folded, lookback, end)
                if match:
                    spans.append((match.start(), match.end(), rule))
        return _to_findings(folded, spans, view, document or view)


def _char_offsets(text: str, matcher: ahocorasick_rs.BytesAhoCorasick) -> list[tuple[int, int, int]]:
    """(key index, start, end) of every match of `matcher` in `text`, in code points, in the matcher's order."""
    encoded = text.encode("utf-8", "surrogatepass")
    matches = matcher.find_matches_as_indexes(encoded, overlapping=True)
    if len(encoded) == len(text) or not matches:  # ASCII: bytes are code points
        return matches
    # Decode the stretches between successive match boundaries: one pass over the text in all.
    chars_at: dict[int, int] = {}
    byte_position = char_position = 0
    for boundary in sorted({offset for _, start, end in matches for offset in (start, end)}):
        char_position += len(encoded[byte_position:boundary].decode("utf-8", "surrogatepass"))
        chars_at[boundary] = char_position
        byte_position = boundary
    return [(key, chars_at[start], chars_at[end]) for key, start, end in matches]


@lru_cache(maxsize=1024)
def _proximity_pattern(words: tuple[str, ...], within: int, ending: bool = False) -> re.Pattern[str]:
    """The words in this order, with up to `within` other words between neighbours.

    With `ending`, the match must end where the search window ends (at the trigger).
    """
    gap = rf"(?:\W+\w+){{0,{within}}}?\W+"
    body = gap.join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w'-]){body}\Z" if ending else body + r"\b")


@lru_cache(maxsize=4096)
def _phrase_then_boundary(phrase: str) -> re.Pattern[str]:
    # Starts with the literal so the regex engine can skip ahead; the left boundary is checked by hand.
    # A trailing * (PPS "optimiz*") makes the phrase a prefix: no boundary after it.
    body = r"\s+".join(re.escape(word) for word in phrase.rstrip("*").split())
    return re.compile(body if phrase.endswith("*") else body + r"(?![\w'’-])")


def phrase_occurs_as_words(phrase: str, lower: str, start: int = 0, end: int | None = None) -> bool:
    """Whether `phrase` occurs as whole words in `lower` (a lower-cased text), starting in [start, end)."""
    end = len(lower) if end is None else end
    for match in _phrase_then_boundary(phrase).finditer(lower, start):
        if match.start() >= end:
            break
        if match.start() == 0 or not is_word_char(lower[match.start() - 1]):
            return True
    return False


def _occurs_as_words(phrase: str, document: TextView) -> bool:
    """Whether the document holds `phrase` as whole words (a streamed document, `respin.documents.stream`,
    searches itself)."""
    search = getattr(document, "occurs_as_words", None)
    if search is not None:
        return bool(search(phrase))
    return phrase_occurs_as_words(phrase, document.lower)


#: `TextView.memo` key of the document's cache: phrase -> whether it occurs in the document as words.
_IN_DOCUMENT = "phrase_index.in_document"


def _conditions_hold(entry: Entry, view: TextView, document: TextView, seen: dict[str, bool]) -> bool:
    """Document conditions, matched as whole words ("ar" does not occur in "are").

    A phrase present in `view` (the text searched, part of the document) is present
    in the document; only otherwise is the whole document searched. `seen` caches
    each phrase's presence: a key found a hundred times is decided once. What the
    document holds is cached on it too, for the other chunks of a large text.
    """
    in_document = document.memo.setdefault(_IN_DOCUMENT, {})
    assert isinstance(in_document, dict)
    for condition in entry.conditions:
        if condition.kind in ("within", "mid-sentence"):
            continue
        present = False
        for phrase in condition.phrases:
            if phrase not in seen:
                if phrase in in_document:
                    seen[phrase] = in_document[phrase]
                elif _occurs_as_words(phrase, view):
                    seen[phrase] = True  # (not cached on the document: a chunk's edge may cut a word)
                else:
                    seen[phrase] = in_document[phrase] = document is not view and _occurs_as_words(phrase, document)
            if seen[phrase]:
                present = True
                break
        if present != (condition.kind == "requires"):
            return False
    return True


def _to_findings(
    folded: FoldedText, spans: Iterable[tuple[int, int, _Rule]], view: TextView, document: TextView
) -> list[Finding]:
    spans = list(spans)
    allowed = [(s, e) for s, e, rule in spans if rule.spec.allow_list]
    findings = []
    seen: dict[str, bool] = {}
    for start, end, rule in spans:
        spec, entry = rule.spec, rule.entry
        if spec.allow_list or not _conditions_hold(entry, view, document, seen):
            continue
        if any(a_start <= start and end <= a_end for a_start, a_end in allowed):
            continue
        o_start, o_end = folded.to_original(start), folded.to_original(end - 1) + 1
        if entry.mid_sentence and starts_sentence(folded.original, o_start):
            continue
        matched = folded.original[o_start:o_end]
        autofix = entry.autofix and not entry.within
        findings.append(
            Finding(
                start=o_start,
                end=o_end,
                text=matched,
                suggestions=tuple(carry_case(matched, s) for s in entry.suggestions),
                rule=spec.name,
                category=spec.category,
                confidence=spec.confidence,
                message=entry.reason or spec.description,
                autofix=autofix,
            )
        )
    return findings
