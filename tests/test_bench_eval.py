"""Tests of the evaluation harness: the spinner, the measures and the gold matcher (bench/)."""

from __future__ import annotations

import json

import pytest

import respin.language.dictionary
from bench import eval as bench_eval
from bench import holdout, metrics
from bench.metrics import GoldRow, GoldSpan
from bench.spinner import (
    Spin,
    Substitution,
    parse_phrase_thesaurus,
    parse_thesaurus,
    phrase_candidates,
    spin,
    spin_phrases,
    unspin,
)
from respin import Category, Checker, Finding, check_text

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


# --- phrase spinner ---------------------------------------------------------------------

PHRASES = {
    "by and large": ("generally", "on the whole"),
    "take part": ("participate", "join in"),
    "take": ("lay hold of", "get hold of"),
    "quick": ("in a hurry", "at speed"),
    "report": ("news story", "write up"),
    "large": ("full size", "big"),  # single word: only the phrase may replace it
    "rise": ("upward trend",),
}

PHRASE_TEXT = (
    "By and large the report was quick.\n\nWe take part in a large rise, by and\nlarge, and take stock. "
    "They take part. Report shows a rise; the by-and-large view. Take part now."
)


def test_parse_phrase_thesaurus_keeps_phrases_and_phrase_synonyms() -> None:
    """Phrase headwords keep word and phrase synonyms; word headwords keep phrase synonyms only."""
    lines = ["big,large,great deal,big shot,Huge,x-ray,full size\n", "by and large,generally,on the whole,large\n",
             "a la mode,chic,in style\n", "Paris,city limits\n", "lone,single\n", "big,in a big way,vast\n",
             "one two three four five six,seven\n"]
    assert parse_phrase_thesaurus(lines) == {
        "big": ("great deal", "full size"),  # "big shot" contains "big": not a swap; "in a big way" neither
        "by and large": ("generally", "on the whole"),  # "large" is inside the phrase
        "a la mode": ("chic", "in style"),
    }


def test_phrase_candidates_find_phrases_on_one_line_and_words_with_phrase_synonyms() -> None:
    """Phrases need single spaces and lower case (or a sentence-initial capital); words need phrase synonyms."""
    found = [(PHRASE_TEXT[s:e], head) for s, e, head in phrase_candidates(PHRASE_TEXT, PHRASES)]
    assert ("By and large", "by and large") in found
    assert ("by and\nlarge", "by and large") not in found  # across a line break
    assert ("by-and-large", "by and large") not in found  # hyphenated: not the phrase
    assert ("take part", "take part") in found and ("take", "take") in found
    assert ("Take part", "take part") in found  # sentence start
    assert sum(head == "take part" for _, head in found) == 3
    assert ("rise", "rise") in found and ("large", "large") in found
    assert ("stock", "stock") not in found  # no entry


def test_spin_phrases_is_deterministic_with_exact_spans_and_undo() -> None:
    """Same seed, same spin; each span holds its replacement; undoing gives the original; a phrase on one side."""
    first = spin_phrases(PHRASE_TEXT, seed=5, rate=0.5, thesaurus=PHRASES)
    assert first == spin_phrases(PHRASE_TEXT, seed=5, rate=0.5, thesaurus=PHRASES)
    assert len({spin_phrases(PHRASE_TEXT, seed=s, rate=0.5, thesaurus=PHRASES).text for s in range(8)}) > 1
    kinds = set()
    for seed in range(30):
        result = spin_phrases(PHRASE_TEXT, seed=seed, rate=0.7, thesaurus=PHRASES)
        assert result.original == PHRASE_TEXT and result.substitutions
        for sub in result.substitutions:
            assert result.text[sub.start : sub.end] == sub.replacement
            assert sub.replacement.lower() in PHRASES[sub.original.lower()]
            assert " " in sub.original or " " in sub.replacement
            assert sub.replacement[0].isupper() == sub.original[0].isupper()
            kinds.add(sub.kind)
        starts = [s.start for s in result.substitutions]
        assert starts == sorted(starts)
        assert all(a.end <= b.start for a, b in zip(result.substitutions, result.substitutions[1:]))
        assert unspin(result.text, result.substitutions) == PHRASE_TEXT
    assert kinds == {"word", "phrase"}
    assert spin_phrases(PHRASE_TEXT, seed=1, rate=0.0, thesaurus=PHRASES).text == PHRASE_TEXT


def test_spin_phrases_at_rate_one_leaves_no_candidate_untouched() -> None:
    """At rate 1, candidates are taken until none is left that does not overlap one taken."""
    candidates = phrase_candidates(PHRASE_TEXT, PHRASES)
    result = spin_phrases(PHRASE_TEXT, seed=2, rate=1.0, thesaurus=PHRASES)
    # every candidate either was taken or overlaps one that was
    spans = [(s.start, s.end) for s in result.substitutions]
    original_spans = []
    shift = 0
    for sub in result.substitutions:
        original_spans.append((sub.start - shift, sub.start - shift + len(sub.original)))
        shift += len(sub.replacement) - len(sub.original)
    assert len(spans) <= len(candidates)
    for start, end, _ in candidates:
        assert any(metrics.overlaps((start, end), o) for o in original_spans)


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


COUNTS = {"growth": 1000, "rise": 400, "skin": 500, "eruption": 20, "iron": 300, "hand": 900, "by": 10**6,
          "and": 10**6, "large": 5000, "generally": 800}


def test_reads_unnaturally_is_a_tenfold_frequency_drop_with_phrases_as_their_rarest_word() -> None:
    """The proxy: count(original) >= 10 * count(replacement), a phrase counted as its rarest word."""
    count = COUNTS.get
    assert metrics.phrase_count("skin eruption", lambda w: COUNTS.get(w, 0)) == 20
    assert metrics.phrase_count("By and large,", lambda w: COUNTS.get(w, 0)) == 5000
    assert metrics.reads_unnaturally("growth", "skin eruption", count)  # 1000 >= 10 * 20
    assert not metrics.reads_unnaturally("growth", "rise", count)  # 1000 < 4000
    assert not metrics.reads_unnaturally("growth", "iron hand", count)  # common words: not caught
    assert metrics.reads_unnaturally("Growth", "zzyzx", lambda w: COUNTS.get(w, 0))  # unknown replacement
    assert not metrics.reads_unnaturally("zzyzx", "growth", lambda w: COUNTS.get(w, 0))  # unknown original
    assert not metrics.reads_unnaturally("by and large", "generally", count)  # 5000 < 8000


def _found(start: int, end: int, rule: str, category: Category) -> Finding:
    return Finding(start, end, "x" * (end - start), ("y",), rule, category, 0.9, "test")


def test_breakdown_per_rule_and_category_on_hand_made_findings() -> None:
    """Findings, true findings, precision and recall (of all and of unnatural subs) per rule and category."""
    subs = [(0, 5), (10, 15), (20, 25), (30, 35)]
    unnatural = [True, False, True, False]
    findings = [
        _found(1, 3, "a-an", Category.ARTICLE),  # sub 0
        _found(11, 12, "collocations", Category.COLLOCATION),  # sub 1
        _found(13, 14, "fingerprints", Category.COLLOCATION),  # sub 1 again, another rule of the category
        _found(22, 24, "collocations", Category.COLLOCATION),  # sub 2
        _found(40, 42, "collocations", Category.COLLOCATION),  # nothing
        _found(50, 52, "a-an", Category.ARTICLE),  # nothing
    ]
    breakdown = metrics.Breakdown()
    breakdown.add(findings, subs, unnatural)
    breakdown.add([_found(0, 2, "fingerprints", Category.FINGERPRINT)], [(0, 4)], [False])
    figures = breakdown.as_dict()
    assert (figures["substitutions"], figures["unnatural"]) == (5, 2)
    assert (figures["findings"], figures["true_findings"], figures["detected"], figures["detected_unnatural"]) == (
        7, 5, 4, 2)
    assert figures["recall"] == 0.8 and figures["recall_unnatural"] == 1.0
    assert list(figures["by_rule"]) == ["collocations", "a-an", "fingerprints"]  # most findings first
    collocations = figures["by_rule"]["collocations"]
    assert (collocations["findings"], collocations["true_findings"], collocations["detected"],
            collocations["detected_unnatural"]) == (3, 2, 2, 1)
    assert collocations["precision"] == pytest.approx(2 / 3)
    assert collocations["recall"] == 0.4 and collocations["recall_unnatural"] == 0.5
    a_an = figures["by_rule"]["a-an"]
    assert (a_an["findings"], a_an["true_findings"], a_an["precision"], a_an["recall"]) == (2, 1, 0.5, 0.2)
    fingerprints = figures["by_rule"]["fingerprints"]
    assert (fingerprints["findings"], fingerprints["true_findings"], fingerprints["detected"]) == (2, 2, 2)
    # category: sub 1 hit by two findings of the category counts once
    collocation = figures["by_category"]["collocation"]
    assert (collocation["findings"], collocation["true_findings"], collocation["detected"]) == (4, 3, 2)
    assert collocation["precision"] == 0.75
    assert set(figures["by_category"]) == {"collocation", "article", "fingerprint"}
    assert figures["by_category"]["fingerprint"]["findings"] == 1
    assert metrics.Breakdown().as_dict()["precision"] is None


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


# --- D. the PPS hold-out ---------------------------------------------------------------

PPS = holdout.SPEC_NAME


def test_split_entries_is_seeded_twenty_percent_in_file_order() -> None:
    """The same seed holds out the same round(20%) of the lines; another seed others; nothing lost."""
    lines = [(n, f"key {n}->value {n}") for n in range(10, 1010)]
    kept, held = holdout.split_entries(lines, seed=0)
    assert len(held) == 200 and len(kept) == 800
    assert (kept, held) == holdout.split_entries(lines, seed=0)
    assert held != holdout.split_entries(lines, seed=1)[1]
    assert sorted(kept + held) == lines
    assert held == sorted(held) and kept == sorted(kept)
    assert len(holdout.split_entries(lines[:7], seed=3)[1]) == 1  # round(1.4)


def test_holdout_swap_hides_held_out_phrases_and_restores_everything() -> None:
    """Inside the block respin sees 80% of scientific-pps; after it, the original folder, caches and phrases."""
    original_function = respin.language.dictionary.dictionaries_dir
    original_folder = original_function()
    spec = respin.language.dictionary.spec_named(PPS)
    full = len(respin.language.dictionary.load(spec))
    assert full == len(holdout.entry_lines(original_folder / spec.filename))
    only_pps = {"dictionaries": (PPS,), "rules": ()}
    with holdout.held_out_dictionaries(seed=0) as held_out:
        assert respin.language.dictionary.dictionaries_dir() == held_out.folder != original_folder
        assert len(respin.language.dictionary.load(spec)) == len(held_out.kept) == full - round(0.2 * full)
        checker = Checker(**only_pps)
        unseen = None
        for number, line in held_out.held:
            entry = respin.language.dictionary.parse_trusted(line, False, number)
            if entry.conditions or len(entry.suggestions) != 1:
                continue
            sentence = holdout.TEMPLATE.format(entry.key)
            if not check_text(sentence, checker):
                unseen = entry, sentence
                break
        assert unseen is not None
    entry, sentence = unseen
    assert respin.language.dictionary.dictionaries_dir is original_function
    assert respin.language.dictionary.dictionaries_dir() == original_folder
    assert len(respin.language.dictionary.load(spec)) == full
    assert not held_out.folder.exists()  # the temporary copy is gone
    found = check_text(sentence, Checker(**only_pps))
    assert [(f.rule, f.text, f.suggestions[0]) for f in found] == [(PPS, entry.key, entry.suggestions[0])]


def test_dictionaries_swapped_restores_on_error(tmp_path) -> None:
    """An exception inside the block still puts the original folder back."""
    original = respin.language.dictionary.dictionaries_dir()
    with pytest.raises(RuntimeError), holdout.dictionaries_swapped(tmp_path):
        assert respin.language.dictionary.dictionaries_dir() == tmp_path
        raise RuntimeError
    assert respin.language.dictionary.dictionaries_dir() == original


# --- the command ------------------------------------------------------------------------


def test_checker_kwargs_convert_by_field_type_and_reject_unknown_fields() -> None:
    """`--checker-arg` values follow the Checker field types; unknown fields and bad values are errors."""
    pairs = [("min_confidence", "0.7"), ("jobs", "1"), ("dictionaries", "fingerprints, entities"), ("rules", "")]
    assert bench_eval.checker_kwargs(pairs) == {"min_confidence": 0.7, "jobs": 1,
                                                "dictionaries": ("fingerprints", "entities"), "rules": ()}
    with pytest.raises(ValueError, match="no field 'nonsense'"):
        bench_eval.checker_kwargs([("nonsense", "1")])
    with pytest.raises(ValueError):
        bench_eval.checker_kwargs([("jobs", "many")])
    described = bench_eval.describe_checker(Checker(min_confidence=0.7, rules=("a-an",)))
    assert "min_confidence=0.7" in described and "rules=a-an" in described and "dictionaries=all (" in described


def test_eval_main_runs_end_to_end_on_a_tiny_corpus(tmp_path, monkeypatch, capsys) -> None:
    """`main` reads a corpus folder, spins both ways, checks and scores gold and the hold-out, returns 0."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a_001.txt").write_text("Title here\n\nThe quick brown fox jumps over the lazy dog.\n")
    (corpus / "a_002.txt").write_bytes("Bad byte \xff here. The report shows a large rise.\n".encode("latin-1"))
    (corpus / "notes.md").write_text("not an article")
    article = tmp_path / "spun.txt"
    article.write_text("Russia features blamed the us for it.\n")
    (tmp_path / "spun.gold.tsv").write_text("spun\tcanonical\ttier\nfeatures blamed\thas blamed\tbroken\n")
    monkeypatch.setattr(bench_eval, "load_thesaurus", lambda: THESAURUS)
    monkeypatch.setattr(bench_eval, "load_phrase_thesaurus", lambda: PHRASES)
    code = bench_eval.main(["--corpus", str(corpus), "--article", str(article), "--rate", "1", "--json",
                            "--checker-arg", "jobs=1"])
    assert code == 0
    figures = json.loads(capsys.readouterr().out)
    assert "jobs=1" in figures["settings"]["checker"] and "min_confidence=0.8" in figures["settings"]["fix_checker"]
    clean = figures["clean"]
    assert clean["articles"] == 2 and clean["undecodable"] == ["a_002.txt"]
    assert clean["words"] == 11 + 10
    assert set(figures["spun"]) == {"word", "phrase"}
    word = figures["spun"]["word"]
    assert word["substitutions"] == 8  # quick brown jumps lazy, report shows large rise
    assert word["substitutions_by_original"]["word"]["substitutions"] == 8
    phrase = figures["spun"]["phrase"]
    assert phrase["substitutions"] == 4  # quick; report, large, rise (only they have phrase synonyms)
    assert sum(t["findings"] for t in phrase["by_rule"].values()) == phrase["findings"]
    gold = figures["gold"]
    assert gold["broken"]["gold_spans"] == 1 and gold["gold_rows"] == 1
    assert 0.0 <= gold["precision"] <= 1.0
    d = figures["holdout"]
    assert d["held_out"] == round(0.2 * d["entries"])
    assert d["tested"] + sum(d["skipped"].values()) == d["held_out"]
    assert 0.0 <= d["recall"] <= 1.0 and 0.0 <= d["false_flag_rate"] <= 1.0

    assert bench_eval.main(["--corpus", str(corpus), "--article", str(article), "--limit", "1",
                            "--spinner", "phrase", "--no-holdout"]) == 0
    table = capsys.readouterr().out
    assert "FP per 1000 words" in table and "recall, tier broken" in table
    assert "phrase spinner" in table and "word spinner" not in table and "D. PPS" not in table
    assert table.startswith("checker: min_confidence=0.5")

    (tmp_path / "spun.gold.tsv").unlink()
    assert bench_eval.main(["--corpus", str(corpus), "--article", str(article), "--limit", "1",
                            "--spinner", "word", "--no-holdout"]) == 0
    assert "C skipped: no gold file" in capsys.readouterr().out

    with pytest.raises(SystemExit) as exit_info:
        bench_eval.main(["--corpus", str(corpus), "--article", str(article), "--checker-arg", "nonsense=1"])
    assert exit_info.value.code == 2


def test_calibration_bands_count_precision_and_mean_confidence() -> None:
    """Findings fall into their confidence band; pooled tables add up; empty bands are left out."""
    first = metrics.calibration_counts([0.6, 0.65, 0.9, 0.97], [True, False, True, False])
    second = metrics.calibration_counts([0.9, 0.4], [False, True])  # 0.4 is below every band
    rows = metrics.calibration_rows(metrics.merge_calibration([first, second]))
    assert [(r["band"], r["findings"], r["true"]) for r in rows] == [
        ("0.50-0.70", 2, 1), ("0.85-0.95", 2, 1), ("0.95-1.00", 1, 0)
    ]
    assert rows[0]["precision"] == 0.5 and abs(rows[0]["mean_confidence"] - 0.625) < 1e-9
    assert metrics.calibration_counts([1.0], [True])["0.95-1.00"]["findings"] == 1


# --- G. the context tier -----------------------------------------------------------------


def test_auroc_ranks_with_ties_averaged() -> None:
    """AUROC is the share of (positive, negative) pairs ordered right, ties counting one half."""
    assert metrics.auroc([3, 2], [1, 0]) == 1.0
    assert metrics.auroc([0], [1]) == 0.0
    assert metrics.auroc([1, 1], [1, 1]) == 0.5
    assert abs(metrics.auroc([0.9, 0.4, 0.6], [0.5, 0.4, 0.1]) - 7.5 / 9) < 1e-12
    assert metrics.auroc([], [1.0]) is None and metrics.auroc([1.0], []) is None
    import random

    rng = random.Random(5)
    for _ in range(20):
        pos = [rng.choice([0.1, 0.2, 0.3, 0.5, 0.8]) for _ in range(rng.randint(1, 9))]
        neg = [rng.choice([0.1, 0.2, 0.3, 0.5, 0.8]) for _ in range(rng.randint(1, 9))]
        pairs = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
        assert abs(metrics.auroc(pos, neg) - pairs / (len(pos) * len(neg))) < 1e-12


def _context(start: int, end: int, text: str, suggestions: tuple[str, ...], confidence: float,
             source: str = "thesaurus") -> Finding:
    return Finding(start, end, text, suggestions, f"context-{source}", Category.CONTEXT, confidence, "test")


def test_threshold_edits_apply_first_suggestions_at_or_above_the_threshold() -> None:
    """Below the threshold, without a suggestion, or overlapping an earlier edit: left alone; "" deletes."""
    text = "the big dog ended up being very happy"
    findings = [_context(4, 7, "big", ("large", "huge"), 0.9), _context(8, 11, "dog", ("cat",), 0.6),
                _context(12, 26, "ended up being", ("was",), 0.8), _context(18, 20, "up", ("down",), 0.99),
                _context(27, 31, "very", ("",), 0.95), _context(32, 37, "happy", (), 0.99)]
    edits = metrics.threshold_edits(findings, 0.8)
    assert edits == [(4, 7, "large"), (12, 26, "was"), (27, 31, "")]
    assert metrics.apply_edits(text, edits) == "the large dog was  happy"
    assert metrics.threshold_edits(findings, 0.5)[1] == (8, 11, "cat")
    assert metrics.threshold_edits(findings, 1.0) == []


def test_spread_takes_evenly_spaced_items_in_order() -> None:
    assert metrics.spread(list(range(10)), 3) == [0, 3, 6]
    assert metrics.spread(list(range(10)), None) == list(range(10))
    assert metrics.spread(list(range(4)), 9) == [0, 1, 2, 3]


def test_spun_tally_counts_precision_recall_restored_and_error_reduction() -> None:
    """Two substitutions, one found and fixed back, one missed; one false finding."""
    original = "a large rise in profits"
    spun_text = "an enormous rise in gains"
    subs = [Substitution(3, 11, "large", "enormous"), Substitution(20, 25, "profits", "gains")]
    findings = [_context(3, 11, "enormous", ("large",), 0.9), _context(12, 16, "rise", ("increase",), 0.9)]
    edits = [(3, 11, "large")]
    tally = metrics.SpunTally()
    spans = tally.add(spun_text, original, subs, findings, metrics.apply_edits(spun_text, edits), edits)
    assert spans[0] == (0, 11)  # widened over "an "
    f = tally.figures()
    assert (f["findings"], f["true_findings"], f["substitutions"], f["detected_substitutions"]) == (2, 1, 2, 1)
    assert f["restored"] == 1 and f["restored_rate"] == 1.0
    assert (f["word_distance_spun"], f["word_distance_fixed"]) == (3, 2)  # an/a, enormous, gains; then an, gains
    assert abs(f["word_error_reduction"] - 1 / 3) < 1e-12


# Each synonym the spinners may write, back to its original: what the fake deep check suggests.
ORIGINAL_OF = {synonym: head for head, synonyms in THESAURUS.items() for synonym in synonyms}


def _fake_deep_check(text: str, checker: Checker) -> list[Finding]:
    """A stand-in for the deep tier: thesaurus words flagged (0.9), "dog" flagged (0.55), "fox" by a dictionary."""
    import re

    assert checker.deep
    found = []
    for m in re.finditer(r"[A-Za-z]+", text):
        word = m.group()
        if word.lower() in ORIGINAL_OF:
            found.append(_context(m.start(), m.end(), word, (ORIGINAL_OF[word.lower()],), 0.9))
        elif word == "dog":
            found.append(_context(m.start(), m.end(), word, ("cat",), 0.55, "model"))
        elif word == "fox":
            found.append(Finding(m.start(), m.end(), word, ("wolf",), "test", Category.FINGERPRINT, 0.7, "test"))
    return found


def _report_corpus(tmp_path, count: int) -> tuple:
    from bench import split

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    names = [n for n in (f"a_{i:03}.txt" for i in range(40)) if split.part_of(n) == split.REPORT][:count]
    others = [n for n in (f"a_{i:03}.txt" for i in range(40)) if split.part_of(n) == split.FIT][:2]
    for name in names + others:
        (corpus / name).write_text("Headline of the dog\n\n" + TEXT.replace("Quick brown foxes.\n\n", ""))
    return corpus, names


def test_context_section_scores_scopes_sources_thresholds_clean_text_and_verdict(tmp_path, monkeypatch) -> None:
    """Section G on a fake deep check: every figure from hand-countable findings; WordNet missing is a note."""
    from bench.wordnet import WordNetMissing
    from respin.detectors import context as context_module

    corpus, names = _report_corpus(tmp_path, 3)

    def no_wordnet():
        raise WordNetMissing("WordNet 3.0 is not installed")

    monkeypatch.setattr(bench_eval, "check_text", _fake_deep_check)
    monkeypatch.setattr(bench_eval, "warm_up_model", lambda: None)
    monkeypatch.setattr(bench_eval, "load_thesaurus", lambda: THESAURUS)
    monkeypatch.setitem(bench_eval.LOADERS, "wordnet", no_wordnet)
    monkeypatch.setattr(bench_eval, "load_spin_score", lambda: lambda text, findings: len(findings) / len(text))
    out, notes = [], []
    g = bench_eval.evaluate_context(bench_eval.corpus_paths(corpus, "report"), {"min_confidence": 0.5}, 0.8, 0,
                                    1.0, ("word", "wordnet"), 2, 3, out, notes)
    assert g["articles"] == 2 and g["report_half_articles"] == 3 and g["article_names"] == [names[0], names[1]]
    assert any("wordnet spinner is skipped" in n for n in notes) and set(g["spinners"]) == {"word"}
    assert "deep=True" in g["checker"]
    context, everything = g["spinners"]["word"]["context"], g["spinners"]["word"]["all"]
    # 15 substitutions an article (every eligible word of TEXT after its title), all flagged
    assert context["substitutions"] == 30 and context["recall"] == 1.0
    # 2 dogs an article (title and text) flagged too at 0.55, never a substitution: below where the tier
    # reports (0.8), so only the curve, which the tier reports for from 0.5 during the run, counts them
    assert g["reported_from"] == context_module.REPORT_FROM == 0.8
    assert context["findings"] == 30 and context["true_findings"] == 30
    assert everything["findings"] == 30 + 2  # and the fox, by a dictionary
    # fixes at >= 0.8: every substitution put back, the dogs left alone
    assert context["restored_rate"] == 1.0 and context["word_error_reduction"] == 1.0
    assert set(g["sources"]) == {"context-thesaurus"}  # the dogs' context-model findings are below 0.8
    assert g["sources"]["context-thesaurus"]["precision"] == 1.0
    curve = {point["threshold"]: point for point in g["curve"]}
    assert [p["threshold"] for p in g["curve"]] == list(bench_eval.CURVE_THRESHOLDS)
    assert curve[0.5]["context"]["findings"] == 34 and curve[0.6]["context"]["findings"] == 30
    assert curve[0.5]["context"]["word_error_reduction"] < 1.0  # at 0.5 the dogs become cats
    assert curve[0.95]["context"]["findings"] == 0 and curve[0.95]["context"]["precision"] is None
    assert curve[0.5]["clean_context"]["findings"] == 4 and curve[0.6]["clean_context"]["findings"] == 0
    clean = g["clean"]
    assert clean["context"]["findings"] == 0 and clean["context"]["on_headlines"] == 0
    assert clean["all"]["findings"] == 2
    assert g["verdict"]["word"]["auroc"] == 1.0 and g["verdict"]["all"]["spun"] == 2
    assert g["timing"]["texts"] == 4 and g["timing"]["model_load_seconds"] is None
    assert out[0].startswith("--- G: first 3") and len(out) == 3 and "[[fox]]" in out[1]  # as reported: no dogs
    rows = bench_eval.context_rows(g)
    assert "fitted on the fit half, reported on the report half (2 of its 3 articles" in rows[0][2]


def test_eval_main_context_only_runs_section_g_alone(tmp_path, monkeypatch, capsys) -> None:
    """--context-only: G and nothing else; without the verdict's spin_score its AUROC is skipped with a note."""
    corpus, _ = _report_corpus(tmp_path, 2)
    article = tmp_path / "spun.txt"
    article.write_text("Some text.\n")
    monkeypatch.setattr(bench_eval, "check_text", _fake_deep_check)
    monkeypatch.setattr(bench_eval, "warm_up_model", lambda: None)
    monkeypatch.setattr(bench_eval, "load_thesaurus", lambda: THESAURUS)
    monkeypatch.setattr(bench_eval, "load_spin_score", lambda: None)
    assert bench_eval.main(["--corpus", str(corpus), "--article", str(article), "--context-only",
                            "--context-spinners", "word,insertion", "--context-limit", "5"]) == 0
    table = capsys.readouterr().out
    assert "G. context tier" in table and "A. clean text" not in table and "B. spun" not in table
    assert "reported on the report half (2 of its 2 articles" in table
    assert "insertion spinner" in table and "word spinner" in table
    assert "document verdict AUROC" in table and "spin_score not found" in table
    assert table.startswith("G checker: ") and "deep=True" in table.splitlines()[0]
    with pytest.raises(SystemExit):
        bench_eval.main(["--corpus", str(corpus), "--article", str(article), "--context-spinners", "nonsense"])
