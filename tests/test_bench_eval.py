"""Tests of the evaluation harness: the spinner, the measures and the gold matcher (bench/)."""

from __future__ import annotations

import json

import pytest

from bench import eval as bench_eval
from bench import metrics
from bench.metrics import GoldRow, GoldSpan
from bench.spinner import Spin, Substitution, parse_thesaurus, spin, unspin
from respin import Category, Finding

THESAURUS = {
    "quick": ("fast", "rapid", "speedy"),
    "brown": ("umber", "tan"),
    "jumps": ("leaps", "bounds"),
    "lazy": ("idle", "slothful"),
    "report": ("account", "story"),
    "shows": ("reveals", "displays"),
    "large": ("big", "enormous"),
    "rise": ("increase", "growth"),
    "profits": ("gains", "earnings"),
    "ford": ("crossing",),
    "there": ("thither",),
}

TEXT = (
    "Quick brown foxes.\n\nThe quick brown fox jumps over the lazy dog. Report shows a large rise in "
    "profits, and Ford said there was a large rise. \"Quick work,\" she said; the report shows profits."
)


def _finding(start: int, end: int, text: str, suggestion: str = "x") -> Finding:
    assert len(text) == end - start
    return Finding(start, end, text, (suggestion,), "test", Category.FINGERPRINT, 0.9, "test")


# --- spinner ----------------------------------------------------------------------------


def test_parse_thesaurus_keeps_single_lower_case_words_only() -> None:
    """Multi-word, capitalised and non-alphabetic headwords and synonyms are dropped; duplicates merge."""
    lines = ["big,large,great deal,Huge,huge,x-ray,big\r\n", "a la mode,chic\n", "Paris,city\n", "big,vast\n",
             "lone,single word\n"]
    assert parse_thesaurus(lines) == {"big": ("large", "huge", "vast")}


def test_spin_is_deterministic_for_a_seed() -> None:
    """The same text, seed and rate give the same spin; other seeds give other spins."""
    first = spin(TEXT, seed=7, rate=0.5, thesaurus=THESAURUS)
    assert first == spin(TEXT, seed=7, rate=0.5, thesaurus=THESAURUS)
    assert first.substitutions
    others = {spin(TEXT, seed=s, rate=0.5, thesaurus=THESAURUS).text for s in range(8)}
    assert len(others) > 1


def test_spin_records_exact_spans_and_undoes_exactly() -> None:
    """Every recorded span holds its replacement in the spun text, and undoing all gives the original."""
    for seed in range(20):
        result = spin(TEXT, seed=seed, rate=0.6, thesaurus=THESAURUS)
        assert isinstance(result, Spin) and result.original == TEXT
        for sub in result.substitutions:
            assert result.text[sub.start : sub.end] == sub.replacement
            assert sub.replacement.lower() in THESAURUS[sub.original.lower()]
        starts = [s.start for s in result.substitutions]
        assert starts == sorted(starts)
        assert unspin(result.text, result.substitutions) == TEXT
    assert unspin("a big dog", [Substitution(2, 5, "large", "big")]) == "a large dog"


def test_spin_rate_one_replaces_exactly_the_eligible_words() -> None:
    """At rate 1 every eligible word is spun; names, short words and stop words are not."""
    result = spin(TEXT, seed=1, rate=1.0, thesaurus=THESAURUS)
    originals = [s.original for s in result.substitutions]
    # "Quick" opens the title and a quotation, "Report" a sentence: spun, with their capital carried.
    # "Ford" is a capitalised name mid-sentence, "there" is a stop word: never spun. "foxes" has no entry.
    assert originals == ["Quick", "brown", "quick", "brown", "jumps", "lazy", "Report", "shows", "large",
                         "rise", "profits", "large", "rise", "Quick", "report", "shows", "profits"]
    for sub in result.substitutions:
        assert sub.replacement[0].isupper() == sub.original[0].isupper()
    assert "Ford said there" in result.text


def test_spin_rate_zero_changes_nothing() -> None:
    """At rate 0 the spun text is the original and nothing is recorded."""
    result = spin(TEXT, seed=3, rate=0.0, thesaurus=THESAURUS)
    assert result.text == TEXT and result.substitutions == ()


# --- spun-text measures -----------------------------------------------------------------


def test_overlaps_is_half_open() -> None:
    """Touching spans do not overlap; shared code points and empty spans inside do."""
    assert metrics.overlaps((0, 5), (4, 9))
    assert not metrics.overlaps((0, 5), (5, 9))
    assert metrics.overlaps((3, 3), (0, 5))
    assert not metrics.overlaps((7, 7), (0, 5))


def test_precision_and_recall_on_hand_made_findings() -> None:
    """3 of 4 findings hit a substitution; 2 of 5 substitutions are hit (one by two findings)."""
    subs = [(0, 5), (10, 15), (20, 25), (30, 35), (40, 45)]
    findings = [_finding(2, 4, "ab"), _finding(4, 8, "abcd"), _finding(12, 16, "abcd"), _finding(50, 52, "ab")]
    score = metrics.score_spans([(f.start, f.end) for f in findings], subs)
    assert (score.findings, score.true_findings, score.spans, score.detected_spans) == (4, 3, 5, 2)
    assert score.precision == 0.75
    assert score.recall == 0.4
    total = metrics.SpanScore()
    total.add(score)
    total.add(metrics.score_spans([], [(0, 1)]))
    assert (total.findings, total.true_findings, total.spans, total.detected_spans) == (4, 3, 6, 2)
    assert metrics.SpanScore().precision is None


def test_restored_needs_an_overlapping_fix_holding_the_original_word() -> None:
    """A fix restores a substitution only where it overlaps it and holds the original as a whole word."""
    fixes = [(10, 18, "rose sharply"), (30, 36, "prose")]
    assert metrics.restored((10, 15), "Rose", fixes)
    assert not metrics.restored((20, 25), "rose", fixes)  # no fix there
    assert not metrics.restored((30, 35), "rose", fixes)  # "prose" is not "rose"
    detected = [(10, 15), (30, 35), (40, 45)]
    restored = sum(metrics.restored(span, "rose", fixes) for span in detected)
    assert metrics.ratio(restored, len(detected)) == pytest.approx(1 / 3)


def test_with_article_widens_over_a_preceding_indefinite_article() -> None:
    """A spun word's span takes in the "a"/"an" before it, and nothing else."""
    text = "It was a enormous rise, an big one, banana split."
    assert metrics.with_article(text, (9, 17)) == (7, 17)
    assert metrics.with_article(text, (27, 30)) == (24, 30)
    assert metrics.with_article(text, (43, 48)) == (43, 48)


def test_word_distance_and_error_reduction_exact_numbers() -> None:
    """Case and surrounding punctuation are ignored; distances count word edits."""
    original = "The firm's profits rose sharply, it said."
    spun = "The firm's gains climbed sharply, it stated."
    fixed = "the firm's profits climbed sharply it said"
    assert metrics.word_tokens('"Hello," - World!') == ["hello", "world"]
    assert metrics.word_distance(spun, original) == 3
    assert metrics.word_distance(fixed, original) == 1
    assert metrics.word_distance("a b c", "a c") == 1
    assert metrics.error_reduction(3, 1) == pytest.approx(2 / 3)
    assert metrics.error_reduction(4, 6) == -0.5
    assert metrics.error_reduction(0, 0) is None


# --- gold annotations -------------------------------------------------------------------

GOLD = """# a comment
spun\tcanonical\ttier

the us\tthe united states\tbroken
features blamed\thas blamed\tbroken
The US\tthe united states\tawkward
nowhere\tsomewhere\tbroken
"""

ARTICLE = "Russia features blamed the US for a thing. Then the us said the usual. The us again."


def test_parse_gold_skips_header_comments_and_blank_lines() -> None:
    """Rows come back in file order with their line numbers; bad tiers and field counts are errors."""
    rows = metrics.parse_gold(GOLD)
    assert rows == [
        GoldRow("the us", "the united states", "broken", 4),
        GoldRow("features blamed", "has blamed", "broken", 5),
        GoldRow("The US", "the united states", "awkward", 6),
        GoldRow("nowhere", "somewhere", "broken", 7),
    ]
    with pytest.raises(metrics.GoldFormatError, match="line 1"):
        metrics.parse_gold("a\tb\tugly\n")
    with pytest.raises(metrics.GoldFormatError, match="3 tab-separated"):
        metrics.parse_gold("a\tb\n")


def test_match_gold_takes_occurrences_in_order_case_insensitively() -> None:
    """The k-th row of a spun text is its k-th whole-word occurrence; extras and misses are reported."""
    match = metrics.match_gold(ARTICLE, metrics.parse_gold(GOLD))
    assert [(g.start, g.end, g.spun, g.tier) for g in match.spans] == [
        (7, 22, "features blamed", "broken"),
        (23, 29, "the US", "broken"),
        (48, 54, "the us", "awkward"),  # "the usual" is not an occurrence of "the us"
    ]
    assert [row.spun for row in match.unmatched] == ["nowhere"]
    assert match.unlisted == {"the us": 1}  # "The us again." is not listed


def _gold(article: str, spun: str, canonical: str, tier: str = "broken", occurrence: int = 0) -> GoldSpan:
    start = -1
    for _ in range(occurrence + 1):
        start = article.index(spun, start + 1)
    return GoldSpan(start, start + len(spun), spun, canonical, tier, 1)


def test_judge_repairs_compares_the_region_the_spans_cover() -> None:
    """Same span: suggestion vs canonical; different spans: the region must come out as the canonical."""
    article = "since final octobers decision it ended up being extensively criticised by them"
    gold = [
        _gold(article, "final octobers", "last October's"),
        _gold(article, "ended up being extensively", "was extensively"),
        _gold(article, "extensively criticised", "widely criticised", "awkward"),
        _gold(article, "by them", "by THEM"),
    ]
    octobers = article.index("octobers")
    ended = article.index("ended up being")
    them = article.index("by them")
    edits = [
        (octobers, octobers + 8, "October's"),  # partial: "final" stays, so not the canonical
        (ended, ended + 14, "was"),  # inside the gold span, the rest unchanged: repaired
        (them, them + 7, "By  them"),  # same span, case and white space aside: repaired
    ]
    assert metrics.judge_repairs(article, gold, edits) == [False, True, False, True]
    whole = [(article.index("final"), octobers + 8, "last october's")]
    assert metrics.judge_repairs(article, gold, whole) == [True, False, False, False]


def test_judge_repairs_one_edit_across_two_adjacent_gold_spans() -> None:
    """An edit covering two neighbouring gold spans repairs both when it yields both canonicals."""
    article = "the countries militaries attemptedto stop"
    gold = [_gold(article, "countries militaries", "countries' militaries"),
            _gold(article, "attemptedto", "attempted to")]
    start = article.index("countries")
    end = article.index(" stop")
    assert metrics.judge_repairs(article, gold, [(start, end, "countries' militaries attempted to")]) == [True, True]
    assert metrics.judge_repairs(article, gold, [(start, end, "countries militaries attempted to")]) == [False, False]


# --- the command ------------------------------------------------------------------------


def test_eval_main_runs_end_to_end_on_a_tiny_corpus(tmp_path, monkeypatch, capsys) -> None:
    """`main` reads a corpus folder, spins, checks and scores gold, prints JSON and returns 0."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a_001.txt").write_text("Title here\n\nThe quick brown fox jumps over the lazy dog.\n")
    (corpus / "a_002.txt").write_bytes("Bad byte \xff here. The report shows a large rise.\n".encode("latin-1"))
    (corpus / "notes.md").write_text("not an article")
    article = tmp_path / "spun.txt"
    article.write_text("Russia features blamed the us for it.\n")
    (tmp_path / "spun.gold.tsv").write_text("spun\tcanonical\ttier\nfeatures blamed\thas blamed\tbroken\n")
    monkeypatch.setattr(bench_eval, "load_thesaurus", lambda: THESAURUS)
    code = bench_eval.main(["--corpus", str(corpus), "--article", str(article), "--rate", "1", "--json"])
    assert code == 0
    figures = json.loads(capsys.readouterr().out)
    clean = figures["clean"]
    assert clean["articles"] == 2 and clean["undecodable"] == ["a_002.txt"]
    assert clean["words"] == 11 + 10
    assert figures["spun"]["substitutions"] == 8  # quick brown jumps lazy, report shows large rise
    gold = figures["gold"]
    assert gold["broken"]["gold_spans"] == 1 and gold["gold_rows"] == 1
    assert 0.0 <= gold["precision"] <= 1.0

    assert bench_eval.main(["--corpus", str(corpus), "--article", str(article), "--limit", "1"]) == 0
    table = capsys.readouterr().out
    assert "FP per 1000 words" in table and "recall, tier broken" in table

    (tmp_path / "spun.gold.tsv").unlink()
    assert bench_eval.main(["--corpus", str(corpus), "--article", str(article), "--limit", "1"]) == 0
    assert "C skipped: no gold file" in capsys.readouterr().out
