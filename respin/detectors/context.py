"""The context tier: spins no dictionary lists, found by reading each word in its sentence.

A synonym spinner writes words that are English but not what a writer would
have put there ("the economy grew by 2%" -> "the niggardliness grew by 2%",
"the bank" -> "the financial institution"). A causal language model
(SmolLM2-135M, `respin.language.lm`) reads the document once, paragraph chunk by
chunk, and at every *site* (a content word, or a short phrase a thesaurus
lists for one word) compares what is written with what a spinner may have
replaced:

1. **Candidates**, each recorded with its source (the finding's rule is
   `context-<source>`):
   - `thesaurus`: Moby Thesaurus run backwards (`respin.language.thesaurus`), inflected
     like the written word;
   - `dictionary`: the word swaps respin's own spin dictionaries record
     (`reverse_spin.learned_swaps`);
   - `model`: the model's own top predictions at that place, kept only when
     related to the written word (a thesaurus relation, or close input
     embeddings);
   - `phrase`: a two- or three-word phrase the thesaurus lists as a synonym of
     a single word collapses into it ("economic system" -> "economy");
   - `deletion`: a word whose removal makes the next word far more probable
     ("court docket rejects" -> "court rejects").
2. **One forward pass** per chunk gives, at the row before each site, the
   log-probability of the written word (all its tokens) and of every
   candidate's first token, from the same output row (only rows inside sites
   go through the output projection), and the final hidden states just after
   the site, which have read the words to its right.
3. **A learned decision**: a logistic model over the site's features (scores,
   frequencies, source, position, capitals; `FEATURES`) and a logistic probe of
   those hidden states gives the probability that the site is a spin. Its
   weights (`respin/models/context.json`) are fitted by `tools/train_context.py`
   on spun copies of the fit half of bbc-dev (`bench.split`); `bench.eval`
   section G reports on the other half. Findings are reported from
   `REPORT_FROM`.
4. **Right-context confirmation** picks the suggestion: the best candidates of
   each reported site are re-read with the few tokens after it, as
   continuations of the cached keys and values of the text before the site
   (`LlamaScorer.continuation_states`), so a site costs a handful of tokens,
   not a sentence; the continuations of a whole batch of chunks are packed
   into one sequence and read in one pass, and the written wording's reading
   is the first pass's own. gain = NLL(written + right context) - NLL(candidate + the
   same right context); a deletion must make the words after it read
   `DELETION_MIN_GAIN` nats better, not counting the deleted word's own cost.

What is not prose to judge is skipped: lines that read as headlines (no
sentence-final punctuation, or title case), capitalised words mid-sentence
(names), all-capital words, numbers, words glued to URLs, addresses or code
(`_WORD`). Spins inside quotations are still spins.

The module imports torch only through `respin.language.lm`, when a document is checked.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from respin.finding import CONTEXT_SOURCES, Category, Finding
from respin.language import thesaurus
from respin.language.casing import carry_case
from respin.language.lexicon import Lexicon, shared_lexicon

MODEL_FILE = Path(__file__).resolve().parent.parent / "models" / "context.json"
SOURCES = CONTEXT_SOURCES
RULE_PREFIX = "context-"
#: Most tokens in one chunk (a paragraph, or several short ones, or part of a long one).
MAX_CHUNK_TOKENS = 384
#: Chunks in one forward pass (right-padded).
CHUNKS_PER_BATCH = 4
#: Thesaurus candidates tried per word, the most frequent first.
MAX_THESAURUS = 30
#: The model's own predictions looked at per site.
MODEL_TOP = 12
#: Input-embedding cosine at or above which a model prediction counts as related to the written word.
MODEL_RELATED_COSINE = 0.35
#: Candidates re-read per confirmed site.
CONFIRM_TOP = 4
#: Tokens of right context in a confirmation.
RIGHT_TOKENS = 4
#: A deletion is suggested only when the words after the site read this much better without it (nats).
DELETION_MIN_GAIN = 3.0
#: A capitalised word starting a sentence is judged only when its lower-case form is this common (else a name).
SENTENCE_START_MIN_COUNT = 1_000_000
#: Words in a phrase site.
PHRASE_WORDS = (2, 3)
#: Context findings are reported from this probability on, or the checker's threshold if higher: below it,
#: clean news gave 2.6-5 false flags per 1000 words (bench.eval section G, report half), above it 0.76.
REPORT_FROM = 0.8

FUNCTION_WORDS = frozenset(
    "a an the and or but if of in on at to for from by with as is are was were be been being has have had do "
    "does did not no nor so than then that this these those it its he him his she her they them their we us our "
    "you your i me my who whom whose which what when where why how all any some each every both either neither "
    "one other such own same too very can will just should would could may might must shall about above after "
    "again against before below between during into out over through under until up down off once only also "
    "there here said says than mr mrs ms more most much many few less least s t".split()
)

# A word standing alone: not inside "don't", "e-mail", "3rd", "bbc.co.uk", "@name", "a_b", "x/y".
_WORD = re.compile(r"(?<![\w'’\-./@#\\])[A-Za-z]+(?![\w'’\-@/\\]|\.\w)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_LINE_END_PUNCTUATION = ".!?:;\"'”’)…"


# --- the decision model -----------------------------------------------------------------

#: The features of a site, in the order of the weights.
FEATURES = (
    "score", "score_pos", "written_logprob", "written_tokens",
    "candidate_logprob", "top_logprob", "next_logprob", "deletion_score",
    "written_frequency", "candidate_frequency", "cosine", "candidates",
    "phrase", "sentence_start", "position", *(f"source_{s}" for s in SOURCES),
)


@dataclass(frozen=True)
class DecisionModel:
    """A logistic model over a site's standardised features and a probe of its hidden states.

    The probe is itself a logistic model over the hidden states after the site
    (which have read the words to its right); its logit enters the decision as
    one more feature:

        probe = probe_bias + v . (hidden - probe_mean) / probe_scale
        probability = sigmoid(bias + w . (features - mean) / scale + probe_coefficient * probe)
    """

    weights: Any  # numpy arrays
    bias: float
    mean: Any
    scale: Any
    probe_weights: Any
    probe_bias: float
    probe_mean: Any
    probe_scale: Any
    probe_coefficient: float
    about: dict[str, Any] = field(default_factory=dict, compare=False)

    def probe_logit(self, probe: Any) -> float:
        import numpy

        if not len(self.probe_weights):
            return 0.0
        return self.probe_bias + float(numpy.dot(self.probe_weights, (probe - self.probe_mean) / self.probe_scale))

    def logit(self, features: Sequence[float], probe: Any) -> float:
        import numpy

        z = self.bias + float(numpy.dot(self.weights, (numpy.asarray(features) - self.mean) / self.scale))
        return z + self.probe_coefficient * self.probe_logit(probe)

    def probability(self, features: Sequence[float], probe: Any) -> float:
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, self.logit(features, probe)))))

    _ARRAYS = ("weights", "mean", "scale", "probe_weights", "probe_mean", "probe_scale")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"features": list(FEATURES), "bias": float(self.bias),
                                "probe_bias": float(self.probe_bias),
                                "probe_coefficient": float(self.probe_coefficient)}
        for name in self._ARRAYS:
            data[name] = [float(f"{v:.6g}") for v in getattr(self, name)]
        data["about"] = self.about
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecisionModel:
        import numpy

        if list(data["features"]) != list(FEATURES):
            raise ValueError("the context model's features differ from this respin's: retrain it "
                             "(python tools/train_context.py)")
        arrays = {k: numpy.asarray(data[k], dtype=numpy.float64) for k in cls._ARRAYS}
        return cls(bias=float(data["bias"]), probe_bias=float(data["probe_bias"]),
                   probe_coefficient=float(data["probe_coefficient"]), about=dict(data.get("about", {})), **arrays)


@cache
def decision_model() -> DecisionModel:
    return DecisionModel.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


#: The features of a re-read candidate, in the order of the ranker's weights.
RANK_FEATURES = (
    "gain", "deletion_gain", "first_score", "cosine", "candidate_frequency", "candidate_tokens", "related",
    *(f"source_{s}" for s in SOURCES),
)


@dataclass(frozen=True)
class SuggestionRanker:
    """Chooses the suggestion among a reported site's re-read candidates: the highest w . (f - mean) / scale.

    Fitted as a conditional logit (softmax over each site's candidates) on the
    sites of spun fit-half text where one candidate restores the original, so
    the right-context gain is weighed against what else tells a spinner's
    original: a thesaurus relation to the written word, the candidate's source
    and frequency (the model alone prefers whatever reads best, "passed" for a
    spun "fall" where the original was "come").
    """

    weights: Any
    mean: Any
    scale: Any
    about: dict[str, Any] = field(default_factory=dict, compare=False)

    def score(self, features: Sequence[float]) -> float:
        import numpy

        return float(numpy.dot(self.weights, (numpy.asarray(features) - self.mean) / self.scale))

    def to_json(self) -> dict[str, Any]:
        return {"features": list(RANK_FEATURES), "about": self.about,
                **{name: [float(f"{v:.6g}") for v in getattr(self, name)] for name in ("weights", "mean", "scale")}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SuggestionRanker:
        import numpy

        if list(data["features"]) != list(RANK_FEATURES):
            raise ValueError("the context model's ranker features differ from this respin's: retrain it "
                             "(python tools/train_context.py)")
        return cls(about=dict(data.get("about", {})),
                   **{k: numpy.asarray(data[k], dtype=numpy.float64) for k in ("weights", "mean", "scale")})


@cache
def suggestion_ranker() -> SuggestionRanker | None:
    """The shipped ranker (None when the model file has none: the largest gain then wins)."""
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8")).get("ranker")
    return SuggestionRanker.from_json(data) if data else None


def rank_features(site: Site, candidate: Candidate, lexicon: Lexicon) -> tuple[float, ...]:
    """A re-read candidate's features (`RANK_FEATURES`)."""
    deletion = candidate.source == "deletion"
    lower = candidate.text.lower()
    values = {
        "gain": candidate.gain or 0.0,
        "deletion_gain": (candidate.gain or 0.0) if deletion else 0.0,
        "first_score": candidate.first_logprob - (0.0 if deletion else site.written_logprob),
        "cosine": candidate.cosine,
        "candidate_frequency": math.log10(1 + lexicon.count(lower)) if lower and " " not in lower else 0.0,
        "candidate_tokens": float(candidate.tokens),
        "related": 1.0 if candidate.source in ("thesaurus", "dictionary", "phrase") or (
            candidate.source == "model" and thesaurus.may_replace(site.written.lower(), lower)) else 0.0,
        **{f"source_{s}": 1.0 if candidate.source == s else 0.0 for s in SOURCES},
    }
    return tuple(values[name] for name in RANK_FEATURES)


# --- sites and candidates -----------------------------------------------------------------


@dataclass
class Candidate:
    text: str
    source: str
    #: log p(first token of the candidate | text before the site), from the first pass
    first_logprob: float = 0.0
    #: the right-context confirmation's gain (None: not re-read)
    gain: float | None = None
    cosine: float = 0.0
    #: how many tokens the candidate takes where it stands (set when re-read)
    tokens: int = 0


@dataclass
class Site:
    """A word or phrase that may be a spin, with what the model says of it."""

    start: int  # character offsets in the document
    end: int
    written: str
    kind: str  # "word" or "phrase"
    sentence_start: bool
    candidates: list[Candidate]
    chunk: int = 0
    token_start: int = 0  # token positions in the chunk (its start token included)
    token_end: int = 0
    written_logprob: float = 0.0
    top_logprob: float = 0.0
    next_logprob: float = 0.0
    features: tuple[float, ...] = ()
    #: the model's final hidden states at the site's last token and the two after it (they see the right context)
    probe: Any = None
    best: Candidate | None = None


@dataclass
class Chunk:
    start: int  # character offset of the chunk in the document
    text: str
    ids: list[int]  # with the start token first
    offsets: list[tuple[int, int]]  # character offsets of ids[1:] in `text`


def _headline(line: str) -> bool:
    """A line that reads as a title: no sentence-final punctuation, or most words capitalised."""
    stripped = line.strip()
    words = [w for w in re.findall(r"[A-Za-z]+", stripped) if len(w) > 3]
    if not words:
        return True
    capitalised = sum(w[0].isupper() for w in words)
    if capitalised >= max(2, 0.6 * len(words)):
        return True
    return not stripped.endswith(tuple(_LINE_END_PUNCTUATION)) and len(stripped.split()) <= 20


def _starts_sentence(text: str, offset: int) -> bool:
    i = offset - 1
    while i >= 0 and text[i] in " \t\xa0\"'“‘(":
        i -= 1
    return i < 0 or text[i] in ".!?:\n\r"


def _judged_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines whose words are judged: prose, not headlines."""
    spans, start = [], 0
    for line in text.splitlines(keepends=True):
        if not _headline(line):
            spans.append((start, start + len(line)))
        start += len(line)
    return spans


def _chunks(text: str, tokenizer: Any, start_id: int) -> list[Chunk]:
    """The document in chunks of at most `MAX_CHUNK_TOKENS` tokens, cut at paragraph, else sentence, breaks."""
    pieces: list[tuple[int, int]] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        pieces.append((position, match.start()))
        position = match.start()
    pieces.append((position, len(text)))
    chunks: list[Chunk] = []
    pending: list[tuple[int, int]] = []

    def flush() -> None:
        if pending:
            chunks.append(_encode(text, pending[0][0], pending[-1][1], tokenizer, start_id))
            pending.clear()

    for piece in pieces:
        for part in _fit(text, piece, tokenizer):
            if pending and _token_estimate(text, pending[0][0], part[1]) > MAX_CHUNK_TOKENS:
                flush()
            pending.append(part)
    flush()
    return [c for c in chunks if len(c.ids) > 1]


def _token_estimate(text: str, start: int, end: int) -> int:
    return (end - start) // 3 + 1  # English runs at about 4.5 characters a token: a safe over-estimate


def _fit(text: str, piece: tuple[int, int], tokenizer: Any) -> Iterator[tuple[int, int]]:
    """A paragraph, or its sentences grouped, each short enough for one chunk."""
    start, end = piece
    if _token_estimate(text, start, end) <= MAX_CHUNK_TOKENS:
        yield piece
        return
    cut = previous = start  # previous: the end of the last sentence that still fits
    for match in _SENTENCE_END.finditer(text, start, end):
        if _token_estimate(text, cut, match.end()) > MAX_CHUNK_TOKENS and previous > cut:
            yield cut, previous
            cut = previous
        previous = match.end()
    while _token_estimate(text, cut, end) > MAX_CHUNK_TOKENS:  # one endless sentence: cut at a space
        target = cut + 3 * MAX_CHUNK_TOKENS - 3
        space = text.rfind(" ", cut + 1, target)
        stop = space if space > cut else target
        yield cut, stop
        cut = stop
    yield cut, end


def _encode(text: str, start: int, end: int, tokenizer: Any, start_id: int) -> Chunk:
    encoding = tokenizer.encode(text[start:end], add_special_tokens=False)
    return Chunk(start, text[start:end], [start_id, *encoding.ids], list(encoding.offsets))


def _token_span(chunk: Chunk, start: int, end: int) -> tuple[int, int] | None:
    """Token positions [a, b) (in `chunk.ids`) covering exactly chunk.text[start:end], a leading space allowed."""
    offsets = chunk.offsets
    lo, hi = 0, len(offsets)
    while lo < hi:  # first token ending after `start`
        mid = (lo + hi) // 2
        if offsets[mid][1] <= start:
            lo = mid + 1
        else:
            hi = mid
    first = lo
    if first >= len(offsets):
        return None
    token_start = offsets[first][0]
    if token_start > start or chunk.text[token_start:start].strip():
        return None
    last = first
    while last < len(offsets) and offsets[last][1] < end:
        last += 1
    if last >= len(offsets) or offsets[last][1] != end:
        return None
    return first + 1, last + 2  # +1: the start token


@cache
def _phrase_index() -> dict[str, tuple[str, ...]]:
    """Moby's multi-word synonyms of single words, inverted: "economic system" -> ("economy", ...)."""
    from respin.language.dictionary import dictionaries_dir

    index: dict[str, tuple[str, ...]] = {}
    with (dictionaries_dir() / "thesaurus-phrases.txt").open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or "->" not in line:
                continue
            phrase, _, originals = line.rstrip("\n").partition("->")
            index[phrase] = tuple(originals.split())
    return index


def _word_candidates(word: str, lexicon: Lexicon) -> list[Candidate]:
    from respin.detectors.reverse_spin import learned_swaps

    lower = word.lower()
    found: dict[str, Candidate] = {}
    for original in sorted(learned_swaps().get(lower, ())):
        found[original] = Candidate(original, "dictionary")
    for original in thesaurus.originals(lower, limit=MAX_THESAURUS, lexicon=lexicon):
        if original not in found and original not in FUNCTION_WORDS:
            found[original] = Candidate(original, "thesaurus")
    return list(found.values())


def find_sites(text: str, lexicon: Lexicon) -> list[Site]:
    """Every word and phrase of the judged lines that may be a spin, with its dictionary candidates."""
    sites: list[Site] = []
    phrase_index = _phrase_index()
    for line_start, line_end in _judged_lines(text):
        words = list(_WORD.finditer(text, line_start, line_end))
        for i, match in enumerate(words):
            word = match.group()
            initial = _starts_sentence(text, match.start())
            if not (word.islower() or (initial and word[0].isupper() and word[1:].islower())):
                continue
            lower = word.lower()
            if not word.islower() and lexicon.count(lower) < SENTENCE_START_MIN_COUNT:
                continue
            if len(lower) >= 3 and lower not in FUNCTION_WORDS:
                sites.append(Site(match.start(), match.end(), word, "word", initial,
                                  _word_candidates(word, lexicon)))
            for size in PHRASE_WORDS:
                run = words[i : i + size]
                if len(run) < size or any(text[a.end() : b.start()] != " " for a, b in itertools.pairwise(run)):
                    continue
                if not all(w.group().islower() for w in run[1:]):
                    continue
                phrase = " ".join(w.group().lower() for w in run)
                originals = phrase_index.get(phrase)
                if originals:
                    written = text[match.start() : run[-1].end()]
                    sites.append(Site(match.start(), run[-1].end(), written, "phrase", initial,
                                      [Candidate(o, "phrase") for o in originals]))
    return sites


# --- scoring ------------------------------------------------------------------------------


class _Scorer:
    """Runs the model over a document's chunks and fills in its sites' scores."""

    def __init__(self) -> None:
        from respin.language.lm import get_model

        self.model = get_model()
        self.model.load()
        self.torch = self.model._torch
        self.scorer = self.model._model
        self.tokenizer = self.model._tokenizer
        self._first_token: dict[str, int] = {}
        self._ids: dict[str, list[int]] = {}
        self.lexicon = shared_lexicon()  # the one `score` is given replaces it

    def ids(self, text: str) -> list[int]:
        if text not in self._ids:
            self._ids[text] = self.tokenizer.encode(text, add_special_tokens=False).ids
        return self._ids[text]

    def score(self, text: str, sites: list[Site], lexicon: Lexicon, decide: Any = None) -> None:
        """Fill in the sites' first-pass scores, features and probe vectors.

        `decide(site) -> bool`, called once a chunk's sites have their features,
        says which sites to re-read with their right context, to rank their
        candidates (None: none are).
        """
        torch = self.torch
        self.lexicon = lexicon
        chunks = _chunks(text, self.tokenizer, self.model._start_id)
        by_chunk: list[list[Site]] = [[] for _ in chunks]
        starts = [c.start for c in chunks]
        for site in sites:
            index = bisect.bisect_right(starts, site.start) - 1
            if index < 0:
                continue
            chunk = chunks[index]
            span = _token_span(chunk, site.start - chunk.start, site.end - chunk.start)
            if span is None or span[1] >= len(chunk.ids):
                continue  # glued to a neighbour's token, or the chunk's last word (nothing on its right)
            site.chunk, (site.token_start, site.token_end) = index, span
            by_chunk[index].append(site)
        model = self.model
        if torch.get_num_threads() != model.threads:
            torch.set_num_threads(model.threads)
        with torch.inference_mode():
            # chunks of like length share a batch, so that little padding is computed
            by_length = sorted((i for i in range(len(chunks)) if by_chunk[i]), key=lambda i: len(chunks[i].ids))
            for first in range(0, len(by_length), CHUNKS_PER_BATCH):
                batch = by_length[first : first + CHUNKS_PER_BATCH]
                width = max(len(chunks[i].ids) for i in batch)
                input_ids = torch.full((len(batch), width), model._pad_id, dtype=torch.long)
                for row, i in enumerate(batch):
                    input_ids[row, : len(chunks[i].ids)] = torch.tensor(chunks[i].ids)
                hidden, kv = self.scorer.hidden_states(input_ids, keep_cache=decide is not None)
                reads = {i: (row, *self._score_chunk(chunks[i], by_chunk[i], hidden[row], lexicon))
                         for row, i in enumerate(batch) if by_chunk[i]}
                if decide is not None:
                    suspicious = [s for i in batch for s in by_chunk[i] if s.best is not None and decide(s)]
                    self._confirm(chunks, suspicious, hidden, kv, reads)

    def _cosines(self, tokens: Any, token: int) -> Any:
        """Cosine similarity of the input embeddings of `tokens` with that of `token`."""
        embed = self.scorer.embed
        return self.torch.nn.functional.cosine_similarity(embed[tokens], embed[token][None, :], dim=1)

    def _logprobs(self, states: Any) -> Any:
        return self.torch.nn.functional.linear(states, self.scorer.output).log_softmax(dim=-1)

    def _score_chunk(self, chunk: Chunk, sites: list[Site], hidden: Any, lexicon: Lexicon) -> tuple[Any, dict]:
        """Fill in the first-pass reading of a chunk's sites; returns the log-probabilities of their rows
        and where each token row is among them."""
        torch = self.torch
        ids = chunk.ids
        rows = sorted({r for s in sites for r in range(s.token_start - 1, s.token_end)})
        where = {r: k for k, r in enumerate(rows)}
        logprobs = self._logprobs(hidden[rows])
        top = logprobs.max(dim=1).values.tolist()
        for site in sites:
            a, b = site.token_start, site.token_end
            before = logprobs[where[a - 1]]
            site.written_logprob = float(sum(logprobs[where[t - 1], ids[t]] for t in range(a, b)))
            site.top_logprob = top[where[a - 1]]
            site.next_logprob = float(logprobs[where[b - 1], ids[b]])
            written_first = ids[a]
            space = " " if chunk.text[chunk.offsets[a - 1][0] : chunk.offsets[a - 1][0] + 1] == " " else ""
            firsts = []
            for candidate in site.candidates:
                candidate.text = carry_case(site.written, candidate.text)
                firsts.append((self.ids(space + candidate.text) or [written_first])[0])
            if firsts:
                index = torch.tensor(firsts)
                for candidate, logprob, cosine in zip(site.candidates, before[index].tolist(),
                                                      self._cosines(index, written_first).tolist()):
                    candidate.first_logprob, candidate.cosine = logprob, cosine
            if site.kind == "word":
                self._model_candidates(site, before, space, written_first, lexicon)
                # deletion: how much more probable the next word is straight after the text before the site
                site.candidates.append(Candidate("", "deletion", float(before[ids[b]]) - site.next_logprob))
            last = len(ids) - 1
            site.probe = hidden[[b - 1, min(b, last), min(b + 1, last)]].reshape(-1).numpy().copy()
            site.features, site.best = _features(site, lexicon)
        return logprobs, where

    def _model_candidates(self, site: Site, before: Any, space: str, written_first: int, lexicon: Lexicon) -> None:
        torch = self.torch
        values, indices = before.topk(MODEL_TOP)
        known = {c.text.lower() for c in site.candidates}
        written = site.written.lower()
        for value, index in zip(values.tolist(), indices.tolist()):
            token = self.tokenizer.id_to_token(index)
            if not token.startswith("Ġ") and space:
                continue
            word = token.lstrip("Ġ")
            lower = word.lower()
            if (not word.isalpha() or lower == written or lower in known or lower in FUNCTION_WORDS
                    or len(lower) < 3 or lexicon.count(lower) == 0):
                continue
            cosine = float(self._cosines(torch.tensor([index]), written_first)[0])
            if cosine < MODEL_RELATED_COSINE and not thesaurus.may_replace(written, lower):
                continue
            # the whole word must be this one token, else the first token's probability overstates it
            if self.ids(space + word) != [index]:
                continue
            site.candidates.append(Candidate(carry_case(site.written, lower), "model", value, cosine=cosine))

    def _confirm(self, chunks: list[Chunk], sites: list[Site], hidden: Any, kv: Any,
                 reads: dict[int, tuple[int, Any, dict]]) -> None:
        """Re-read the best candidates of suspicious sites with their right context.

        Each candidate (and the deletion) is read as a continuation of the text
        before the site, over the site and `RIGHT_TOKENS` tokens after it; the
        written wording's reading is the first pass's own. A candidate's gain is
        how many nats less that span costs with it in place. `sites` may come
        from every chunk of the batch that `hidden` and `kv` read; `reads[i]` is
        chunk i's row in that batch and its first pass (`_score_chunk`).
        """
        torch = self.torch
        jobs: list[tuple[Site, Candidate, list[int]]] = []
        for site in sites:
            chunk = chunks[site.chunk]
            ids = chunk.ids
            ranked = sorted((c for c in site.candidates if c.source != "deletion"),
                            key=lambda c: -c.first_logprob)[:CONFIRM_TOP]
            deletion = [c for c in site.candidates if c.source == "deletion"]
            right = ids[site.token_end : site.token_end + RIGHT_TOKENS]
            space = " " if chunk.text[chunk.offsets[site.token_start - 1][0]] == " " else ""
            for candidate in ranked:
                tokens = self.ids(space + candidate.text)
                candidate.tokens = len(tokens)
                jobs.append((site, candidate, tokens + right))
            if deletion and right:
                jobs.append((site, deletion[0], list(right)))
        if not jobs:
            return
        prefixes = torch.tensor([site.token_start for site, _, _ in jobs])
        rows_in_batch = torch.tensor([reads[site.chunk][0] for site, _, _ in jobs])
        states = self.scorer.continuation_states(kv, rows_in_batch, prefixes, [tokens for _, _, tokens in jobs])
        # Every token after a continuation's first is read from its own states; the written
        # wording's right context from the first pass's. Their rows go through one projection.
        rows: list[Any] = []
        targets: list[int] = []
        for k, (_, _, tokens) in enumerate(jobs):
            rows.append(states[k][: len(tokens) - 1])
            targets.extend(tokens[1:])
        # the last right-context token of each site
        lasts = [min(site.token_end + RIGHT_TOKENS, len(chunks[site.chunk].ids)) - 1 for site in sites]
        for site, last in zip(sites, lasts):
            rows.append(hidden[reads[site.chunk][0], site.token_end : last])
            targets.extend(chunks[site.chunk].ids[site.token_end + 1 : last + 1])
        read = self.scorer.token_logprobs(torch.cat(rows), targets).tolist() if targets else []
        position = 0
        nll: list[float] = []
        for site, _, tokens in jobs:
            _, logprobs, where = reads[site.chunk]
            first = -float(logprobs[where[site.token_start - 1], tokens[0]])
            nll.append(first - sum(read[position : position + len(tokens) - 1]))
            position += len(tokens) - 1
        written_nll: dict[int, float] = {}
        for site, last in zip(sites, lasts):
            ids = chunks[site.chunk].ids
            _, logprobs, where = reads[site.chunk]
            right_first = -float(logprobs[where[site.token_end - 1], ids[site.token_end]])
            written_nll[id(site)] = (-site.written_logprob + right_first
                                     - sum(read[position : position + last - site.token_end]))
            position += last - site.token_end
        for (site, candidate, _), cost in zip(jobs, nll):
            candidate.gain = written_nll[id(site)] - cost
            if candidate.source == "deletion":
                # how much easier the words after it read without the word: not the word's own cost,
                # which any deletion saves
                candidate.gain += site.written_logprob
        ranker = suggestion_ranker()
        for site in sites:
            if ranker is not None:
                options = [c for c in site.candidates if c.gain is not None]
                if options:
                    site.best = max(options, key=lambda c: ranker.score(rank_features(site, c, self.lexicon)))
                continue
            confirmed = [c for c in site.candidates if c.gain is not None and c.source != "deletion"]
            deletion = [c for c in site.candidates if c.gain is not None and c.source == "deletion"]
            best = max(confirmed, key=lambda c: c.gain or 0.0) if confirmed else site.best
            if deletion and (deletion[0].gain or 0.0) >= DELETION_MIN_GAIN and (
                    best is None or best.gain is None or (deletion[0].gain or 0.0) > best.gain):
                best = deletion[0]
            site.best = best


def _features(site: Site, lexicon: Lexicon) -> tuple[tuple[float, ...], Candidate | None]:
    """The site's features and its best candidate (by gain where re-read, else by first-pass score)."""
    scored = []
    for c in site.candidates:
        score = c.first_logprob if c.source == "deletion" else c.first_logprob - site.written_logprob
        scored.append((c, score))
    if not scored:
        return (), None
    # Deletion is judged by its own feature: as a suggestion it must win the right-context confirmation.
    replacements = [(c, s) for c, s in scored if c.source != "deletion"]
    best, score = max(replacements or scored, key=lambda cs: cs[1])
    deletion = max((s for c, s in scored if c.source == "deletion"), default=0.0)
    written = site.written.lower()
    candidate_frequency = math.log10(1 + lexicon.count(best.text.lower())) if best.text else 0.0
    values = {
        "score": score,
        "score_pos": max(0.0, score),
        "written_logprob": site.written_logprob,
        "written_tokens": float(site.token_end - site.token_start),
        "candidate_logprob": best.first_logprob if best.source != "deletion" else 0.0,
        "top_logprob": site.top_logprob,
        "next_logprob": site.next_logprob,
        "deletion_score": deletion,
        "written_frequency": math.log10(1 + min(lexicon.count(w) for w in written.split())),
        "candidate_frequency": candidate_frequency,
        "cosine": best.cosine,
        "candidates": math.log(1 + len(site.candidates)),
        "phrase": 1.0 if site.kind == "phrase" else 0.0,
        "sentence_start": 1.0 if site.sentence_start else 0.0,
        "position": math.log(1 + site.token_start),
        **{f"source_{s}": 1.0 if best.source == s else 0.0 for s in SOURCES},
    }
    return tuple(values[name] for name in FEATURES), best


def scored_sites(text: str, lexicon: Lexicon | None = None, decide: Any = None) -> list[Site]:
    """Every site of `text` the model could read, with its features, probe vector and best candidate."""
    lexicon = lexicon or shared_lexicon()
    sites = find_sites(text, lexicon)
    if not sites:
        return []
    _Scorer().score(text, sites, lexicon, decide)
    return [site for site in sites if site.best is not None]


def find_context_spins(text: str, min_confidence: float = 0.5, lexicon: Lexicon | None = None) -> list[Finding]:
    """The sites whose probability of being a spin is at least `min_confidence` and `REPORT_FROM`, as findings."""
    min_confidence = max(min_confidence, REPORT_FROM)
    model = decision_model()
    probabilities: dict[int, float] = {}

    def decide(site: Site) -> bool:
        probabilities[id(site)] = model.probability(site.features, site.probe)
        return probabilities[id(site)] >= min_confidence

    return [_finding(text, site, probabilities[id(site)]) for site in scored_sites(text, lexicon, decide)
            if probabilities.get(id(site), 0.0) >= min_confidence]


def _finding(text: str, site: Site, probability: float) -> Finding:
    best = site.best
    assert best is not None
    start, end = site.start, site.end
    if best.source == "deletion":  # remove the word and the space after it
        end = end + 1 if text[end : end + 1] == " " else end
        start = start - 1 if end == site.end and text[start - 1 : start] == " " else start
    # Findings start at REPORT_FROM, where one suggestion is sure enough for `fix` to apply; a deletion
    # is offered for review only: a wrong one loses the author's words (0.75 precise in bench.eval G).
    suggestions = (best.text,)
    deletion = best.source == "deletion"
    gain = f", {best.gain:+.1f} nats with the words after it" if best.gain is not None else ""
    shown = "remove it" if deletion else repr(best.text)
    message = (f"reads as a spin ({probability:.0%} likely); the language model expects {shown} here "
               f"[candidate from {best.source}{gain}]" + ("; a deletion: for review" if deletion else ""))
    return Finding(start, end, text[start:end], suggestions, RULE_PREFIX + best.source, Category.CONTEXT,
                   round(probability, 3), message, autofix=not deletion)
