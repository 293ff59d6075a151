"""The evaluation of respin: `python -m bench.eval` from the repository root prints one table.

A. Clean text. Every finding on the clean BBC articles (`../shared/data/bbc-dev`)
   is a false positive. Reported: words (white-space split), findings, findings
   per 1000 words (target <= 1.0), the findings by rule, and how many edits
   `respin fix` would make to the clean text.
B. Spun text, once per spinner kind (`--spinner word|phrase|wordnet|insertion|
   both|all`, default both = word and phrase, reported apart). Each article is
   spun by `bench.spinner` (seeded per article from `--seed`, the kind and the
   file name, so `--limit` does not change the spin of the articles it keeps):
   `word` swaps single words for single words; `phrase` swaps multi-word
   phrases for words or phrases and single words for phrases, as commercial
   spinners do (both from the Moby Thesaurus, which respin's thesaurus index
   also comes from); `wordnet` swaps words and phrases for WordNet synonyms and
   `insertion` rewrites from a hand-written table of expansions and fillers
   (sources respin never reads; without WordNet installed, `wordnet` is
   skipped with a note). A
   finding is true when it overlaps a recorded substitution. Precision = true
   findings / findings; recall = substitutions overlapped by a finding /
   substitutions; restored = of the detected substitutions, those where a fix
   `respin fix` applies overlaps the substitution and its replacement holds the
   original word or phrase (whole words, any case); word error reduction = 1 -
   d(fixed, original) / d(spun, original), summed over articles, d a
   Levenshtein distance over white-space tokens (lower-cased, surrounding
   punctuation stripped). The same figures per rule or dictionary
   (`Finding.rule`) and per category (`Finding.category`): findings, true
   findings, precision, and the recall of the substitutions that rule's
   findings overlap (a substitution counts for every rule that hits it).
   "Unnatural" substitutions, the subset a detector of spins should find, are
   approximated by frequency alone (`bench.metrics.reads_unnaturally`): the
   replacement is at least 10 times rarer than the original by symspellpy's
   unigram counts (`respin.language.lexicon`), a phrase counted as its rarest word (an
   upper bound on the phrase's frequency) and an unknown original never
   counted. It catches obscure swaps ("growth" -> "skin eruption", "economy"
   -> "niggardliness") but not meaning changes among common words
   ("downward" -> "upward") nor odd phrases of common words ("government" ->
   "iron hand"), so it undercounts, most for the phrase spinner. Recall is
   given for all substitutions and for this subset; for the phrase spinner
   also for phrase and word originals apart. respin repairs known spins, not
   random thesaurus swaps: low recall here is expected and measured as is.
C. The user's example: `fixtures/spun-news-syria.txt` against its gold file
   `fixtures/spun-news-syria.gold.tsv` (`spun<TAB>canonical<TAB>tier`, tier
   `broken` or `awkward`; the k-th row of a spun text is its k-th occurrence).
   For tier `broken` (targets) and all tiers: recall = gold spans overlapped by
   a finding; correct = of the detected gold spans, those repaired to the
   canonical wording when each finding is replaced by its first suggestion
   (gold and finding spans that overlap are judged together over the region
   they cover: see `bench.metrics.judge_repairs`); fixed = of all gold spans,
   those the output of `respin fix` repairs by the same rule; precision =
   findings overlapping any gold span / findings. Findings of category `case`
   (restored capitals) are left out here: the gold lists spins; E scores them.
D. PPS hold-out (`bench.holdout`; `--no-holdout` skips it): a seeded (`--seed`)
   20% of `dictionaries/scientific-pps.txt` is held out and respin runs on a
   temporary copy of the dictionaries folder without it. Each held-out entry
   with one suggestion and no condition is checked in "In this paper we apply
   {tortured phrase} to the data." and in the same sentence with its
   canonical. Recall = tortured phrases overlapped by a finding (target >=
   0.6); correct = of those, the ones a finding's first suggestion repairs to
   the canonical (case-insensitive); false flags = canonical sentences with a
   finding overlapping the canonical (target <= 0.05). Skipped entries are
   counted; hits are broken down by rule, since a kept entry can overlap a
   held-out phrase.
E. Lost capitals (`bench.casing`): the example against
   `fixtures/spun-news-syria.cased.txt` (the same text with its capitals
   restored by hand): proper nouns restored (target >= 0.8), sentence starts,
   and words wrongly cased (target 0); and every 10th clean article lower-cased:
   the capitals the case repairs bring back exactly, and lower-case words they
   wrongly capitalise.
F. Calibration: the findings on spun text (B, both kinds, and C) grouped by
   confidence band, with the share that is true in each band (B: overlapping a
   substitution; C: overlapping a gold span) against the band's mean
   confidence. A calibrated detector's 0.9 findings are true about 90% of the
   time. B's spinner swaps words at random, so entries made for real spinners'
   habits (the review dictionaries) find nothing true there: their band is
   judged mostly by the BBC's own wording.

G. The context tier (`--context` adds it, `--context-only` runs it alone): a
   `Checker(deep=True)` (with the `--checker-arg`s and the check threshold) on
   `--context-limit` articles (default 40), evenly spaced in file order, of the
   report half of the corpus (`bench.split`: whatever is fitted on bbc-dev is
   fitted on the other half), clean and spun by each of `--context-spinners`
   (default word, phrase, wordnet, insertion; `--rate`, `--seed` as in B).
   Each text is checked once, with the tier reporting from the lowest
   threshold of the curve (`respin.detectors.context.REPORT_FROM` lowered to 0.5 for the
   run), and every figure comes from those findings; the per-spinner,
   per-source and clean figures count the findings from the tier's own
   `REPORT_FROM` (0.8), as `check --deep` reports them. Per
   spinner, for findings of category `context` alone and for all findings:
   precision, recall, restored wording and word error reduction as in B, the
   fixes being the findings at or above `--fix-confidence` that `fix` may
   apply (deletions are for review), each replaced by
   its first suggestion (`metrics.threshold_edits`; not `respin fix`, which
   would need a second deep check). Per candidate source (rule `context-*`):
   findings, precision, recall. By confidence threshold (0.5 to 0.95, all
   spinners pooled): precision, recall, restored, error reduction of the
   findings at or above it (fixed with the same findings), and their rate on
   the clean articles. On the clean articles (headline, the first line,
   included): findings per 1000 words, context and all, and how many stand on
   a headline; `--show-fp K` prints the first K in context. The document
   verdict: when `respin.detectors.verdict.spin_score(text, findings)` exists, the AUROC
   (`metrics.auroc`) of its scores on the spun articles (each kind, and all
   together) against the clean ones; otherwise a note. Time of the deep check
   per text (clean and spun): mean, median, and per 700 words; the language
   model is loaded before timing starts. (Reporting from 0.5, the tier re-reads
   a few more sites than `check --deep` does: `bench.deep_speed` times that.)

The table's header prints the settings of the two Checkers. `--checker-arg
KEY=VALUE` (repeatable) passes a keyword argument to `respin.Checker` for every
check and fix (`jobs=1`, `dictionaries=fingerprints,entities`, a future
`deep=true`), so two runs compare two configurations; a `min_confidence` given
so overrides `--min-confidence` for checks, while fixes keep `--fix-confidence`.
`--part fit|report` restricts sections A to F to one half of the corpus.
Findings are taken at the check threshold (`--min-confidence`, default the
engine's); fixes exactly as `respin fix` makes them (a check at
`--fix-confidence`, default the CLI's, then `auto_decisions` and `apply`).
The command exits 0 whatever the figures; 2 on a usage or input error.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import MISSING, dataclass, fields, replace
from pathlib import Path
from typing import Any

from bench import casing, metrics, split
from bench.holdout import TARGET_FALSE_FLAGS, TARGET_RECALL, evaluate_holdout
from bench.spinner import DEFAULT_RATE, LOADERS, SPINNERS, Spin, load_phrase_thesaurus, load_thesaurus
from bench.wordnet import WordNetMissing
from respin import Checker, Finding, apply, auto_decisions, check_text
from respin.cli import DEFAULT_FIX_CONFIDENCE
from respin.engine import DEFAULT_MIN_CONFIDENCE
from respin.finding import Category, LineIndex
from respin.language.lexicon import shared_lexicon

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / ".." / "shared" / "data" / "bbc-dev"
DEFAULT_ARTICLE = ROOT / "fixtures" / "spun-news-syria.txt"
CONTEXT = 60
SPINNER_CHOICES = ("word", "phrase", "wordnet", "insertion", "both", "all")
SPINNER_KINDS = {"both": ("word", "phrase"), "all": ("word", "phrase", "wordnet", "insertion")}

TARGET_FP_PER_1000 = 1.0
TARGET_CASE_RESTORED = 0.80
CASING_SAMPLE_STEP = 10  # section E lower-cases every 10th clean article
TARGET_GOLD_RECALL = 0.90
TARGET_GOLD_CORRECT = 0.75
TARGET_GOLD_PRECISION = 0.90


@dataclass(frozen=True)
class Article:
    name: str
    text: str
    valid_utf8: bool


def read_article(path: Path) -> Article:
    data = path.read_bytes()
    try:
        return Article(path.name, data.decode("utf-8"), True)
    except UnicodeDecodeError:
        return Article(path.name, data.decode("utf-8", errors="replace"), False)


def corpus_paths(corpus: Path, part: str | None = None) -> list[Path]:
    """The corpus's .txt files in name order; only those of one half of it (`bench.split`) when `part` is given."""
    paths = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix == ".txt")
    return paths if part is None else split.select(paths, part)


def read_corpus(corpus: Path, limit: int | None, part: str | None = None) -> list[Article]:
    paths = corpus_paths(corpus, part)
    if limit is not None:
        paths = paths[:limit]
    return [read_article(p) for p in paths]


def fix_edits(text: str, fix_checker: Checker, checked: Sequence[Finding] | None = None,
              checker: Checker | None = None) -> tuple[str, list[tuple[int, int, str]]]:
    """What `respin fix` does to `text`: the repaired text and the edits (start, end, replacement).

    `checked`, the findings of `checker` on the same text, saves the second
    check where it cannot find anything: when the check threshold is at or
    below the fix threshold and the check found nothing, there is nothing at or
    above the fix threshold either (a non-empty candidate set always leaves at
    least one finding after overlaps are resolved).
    """
    if (checked is not None and not checked and checker is not None
            and checker.min_confidence <= fix_checker.min_confidence):
        return text, []
    findings = check_text(text, fix_checker)
    decisions = auto_decisions(findings, fix_checker.min_confidence)
    edits = sorted((findings[i].start, findings[i].end, r) for i, r in decisions.items())
    return apply(text, findings, decisions), edits


def in_context(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """The span marked [[like this]] with `width` characters either side, on one line."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    flat = f"{left}[[{text[start:end]}]]{right}"
    return ("…" if start > width else "") + " ".join(flat.split()) + ("…" if end + width < len(text) else "")


def describe(name: str, text: str, finding: Finding, index: LineIndex | None = None) -> str:
    line, col = (index or LineIndex(text)).line_col(finding.start)
    suggestion = " | ".join(finding.suggestions) if finding.suggestions else "(no suggestion)"
    return (f"{name}:{line}:{col}  {finding.rule} ({finding.confidence:.2f})  "
            f"{finding.text!r} -> {suggestion!r}\n      {in_context(text, finding.start, finding.end)}")


# --- A. clean text ----------------------------------------------------------------------


def evaluate_clean(articles: Sequence[Article], checker: Checker, fix_checker: Checker,
                   show_fp: int, out: list[str]) -> dict:
    words = findings = fix_count = 0
    by_rule: Counter[str] = Counter()
    shown = 0
    for article in articles:
        words += len(article.text.split())
        found = check_text(article.text, checker)
        findings += len(found)
        by_rule.update(f.rule for f in found)
        fix_count += len(fix_edits(article.text, fix_checker, found, checker)[1])
        if shown < show_fp and found:
            index = LineIndex(article.text)
            for finding in found[: show_fp - shown]:
                out.append(describe(article.name, article.text, finding, index))
                shown += 1
    return {
        "articles": len(articles),
        "undecodable": [a.name for a in articles if not a.valid_utf8],
        "words": words,
        "false_positives": findings,
        "fp_per_1000_words": metrics.ratio(1000 * findings, words),
        "fp_by_rule": dict(by_rule.most_common()),
        "fix_edits": fix_count,
        "fix_edits_per_1000_words": metrics.ratio(1000 * fix_count, words),
    }


# --- B. spun text -----------------------------------------------------------------------


def spin_seed(seed: int, kind: str, name: str) -> str:
    """The seed of one article's spin; the word spinner keeps the seeds it always had."""
    return f"{seed}:{name}" if kind == "word" else f"{seed}:{kind}:{name}"


def spin_article(article: Article, kind: str, seed: int, rate: float, thesaurus: Any) -> Spin:
    """One article spun by one kind of spinner, seeded by `spin_seed`."""
    return SPINNERS[kind](article.text, seed=spin_seed(seed, kind, article.name), rate=rate, thesaurus=thesaurus)


def load_spinner_source(kind: str) -> Any:
    """What a spinner reads (its `thesaurus`); raises `WordNetMissing` when WordNet is not installed."""
    if kind == "word":
        return load_thesaurus()
    if kind == "phrase":
        return load_phrase_thesaurus()
    return LOADERS[kind]()


def evaluate_spun(articles: Sequence[Article], checker: Checker, fix_checker: Checker,
                  seed: int, rate: float, kind: str = "word") -> dict:
    thesaurus = load_spinner_source(kind)
    count = shared_lexicon().count
    tally = metrics.SpunTally()
    breakdown = metrics.Breakdown()
    by_original: dict[str, metrics.SpanScore] = {}
    calibration: metrics.CalibrationCounts = {}
    for article in articles:
        spun = spin_article(article, kind, seed, rate, thesaurus)
        unnatural = [metrics.reads_unnaturally(s.original, s.replacement, count) for s in spun.substitutions]
        found = check_text(spun.text, checker)
        fixed, edits = fix_edits(spun.text, fix_checker, found, checker)
        # scored with an "a"/"an" before them: a finding there points at the spin (metrics.with_article)
        sub_spans = tally.add(spun.text, article.text, spun.substitutions, found, fixed, edits)
        finding_spans = [(f.start, f.end) for f in found]
        breakdown.add(found, sub_spans, unnatural)
        metrics.calibration_counts([f.confidence for f in found],
                                   [any(metrics.overlaps(fs, sub) for sub in sub_spans) for fs in finding_spans],
                                   into=calibration)
        for sub_kind in ("word", "phrase"):
            spans = [span for span, sub in zip(sub_spans, spun.substitutions) if sub.kind == sub_kind]
            by_original.setdefault(sub_kind, metrics.SpanScore()).add(metrics.score_spans(finding_spans, spans))
    details = breakdown.as_dict()
    figures = tally.figures()
    return {
        "spinner": kind,
        "seed": seed,
        "rate": rate,
        "substitutions": figures["substitutions"],
        "substitutions_by_original": {k: {"substitutions": v.spans, "detected": v.detected_spans,
                                          "recall": v.recall} for k, v in by_original.items()},
        "unnatural": details["unnatural"],
        "findings": figures["findings"],
        "true_findings": figures["true_findings"],
        "precision": figures["precision"],
        "detected_substitutions": figures["detected_substitutions"],
        "recall": figures["recall"],
        "detected_unnatural": details["detected_unnatural"],
        "recall_unnatural": details["recall_unnatural"],
        **{key: figures[key] for key in ("restored", "restored_rate", "fixes_applied", "fixes_on_substitutions",
                                         "word_distance_spun", "word_distance_fixed", "word_error_reduction")},
        "by_rule": details["by_rule"],
        "by_category": details["by_category"],
        "calibration_counts": calibration,
    }


# --- C. the user's example against gold -------------------------------------------------


def gold_path_for(article: Path) -> Path:
    return article.with_name(article.name.removesuffix(".txt") + ".gold.tsv")


def evaluate_gold(article_path: Path, gold_path: Path, checker: Checker, fix_checker: Checker,
                  show_missed: bool, out: list[str], notes: list[str]) -> dict | None:
    if not gold_path.exists():
        shown = gold_path.relative_to(ROOT) if gold_path.is_relative_to(ROOT) else gold_path
        notes.append(f"C skipped: no gold file {shown}")
        return None
    article = read_article(article_path)
    text = article.text
    try:
        rows = metrics.parse_gold(gold_path.read_text(encoding="utf-8"))
    except metrics.GoldFormatError as error:
        notes.append(f"C skipped: {gold_path.name}: {error}")
        return None
    match = metrics.match_gold(text, rows)
    for row in match.unmatched:
        notes.append(f"gold line {row.line}: {row.spun!r} has no further occurrence in the article; not counted")
    for spun_text, extra in match.unlisted.items():
        notes.append(f"gold: {spun_text!r} occurs {extra} more time(s) in the article than it is listed")
    gold = match.spans
    # The gold lists spins; restored capitals are scored in section E against the cased gold.
    found = [f for f in check_text(text, checker) if f.category is not Category.CASE]
    finding_spans = [(f.start, f.end) for f in found]
    gold_spans = [g.span for g in gold]
    detected = metrics.detected_mask(gold_spans, finding_spans)
    suggested = metrics.judge_repairs(
        text, gold, [(f.start, f.end, f.suggestions[0] if f.suggestions else f.text) for f in found])
    _, edits = fix_edits(text, fix_checker)
    fixed = metrics.judge_repairs(text, gold, edits)
    in_gold = [any(metrics.overlaps(fs, g) for g in gold_spans) for fs in finding_spans]

    def tier_figures(keep: set[str]) -> dict:
        idx = [i for i, g in enumerate(gold) if g.tier in keep]
        hits = [i for i in idx if detected[i]]
        correct = sum(suggested[i] for i in hits)
        return {
            "gold_spans": len(idx),
            "detected": len(hits),
            "recall": metrics.ratio(len(hits), len(idx)),
            "correct": correct,
            "correct_rate": metrics.ratio(correct, len(hits)),
            "fixed": sum(fixed[i] for i in idx),
            "fixed_rate": metrics.ratio(sum(fixed[i] for i in idx), len(idx)),
        }

    if show_missed:
        index = LineIndex(text)
        out.append(f"--- gold spans not found ({sum(not d for d in detected)}):")
        for g, hit in zip(gold, detected):
            if not hit:
                line, col = index.line_col(g.start)
                out.append(f"{article.name}:{line}:{col}  [{g.tier}] {g.spun!r} -> {g.canonical!r}"
                           f"\n      {in_context(text, g.start, g.end)}")
        wrong = [(g, [f for f in found if metrics.overlaps((f.start, f.end), g.span)])
                 for g, hit, ok in zip(gold, detected, suggested) if hit and not ok]
        out.append(f"--- gold spans found with a wrong suggestion ({len(wrong)}):")
        for g, fs in wrong:
            line, col = index.line_col(g.start)
            got = "; ".join(f"{f.text!r} -> {f.suggestions[0] if f.suggestions else None!r} ({f.rule})" for f in fs)
            out.append(f"{article.name}:{line}:{col}  [{g.tier}] {g.spun!r} -> {g.canonical!r}, got {got}")
        out.append(f"--- findings not in gold ({sum(not x for x in in_gold)}):")
        for f, ok in zip(found, in_gold):
            if not ok:
                out.append(describe(article.name, text, f, index))
    return {
        "article": article_path.name,
        "calibration_counts": metrics.calibration_counts([f.confidence for f in found], in_gold),
        "gold_file": gold_path.name,
        "gold_rows": len(rows),
        "unmatched_rows": len(match.unmatched),
        "findings": len(found),
        "findings_in_gold": sum(in_gold),
        "precision": metrics.ratio(sum(in_gold), len(found)),
        "broken": tier_figures({"broken"}),
        "all": tier_figures(set(metrics.TIERS)),
    }


# --- G. the context tier ---------------------------------------------------------------

#: Confidence thresholds of G's curve.
CURVE_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
CONTEXT_SPINNERS = ("word", "phrase", "wordnet", "insertion")
DEFAULT_CONTEXT_LIMIT = 40
#: A text of this many words is the unit of G's speed figure.
SPEED_WORDS = 700
SCOPES = ("context", "all")


def is_context(finding: Finding) -> bool:
    return finding.category == Category.CONTEXT


def in_scope(findings: Sequence[Finding], scope: str) -> list[Finding]:
    """The findings of category context (scope "context"), or all of them ("all")."""
    return [f for f in findings if is_context(f)] if scope == "context" else list(findings)


@dataclass
class Checked:
    """One text checked by G: the article, the spin (None for the clean text), the findings and the time."""

    article: Article
    spin: Spin | None
    findings: list[Finding]
    seconds: float
    #: G: the findings with the context tier reporting from the curve's lowest threshold (default: `findings`)
    curve: list[Finding] | None = None

    def on_the_curve(self) -> Checked:
        return self if self.curve is None else replace(self, findings=self.curve, curve=None)

    @property
    def text(self) -> str:
        return self.article.text if self.spin is None else self.spin.text


def scope_figures(checked: Sequence[Checked], scope: str, threshold: float, fix_threshold: float) -> dict:
    """Precision, recall, restored wording and error reduction of the scope's findings at or above `threshold`.

    The fixes are the same findings at or above `fix_threshold` (at least
    `threshold`) that `fix` may apply (not those marked for review, such as the
    context tier's deletions), each replaced by its first suggestion
    (`metrics.threshold_edits`).
    """
    tally = metrics.SpunTally()
    for c in checked:
        assert c.spin is not None
        found = [f for f in in_scope(c.findings, scope) if f.confidence >= threshold]
        edits = metrics.threshold_edits([f for f in found if f.autofix], max(threshold, fix_threshold))
        tally.add(c.spin.text, c.article.text, c.spin.substitutions, found, metrics.apply_edits(c.spin.text, edits),
                  edits)
    return tally.figures()


def source_figures(checked: Sequence[Checked]) -> dict:
    """Per candidate source (rule `context-*`): findings, precision, recall of the substitutions."""
    breakdown = metrics.Breakdown()
    for c in checked:
        assert c.spin is not None
        spans = [metrics.with_article(c.spin.text, (s.start, s.end)) for s in c.spin.substitutions]
        breakdown.add([f for f in c.findings if is_context(f)], spans, [False] * len(spans))
    return {rule: {k: v for k, v in figures.items() if "unnatural" not in k}
            for rule, figures in breakdown.as_dict()["by_rule"].items() if rule.startswith("context-")}


def false_flags(clean: Sequence[Checked], scope: str, threshold: float = 0.0) -> dict:
    """Findings of the scope at or above `threshold` on clean text: count, per 1000 words, on headlines."""
    words = sum(len(c.text.split()) for c in clean)
    found = on_headlines = 0
    for c in clean:
        flagged = [f for f in in_scope(c.findings, scope) if f.confidence >= threshold]
        headline_end = c.text.find("\n") if "\n" in c.text else len(c.text)
        found += len(flagged)
        on_headlines += sum(f.start < headline_end for f in flagged)
    return {"words": words, "findings": found, "per_1000_words": metrics.ratio(1000 * found, words),
            "on_headlines": on_headlines}


def load_spin_score() -> Any:
    """`respin.detectors.verdict.spin_score(text, findings) -> float` when it exists, else None."""
    try:
        from respin.detectors import verdict
    except ImportError:
        return None
    return getattr(verdict, "spin_score", None)


def verdict_figures(spun: dict[str, list[Checked]], clean: Sequence[Checked], spin_score: Any) -> dict:
    """AUROC of the document score, spun (each kind, and all together) against clean articles."""
    negatives = [float(spin_score(c.text, c.findings)) for c in clean]
    result: dict[str, Any] = {}
    pooled: list[float] = []
    for kind, checked in spun.items():
        positives = [float(spin_score(c.text, c.findings)) for c in checked]
        pooled.extend(positives)
        result[kind] = {"spun": len(positives), "clean": len(negatives), "auroc": metrics.auroc(positives, negatives)}
    result["all"] = {"spun": len(pooled), "clean": len(negatives), "auroc": metrics.auroc(pooled, negatives)}
    return result


def timing_figures(checked: Sequence[Checked]) -> dict:
    seconds = sorted(c.seconds for c in checked)
    words = sum(len(c.text.split()) for c in checked)
    n = len(seconds)
    median = None if not n else (seconds[n // 2] if n % 2 else (seconds[n // 2 - 1] + seconds[n // 2]) / 2)
    return {"texts": n, "words": words, "mean_seconds": metrics.ratio(sum(seconds), n), "median_seconds": median,
            "seconds_per_700_words": metrics.ratio(SPEED_WORDS * sum(seconds), words)}


def warm_up_model() -> float | None:
    """Load the language model before anything is timed; its load time (None when there is no model)."""
    from respin.language import lm

    if not lm.available():
        return None
    started = time.perf_counter()
    model = lm.get_model()
    if not model.loaded:
        model.load()
    return time.perf_counter() - started


def evaluate_context(report_half: Sequence[Path], check_settings: dict, fix_confidence: float, seed: int,
                     rate: float, kinds: Sequence[str], limit: int | None, show_fp: int,
                     out: list[str], notes: list[str]) -> dict:
    """Section G: the deep check (`Checker(deep=True)`) on report-half articles, clean and spun.

    `report_half` are the paths of the report half; `limit` of them, evenly spaced, are read.
    """
    from respin.detectors import context

    articles = [read_article(path) for path in metrics.spread(report_half, limit)]
    checker = Checker(**{**check_settings, "deep": True})
    load_seconds = warm_up_model()
    reported_from = context.REPORT_FROM
    context.REPORT_FROM = min(CURVE_THRESHOLDS)  # the curve goes below where the tier reports
    try:
        return _evaluate_context(articles, checker, load_seconds, reported_from, len(report_half), fix_confidence,
                                 seed, rate, kinds, show_fp, out, notes)
    finally:
        context.REPORT_FROM = reported_from


def _evaluate_context(articles: Sequence[Article], checker: Checker, load_seconds: float | None,
                      reported_from: float, report_half_articles: int, fix_confidence: float, seed: int,
                      rate: float, kinds: Sequence[str], show_fp: int, out: list[str], notes: list[str]) -> dict:

    def check(article: Article, spin: Spin | None) -> Checked:
        text = article.text if spin is None else spin.text
        started = time.perf_counter()
        found = check_text(text, checker)
        seconds = time.perf_counter() - started
        reported = [f for f in found if not is_context(f) or f.confidence >= reported_from]
        return Checked(article, spin, reported, seconds, curve=found)

    clean = [check(a, None) for a in articles]
    if show_fp:
        out.append(f"--- G: first {show_fp} findings of the deep check on clean report-half text:")
        shown = 0
        for c in clean:
            index = LineIndex(c.text)
            for finding in c.findings[: show_fp - shown]:
                out.append(describe(c.article.name, c.text, finding, index))
                shown += 1
    spun: dict[str, list[Checked]] = {}
    for kind in kinds:
        try:
            source = load_spinner_source(kind)
        except WordNetMissing as error:
            notes.append(f"G: the {kind} spinner is skipped: {error}")
            continue
        spun[kind] = [check(a, spin_article(a, kind, seed, rate, source)) for a in articles]
    all_spun = [c for checked in spun.values() for c in checked]
    curve_spun, curve_clean = [c.on_the_curve() for c in all_spun], [c.on_the_curve() for c in clean]
    spin_score = load_spin_score()
    if spin_score is None:
        notes.append("G: no document verdict (respin.detectors.verdict.spin_score not found): its AUROC is skipped")
    return {
        "half": split.REPORT,
        "report_half_articles": report_half_articles,
        "reported_from": reported_from,
        "articles": len(articles),
        "article_names": [a.name for a in articles],
        "checker": describe_checker(checker),
        "fix_confidence": fix_confidence,
        "rate": rate,
        "seed": seed,
        "spinners": {kind: {scope: scope_figures(checked, scope, 0.0, fix_confidence) for scope in SCOPES}
                     for kind, checked in spun.items()},
        "sources": source_figures(all_spun),
        "curve": [{"threshold": t, **{scope: scope_figures(curve_spun, scope, t, t) for scope in SCOPES},
                   **{f"clean_{scope}": false_flags(curve_clean, scope, t) for scope in SCOPES}}
                  for t in CURVE_THRESHOLDS],
        "clean": {scope: false_flags(clean, scope) for scope in SCOPES},
        "verdict": None if spin_score is None else verdict_figures(spun, clean, spin_score),
        "timing": {**timing_figures(clean + all_spun), "model_load_seconds": load_seconds},
    }


# --- the table --------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _judge(value: float | None, target: float, at_most: bool = False) -> str:
    if value is None:
        return "FAIL"
    return "PASS" if (value <= target if at_most else value >= target) else "FAIL"


def table_rows(results: dict) -> list[tuple[str, str, str, str, str]]:
    """(measure, value, detail, target, result) rows."""
    rows: list[tuple[str, str, str, str, str]] = []
    if "clean" in results:
        rows.extend(classic_rows(results))
    if results.get("context") is not None:
        rows.extend(context_rows(results["context"]))
    return rows


def classic_rows(results: dict) -> list[tuple[str, str, str, str, str]]:
    """The rows of sections A to F."""
    rows: list[tuple[str, str, str, str, str]] = []
    a = results["clean"]
    rows.append(("A. clean text", "", "", "", ""))
    undecodable = f"{len(a['undecodable'])} not valid UTF-8 ({', '.join(a['undecodable']) or '-'})"
    rows.append(("  articles", str(a["articles"]), undecodable, "", ""))
    rows.append(("  words", str(a["words"]), "", "", ""))
    rows.append(("  false positives", str(a["false_positives"]), "", "", ""))
    rows.append(("  FP per 1000 words", _fmt(a["fp_per_1000_words"]), "", f"<= {TARGET_FP_PER_1000}",
                 _judge(a["fp_per_1000_words"], TARGET_FP_PER_1000, at_most=True)))
    for rule, count in a["fp_by_rule"].items():
        rows.append((f"    FP {rule}", str(count), "", "", ""))
    rows.append(("  fix edits on clean text", str(a["fix_edits"]),
                 f"{_fmt(a['fix_edits_per_1000_words'])} per 1000 words", "", ""))
    for b in results["spun"].values():
        rows.extend(spun_rows(b))
    c = results.get("gold")
    if c is None:
        rows.append(("C. user's example", "skipped", "no gold file", "", ""))
    else:
        rows.extend(gold_rows(c))
    d = results.get("holdout")
    if d is not None:
        rows.extend(holdout_rows(d))
    e = results.get("casing")
    if e is not None:
        rows.extend(casing_rows(e))
    rows.extend(calibration_rows(results.get("calibration", [])))
    return rows


def casing_rows(e: dict) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = [("E. lost capitals", "", "", "", "")]
    example = e.get("example")
    if example is None:
        rows.append(("  user's example", "skipped", "no cased gold file", "", ""))
    else:
        rows.append(("  example, proper nouns restored", _fmt(example["proper_rate"]),
                     f"{example['proper_restored']}/{example['proper']} words", f">= {TARGET_CASE_RESTORED}",
                     _judge(example["proper_rate"], TARGET_CASE_RESTORED)))
        rows.append(("  example, sentence starts restored", _fmt(metrics.ratio(example["starts_restored"],
                                                                               example["starts"])),
                     f"{example['starts_restored']}/{example['starts']} words", "", ""))
        wrong = len(example["wrongly_cased"])
        rows.append(("  example, wrongly cased words", str(wrong), "; ".join(example["wrongly_cased"])[:60],
                     "0", "PASS" if wrong == 0 else "FAIL"))
    bbc = e.get("lowercased")
    if bbc:
        rows.append(("  lower-cased BBC, mid-sentence capitals", _fmt(metrics.ratio(bbc["mid_restored"], bbc["mid"])),
                     f"{bbc['mid_restored']}/{bbc['mid']} words, {bbc['articles']} articles", "", ""))
        rows.append(("  lower-cased BBC, sentence starts", _fmt(metrics.ratio(bbc["starts_restored"], bbc["starts"])),
                     f"{bbc['starts_restored']}/{bbc['starts']} words", "", ""))
        rows.append(("  lower-cased BBC, words wrongly capitalised", str(bbc["wrongly_capitalised"]),
                     f"of {bbc['lower_words']} lower-case words", "", ""))
    return rows


def gold_rows(c: dict) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    rows.append((f"C. user's example ({c['article']})", "", f"{c['gold_rows']} gold rows", "", ""))
    for key, label, targeted in (("broken", "tier broken", True), ("all", "all tiers", False)):
        t = c[key]
        rows.append((f"  recall, {label}", _fmt(t["recall"]), f"{t['detected']}/{t['gold_spans']} gold spans",
                     f">= {TARGET_GOLD_RECALL}" if targeted else "",
                     _judge(t["recall"], TARGET_GOLD_RECALL) if targeted else ""))
        rows.append((f"  correct suggestion, {label}", _fmt(t["correct_rate"]),
                     f"{t['correct']}/{t['detected']} detected",
                     f">= {TARGET_GOLD_CORRECT}" if targeted else "",
                     _judge(t["correct_rate"], TARGET_GOLD_CORRECT) if targeted else ""))
        rows.append((f"  repaired by fix, {label}", _fmt(t["fixed_rate"]), f"{t['fixed']}/{t['gold_spans']} gold spans",
                     "", ""))
    rows.append(("  precision", _fmt(c["precision"]), f"{c['findings_in_gold']}/{c['findings']} findings",
                 f">= {TARGET_GOLD_PRECISION}", _judge(c["precision"], TARGET_GOLD_PRECISION)))
    return rows


def _detector_row(name: str, t: dict) -> tuple[str, str, str, str, str]:
    detail = (f"{t['true_findings']}/{t['findings']} true; recall {_fmt(t['recall'])} ({t['detected']}), "
              f"unnatural {_fmt(t['recall_unnatural'])} ({t['detected_unnatural']})")
    return (f"    {name}", _fmt(t["precision"]), detail, "", "")


def spun_rows(b: dict) -> list[tuple[str, str, str, str, str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    rows.append((f"B. spun text, {b['spinner']} spinner (rate {b['rate']}, seed {b['seed']})", "", "", "", ""))
    originals = "; ".join(f"{v['substitutions']} {k} originals" for k, v in b["substitutions_by_original"].items())
    rows.append(("  substitutions", str(b["substitutions"]), originals, "", ""))
    rows.append(("  of which read unnaturally", str(b["unnatural"]),
                 f"replacement >= {metrics.RARER_FACTOR}x rarer (proxy)", "", ""))
    rows.append(("  precision", _fmt(b["precision"]), f"{b['true_findings']}/{b['findings']} findings", "", ""))
    rows.append(("  recall, all subs", _fmt(b["recall"]), f"{b['detected_substitutions']}/{b['substitutions']} subs",
                 "", ""))
    rows.append(("  recall, unnatural subs", _fmt(b["recall_unnatural"]),
                 f"{b['detected_unnatural']}/{b['unnatural']} subs", "", ""))
    by_original = {k: v for k, v in b["substitutions_by_original"].items() if v["substitutions"]}
    for kind, v in by_original.items() if len(by_original) > 1 else ():
        rows.append((f"  recall, {kind} originals", _fmt(v["recall"]), f"{v['detected']}/{v['substitutions']} subs",
                         "", ""))
    rows.append(("  restored wording", _fmt(b["restored_rate"]),
                 f"{b['restored']}/{b['detected_substitutions']} detected", "", ""))
    distances = (f"d {b['word_distance_spun']} -> {b['word_distance_fixed']}; "
                 f"{b['fixes_on_substitutions']}/{b['fixes_applied']} fixes on subs")
    rows.append(("  word error reduction", _fmt(b["word_error_reduction"]), distances, "", ""))
    rows.append(("  precision by rule", "", "true/findings; recall of all and of unnatural subs", "", ""))
    rows.extend(_detector_row(rule, t) for rule, t in b["by_rule"].items())
    rows.append(("  precision by category", "", "", "", ""))
    rows.extend(_detector_row(category, t) for category, t in b["by_category"].items())
    return rows


def _scope_detail(f: dict) -> str:
    return (f"P {_fmt(f['precision'])} ({f['true_findings']}/{f['findings']}), "
            f"R {_fmt(f['recall'])} ({f['detected_substitutions']}/{f['substitutions']}), "
            f"restored {_fmt(f['restored_rate'])}, error reduction {_fmt(f['word_error_reduction'])}")


def context_rows(g: dict) -> list[tuple[str, str, str, str, str]]:
    """The rows of section G."""
    rows: list[tuple[str, str, str, str, str]] = []
    rows.append(("G. context tier (deep=True)", "", f"fitted on the fit half, reported on the report half "
                 f"({g['articles']} of its {g['report_half_articles']} articles, evenly spaced); rate {g['rate']}, "
                 f"seed {g['seed']}", "", ""))
    for kind, scopes in g["spinners"].items():
        rows.append((f"  {kind} spinner", str(scopes["all"]["substitutions"]), "substitutions", "", ""))
        for scope in SCOPES:
            f = scopes[scope]
            label = "context findings" if scope == "context" else "all findings"
            rows.append((f"    {label}: precision", _fmt(f["precision"]),
                         f"{f['true_findings']}/{f['findings']} findings", "", ""))
            rows.append((f"    {label}: recall", _fmt(f["recall"]),
                         f"{f['detected_substitutions']}/{f['substitutions']} subs", "", ""))
            rows.append((f"    {label}: restored wording", _fmt(f["restored_rate"]),
                         f"{f['restored']}/{f['detected_substitutions']} detected", "", ""))
            rows.append((f"    {label}: word error reduction", _fmt(f["word_error_reduction"]),
                         f"d {f['word_distance_spun']} -> {f['word_distance_fixed']}; fixes: findings >= "
                         f"{g['fix_confidence']}, first suggestion ({f['fixes_on_substitutions']}/"
                         f"{f['fixes_applied']} on subs)", "", ""))
    rows.append(("  per candidate source (all spinners)", "", "precision; true/findings; recall of all subs", "", ""))
    if not g["sources"]:
        rows.append(("    (no context findings)", "", "", "", ""))
    for rule, t in g["sources"].items():
        detail = f"{t['true_findings']}/{t['findings']} true; recall {_fmt(t['recall'])} ({t['detected']})"
        rows.append((f"    {rule}", _fmt(t["precision"]), detail, "", ""))
    rows.append(("  by confidence (all spinners pooled)", "", "findings >= threshold; fixes: the same findings", "",
                 ""))
    for point in g["curve"]:
        for scope in SCOPES:
            f, clean = point[scope], point[f"clean_{scope}"]
            rows.append((f"    >= {point['threshold']:.2f}, {scope}", _fmt(f["precision"]),
                         _scope_detail(f) + f"; clean {_fmt(clean['per_1000_words'])}/1000 words", "", ""))
    for scope in SCOPES:
        c = g["clean"][scope]
        label = "context findings" if scope == "context" else "all findings"
        rows.append((f"  clean text, {label} per 1000 words", _fmt(c["per_1000_words"]),
                     f"{c['findings']} in {c['words']} words; {c['on_headlines']} on headlines", "", ""))
    verdict = g.get("verdict")
    if verdict is None:
        rows.append(("  document verdict AUROC", "skipped", "respin.detectors.verdict.spin_score not found", "", ""))
    else:
        for kind, v in verdict.items():
            rows.append((f"  document verdict AUROC, {kind}", _fmt(v["auroc"]),
                         f"{v['spun']} spun vs {v['clean']} clean articles", "", ""))
    t = g["timing"]
    load = "no model" if t["model_load_seconds"] is None else f"model load {t['model_load_seconds']:.1f} s, not counted"
    rows.append(("  seconds per article, mean", _fmt(t["mean_seconds"], 2), f"{t['texts']} deep checks; {load}", "",
                 ""))
    rows.append(("  seconds per article, median", _fmt(t["median_seconds"], 2), "", "", ""))
    rows.append((f"  seconds per {SPEED_WORDS} words", _fmt(t["seconds_per_700_words"], 2), f"{t['words']} words",
                 "", ""))
    return rows


def calibration_rows(bands: Sequence[dict]) -> list[tuple[str, str, str, str, str]]:
    rows = [("F. calibration on spun text (B and C)", "", "precision of the findings in each confidence band", "", "")]
    for band in bands:
        rows.append((f"  confidence {band['band']}", _fmt(band["precision"]),
                     f"{band['true']}/{band['findings']} true; mean confidence {_fmt(band['mean_confidence'], 2)}",
                     "", ""))
    return rows


def holdout_rows(d: dict) -> list[tuple[str, str, str, str, str]]:
    skipped = ", ".join(f"{n} {why}" for why, n in d["skipped"].items()) or "none"
    rows = [(f"D. PPS hold-out ({d['dictionary']}, seed {d['seed']})", "",
             f"{d['held_out']}/{d['entries']} entries held out; skipped {skipped}", "", "")]
    hits = ", ".join(f"{rule} {n}" for rule, n in d["hits_by_rule"].items()) or "-"
    rows.append(("  recall, held-out phrases", _fmt(d["recall"]), f"{d['detected']}/{d['tested']} tested; by {hits}",
                 f">= {TARGET_RECALL}", _judge(d["recall"], TARGET_RECALL)))
    rows.append(("  correct suggestion", _fmt(d["correct_rate"]), f"{d['correct']}/{d['detected']} detected", "", ""))
    flags = ", ".join(f"{rule} {n}" for rule, n in d["false_flags_by_rule"].items()) or "-"
    rows.append(("  false flags on canonicals", _fmt(d["false_flag_rate"]),
                 f"{d['false_flags']}/{d['tested']} tested; by {flags}",
                 f"<= {TARGET_FALSE_FLAGS}", _judge(d["false_flag_rate"], TARGET_FALSE_FLAGS, at_most=True)))
    return rows


def render_table(rows: Sequence[tuple[str, ...]]) -> str:
    header = ("measure", "value", "detail", "target", "result")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = (cell.rjust(w) if i == 1 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        return "  ".join(cells).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


# --- the command ------------------------------------------------------------------------


def _confidence(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return number


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value.strip()


_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


def checker_kwargs(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """`--checker-arg` pairs as keyword arguments of `Checker`, converted by each field's declared type.

    bool: true/false (yes/no, on/off, 1/0); int; float; tuple: comma-separated
    names (empty: none); any other type: JSON if it parses, else the string.
    Raises ValueError on an unknown field or a value of the wrong type.
    """
    known = {f.name: f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
             for f in fields(Checker) if f.init}
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key not in known:
            raise ValueError(f"Checker has no field {key!r} (fields: {', '.join(known)})")
        kind = known[key].replace(" ", "")
        if kind == "bool":
            if value.lower() not in _TRUE | _FALSE:
                raise ValueError(f"{key}: expected true or false, got {value!r}")
            result[key] = value.lower() in _TRUE
        elif kind == "int":
            result[key] = int(value)
        elif kind == "float":
            result[key] = float(value)
        elif kind.startswith("tuple"):
            result[key] = tuple(v.strip() for v in value.split(",") if v.strip())
        else:
            try:
                result[key] = json.loads(value)
            except json.JSONDecodeError:
                result[key] = value
    return result


def describe_checker(checker: Checker) -> str:
    """The settings of a Checker, one `field=value` each; the full default name lists shown as all (N)."""
    parts = []
    for f in fields(checker):
        if not f.init:
            continue
        value = getattr(checker, f.name)
        if isinstance(value, tuple):
            default = f.default if f.default is not MISSING else None
            shown = f"all ({len(value)})" if value == default else ",".join(value) or "none"
        else:
            shown = str(value)
        parts.append(f"{f.name}={shown}")
    return " ".join(parts)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.eval", description=__doc__.split("\n\n")[0],
                                     epilog="See the module docstring of bench/eval.py for each measure.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of clean articles (default: ../shared/data/bbc-dev from the repository root)")
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="first N articles in file order")
    parser.add_argument("--seed", type=int, default=0, help="spinner and hold-out seed (default: 0)")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE,
                        help=f"fraction of spinner candidates spun (default: {DEFAULT_RATE})")
    parser.add_argument("--spinner", choices=SPINNER_CHOICES, default="both",
                        help="section B's spinner: word swaps, phrase swaps (Moby), wordnet swaps, insertion "
                             "rewrites; both = word and phrase, all = the four; reported apart (default: both)")
    parser.add_argument("--part", choices=split.PARTS, default=None,
                        help="sections A-F read only this half of the corpus (bench.split; default: all of it)")
    parser.add_argument("--context", action="store_true",
                        help="also run section G: the context tier (Checker(deep=True)) on the report half")
    parser.add_argument("--context-only", action="store_true", help="run section G alone")
    parser.add_argument("--context-limit", type=int, default=DEFAULT_CONTEXT_LIMIT, metavar="N",
                        help=f"G: N report-half articles, evenly spaced (default: {DEFAULT_CONTEXT_LIMIT})")
    parser.add_argument("--context-spinners", default=",".join(CONTEXT_SPINNERS), metavar="KINDS",
                        help=f"G: comma-separated spinner kinds (default: {','.join(CONTEXT_SPINNERS)})")
    parser.add_argument("--min-confidence", type=_confidence, default=DEFAULT_MIN_CONFIDENCE, metavar="X",
                        help=f"check threshold (default: the engine's, {DEFAULT_MIN_CONFIDENCE})")
    parser.add_argument("--fix-confidence", type=_confidence, default=DEFAULT_FIX_CONFIDENCE, metavar="X",
                        help=f"fix threshold (default: respin fix's, {DEFAULT_FIX_CONFIDENCE})")
    parser.add_argument("--checker-arg", type=_key_value, action="append", default=[], metavar="KEY=VALUE",
                        help="a keyword argument of respin.Checker for every check and fix (repeatable), "
                             "e.g. jobs=1, deep=true; min_confidence here overrides --min-confidence for "
                             "checks, fixes keep --fix-confidence")
    parser.add_argument("--no-holdout", action="store_true", help="skip section D (the PPS hold-out)")
    parser.add_argument("--article", type=Path, default=DEFAULT_ARTICLE,
                        help="the annotated example (default: fixtures/spun-news-syria.txt)")
    parser.add_argument("--gold", type=Path, default=None,
                        help="its gold annotations (default: the article's name with .gold.tsv)")
    parser.add_argument("--show-fp", type=int, default=0, metavar="K",
                        help="print the first K findings on clean text, in context (A; and G's deep check)")
    parser.add_argument("--show-missed", action="store_true",
                        help="print gold spans not found, found with a wrong suggestion, and findings not in gold")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON instead of the table")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    options = parser.parse_args(argv)
    if options.limit is not None and options.limit < 0:
        parser.error("--limit must be >= 0")
    if not 0.0 <= options.rate <= 1.0:
        parser.error("--rate must be between 0 and 1")
    if options.context_limit < 1:
        parser.error("--context-limit must be >= 1")
    context_kinds = tuple(k.strip() for k in options.context_spinners.split(",") if k.strip())
    if not context_kinds or any(k not in SPINNERS for k in context_kinds):
        parser.error(f"--context-spinners: expected some of {', '.join(SPINNERS)}, got {options.context_spinners!r}")
    run_context = options.context or options.context_only
    try:
        extra = checker_kwargs(options.checker_arg)
        check_settings = {"min_confidence": options.min_confidence, **extra}
        fix_settings = {**extra, "min_confidence": options.fix_confidence}
        checker, fix_checker = Checker(**check_settings), Checker(**fix_settings)
    except (ValueError, TypeError, KeyError) as error:
        parser.error(f"--checker-arg: {error}")
    if not options.corpus.is_dir():
        parser.exit(2, f"bench.eval: no corpus folder {options.corpus}\n")
    if not options.article.exists():
        parser.exit(2, f"bench.eval: no article {options.article}\n")
    started = time.perf_counter()
    articles = [] if options.context_only else read_corpus(options.corpus, options.limit, options.part)
    out: list[str] = []
    notes: list[str] = []
    kinds = SPINNER_KINDS.get(options.spinner, (options.spinner,))
    results: dict = {"settings": {
        "corpus": str(options.corpus), "limit": options.limit, "part": options.part, "seed": options.seed,
        "rate": options.rate, "spinners": list(kinds), "min_confidence": checker.min_confidence,
        "fix_confidence": options.fix_confidence,
        "checker": describe_checker(checker), "fix_checker": describe_checker(fix_checker),
        "checker_args": {k: v if not isinstance(v, tuple) else list(v) for k, v in extra.items()},
        "context": {"limit": options.context_limit, "spinners": list(context_kinds)} if run_context else None,
    }}
    timings: dict[str, float] = {}

    def timed(section: str, start: float) -> None:
        timings[section] = round(time.perf_counter() - start, 2)

    if not options.context_only:
        run_classic(options, articles, checker, fix_checker, check_settings, kinds, results, out, notes, timed)
    if run_context:
        t = time.perf_counter()
        results["context"] = evaluate_context(
            corpus_paths(options.corpus, split.REPORT), check_settings, options.fix_confidence, options.seed,
            options.rate, context_kinds, options.context_limit, options.show_fp, out, notes)
        timed("G", t)
    results["notes"] = notes
    results["timings"] = timings
    results["seconds"] = round(time.perf_counter() - started, 2)
    if options.json:
        print(json.dumps(results, indent=2))
        return 0
    for line in out:
        print(line)
    if out:
        print()
    settings = results["settings"]
    if not options.context_only:
        print(f"checker: {settings['checker']}")
        print(f"fix checker: {settings['fix_checker']}")
        limit = "all" if options.limit is None else f"first {options.limit}"
        half = "" if options.part is None else f"{options.part} half, "
        print(f"corpus: {options.corpus} ({half}{limit}: {len(articles)} articles); spinners: {', '.join(kinds)}; "
              f"rate {options.rate}; seed {options.seed}")
    if run_context:
        print(f"G checker: {results['context']['checker']}")
    print()
    print(render_table(table_rows(results)))
    for note in notes:
        print(f"note: {note}")
    print(f"({results['seconds']} s: " + ", ".join(f"{k} {v} s" for k, v in timings.items()) + ")")
    return 0


def run_classic(options: argparse.Namespace, articles: Sequence[Article], checker: Checker, fix_checker: Checker,
                check_settings: dict, kinds: Sequence[str], results: dict, out: list[str], notes: list[str],
                timed: Callable[[str, float], None]) -> None:
    """Sections A to F, into `results`."""
    if options.show_fp:
        out.append(f"--- first {options.show_fp} false positives on clean text:")
    t = time.perf_counter()
    results["clean"] = evaluate_clean(articles, checker, fix_checker, options.show_fp, out)
    timed("A", t)
    results["spun"] = {}
    for kind in kinds:
        t = time.perf_counter()
        try:
            results["spun"][kind] = evaluate_spun(articles, checker, fix_checker, options.seed, options.rate, kind)
        except WordNetMissing as error:
            notes.append(f"B: the {kind} spinner is skipped: {error}")
            continue
        timed(f"B {kind}", t)
    t = time.perf_counter()
    gold_path = options.gold or gold_path_for(options.article)
    results["gold"] = evaluate_gold(options.article, gold_path, checker, fix_checker,
                                    options.show_missed, out, notes)
    timed("C", t)
    if not options.no_holdout:
        t = time.perf_counter()
        results["holdout"] = evaluate_holdout(options.seed, lambda: Checker(**check_settings))
        timed("D", t)
        if results["holdout"]["missed_examples"]:
            notes.append("D missed, e.g.: " + "; ".join(results["holdout"]["missed_examples"]))
    pooled = [b["calibration_counts"] for b in results["spun"].values()]
    if results["gold"]:
        pooled.append(results["gold"]["calibration_counts"])
    results["calibration"] = metrics.calibration_rows(metrics.merge_calibration(pooled))
    t = time.perf_counter()
    cased_gold = options.article.with_name(options.article.name.removesuffix(".txt") + ".cased.txt")
    results["casing"] = {
        "example": casing.evaluate_example(options.article, cased_gold, checker),
        "lowercased": casing.evaluate_lowercased([a.text for a in articles[::CASING_SAMPLE_STEP]], checker),
    }
    timed("E", t)


if __name__ == "__main__":
    sys.exit(main())
