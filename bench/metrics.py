"""The measures of the evaluation, as pure functions over spans, findings and texts.

Spans are half-open code-point ranges `(start, end)`. Two spans overlap when
they share a code point; an empty span (an insertion point) overlaps a span
that contains or touches it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

Span = tuple[int, int]


def overlaps(a: Span, b: Span) -> bool:
    """True when the spans share a code point (an empty span: when it lies within or at an edge of the other)."""
    (a0, a1), (b0, b1) = a, b
    if a0 == a1:
        return b0 <= a0 <= b1
    if b0 == b1:
        return a0 <= b0 <= a1
    return a0 < b1 and b0 < a1


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    return numerator / denominator if denominator else None


# --- spun text: findings against recorded substitutions --------------------------------


@dataclass
class SpanScore:
    """Findings against reference spans: how many of each overlap one of the other."""

    findings: int = 0
    true_findings: int = 0  # findings overlapping at least one reference span
    spans: int = 0
    detected_spans: int = 0  # reference spans overlapped by at least one finding

    def add(self, other: SpanScore) -> None:
        self.findings += other.findings
        self.true_findings += other.true_findings
        self.spans += other.spans
        self.detected_spans += other.detected_spans

    @property
    def precision(self) -> float | None:
        return ratio(self.true_findings, self.findings)

    @property
    def recall(self) -> float | None:
        return ratio(self.detected_spans, self.spans)


def detected_mask(spans: Sequence[Span], finding_spans: Sequence[Span]) -> list[bool]:
    """For each span: is it overlapped by at least one of `finding_spans`?"""
    return [any(overlaps(s, f) for f in finding_spans) for s in spans]


def score_spans(finding_spans: Sequence[Span], spans: Sequence[Span]) -> SpanScore:
    """Precision and recall counts of findings against reference spans."""
    true_findings = sum(any(overlaps(f, s) for s in spans) for f in finding_spans)
    return SpanScore(
        findings=len(finding_spans),
        true_findings=true_findings,
        spans=len(spans),
        detected_spans=sum(detected_mask(spans, finding_spans)),
    )


_ARTICLE_BEFORE = re.compile(r"(?<![\w'’-])(?:a|an)[ \t]+$", re.IGNORECASE)


def with_article(text: str, span: Span) -> Span:
    """The span widened to take in an "a " or "an " standing right before it.

    A spun word can leave the indefinite article before it wrong ("a large" ->
    "a enormous"); a finding on that article points at the spin, so the
    evaluation scores findings against substitution spans widened this way.
    """
    start, end = span
    match = _ARTICLE_BEFORE.search(text, max(0, start - 8), start)
    return (match.start(), end) if match else span


def contains_word(text: str, word: str) -> bool:
    """True when `word` stands in `text` as a whole word, case-insensitively."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE) is not None


def restored(sub_span: Span, original: str, fixes: Iterable[tuple[int, int, str]]) -> bool:
    """True when some applied fix (start, end, replacement) overlapping the span puts `original` back.

    The fix's replacement must contain the original word as a whole word,
    case-insensitively ("rose" -> "climbed" undone by "rose", or by "rose sharply").
    """
    return any(overlaps(sub_span, (start, end)) and contains_word(replacement, original)
               for start, end, replacement in fixes)


# --- spun text: the figures of one scope of findings -------------------------------------


@dataclass
class SpunTally:
    """Findings and fixes on spun texts against their recorded substitutions, summed over texts.

    Precision and recall of the findings (substitution spans widened by
    `with_article`), restored wording (detected substitutions a fix overlapping
    them puts back: `restored`), and the word error reduction of the fixed
    texts (`error_reduction` of the summed `word_distance`s).
    """

    score: SpanScore = field(default_factory=SpanScore)
    restored: int = 0
    fixes: int = 0
    fixes_on_subs: int = 0
    spun_distance: int = 0
    fixed_distance: int = 0

    def add(self, spun: str, original: str, substitutions: Sequence, findings: Sequence,
            fixed: str, edits: Sequence[tuple[int, int, str]]) -> list[Span]:
        """One spun text: its substitutions (.start, .end, .original), findings (.start, .end), fixed text and
        the edits that made it. Returns the widened substitution spans."""
        sub_spans = [with_article(spun, (s.start, s.end)) for s in substitutions]
        finding_spans = [(f.start, f.end) for f in findings]
        self.score.add(score_spans(finding_spans, sub_spans))
        self.fixes += len(edits)
        self.fixes_on_subs += sum(any(overlaps((s, e), sub) for sub in sub_spans) for s, e, _ in edits)
        detected = detected_mask(sub_spans, finding_spans)
        self.restored += sum(restored((sub.start, sub.end), sub.original, edits)
                             for sub, hit in zip(substitutions, detected) if hit)
        d_spun = word_distance(spun, original)
        self.spun_distance += d_spun
        self.fixed_distance += word_distance(fixed, original) if edits else d_spun
        return sub_spans

    def figures(self) -> dict:
        return {
            "substitutions": self.score.spans,
            "findings": self.score.findings,
            "true_findings": self.score.true_findings,
            "precision": self.score.precision,
            "detected_substitutions": self.score.detected_spans,
            "recall": self.score.recall,
            "restored": self.restored,
            "restored_rate": ratio(self.restored, self.score.detected_spans),
            "fixes_applied": self.fixes,
            "fixes_on_substitutions": self.fixes_on_subs,
            "word_distance_spun": self.spun_distance,
            "word_distance_fixed": self.fixed_distance,
            "word_error_reduction": error_reduction(self.spun_distance, self.fixed_distance),
        }


def apply_edits(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """`text` with the non-overlapping edits (start, end, replacement) applied."""
    return _replace(text, 0, edits)


def threshold_edits(findings: Sequence, threshold: float) -> list[tuple[int, int, str]]:
    """The edits of accepting every finding at or above `threshold` with its first suggestion, in text order.

    Findings without a suggestion are left alone; of findings that overlap,
    the first in text order (then the longer) is taken. An empty suggestion
    deletes the span (the `context-deletion` kind).
    """
    edits: list[tuple[int, int, str]] = []
    for finding in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if finding.confidence < threshold or not finding.suggestions:
            continue
        if edits and overlaps((edits[-1][0], edits[-1][1]), (finding.start, finding.end)):
            continue
        edits.append((finding.start, finding.end, finding.suggestions[0]))
    return edits


def auroc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """Area under the ROC curve: the chance a positive scores above a negative, ties counting one half.

    Computed from ranks (Mann-Whitney U): all scores ranked together, tied
    scores given the mean of their ranks. None when either side is empty.
    """
    if not positives or not negatives:
        return None
    scored = sorted([(score, True) for score in positives] + [(score, False) for score in negatives],
                    key=lambda pair: pair[0])
    rank_sum = 0.0
    i = 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2  # ranks i+1 .. j
        rank_sum += mean_rank * sum(is_positive for _, is_positive in scored[i:j])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def spread(items: Sequence, n: int | None) -> list:
    """`n` items evenly spaced over the sequence, first included, in order (all when n is None or too big)."""
    if n is None or n >= len(items):
        return list(items)
    return [items[i * len(items) // n] for i in range(max(n, 0))]


# --- spun text: per detector and per category ------------------------------------------

#: A substitution "reads unnaturally" (proxy) when its replacement is this many times rarer.
RARER_FACTOR = 10


def phrase_count(phrase: str, count: Callable[[str], int]) -> int:
    """Frequency proxy of a word or phrase: the unigram count of its rarest word (0 if any is unknown).

    A phrase occurs at most as often as its rarest word, so this is an upper
    bound on the phrase's own frequency, the only one unigram counts give.
    """
    words = word_tokens(phrase)
    return min((count(w) for w in words), default=0)


def reads_unnaturally(original: str, replacement: str, count: Callable[[str], int],
                      factor: int = RARER_FACTOR) -> bool:
    """The proxy for "changes meaning or reads unnaturally": the replacement is `factor` times rarer.

    True when phrase_count(original) >= factor * phrase_count(replacement) and the
    original is known (count > 0): a replacement no English text uses ("skin
    eruption" for "growth", rarest word "eruption") counts; a near-synonym in
    common use ("rise" for "growth") does not. An unknown original counts as not.
    """
    before = phrase_count(original, count)
    return before > 0 and before >= factor * phrase_count(replacement, count)


@dataclass
class Tally:
    """The findings of one detector (or category) against the substitutions."""

    findings: int = 0
    true_findings: int = 0  # its findings overlapping a substitution
    detected: int = 0  # substitutions overlapped by one of its findings
    detected_unnatural: int = 0  # of those, the ones that read unnaturally (`reads_unnaturally`)

    @property
    def precision(self) -> float | None:
        return ratio(self.true_findings, self.findings)


@dataclass
class Breakdown:
    """Findings against substitutions, in total and per rule (or dictionary) and per category.

    A substitution is detected by a rule when a finding of that rule overlaps it;
    one substitution can count for several rules, never twice for one.
    """

    substitutions: int = 0
    unnatural: int = 0
    total: Tally = field(default_factory=Tally)
    by_rule: dict[str, Tally] = field(default_factory=dict)
    by_category: dict[str, Tally] = field(default_factory=dict)

    def add(self, findings: Sequence, spans: Sequence[Span], unnatural: Sequence[bool]) -> None:
        """One text's findings (with .start, .end, .rule, .category) against its substitution spans."""
        self.substitutions += len(spans)
        self.unnatural += sum(unnatural)
        groups: list[tuple[Tally, list]] = [(self.total, list(findings))]
        for attribute, tallies in (("rule", self.by_rule), ("category", self.by_category)):
            members: dict[str, list] = {}
            for finding in findings:
                members.setdefault(str(getattr(finding, attribute)), []).append(finding)
            groups.extend((tallies.setdefault(name, Tally()), fs) for name, fs in members.items())
        for tally, fs in groups:
            finding_spans = [(f.start, f.end) for f in fs]
            tally.findings += len(fs)
            tally.true_findings += sum(any(overlaps(f, s) for s in spans) for f in finding_spans)
            hits = detected_mask(spans, finding_spans)
            tally.detected += sum(hits)
            tally.detected_unnatural += sum(h and u for h, u in zip(hits, unnatural))

    def recall(self, tally: Tally) -> float | None:
        return ratio(tally.detected, self.substitutions)

    def recall_unnatural(self, tally: Tally) -> float | None:
        return ratio(tally.detected_unnatural, self.unnatural)

    def figures(self, tally: Tally) -> dict:
        return {"findings": tally.findings, "true_findings": tally.true_findings, "precision": tally.precision,
                "detected": tally.detected, "recall": self.recall(tally),
                "detected_unnatural": tally.detected_unnatural, "recall_unnatural": self.recall_unnatural(tally)}

    def as_dict(self) -> dict:
        def ranked(tallies: dict[str, Tally]) -> dict:
            order = sorted(tallies.items(), key=lambda kv: (-kv[1].findings, kv[0]))
            return {name: self.figures(t) for name, t in order}

        return {"substitutions": self.substitutions, "unnatural": self.unnatural, **self.figures(self.total),
                "by_rule": ranked(self.by_rule), "by_category": ranked(self.by_category)}


# --- word error -------------------------------------------------------------------------

_PUNCT = "\"'“”‘’`.,;:!?()[]{}<>«»-–—/\\*…"


def word_tokens(text: str) -> list[str]:
    """Whitespace tokens, lower-cased, stripped of surrounding punctuation; empty ones dropped."""
    tokens = (token.strip(_PUNCT).lower() for token in text.split())
    return [token for token in tokens if token]


def word_distance(a: str, b: str) -> int:
    """Levenshtein distance over `word_tokens` (insertions, deletions, substitutions of words)."""
    return Levenshtein.distance(word_tokens(a), word_tokens(b))


def error_reduction(spun_distance: int, fixed_distance: int) -> float | None:
    """1 - d(fixed, original) / d(spun, original): 1 all repaired, 0 no change, < 0 made worse."""
    if not spun_distance:
        return None
    return 1.0 - fixed_distance / spun_distance


# --- gold annotations -------------------------------------------------------------------

TIERS = ("broken", "awkward")


@dataclass(frozen=True)
class GoldRow:
    spun: str
    canonical: str
    tier: str
    line: int  # line number in the gold file, for messages


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    spun: str  # as it stands in the article
    canonical: str
    tier: str
    line: int

    @property
    def span(self) -> Span:
        return (self.start, self.end)


class GoldFormatError(ValueError):
    """A gold annotation file that does not follow the format."""


def parse_gold(text: str) -> list[GoldRow]:
    """Rows of `spun<TAB>canonical<TAB>tier`; `#` comments, blank lines and the header are skipped."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [field.strip() for field in line.split("\t")]
        if [f.lower() for f in fields] == ["spun", "canonical", "tier"]:
            continue
        if len(fields) != 3:
            raise GoldFormatError(f"line {number}: expected 3 tab-separated fields, got {len(fields)}")
        spun, canonical, tier = fields
        tier = tier.lower()
        if tier not in TIERS:
            raise GoldFormatError(f"line {number}: tier {tier!r} is not one of {', '.join(TIERS)}")
        if not spun:
            raise GoldFormatError(f"line {number}: empty spun text")
        rows.append(GoldRow(spun, canonical, tier, number))
    return rows


def _occurrences(article: str, spun: str) -> list[Span]:
    """Non-overlapping case-insensitive occurrences, whole words where the text starts/ends with one."""
    head = r"(?<!\w)" if spun[0].isalnum() else ""
    tail = r"(?!\w)" if spun[-1].isalnum() else ""
    pattern = re.compile(head + re.escape(spun) + tail, re.IGNORECASE)
    found = [m.span() for m in pattern.finditer(article)]
    if not found:  # not at word edges: take it as the plain substring the format promises
        found = [m.span() for m in re.finditer(re.escape(spun), article, re.IGNORECASE)]
    return found


@dataclass
class GoldMatch:
    spans: list[GoldSpan]
    unmatched: list[GoldRow]  # rows whose occurrence is not in the article
    unlisted: dict[str, int]  # spun text -> occurrences in the article beyond those listed


def match_gold(article: str, rows: Sequence[GoldRow]) -> GoldMatch:
    """Place each row in the article: the k-th row with a spun text takes its k-th occurrence.

    Occurrences are found case-insensitively and at word edges (falling back to
    any substring when there is none at word edges). Returned spans are in text order.
    """
    occurrences: dict[str, list[Span]] = {}
    used: dict[str, int] = {}
    spans, unmatched = [], []
    for row in rows:
        key = row.spun.lower()
        if key not in occurrences:
            occurrences[key] = _occurrences(article, row.spun)
        k = used.get(key, 0)
        used[key] = k + 1
        if k < len(occurrences[key]):
            start, end = occurrences[key][k]
            spans.append(GoldSpan(start, end, article[start:end], row.canonical, row.tier, row.line))
        else:
            unmatched.append(row)
    unlisted = {key: len(occ) - used[key] for key, occ in occurrences.items() if len(occ) > used[key]}
    spans.sort(key=lambda g: (g.start, g.end))
    return GoldMatch(spans, unmatched, unlisted)


def _normal(text: str) -> str:
    return " ".join(text.split()).lower()


def _replace(text: str, start: int, edits: Sequence[tuple[int, int, str]]) -> str:
    """`text` (which begins at offset `start`) with non-overlapping edits applied."""
    pieces, position = [], start
    for s, e, replacement in sorted(edits):
        pieces.append(text[position - start : s - start])
        pieces.append(replacement)
        position = e
    pieces.append(text[position - start :])
    return "".join(pieces)


def judge_repairs(article: str, gold: Sequence[GoldSpan], edits: Sequence[tuple[int, int, str]]) -> list[bool]:
    """For each gold span: is it repaired to its canonical wording by the edits (start, end, replacement)?

    The rule, per gold span: take the edits that overlap it (none: not
    repaired). The region runs over the gold span and those edits. The span is
    repaired when the region with those edits applied equals the region with
    the gold span replaced by its canonical, case-insensitively and with runs of
    white space taken as one space. When the spans coincide this is simply
    `replacement == canonical`. Where they differ, the rest of the region must
    come out unchanged: an edit "ended up being" -> "was" repairs the gold span
    "ended up being extensively" -> "was extensively", and "octobers" ->
    "October's" does not repair "final octobers" -> "last October's". Other gold
    spans that lie wholly inside the region, without overlapping this one, are
    expected repaired too (one edit may mend two adjacent gold spans at once).
    Edits must not overlap each other (the engine's findings never do).
    """
    result = []
    for g in gold:
        mine = [e for e in edits if overlaps(g.span, (e[0], e[1]))]
        if not mine:
            result.append(False)
            continue
        start = min(g.start, *(e[0] for e in mine))
        end = max(g.end, *(e[1] for e in mine))
        expected_edits = [(g.start, g.end, g.canonical)]
        for o in gold:
            if start <= o.start and o.end <= end and not any(overlaps(o.span, (s, e)) for s, e, _ in expected_edits):
                expected_edits.append((o.start, o.end, o.canonical))
        region = article[start:end]
        repaired = _replace(region, start, mine)
        expected = _replace(region, start, expected_edits)
        result.append(_normal(repaired) == _normal(expected))
    return result


# --- calibration ----------------------------------------------------------------------

#: Confidence bands the calibration table reports, [low, high).
CONFIDENCE_BANDS: tuple[tuple[float, float], ...] = ((0.5, 0.7), (0.7, 0.85), (0.85, 0.95), (0.95, 1.01))


def band_name(low: float, high: float) -> str:
    return f"{low:.2f}-{min(high, 1.0):.2f}"


CalibrationCounts = dict[str, dict[str, float]]


def calibration_counts(confidences: Sequence[float], truths: Sequence[bool],
                       into: CalibrationCounts | None = None) -> CalibrationCounts:
    """Per confidence band: findings, true findings and summed confidence, added to `into` when given."""
    bands: CalibrationCounts = {} if into is None else into
    for confidence, true in zip(confidences, truths):
        for low, high in CONFIDENCE_BANDS:
            if low <= confidence < high:
                band = bands.setdefault(band_name(low, high), {"findings": 0, "true": 0, "confidence_sum": 0.0})
                band["findings"] += 1
                band["true"] += bool(true)
                band["confidence_sum"] += confidence
    return bands


def merge_calibration(tables: Iterable[CalibrationCounts]) -> CalibrationCounts:
    merged: CalibrationCounts = {}
    for table in tables:
        for name, band in table.items():
            into = merged.setdefault(name, {"findings": 0, "true": 0, "confidence_sum": 0.0})
            for key in into:
                into[key] += band[key]
    return merged


def calibration_rows(counts: CalibrationCounts) -> list[dict[str, Any]]:
    """Each band with findings: its precision (true / findings) and mean confidence, in band order."""
    rows = []
    for low, high in CONFIDENCE_BANDS:
        band = counts.get(band_name(low, high))
        if band and band["findings"]:
            rows.append({"band": band_name(low, high), "findings": int(band["findings"]), "true": int(band["true"]),
                         "precision": band["true"] / band["findings"],
                         "mean_confidence": band["confidence_sum"] / band["findings"]})
    return rows
