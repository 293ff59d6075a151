"""Unseen tortured phrases: the swaps learnt from the PPS list, the research gate, and the hold-out."""

from __future__ import annotations

from bench import holdout
from respin import Checker, check_text
from respin.detectors.evidence import looks_spun, reads_as_research
from respin.detectors.tortured import CONFIDENCE, CONFIDENCE_SCIENTIFIC_WORD, find_tortured_phrases, vocabulary
from respin.finding import Category, Finding
from respin.language.lexicon import shared_lexicon
from respin.textview import TextView

PAPER = "In this paper we propose a method. We found 77 percent exactness on the dataset."


def _found(text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.text, f.suggestions) for f in find_tortured_phrases(TextView(text), shared_lexicon())]


def test_vocabulary_learns_word_swaps_and_canonical_terms_from_the_list() -> None:
    """Aligned entries teach which word replaced which; inflections and function words are not swaps."""
    known = vocabulary()
    assert "acid" in known.swaps["corrosive"]
    assert "intelligence" in known.swaps["consciousness"]
    assert "support vector machine" in known.canonical
    assert "counterfeit consciousness" in known.keys
    assert all(original != written + "s" for written, originals in known.swaps.items() for original in originals)
    assert not {"the", "of", "a"} & known.swaps.keys()


def test_unlisted_combination_is_undone_to_a_canonical_term() -> None:
    """A combination of known swaps that is not itself listed is flagged with the canonical term, for review."""
    assert "77 percent exactness" not in vocabulary().keys
    findings = list(find_tortured_phrases(TextView(PAPER), shared_lexicon()))
    assert [(f.text, f.suggestions, f.fixable, f.category, f.confidence) for f in findings] == [
        ("77 percent exactness", ("77 percent accuracy",), False, Category.SCIENTIFIC, CONFIDENCE)
    ]


def test_a_scientific_word_changed_gives_a_finding_below_the_default_threshold() -> None:
    """'precision' is a scientist's word too, so undoing it is only a hint (shown with --min-confidence 0.4)."""
    findings = list(find_tortured_phrases(TextView("we found 77 percent precision"), shared_lexicon()))
    assert [(f.suggestions, f.confidence) for f in findings] == [(("77 percent accuracy",), CONFIDENCE_SCIENTIFIC_WORD)]
    assert Checker().min_confidence > CONFIDENCE_SCIENTIFIC_WORD


def test_listed_phrases_canonical_terms_and_common_pairs_stay_quiet() -> None:
    """The dictionary reports listed keys itself; canonical terms and listed bigrams are natural English."""
    assert _found("we apply counterfeit consciousness here") == []
    assert _found("we used a support vector machine") == []
    assert _found("over the two years of growth in developing countries") == []


def test_no_window_across_a_paragraph_break() -> None:
    """Words in different paragraphs are never one term."""
    assert _found("we found 77 percent\n\nexactness") == []


def test_gate_opens_on_research_prose_only() -> None:
    """A paper opens the gate; a news article that mentions a study once does not."""
    assert reads_as_research(TextView(PAPER), [])
    news = "The minister said the plan would work. " * 40 + "This study was praised."
    assert not reads_as_research(TextView(news), [])


def test_looks_spun_needs_confident_spins_at_a_density() -> None:
    """Typos do not count as spinning, and one confident spin in a long text is not enough."""
    def spin(category: Category, confidence: float) -> Finding:
        return Finding(0, 3, "the", ("a",), "x", category, confidence, "m")

    short, long = TextView("word " * 100), TextView("word " * 5_000)
    assert looks_spun(short, [spin(Category.FINGERPRINT, 0.95)])
    assert not looks_spun(short, [spin(Category.REPEAT, 0.95), spin(Category.FINGERPRINT, 0.6)])
    assert not looks_spun(long, [spin(Category.FINGERPRINT, 0.95)])


def test_engine_runs_the_rule_only_behind_its_gate() -> None:
    """The same sentence is flagged in a paper and left alone in a news article."""
    checker = Checker()
    in_paper = [f for f in check_text(PAPER, checker) if f.rule == "tortured-phrase"]
    assert [f.text for f in in_paper] == ["77 percent exactness"]
    news = "The firm said it found 77 percent exactness in its accounts last year, this study says."
    assert not [f for f in check_text(news, checker) if f.rule == "tortured-phrase"]


def test_holdout_learns_only_from_the_entries_it_keeps() -> None:
    """Inside the hold-out swap the vocabulary is rebuilt from the kept 80%, and restored afterwards."""
    full = vocabulary()
    with holdout.held_out_dictionaries(seed=0) as held:
        kept = vocabulary()
        assert len(kept.keys) == len(held.kept) < len(full.keys)
    assert vocabulary() == full
