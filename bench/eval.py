"""The evaluation of respin: `python -m bench.eval` from the repository root prints one table.

A. Clean text. Every finding on the clean BBC articles (`../shared/data/bbc-dev`)
   is a false positive. Reported: words (white-space split), findings, findings
   per 1000 words (target <= 1.0), the findings by rule, and how many edits
   `respin fix` would make to the clean text.
B. Spun text. Each article is spun by `bench.spinner` (Moby Thesaurus, seeded
   per article from `--seed` and the file name, so `--limit` does not change
   the spin of the articles it keeps). A finding is true when it overlaps a
   recorded substitution. Precision = true findings / findings; recall =
   substitutions overlapped by a finding / substitutions; restored = of the
   detected substitutions, those where a fix `respin fix` applies overlaps the
   substitution and its replacement holds the original word (whole word, any
   case); word error reduction = 1 - d(fixed, original) / d(spun, original),
   summed over articles, d a Levenshtein distance over white-space tokens
   (lower-cased, surrounding punctuation stripped). respin repairs known spins,
   not random thesaurus swaps: low recall here is expected and measured as is.
C. The user's example: `fixtures/spun-news-syria.txt` against its gold file
   `fixtures/spun-news-syria.gold.tsv` (`spun<TAB>canonical<TAB>tier`, tier
   `broken` or `awkward`; the k-th row of a spun text is its k-th occurrence).
   For tier `broken` (targets) and all tiers: recall = gold spans overlapped by
   a finding; correct = of the detected gold spans, those repaired to the
   canonical wording when each finding is replaced by its first suggestion
   (gold and finding spans that overlap are judged together over the region
   they cover: see `bench.metrics.judge_repairs`); fixed = of all gold spans,
   those the output of `respin fix` repairs by the same rule; precision =
   findings overlapping any gold span / findings.

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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import metrics
from bench.spinner import DEFAULT_RATE, load_thesaurus, spin
from respin import Checker, Finding, apply, auto_decisions, check_text
from respin.cli import DEFAULT_FIX_CONFIDENCE
from respin.engine import DEFAULT_MIN_CONFIDENCE
from respin.finding import LineIndex

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT / ".." / "shared" / "data" / "bbc-dev"
DEFAULT_ARTICLE = ROOT / "fixtures" / "spun-news-syria.txt"
CONTEXT = 60

TARGET_FP_PER_1000 = 1.0
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


def read_corpus(corpus: Path, limit: int | None) -> list[Article]:
    paths = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix == ".txt")
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


def evaluate_spun(articles: Sequence[Article], checker: Checker, fix_checker: Checker,
                  seed: int, rate: float) -> dict:
    thesaurus = load_thesaurus()
    total = metrics.SpanScore()
    restored = fixes = fixes_on_subs = spun_distance = fixed_distance = 0
    by_rule: dict[str, Counter[str]] = {}
    for article in articles:
        spun = spin(article.text, seed=f"{seed}:{article.name}", rate=rate, thesaurus=thesaurus)
        # scored with an "a"/"an" before them: a finding there points at the spin (metrics.with_article)
        sub_spans = [metrics.with_article(spun.text, (s.start, s.end)) for s in spun.substitutions]
        found = check_text(spun.text, checker)
        finding_spans = [(f.start, f.end) for f in found]
        total.add(metrics.score_spans(finding_spans, sub_spans))
        for f in found:
            counts = by_rule.setdefault(f.rule, Counter())
            counts["findings"] += 1
            counts["true"] += any(metrics.overlaps((f.start, f.end), s) for s in sub_spans)
        fixed, edits = fix_edits(spun.text, fix_checker, found, checker)
        fixes += len(edits)
        fixes_on_subs += sum(any(metrics.overlaps((s, e), sub) for sub in sub_spans) for s, e, _ in edits)
        detected = metrics.detected_mask(sub_spans, finding_spans)
        restored += sum(
            metrics.restored((sub.start, sub.end), sub.original, edits)
            for sub, hit in zip(spun.substitutions, detected) if hit
        )
        d_spun = metrics.word_distance(spun.text, article.text)
        spun_distance += d_spun
        fixed_distance += metrics.word_distance(fixed, article.text) if edits else d_spun
    return {
        "seed": seed,
        "rate": rate,
        "substitutions": total.spans,
        "findings": total.findings,
        "true_findings": total.true_findings,
        "precision": total.precision,
        "detected_substitutions": total.detected_spans,
        "recall": total.recall,
        "restored": restored,
        "restored_rate": metrics.ratio(restored, total.detected_spans),
        "fixes_applied": fixes,
        "fixes_on_substitutions": fixes_on_subs,
        "word_distance_spun": spun_distance,
        "word_distance_fixed": fixed_distance,
        "word_error_reduction": metrics.error_reduction(spun_distance, fixed_distance),
        "by_rule": {rule: dict(c) for rule, c in sorted(by_rule.items(), key=lambda kv: -kv[1]["findings"])},
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
    found = check_text(text, checker)
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
        "gold_file": gold_path.name,
        "gold_rows": len(rows),
        "unmatched_rows": len(match.unmatched),
        "findings": len(found),
        "findings_in_gold": sum(in_gold),
        "precision": metrics.ratio(sum(in_gold), len(found)),
        "broken": tier_figures({"broken"}),
        "all": tier_figures(set(metrics.TIERS)),
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
    b = results["spun"]
    rows.append((f"B. spun text (rate {b['rate']}, seed {b['seed']})", "", "", "", ""))
    rows.append(("  substitutions", str(b["substitutions"]), "", "", ""))
    rows.append(("  precision", _fmt(b["precision"]), f"{b['true_findings']}/{b['findings']} findings", "", ""))
    rows.append(("  recall", _fmt(b["recall"]), f"{b['detected_substitutions']}/{b['substitutions']} subs", "", ""))
    rows.append(("  restored wording", _fmt(b["restored_rate"]),
                 f"{b['restored']}/{b['detected_substitutions']} detected", "", ""))
    distances = (f"d {b['word_distance_spun']} -> {b['word_distance_fixed']}; "
                 f"{b['fixes_on_substitutions']}/{b['fixes_applied']} fixes on subs")
    rows.append(("  word error reduction", _fmt(b["word_error_reduction"]), distances, "", ""))
    for rule, counts in b["by_rule"].items():
        rows.append((f"    findings {rule}", str(counts["findings"]), f"{counts['true']} on subs", "", ""))
    c = results.get("gold")
    if c is None:
        rows.append(("C. user's example", "skipped", "no gold file", "", ""))
        return rows
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.eval", description=__doc__.split("\n\n")[0],
                                     epilog="See the module docstring of bench/eval.py for each measure.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of clean articles (default: ../shared/data/bbc-dev from the repository root)")
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="first N articles in file order")
    parser.add_argument("--seed", type=int, default=0, help="spinner seed (default: 0)")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE,
                        help=f"fraction of eligible words spun (default: {DEFAULT_RATE})")
    parser.add_argument("--min-confidence", type=_confidence, default=DEFAULT_MIN_CONFIDENCE, metavar="X",
                        help=f"check threshold (default: the engine's, {DEFAULT_MIN_CONFIDENCE})")
    parser.add_argument("--fix-confidence", type=_confidence, default=DEFAULT_FIX_CONFIDENCE, metavar="X",
                        help=f"fix threshold (default: respin fix's, {DEFAULT_FIX_CONFIDENCE})")
    parser.add_argument("--article", type=Path, default=DEFAULT_ARTICLE,
                        help="the annotated example (default: fixtures/spun-news-syria.txt)")
    parser.add_argument("--gold", type=Path, default=None,
                        help="its gold annotations (default: the article's name with .gold.tsv)")
    parser.add_argument("--show-fp", type=int, default=0, metavar="K",
                        help="print the first K findings on clean text, in context")
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
    if not options.corpus.is_dir():
        parser.exit(2, f"bench.eval: no corpus folder {options.corpus}\n")
    if not options.article.exists():
        parser.exit(2, f"bench.eval: no article {options.article}\n")
    started = time.perf_counter()
    checker = Checker(min_confidence=options.min_confidence)
    fix_checker = Checker(min_confidence=options.fix_confidence)
    articles = read_corpus(options.corpus, options.limit)
    out: list[str] = []
    notes: list[str] = []
    results: dict = {"settings": {
        "corpus": str(options.corpus), "limit": options.limit, "seed": options.seed, "rate": options.rate,
        "min_confidence": options.min_confidence, "fix_confidence": options.fix_confidence,
    }}
    if options.show_fp:
        out.append(f"--- first {options.show_fp} false positives on clean text:")
    results["clean"] = evaluate_clean(articles, checker, fix_checker, options.show_fp, out)
    results["spun"] = evaluate_spun(articles, checker, fix_checker, options.seed, options.rate)
    gold_path = options.gold or gold_path_for(options.article)
    results["gold"] = evaluate_gold(options.article, gold_path, checker, fix_checker,
                                    options.show_missed, out, notes)
    results["notes"] = notes
    results["seconds"] = round(time.perf_counter() - started, 2)
    if options.json:
        print(json.dumps(results, indent=2))
        return 0
    for line in out:
        print(line)
    if out:
        print()
    print(render_table(table_rows(results)))
    for note in notes:
        print(f"note: {note}")
    print(f"({results['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
