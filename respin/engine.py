"""The engine: run every enabled detector over a text and merge what they find.

`check_text(text, checker)` is pure: no printing, prompting, file or network
I/O beyond loading its resources. A `Checker` holds the configuration
(dictionaries, user dictionary files, allowed phrases, rules, threshold, deep
tier) and the resources built from it (the phrase index, the lexicon, with
`deep` the language model), built lazily on first use and once per process:
every `Checker` in a process that enables the same dictionaries shares one
phrase index (`shared_phrase_index`). A `Checker` pickles without them, as a
few hundred bytes of configuration, so it can be sent to worker processes as
often as a scheduler likes: each worker builds its resources on first use and
reuses them for every copy it receives (user dictionaries are read and
validated when the Checker is made, so a bad one fails at once). Detectors that
talk to a server (LanguageTool) run outside and hand their findings in through
`extra`.

Detectors with a gate (`Detector.gate`, see `respin.detectors.evidence`) guess at damage no list
records, which is worth showing only where damage is expected: they run once
on the whole text after the other detectors, when their gate opens (the text
already looks spun, or reads like a research paper).

A large text (`Checker.parallel_min_chars`, 1 MB by default) is split at
paragraph breaks into chunks of about `CHUNK_CHARS`, checked one after another,
or in forked worker processes that share the loaded resources: the derived
views of a text (lower case, folded, its words) then exist for one chunk at a
time, so memory does not grow with the text beyond the text itself. Every
detector looks at most a few hundred characters around a match, so each chunk
is checked with `CONTEXT_MARGIN` characters of context on both sides and keeps
only findings that start inside it; document-level conditions are tested on the
whole text. The result is the same as checking the text in one piece
(`tests/test_engine.py` and `tests/test_findings_identity.py` compare them).
"""

from __future__ import annotations

import _thread
import bisect
import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from respin.detectors import case_rules, evidence
from respin.detectors.allowed_phrases import AllowedPhrases
from respin.detectors.base import Detector
from respin.detectors.phrase_index import PhraseIndex
from respin.detectors.plugins import PluginError, plugin_detectors
from respin.detectors.rules import RULES
from respin.finding import Category, Finding
from respin.language.dictionary import (
    REGISTRY,
    DictionarySpec,
    UserDictionary,
    UserDictionaryError,
    load_user,
    spec_named,
    user_dictionary_name,
)
from respin.language.lexicon import Lexicon, shared_lexicon
from respin.textview import TextView

DEFAULT_MIN_CONFIDENCE = 0.5
#: Context given to each side of a chunk: far more than any detector looks around a match.
CONTEXT_MARGIN = 2_000
#: The size a large text's chunks aim at: large enough that the per-chunk work is negligible.
CHUNK_CHARS = 1_000_000
#: Every dictionary that flags phrases (the gazetteer is read by rules, never matched).
ALL_DICTIONARIES: tuple[str, ...] = tuple(s.name for s in REGISTRY if s.role != "gazetteer")
#: The dictionaries `respin check --help` lists: those whose phrases are findings (allow lists only suppress).
LISTED_DICTIONARIES: tuple[DictionarySpec, ...] = tuple(s for s in REGISTRY if s.role == "spin")
#: A name the context tier's findings go by (`--disable context`), taken like a detector's.
CONTEXT_DETECTOR = "context"


@lru_cache(maxsize=1)
def _registry() -> dict[str, Detector]:
    registry: dict[str, Detector] = {}
    taken = {spec.name: "a shipped dictionary" for spec in REGISTRY} | {CONTEXT_DETECTOR: "the context tier"}
    taken |= {rule.name: "a built-in rule" for rule in RULES}
    registry.update((rule.name, rule) for rule in RULES)
    for detector in plugin_detectors():
        if detector.name in taken:
            raise PluginError(f"plugin detector {detector.name!r}: the name is taken by {taken[detector.name]}")
        registry[detector.name] = detector
        taken[detector.name] = "another plugin's detector"
    return registry


def registered_detectors() -> tuple[Detector, ...]:
    """Every detector the engine can run: the built-in rules, then those of installed plugins
    (`respin.detectors.plugins`). `PluginError` when a plugin is broken or takes a name already taken."""
    return tuple(_registry().values())


def detector_names() -> tuple[str, ...]:
    """The names of `registered_detectors()`: what a `Checker` runs unless told otherwise."""
    return tuple(_registry())


def detector_named(name: str) -> Detector:
    registry = _registry()
    if name not in registry:
        raise KeyError(f"no detector named {name!r} (known: {', '.join(registry)})")
    return registry[name]


# `_thread` (the documented low-level API) instead of `threading`: it is built in, so
# `respin check` does not pay for importing `threading` at start-up.
_phrase_index_lock = _thread.allocate_lock()


def shared_phrase_index(specs: tuple[DictionarySpec, ...], user: tuple[UserDictionary, ...] = ()) -> PhraseIndex:
    """The process-wide phrase index over `specs` and `user`, built on first use (about 0.2 s for all dictionaries).

    Every `Checker` with the same dictionaries uses it, including each copy a worker
    process unpickles; threads asking at the same time wait for one build. A user
    dictionary that changed on disk is a different `UserDictionary`, so a new index.
    """
    with _phrase_index_lock:
        return _build_phrase_index(specs, user)


@lru_cache(maxsize=8)
def _build_phrase_index(specs: tuple[DictionarySpec, ...], user: tuple[UserDictionary, ...]) -> PhraseIndex:
    return PhraseIndex(specs, user)


def phrase_index_builds() -> int:
    """How many phrase indexes this process has built: one per set of dictionaries, however many Checkers."""
    return _build_phrase_index.cache_info().misses


@dataclass
class Checker:
    """What to look for, and the resources to look with."""

    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    dictionaries: tuple[str, ...] = ALL_DICTIONARIES
    #: The detectors to run, by name (None: every registered one, plugins included).
    rules: tuple[str, ...] | None = None
    #: Processes for one large text (0: one per core); 1 checks everything in this process.
    jobs: int = 0
    #: Texts shorter than this are always checked in one piece.
    parallel_min_chars: int = 1_000_000
    #: Let the language model confirm, re-rank or reject uncertain findings (the `lm` extra; slower).
    deep: bool = False
    #: With `deep`, also run the context tier (`respin.detectors.context`): spins no dictionary lists.
    context: bool = True
    #: User dictionary files (same format as the shipped ones; see `respin.language.dictionary.load_user`).
    extra_dictionaries: tuple[str, ...] = ()
    #: Phrases never to flag, whichever detector finds them (see `respin.detectors.allowed_phrases`).
    allowed: tuple[str, ...] = ()
    _index: PhraseIndex | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min confidence {self.min_confidence} is outside 0..1")
        # Unknown names fail here, at configuration time, not mid-run.
        self._specs: tuple[DictionarySpec, ...] = tuple(spec_named(n) for n in self.dictionaries)
        for spec in self._specs:
            if spec.role == "gazetteer":
                raise ValueError(f"{spec.name} is read by rules, not matched: it cannot be enabled as a dictionary")
        if self.rules is None:
            self.rules = detector_names()
        self._rules: tuple[Detector, ...] = tuple(detector_named(n) for n in self.rules)
        # So are bad user dictionaries and allowed phrases (a file is read once per process).
        self.extra_dictionaries, self.allowed = tuple(self.extra_dictionaries), tuple(self.allowed)
        self._user: tuple[UserDictionary, ...] = load_user_dictionaries(self.extra_dictionaries)
        self._allowed = AllowedPhrases(self.allowed)

    @property
    def phrase_index(self) -> PhraseIndex:
        if self._index is None:
            self._index = shared_phrase_index(self._specs, self._user)
        return self._index

    @property
    def lexicon(self) -> Lexicon:
        return shared_lexicon()

    def load_resources(self) -> None:
        """Load what checking reads: the phrase index, the lexicon, and the resources of the detectors
        that run on every text (gated detectors load theirs when their gate opens). Called before forking
        workers, so that they share what this process loaded instead of each loading it again."""
        _ = self.phrase_index, self.lexicon.counts
        for detector in self._rules:
            if detector.gate is None:
                detector.load_resources()

    def __getstate__(self) -> dict[str, Any]:
        # Configuration only: the index is rebuilt, and rules and dictionaries are looked
        # up again by name, in the process that unpickles it.
        derived = ("_index", "_specs", "_rules", "_user", "_allowed")
        return {name: value for name, value in self.__dict__.items() if name not in derived}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._index = None
        self.__post_init__()


def check_text(
    text: str, checker: Checker, extra: Sequence[Finding] = (), excluded: Sequence[tuple[int, int]] = ()
) -> list[Finding]:
    """Every finding at or above the checker's threshold, in text order, none overlapping.

    `extra` are findings from detectors that live outside the engine because they do
    I/O (a LanguageTool server): they are merged and de-overlapped with the rest.
    A finding inside one of the checker's allowed phrases is dropped, whatever found it.
    `excluded` are sorted, disjoint (start, end) spans that are not prose (code, markup:
    see `respin.documents.formats`): findings overlapping them are dropped before overlaps are
    resolved, so a long match across one never hides a shorter one beside it.
    """
    jobs = checker.jobs or os.cpu_count() or 1
    whole = TextView(text)
    facts = document_facts(checker, lambda: _lost_capitals(whole))
    if len(text) >= checker.parallel_min_chars:
        found = _find_in_chunks(whole, checker, jobs if _can_fork() else 1, facts)
    else:
        found = _find(whole, checker, None, facts)
    # Allowed phrases are dropped before the gates look: allowed wording is no sign of spinning.
    allowed = checker._allowed.spans(whole)
    found = allowed.drop_covered(found)
    if excluded:  # before the gates look, too: what stands in code is no sign of spinning
        found = outside(found, excluded)
    for rule in checker._rules:
        if rule.gate is not None and rule.gate(whole, found):
            found.extend(allowed.drop_covered(list(rule.find(whole, checker.lexicon))))
    found.extend(allowed.drop_covered(extra))
    if excluded:
        found = outside(found, excluded)
    if checker.deep:
        from respin.detectors.deep import verify

        found = verify(text, found)
    kept = [f for f in found if f.confidence >= checker.min_confidence]
    if checker.deep and checker.context:
        kept.extend(context_findings(text, checker, kept, allowed, excluded))
    return resolve_overlaps(merge_case_repairs(kept))


def context_findings(text: str, checker: Checker, found: Sequence[Finding], allowed: Any,
                     excluded: Sequence[tuple[int, int]]) -> list[Finding]:
    """The context tier's findings (`respin.detectors.context`) where no other detector found anything.

    A span another detector already repairs keeps that repair: the dictionaries
    know the canonical wording, the language model only guesses it.
    """
    from respin.detectors.context import find_context_spins
    from respin.documents.spans import merge_spans

    new = outside(find_context_spins(text, checker.min_confidence), merge_spans((f.start, f.end) for f in found))
    new = allowed.drop_covered(new)
    return outside(new, excluded) if excluded else new


def check_user_dictionary_names(paths: Sequence[str]) -> None:
    """Raise `UserDictionaryError` if a user dictionary's name is a shipped dictionary's, a rule's or another's."""
    taken = {spec.name: "a shipped dictionary" for spec in REGISTRY} | {
        detector.name: "a rule" for detector in registered_detectors()}
    for path in paths:
        name = user_dictionary_name(path)
        if name in taken:
            raise UserDictionaryError(
                path, f"{path}: its name {name!r} (the file's stem, used by --disable and in reports) "
                      f"is taken by {taken[name]}: rename the file"
            )
        taken[name] = f"the user dictionary {path}"


def load_user_dictionaries(paths: Sequence[str]) -> tuple[UserDictionary, ...]:
    """Read and validate user dictionaries: names free and unique, no key in two of them.

    Raises `UserDictionaryError` naming the file at fault.
    """
    check_user_dictionary_names(paths)
    keys: dict[str, UserDictionary] = {}
    loaded = []
    for path in paths:
        dictionary = load_user(path)
        for entry in dictionary.entries:
            if entry.key in keys:
                other = keys[entry.key]
                line = next(e.line for e in other.entries if e.key == entry.key)
                message = f"{path}:{entry.line}: key {entry.key!r} is also in {other.path}:{line}"
                raise UserDictionaryError(path, message)
            keys[entry.key] = dictionary
        loaded.append(dictionary)
    return tuple(loaded)


def outside(findings: Sequence[Finding], spans: Sequence[tuple[int, int]]) -> list[Finding]:
    """The findings that overlap none of `spans` (sorted, disjoint (start, end) pairs)."""
    starts = [start for start, _ in spans]
    kept = []
    for finding in findings:
        # the last span starting before the finding ends reaches furthest of those that do
        i = bisect.bisect_left(starts, max(finding.end, finding.start + 1))
        if i == 0 or spans[i - 1][1] <= finding.start:
            kept.append(finding)
    return kept


def document_facts(checker: Checker, lost_capitals: Callable[[], bool]) -> dict[str, object]:
    """What the detectors must decide about the whole document, once (never per chunk).

    `lost_capitals` decides whether the document lost its capitals (`case_rules.lost_capitals`, or a
    stream's own sample of it); it is asked only when a case rule runs.
    """
    if any(rule.category is Category.CASE for rule in checker._rules):
        return {case_rules.LOWER_CASED: lost_capitals()}
    return {}


def _lost_capitals(document: TextView) -> bool:
    text = document.text
    # a short text is its own sample: its distinct tokens are the view's, computed once for all
    tokens = document.tokens if len(text) <= 2 * case_rules.SAMPLE_CHARS else None
    return case_rules.lost_capitals(text, tokens)


def _find(view: TextView, checker: Checker, document: TextView | None, facts: dict[str, object]) -> list[Finding]:
    """Every detector's raw findings in `view` (overlapping, any confidence)."""
    view.memo.update(facts)
    found: list[Finding] = checker.phrase_index.find(view, document)
    for rule in checker._rules:
        if rule.gate is None:
            found.extend(rule.find(view, checker.lexicon))
    return found


def chunk_bounds(text: str, pieces: int) -> list[tuple[int, int]]:
    """Split `text` into about `pieces` ranges that end at paragraph breaks (or anywhere, if none)."""
    bounds, start = [], 0
    for i in range(1, pieces):
        target = max(start, len(text) * i // pieces)
        cut = text.find("\n\n", target)
        if cut == -1:
            break
        bounds.append((start, cut))
        start = cut
    bounds.append((start, len(text)))
    return [(a, b) for a, b in bounds if b > a]


@dataclass(frozen=True)
class _ChunkResult:
    findings: list[Finding]
    #: The chunk's share of the document's research-marker score (`evidence.research_marker_score`).
    research_score: int


def _find_in_chunk(document: TextView, checker: Checker, bounds: tuple[int, int],
                   facts: dict[str, object]) -> _ChunkResult:
    """Raw findings that start inside `bounds`, found with `CONTEXT_MARGIN` characters of context.

    `document` is the whole text: document-level conditions are tested on it.
    """
    text = document.text
    start, end = bounds
    window_start, window_end = max(0, start - CONTEXT_MARGIN), min(len(text), end + CONTEXT_MARGIN)
    window = TextView(text[window_start:window_end])
    shifted = []
    for finding in _find(window, checker, document, facts):
        absolute = finding.start + window_start
        if start <= absolute < end:
            shifted.append(replace(finding, start=absolute, end=finding.end + window_start))
    score = evidence.research_marker_score(window.lower, start - window_start, end - window_start)
    return _ChunkResult(shifted, score)


# What a forked worker checks: set by `_start_worker` in the worker, inherited through
# fork, never pickled (the resources the parent loaded come along for free).
_worker_job: tuple[TextView, Checker, dict[str, object]] | None = None


def _start_worker(document: TextView, checker: Checker, facts: dict[str, object]) -> None:
    global _worker_job  # noqa: PLW0603 - per-process state of a pool worker
    _worker_job = (document, checker, facts)


def _worker_find(bounds: tuple[int, int]) -> _ChunkResult:
    assert _worker_job is not None, "called outside a worker started by _find_in_chunks"
    document, checker, facts = _worker_job
    return _find_in_chunk(document, checker, bounds, facts)


def _can_fork() -> bool:
    import multiprocessing  # imported only for large texts: it costs start-up time

    return "fork" in multiprocessing.get_all_start_methods()


def _find_in_chunks(whole: TextView, checker: Checker, jobs: int, facts: dict[str, object]) -> list[Finding]:
    """The text's chunks checked in this process, and with `jobs` > 1 in forked workers too
    (`respin.workers`: a dead worker ends the check with `WorkerDied`, never a hang).

    The research-marker score the chunks count is left in `whole.memo` for the gates.
    """
    text = whole.text
    chunks = chunk_bounds(text, max(jobs, -(-len(text) // CHUNK_CHARS)))
    if len(chunks) < 2:  # no blank line to cut at: one piece
        return _find(whole, checker, None, facts)
    checker.load_resources()  # before forking: the workers share them
    if jobs > 1:
        from respin.workers import ordered_map

        results = ordered_map(_worker_find, chunks, jobs - 1,
                              run_here=lambda bounds: _find_in_chunk(whole, checker, bounds, facts),
                              initializer=_start_worker, initargs=(whole, checker, facts))
    else:
        results = (_find_in_chunk(whole, checker, bounds, facts) for bounds in chunks)
    found: list[Finding] = []
    research_score = 0
    for result in results:
        found.extend(result.findings)
        research_score += result.research_score
    whole.memo[evidence.RESEARCH_SCORE] = research_score
    return found


def merge_case_repairs(findings: Sequence[Finding]) -> list[Finding]:
    """Let case repairs yield to other repairs of the same words, carrying a sentence's capital.

    "unverifiedvideos" at a sentence start is both a joined word and a lower-case
    sentence start: the result is one finding, "Unverified videos". A case repair
    inside another repair is dropped: that repair's suggestion brings its own capitals.
    """
    case = [f for f in findings if f.category is Category.CASE]
    if not case:
        return list(findings)
    others = [f for f in findings if f.category is not Category.CASE]
    case_at = {f.start: f for f in case}
    merged = [_carry_case_repair(f, case_at[f.start]) if f.start in case_at else f for f in others]
    # others sorted by start, with the furthest end reached so far: a case repair [a, b) is
    # covered when some other repair starting before b ends after a.
    spans = sorted((f.start, f.end) for f in others)
    starts = [a for a, _ in spans]
    furthest = list(itertools.accumulate((b for _, b in spans), max))
    for finding in case:
        i = bisect.bisect_left(starts, finding.end)
        if i == 0 or furthest[i - 1] <= finding.start:
            merged.append(finding)
    return merged


def _carry_case_repair(finding: Finding, case: Finding) -> Finding:
    """Give `finding`'s suggestions the capitals of a case repair starting at the same place."""
    original, cased = case.text, case.suggestions[0]

    def carried(suggestion: str) -> str:
        if suggestion[: len(original)].lower() == original.lower():
            return cased + suggestion[len(original) :]  # "american causes" -> "American forces"
        if case.rule == "sentence-case":
            return suggestion[:1].upper() + suggestion[1:]  # "aided by the" -> "With the"
        return suggestion

    return replace(finding, suggestions=tuple(carried(s) for s in finding.suggestions))


def resolve_overlaps(findings: Sequence[Finding]) -> list[Finding]:
    """Keep the longest, then most confident, of any overlapping findings; return in text order.

    Greedy in that rank order: a finding is kept unless it overlaps one kept
    before it (an empty finding: unless it lies strictly inside one). What is
    kept is marked in a byte array over the findings' distinct boundaries, so
    a text with a million findings costs n log n (sorting), not n squared.
    """
    ranked = sorted(findings, key=lambda f: (-(f.end - f.start), -f.confidence, f.start, f.rule))
    boundaries = sorted({offset for f in findings for offset in (f.start, f.end)})
    index = {offset: i for i, offset in enumerate(boundaries)}
    taken = bytearray(len(boundaries))  # taken[i]: boundaries[i]..boundaries[i + 1] lies in a kept finding
    kept_starts: set[int] = set()
    chosen: list[tuple[int, int, Finding]] = []
    for rank, finding in enumerate(ranked):
        first, last = index[finding.start], index[finding.end]
        if last > first:
            if taken.find(1, first, last) != -1:
                continue
            taken[first:last] = b"\x01" * (last - first)
            kept_starts.add(first)
        elif first > 0 and taken[first - 1] and taken[first] and first not in kept_starts:
            continue
        chosen.append((finding.start, -rank, finding))  # at one offset, later-ranked (empty) findings first
    chosen.sort(key=lambda item: item[:2])
    return [finding for _, _, finding in chosen]
