"""The engine and phrase index: matching, case, offsets, overlaps, conditions, pickling."""

from __future__ import annotations

import itertools
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from respin import Checker, apply, auto_decisions, check_text
from respin.detectors.phrase_index import FoldedText
from respin.engine import chunk_bounds, resolve_overlaps
from respin.finding import Category, Finding, LineIndex
from respin.language.casing import carry_case
from respin.textview import TextView

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "fixtures" / "spun-news-syria.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


@pytest.mark.parametrize(
    ("matched", "suggestion", "expected"),
    [
        ("when you look at the", "in the", "in the"),
        ("When you look at the", "in the", "In the"),
        ("WHEN YOU LOOK AT THE", "in the", "IN THE"),
        ("shared chiefs of staff", "Joint Chiefs of Staff", "Joint Chiefs of Staff"),
        ("Shared chiefs of staff", "Joint Chiefs of Staff", "Joint Chiefs of Staff"),
        ("us makes", "US forces", "US forces"),
    ],
)
def test_carry_case(matched: str, suggestion: str, expected: str) -> None:
    """The match's case shapes the suggestion; proper nouns keep their capitals."""
    assert carry_case(matched, suggestion) == expected


def test_sentence_initial_fingerprint_keeps_capital(checker) -> None:
    """A capitalised spin gets a capitalised repair."""
    text = "When you look at the figures, growth slowed."
    findings = check_text(text, checker)
    assert [(f.text, f.suggestions) for f in findings] == [("When you look at the", ("In the",))]


def test_match_spans_a_line_break(checker) -> None:
    """A phrase wrapped over two lines is still found, with offsets into the original text."""
    text = "troops\nwhen you look\n   at the war"
    [finding] = check_text(text, checker)
    assert text[finding.start : finding.end] == finding.text == "when you look\n   at the"


def test_whole_words_only(checker) -> None:
    """A key inside a longer word or hyphenated compound does not match."""
    assert check_text("the shared chiefs of staffing plan", checker) == []
    assert check_text("anti-us makes", checker) == []


def test_allow_list_suppresses_matches(checker) -> None:
    """'the us makes' (the US as subject) is allowed while 'us makes always' is flagged."""
    assert [f.text for f in check_text("but us makes always retain", checker)] == ["us makes"]
    assert check_text("the us makes cars", checker) == []


def test_offsets_survive_wide_characters(checker) -> None:
    """Offsets are code points, also after characters whose lower case is longer."""
    text = "İstanbul — 😀 when you look at the city"
    [finding] = check_text(text, checker)
    assert text[finding.start : finding.end] == "when you look at the"
    many = "Ünïcödé ✓ when you look at the 😀😀 café, 中文 attemptedto go; when you look at the end 𝔸."
    found = check_text(many, checker)
    assert [many[f.start : f.end] for f in found] == [f.text for f in found]
    assert [f.text for f in found] == ["when you look at the", "attemptedto", "when you look at the"]


def test_folded_text_maps_offsets_back() -> None:
    """Collapsed runs of white space map back to original offsets."""
    folded = FoldedText.of(TextView("a  b\r\n  c"))
    assert folded.folded == "a b c"
    assert [folded.to_original(i) for i in range(5)] == [0, 1, 3, 4, 8]
    paragraphs = FoldedText.of(TextView("a \n\n b\tc \t d"))
    assert paragraphs.folded == "a    b c d"  # a paragraph break is not collapsed: no phrase spans it
    assert paragraphs.to_original(paragraphs.folded.index("d")) == len("a \n\n b\tc \t ")


def test_no_match_across_a_paragraph_break(checker) -> None:
    """A phrase split by a blank line is two paragraphs, not a spin."""
    assert check_text("as you look\n\nat the figures", checker) == []
    assert [f.text for f in check_text("when you look\n\n at the", checker)] == []


def test_resolve_overlaps_keeps_longest_then_most_confident() -> None:
    """The longest finding wins an overlap; among equals the most confident."""
    text = "chief associated with general staff"

    def make(start: int, end: int, confidence: float) -> Finding:
        return Finding(start, end, text[start:end], ("x",), "t", Category.FINGERPRINT, confidence, "m")

    long_, short, other = make(0, 21, 0.6), make(6, 21, 0.95), make(6, 21, 0.7)
    assert resolve_overlaps([short, long_, other]) == [long_]
    assert resolve_overlaps([other, short]) == [short]


def _resolve_overlaps_by_insertion(findings: list[Finding]) -> list[Finding]:
    """The specification, as respin first wrote it: greedy in rank order over a sorted list (quadratic)."""
    import bisect

    ranked = sorted(findings, key=lambda f: (-(f.end - f.start), -f.confidence, f.start, f.rule))
    starts: list[int] = []
    chosen: list[Finding] = []
    for finding in ranked:
        i = bisect.bisect_left(starts, finding.start)
        if (i < len(chosen) and chosen[i].start < finding.end) or (i > 0 and chosen[i - 1].end > finding.start):
            continue
        starts.insert(i, finding.start)
        chosen.insert(i, finding)
    return chosen


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6), st.sampled_from([0.5, 0.7, 0.9]),
                          st.sampled_from("ab")), max_size=30))
def test_resolve_overlaps_matches_its_specification(spans: list[tuple[int, int, float, str]]) -> None:
    """Same findings, same order as the insertion algorithm, empty findings and ties included."""
    text = "x" * 50
    findings = [Finding(start, start + length, text[start : start + length], ("y",), rule, Category.REPEAT,
                        confidence, "m") for start, length, confidence, rule in spans]
    assert resolve_overlaps(findings) == _resolve_overlaps_by_insertion(findings)


def test_min_confidence_filters_before_overlaps() -> None:
    """A high threshold drops review entries entirely."""
    strict = Checker(min_confidence=0.9)
    assert all(f.confidence >= 0.9 for f in check_text(EXAMPLE, strict))


def test_example_article_findings_are_consistent(checker) -> None:
    """On the user's example every finding's text is exactly the text at its offsets, and none overlap."""
    findings = check_text(EXAMPLE, checker)
    assert len(findings) >= 40
    for finding in findings:
        assert EXAMPLE[finding.start : finding.end] == finding.text
    for left, right in itertools.pairwise(findings):
        assert left.end <= right.start


def test_example_article_repairs(checker) -> None:
    """Fixing the example restores the canonical wording of its best-known spins."""
    findings = check_text(EXAMPLE, checker)
    repaired = apply(EXAMPLE, findings, auto_decisions(findings, 0.8))
    for canonical in ("Joint Chiefs of Staff", "National Security Council", "attempted to", "the casualties",
                      "in harm's way", "hundreds of soldiers", "US forces", "close call for", "in the above"):
        assert canonical in repaired
    for spun in ("shared chiefs", "nationwide safety", "when you look at the", "attemptedto", "thecasualties"):
        assert spun not in repaired


def test_conditions_require_and_exclude(tmp_path, monkeypatch) -> None:
    """PPS conditions: requires needs another phrase in the document, excludes forbids one."""
    from respin.detectors.phrase_index import PhraseIndex
    from respin.language import dictionary

    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "scientific-pps.txt").write_text(
        "# source: test\n# licence: test\n"
        'bosom->breast ;; requires "breast"\n'
        'highlight extraction->feature extraction ;; excludes "specular"\n'
        'enhancement calculation->optimization algorithm ;; requires "optimiz*"\n'
        "gatherings clustering->clustering ;; within 3\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(dictionary, "dictionaries_dir", lambda: folder)
    dictionary.shipped_lines.cache_clear()
    dictionary.load.cache_clear()
    try:
        index = PhraseIndex([dictionary.spec_named("scientific-pps")])
        assert index.find("the bosom was examined") == []
        assert [f.text for f in index.find("bosom tissue and breast cancer")] == ["bosom"]
        assert [f.text for f in index.find("highlight extraction works")] == ["highlight extraction"]
        assert index.find("specular highlight extraction works") == []
        assert [f.text for f in index.find("an enhancement calculation to optimize")] == ["enhancement calculation"]
        assert index.find("an enhancement calculation, with ar") == []
        [near] = index.find("gatherings of data for clustering")
        assert near.text == "gatherings of data for clustering" and not near.fixable
    finally:
        dictionary.shipped_lines.cache_clear()
        dictionary.load.cache_clear()


def test_checker_pickles_without_resources(checker) -> None:
    """A Checker crosses process boundaries without its phrase index and still works."""
    check_text("warm up", checker)
    clone = pickle.loads(pickle.dumps(checker))
    assert clone._index is None
    assert check_text("hit a handle russia", clone)[0].suggestions == ("strike a deal with",)


def test_unknown_names_fail_at_configuration() -> None:
    """A misspelt dictionary or rule name is an error when the Checker is built."""
    with pytest.raises(KeyError):
        Checker(dictionaries=("fingerprint",))
    with pytest.raises(KeyError):
        Checker(rules=("no-such-rule",))
    with pytest.raises(ValueError):
        Checker(min_confidence=1.5)
    with pytest.raises(ValueError, match="read by rules"):
        Checker(dictionaries=("gazetteer",))


def test_line_index() -> None:
    """Lines and columns are 1-based; CRLF, LF and CR all end a line."""
    index = LineIndex("ab\r\ncd\nef\rgh")
    assert [index.line_col(i) for i in (0, 1, 4, 7, 10)] == [(1, 1), (1, 2), (2, 1), (3, 1), (4, 1)]


def test_mid_sentence_condition() -> None:
    """'additionally the' is a spin inside a sentence and ordinary English opening one."""
    checker = Checker()
    assert [f.text for f in check_text("to strike a deal with russia additionally the regime", checker)] == [
        "additionally the"
    ]
    assert check_text("Sales rose. Additionally the firm cut costs.", checker) == []
    assert check_text("Additionally the firm cut costs.", checker) == []


def test_proximity_matches_either_order(tmp_path, monkeypatch) -> None:
    """PPS proximity ignores word order: 'b ... a' is found like 'a ... b'."""
    from respin.detectors.phrase_index import PhraseIndex
    from respin.language import dictionary

    folder = tmp_path / "dicts"
    folder.mkdir()
    (folder / "scientific-pps.txt").write_text(
        "# source: test\n# licence: test\nexactness accuracy->accuracy ;; within 5\n", encoding="utf-8"
    )
    monkeypatch.setattr(dictionary, "dictionaries_dir", lambda: folder)
    dictionary.shipped_lines.cache_clear()
    dictionary.load.cache_clear()
    try:
        index = PhraseIndex([dictionary.spec_named("scientific-pps")])
        assert [f.text for f in index.find("the accuracy and the exactness of it")] == ["accuracy and the exactness"]
        assert [f.text for f in index.find("exactness, i.e. accuracy")] == ["exactness, i.e. accuracy"]
        assert index.find("exactness one two three four five six accuracy") == []
    finally:
        dictionary.shipped_lines.cache_clear()
        dictionary.load.cache_clear()


def test_parallel_chunks_give_the_same_findings() -> None:
    """Checking a large text in forked chunks finds exactly what one pass finds."""
    text = "\n\n".join([EXAMPLE] * 12 + ["Aguas Argentinas said the the firm, many of whom are staff."])
    serial = check_text(text, Checker(jobs=1))
    parallel = check_text(text, Checker(jobs=2, parallel_min_chars=10_000))
    assert len(serial) > 400
    assert parallel == serial


def test_chunk_bounds_end_at_paragraph_breaks() -> None:
    """Chunks cover the text without gaps and cut only at blank lines."""
    text = "a\n\nb" * 1000
    bounds = chunk_bounds(text, 3)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(left[1] == right[0] for left, right in itertools.pairwise(bounds))
    assert all(text.startswith("\n\n", end) for _, end in bounds[:-1])


def test_line_index_counts_crlf_and_lf_lines() -> None:
    """The fast path (no lone CR) gives the same lines and columns as a full index."""
    text = "one\r\ntwo\nthree\r\nfour"
    index = LineIndex(text)
    assert [index.line_col(i) for i in (0, 5, 9, 10, 16, 19)] == [(1, 1), (2, 1), (3, 1), (3, 2), (4, 1), (4, 4)]
    assert index.line_col(2) == (1, 3)  # an earlier offset falls back to the full index


def test_casing_is_decided_for_the_whole_document() -> None:
    """A normally cased document is not lower-cased because one stretch of it is, in one pass or in chunks."""
    normal = "The Joint Chiefs of Staff met in Washington on Monday. Officials in Moscow said so. " * 400
    lowered = "\n\n" + "russia blamed the united states. the talks failed. officials left. " * 40 + "\n\n"
    text = normal + lowered + normal
    for checker in (Checker(jobs=1), Checker(jobs=2, parallel_min_chars=10_000)):
        assert [f for f in check_text(text, checker) if f.category is Category.CASE] == []
    assert {f.rule for f in check_text(EXAMPLE, Checker())} >= {"proper-noun-case", "name-case"}


def test_large_text_without_blank_lines_is_checked_in_one_piece() -> None:
    """No paragraph break to cut at: the parallel path falls back to one pass instead of failing."""
    text = "Prices rose when you look at the data and us makes attemptedto leave. " * 200
    parallel = check_text(text, Checker(jobs=2, parallel_min_chars=1_000))
    assert parallel == check_text(text, Checker(jobs=1)) and len(parallel) == 600


def test_reverse_spun_names_need_evidence_of_spinning() -> None:
    """A mangled name in no dictionary is reported (for review) only in a document already found spun."""
    checker = Checker()
    alone = "The mutual chiefs of team met on Monday."
    assert not [f for f in check_text(alone, checker) if f.rule == "reverse-spun-name"]
    spun = "When you look at the capital, the mutual chiefs of team met on Monday."
    found = [f for f in check_text(spun, checker) if f.rule == "reverse-spun-name"]
    assert [(f.text, f.suggestions, f.fixable) for f in found] == [
        ("mutual chiefs of team", ("Joint Chiefs of Staff",), False)
    ]
    assert "mutual chiefs of team" in apply(spun, check_text(spun, checker), auto_decisions(check_text(spun, checker)))
    disabled = Checker(rules=tuple(r for r in Checker().rules if r != "reverse-spun-name"))
    assert not [f for f in check_text(spun, disabled) if f.rule == "reverse-spun-name"]


def test_bigram_counts_are_read_from_symspellpy() -> None:
    """Listed word pairs have their counts; unlisted pairs count 0."""
    from respin.language.lexicon import bigram_count

    assert bigram_count("military", "forces") > 1_000_000
    assert bigram_count("of", "the") > bigram_count("military", "forces")
    assert bigram_count("mutual", "chiefs") == 0


def test_excluded_spans_drop_findings_before_overlaps_are_resolved(checker) -> None:
    """A long match across an excluded span is dropped before it can hide a shorter one beside it."""
    text = "Officials said us     makes makes a deal."  # as if "us `x` makes": the span 17..22 is not prose
    everything = check_text(text, checker)
    assert [(f.text, f.rule) for f in everything] == [("us     makes", "collocations")]
    kept = check_text(text, checker, excluded=[(17, 22)])
    assert [(f.text, f.rule) for f in kept] == [("makes makes", "doubled-word")]


def test_excluded_spans_also_filter_extra_findings(checker) -> None:
    """Findings handed in from outside (LanguageTool) are dropped where they overlap an excluded span."""
    text = "Some words here."
    inside = Finding(5, 10, "words", ("Words",), "languagetool:X", Category.GRAMMAR, 0.9, "m")
    beside = Finding(11, 15, "here", ("there",), "languagetool:Y", Category.GRAMMAR, 0.9, "m")
    kept = check_text(text, checker, [inside, beside], excluded=[(0, 4), (7, 8)])
    assert kept == [beside]


def test_a_large_text_checked_chunk_by_chunk_in_one_process_finds_what_one_pass_finds(monkeypatch) -> None:
    """Chunks in one process (bounded memory): conditions and the research gate still see the whole document."""
    from respin import engine
    from respin.detectors import phrase_index

    filler = "Prices rose in the first quarter and the shares fell later in the year. " * 40
    paragraphs = [
        "This paper proposes a method; et al. report the proposed dataset and its experimental results.",
        filler, "The activation ability of each unit is tuned.",  # requires "activation function": far below
        filler, "We apply a priori credibility and an attractive stirrer here.", filler,
        "Each activation function is smooth; the stirrer is not repulsive.", filler, EXAMPLE,
    ]
    text = "\n\n".join(paragraphs * 3)
    whole = check_text(text, Checker(jobs=1))
    searched: list[str] = []
    occurs = phrase_index._occurs_as_words
    monkeypatch.setattr(phrase_index, "_occurs_as_words",
                        lambda phrase, view: searched.append(phrase) or occurs(phrase, view))
    monkeypatch.setattr(engine, "CHUNK_CHARS", 3_000)
    chunked = check_text(text, Checker(jobs=1, parallel_min_chars=3_000))
    assert chunked == whole
    found = {f.text for f in whole}
    assert {"activation ability", "a priori credibility"} <= found and "attractive stirrer" not in found  # "repulsive"
    assert {"tortured-phrase", "scientific-pps"} <= {f.rule for f in whole}
    assert len(engine.chunk_bounds(text, -(-len(text) // 3_000))) > 8
    assert searched.count("activation function") <= 2  # the document, once; not once per chunk
