"""Fit the context tier's decision model (`respin/models/context.json`) on spun copies of bbc-dev's fit half.

    python tools/train_context.py            # dump what is missing, then fit and write the model
    python tools/train_context.py --articles 120 --dump-only
    python tools/train_context.py --fit-only

Two stages, so a long dump can be resumed and the fit re-run alone:

1. dump: `--articles` articles of the fit half, evenly spaced, of ../shared/data/bbc-dev
   (`bench.split`; the report half is never read here) are spun by each
   training spinner of `bench.spinner` (seeded by spinner and file name) and
   read by `respin.detectors.context.scored_sites`. Every site's features, probe vector
   and label (1 when it overlaps a substitution) go to one `.npz` file per
   article and spinner under `build/context-train/`. Every third article is
   also read unspun (all its sites labelled 0), so the model sees clean
   prose without spins nearby. The `wordnet` spinner is never used: it is the
   evaluation's spinner from a source the detector does not read.
2. fit: a logistic probe over the hidden states (Adam, numpy), whose
   out-of-fold logits (five folds by article) join the standardised features
   in an L2-regularised logistic regression (Newton's method). Its penalty is chosen by log loss
   on a validation fifth of the articles (by file name), then the model is
   refitted on all dumped articles and written with its provenance. The
   validation figures (log loss, precision and recall at several thresholds,
   calibration by band) are printed. The suggestion ranker
   (`respin.detectors.context.SuggestionRanker`, a conditional logit over each re-read
   spun site's candidates, L2 penalty chosen by top-1 accuracy on the same
   validation fifth) is fitted from the same dumps and written beside it.

Training never runs at check time; `respin check --deep` only reads the JSON file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.spinner import SPINNERS, Substitution  # noqa: E402
from bench.split import FIT, select  # noqa: E402
from respin.detectors import context  # noqa: E402
from respin.language.lexicon import shared_lexicon  # noqa: E402

CORPUS = ROOT / ".." / "shared" / "data" / "bbc-dev"
DUMP = ROOT / "build" / "context-train"
HELD_OUT_SPINNERS = {"wordnet"}  # the evaluation's spinner from a source the detector never reads
RATE = 0.15
SEED = 0
CLEAN_EVERY = 3
PENALTIES = (0.1, 1.0, 10.0, 100.0)
PROBE_PENALTY = 100.0


def training_spinners() -> list[str]:
    return [name for name in SPINNERS if name not in HELD_OUT_SPINNERS]


def fit_articles(limit: int) -> list[Path]:
    """`limit` articles of the fit half, evenly spaced in file order, so that every category is represented."""
    paths = select(sorted(p for p in CORPUS.iterdir() if p.suffix == ".txt"), FIT)
    step = max(1, len(paths) // max(1, limit))
    return paths[::step][:limit]


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


def restores(spun: str, substitution: Substitution, site: context.Site, candidate: context.Candidate) -> bool:
    """Whether putting `candidate` in place of the site gives back the substitution's original wording."""
    low, high = min(site.start, substitution.start), max(site.end, substitution.end)
    fixed = spun[low : site.start] + candidate.text + spun[site.end : high]
    expected = spun[low : substitution.start] + substitution.original + spun[substitution.end : high]
    return _normalised(fixed) == _normalised(expected)


def dump_one(path: Path, kind: str, out: Path) -> int:
    """Read one (spun or clean) article and save its sites' features, probes and labels.

    The sites that overlap a substitution are also re-read with their right
    context (as reported sites are), and their candidates' ranking features go
    with whether each restores the original: the suggestion ranker's data.
    """
    text = path.read_bytes().decode("utf-8", errors="replace")
    if kind == "clean":
        spun, substitutions = text, ()
    else:
        spin = SPINNERS[kind](text, seed=f"{SEED}:{kind}:{path.name}", rate=RATE)
        spun, substitutions = spin.text, spin.substitutions

    def spun_at(site: context.Site) -> Substitution | None:
        return next((s for s in substitutions if s.start < site.end and site.start < s.end), None)

    lexicon = shared_lexicon()
    sites = context.scored_sites(spun, lexicon, decide=lambda site: spun_at(site) is not None)
    labels = [int(spun_at(site) is not None) for site in sites]
    rank_rows, rank_site, rank_correct = [], [], []
    for number, site in enumerate(sites):
        substitution = spun_at(site)
        if substitution is None:
            continue
        for candidate in site.candidates:
            if candidate.gain is not None:
                rank_rows.append(context.rank_features(site, candidate, lexicon))
                rank_site.append(number)
                rank_correct.append(int(restores(spun, substitution, site, candidate)))
    np.savez_compressed(
        out,
        features=np.array([site.features for site in sites], dtype=np.float64).reshape(len(sites), -1),
        probe=np.array([site.probe for site in sites], dtype=np.float32).reshape(len(sites), -1),
        labels=np.array(labels, dtype=np.int8),
        sources=np.array([site.best.source if site.best else "" for site in sites]),
        rank_features=np.array(rank_rows, dtype=np.float64).reshape(len(rank_rows), len(context.RANK_FEATURES)),
        rank_site=np.array(rank_site, dtype=np.int32),
        rank_correct=np.array(rank_correct, dtype=np.int8),
    )
    return len(sites)


def dump(limit: int) -> None:
    DUMP.mkdir(parents=True, exist_ok=True)
    kinds = training_spinners()
    for number, path in enumerate(fit_articles(limit)):
        for kind in [*kinds, *(["clean"] if number % CLEAN_EVERY == 0 else [])]:
            out = DUMP / f"{path.stem}.{kind}.npz"
            if out.exists():
                continue
            started = time.perf_counter()
            sites = dump_one(path, kind, out)
            print(f"{path.name} {kind}: {sites} sites, {time.perf_counter() - started:.1f} s", flush=True)


def load_dump(features_only: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    xs, ps, ys, groups, names = [], [], [], [], []
    for path in sorted(DUMP.glob("*.npz")):
        data = np.load(path)
        if data["features"].shape[1] != len(context.FEATURES):
            raise SystemExit(f"{path}: dumped with other features; delete {DUMP} and dump again")
        xs.append(data["features"])
        ps.append(data["probe"] if not features_only else np.zeros((len(data["labels"]), 0), np.float32))
        ys.append(data["labels"])
        article = path.name.split(".")[0]
        groups.append(np.full(len(data["labels"]), zlib.crc32(article.encode()) % 5))
        names.append(path.name)
    return np.vstack(xs), np.vstack(ps).astype(np.float64), np.concatenate(ys), np.concatenate(groups), names


def fit_logistic(x: np.ndarray, y: np.ndarray, penalty: float, iterations: int = 30) -> np.ndarray:
    """Weights (bias last) of an L2-penalised logistic regression on standardised x, by Newton's method."""
    n, d = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    ridge = penalty * np.eye(d + 1)
    ridge[d, d] = 0.0  # the bias is not penalised
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -40, 40)))
        gradient = design.T @ (p - y) + ridge @ w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + ridge
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def predict(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ w[:-1] + w[-1], -40, 40)))


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def report(p: np.ndarray, y: np.ndarray) -> list[str]:
    lines = []
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        flagged = p >= threshold
        true = int((flagged & (y == 1)).sum())
        precision = true / flagged.sum() if flagged.sum() else float("nan")
        lines.append(f"  p >= {threshold:.2f}: precision {precision:.3f}, recall {true / max(1, y.sum()):.3f}, "
                     f"{int(flagged.sum())} flagged")
    lines.append("  calibration (band: mean predicted, share true, sites):")
    for low, high in ((0.0, 0.1), (0.1, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        band = (p >= low) & (p < high)
        if band.any():
            share = y[band].mean()
            lines.append(f"    {low:.1f}-{min(high, 1.0):.1f}: {p[band].mean():.3f}, {share:.3f}, {int(band.sum())}")
    return lines


def standardise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = values.mean(axis=0)
    scale = values.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


def fit_probe(probe: np.ndarray, y: np.ndarray, penalty: float, steps: int = 300) -> np.ndarray:
    """Weights (bias last) of an L2-penalised logistic probe on standardised hidden states, by Adam.

    Newton's method would need a 1,728-square Hessian per step; full-batch Adam needs two products.
    """
    n, d = probe.shape
    w = np.zeros(d + 1, dtype=np.float32)
    m, v = np.zeros_like(w), np.zeros_like(w)
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-np.clip(probe @ w[:-1] + w[-1], -40, 40)))
        error = (p - y).astype(np.float32) / n
        gradient = np.append(probe.T @ error + penalty / n * w[:-1], error.sum())
        m = beta1 * m + (1 - beta1) * gradient
        v = beta2 * v + (1 - beta2) * gradient**2
        w -= rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    return w


def fit(no_probe: bool = False) -> None:
    x, probe, y, groups, names = load_dump(features_only=no_probe)
    print(f"{len(names)} dumps, {len(y)} sites, {int(y.sum())} spun ({y.mean():.3f})")
    mean, scale = standardise(x)
    standard = (x - mean) / scale
    probe_weights = np.zeros(0)
    probe_mean, probe_scale = np.zeros(0), np.ones(0)
    probe_logit = np.zeros(len(y))
    if probe.shape[1]:
        probe_mean, probe_scale = standardise(probe)
        hidden = ((probe - probe_mean) / probe_scale).astype(np.float32)
        # out-of-fold probe logits: the decision learns how far to trust the probe on sites it never saw
        for fold in range(5):
            held = groups == fold
            w = fit_probe(hidden[~held], y[~held], PROBE_PENALTY)
            probe_logit[held] = hidden[held] @ w[:-1] + w[-1]
        probe_weights = fit_probe(hidden, y, PROBE_PENALTY)
    design = np.hstack([standard, probe_logit[:, None]])
    train, valid = groups != 0, groups == 0
    best: tuple[float, float] | None = None
    for penalty in PENALTIES:
        w = fit_logistic(design[train], y[train], penalty)
        loss = log_loss(predict(design[valid], w), y[valid])
        print(f"penalty {penalty:g}: validation log loss {loss:.4f}")
        if best is None or loss < best[1]:
            best = (penalty, loss)
    assert best is not None
    penalty = best[0]
    w = fit_logistic(design[train], y[train], penalty)
    print(f"validation fifth (articles never fitted; probe out of fold), penalty {penalty:g}:")
    print("\n".join(report(predict(design[valid], w), y[valid])))
    w = fit_logistic(design, y, penalty)
    d = x.shape[1]
    model = context.DecisionModel(
        weights=w[:d], bias=float(w[-1]), mean=mean, scale=scale,
        probe_weights=probe_weights[:-1] if len(probe_weights) else probe_weights,
        probe_bias=float(probe_weights[-1]) if len(probe_weights) else 0.0,
        probe_mean=probe_mean, probe_scale=probe_scale, probe_coefficient=float(w[d]),
        about={
            "fitted_by": "python tools/train_context.py",
            "fitted_on": f"bbc-dev fit half (bench.split), {len({n.split('.')[0] for n in names})} articles",
            "spinners": sorted({n.split(".")[1] for n in names}),
            "rate": RATE, "sites": len(y), "spun_sites": int(y.sum()), "penalty": penalty,
            "probe_penalty": PROBE_PENALTY if probe.shape[1] else None,
            "validation_log_loss": round(best[1], 4), "date": datetime.date.today().isoformat(),
        },
    )
    data = model.to_json()
    ranker = fit_ranker()
    if ranker is not None:
        data["ranker"] = ranker
    context.MODEL_FILE.parent.mkdir(parents=True, exist_ok=True)
    context.MODEL_FILE.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {context.MODEL_FILE.relative_to(ROOT)}")


def load_ranking() -> tuple[list[np.ndarray], list[int], np.ndarray]:
    """Per re-read spun site with a restoring candidate: its candidates' features, the first restoring one, fold."""
    groups: list[np.ndarray] = []
    answers: list[int] = []
    folds: list[int] = []
    for path in sorted(DUMP.glob("*.npz")):
        data = np.load(path)
        if "rank_features" not in data or data["rank_features"].shape[1] != len(context.RANK_FEATURES):
            raise SystemExit(f"{path}: dumped without this respin's ranking features; delete {DUMP} and dump again")
        fold = zlib.crc32(path.name.split(".")[0].encode()) % 5
        rows, site, correct = data["rank_features"], data["rank_site"], data["rank_correct"]
        for number in np.unique(site):
            members = site == number
            if len(rows[members]) > 1 and correct[members].any():
                groups.append(rows[members])
                answers.append(int(np.argmax(correct[members])))
                folds.append(fold)
    return groups, answers, np.array(folds)


def fit_ranker_weights(groups: list[np.ndarray], answers: list[int], penalty: float,
                       iterations: int = 50) -> np.ndarray:
    """Conditional logit (softmax over each group's rows) with an L2 penalty, by Newton's method."""
    d = groups[0].shape[1]
    w = np.zeros(d)
    for _ in range(iterations):
        gradient = penalty * w
        hessian = penalty * np.eye(d)
        for rows, answer in zip(groups, answers):
            z = rows @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            mean = p @ rows
            gradient -= rows[answer] - mean
            centred = rows - mean
            hessian += (centred * p[:, None]).T @ centred
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def top1(groups: list[np.ndarray], answers: list[int], score) -> float:
    return float(np.mean([int(np.argmax(score(rows))) == answer for rows, answer in zip(groups, answers)]))


def fit_ranker() -> dict | None:
    groups, answers, folds = load_ranking()
    if not groups:
        print("no re-read spun sites with a restoring candidate: no ranker")
        return None
    stacked = np.vstack(groups)
    mean, scale = standardise(stacked)
    standard = [(rows - mean) / scale for rows in groups]
    names = list(context.RANK_FEATURES)
    gain = names.index("gain")
    train = [i for i, f in enumerate(folds) if f != 0]
    valid = [i for i, f in enumerate(folds) if f == 0]

    def pick(indices: list[int], items: list) -> list:
        return [items[i] for i in indices]

    best: tuple[float, float] | None = None
    for penalty in (0.1, 1.0, 10.0, 100.0):
        w = fit_ranker_weights(pick(train, standard), pick(train, answers), penalty)
        accuracy = top1(pick(valid, standard), pick(valid, answers), lambda rows, w=w: rows @ w)
        print(f"ranker penalty {penalty:g}: validation top-1 {accuracy:.3f}")
        if best is None or accuracy > best[1]:
            best = (penalty, accuracy)
    assert best is not None
    baseline = top1(pick(valid, groups), pick(valid, answers), lambda rows: rows[:, gain])
    print(f"ranker, validation fifth ({len(valid)} sites): top-1 {best[1]:.3f}; the largest gain alone {baseline:.3f}")
    w = fit_ranker_weights(standard, answers, best[0])
    print("ranker weights: " + ", ".join(f"{n} {v:+.2f}" for n, v in zip(names, w)))
    ranker = context.SuggestionRanker(weights=w, mean=mean, scale=scale, about={
        "sites": len(groups), "penalty": best[0], "validation_top1": round(best[1], 4),
        "validation_top1_largest_gain": round(baseline, 4)})
    return ranker.to_json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=127,
                        help="fit-half articles to dump (default 127, what the shipped model was fitted on)")
    stage = parser.add_mutually_exclusive_group()
    stage.add_argument("--dump-only", action="store_true")
    stage.add_argument("--fit-only", action="store_true")
    parser.add_argument("--no-probe", action="store_true", help="fit on the scalar features alone")
    options = parser.parse_args(argv)
    if not options.fit_only:
        dump(options.articles)
    if not options.dump_only:
        fit(options.no_probe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
