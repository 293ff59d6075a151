"""The PPS converter: query parsing, expected-phrase cleaning, merging, and its output."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import load_tool

from respin.language.dictionary import dictionaries_dir, parse_line

ROOT = Path(__file__).resolve().parent.parent


pps = load_tool("build_pps_dictionary")


def lines(tortured: str, expected: str) -> list[str]:
    return [draft.line() for draft in pps.convert_row(tortured, expected, 1)]


# ------------------------------------------------------------------ query parsing


def test_parse_plain_phrase() -> None:
    """A single quoted phrase is the only key, with no conditions."""
    query = pps.parse_query('"grouping methods"')
    assert query.keys == [pps.Term("grouping methods")]
    assert query.requires == [] and query.excludes == []


def test_parse_and_or_not_and_proximity() -> None:
    """AND groups, OR alternatives, NOT terms and ~N are all read."""
    query = pps.parse_query('"extricating highlights"~20 NOT specular')
    assert query.keys == [pps.Term("extricating highlights", 20)]
    assert query.excludes == [pps.Term("specular", quoted=False)]
    query = pps.parse_query('"corridor impact" AND ("magnetic" OR "voltage" OR "sensor")')
    assert [t.text for t in query.requires[0]] == ["magnetic", "voltage", "sensor"]


def test_parse_unquoted_words_form_one_phrase() -> None:
    """Unquoted words after an operator run on into one phrase."""
    query = pps.parse_query('"business knowledge" AND business intelligence')
    assert query.requires == [[pps.Term("business intelligence", quoted=False)]]


def test_parse_top_level_or_gives_several_keys() -> None:
    """A leading OR lists alternative keys that share the later conditions."""
    query = pps.parse_query('"fit record" OR "fit file" AND "fit index"')
    assert [t.text for t in query.keys] == ["fit record", "fit file"]
    assert query.requires == [[pps.Term("fit index")]]


def test_parse_reads_adn_typo_as_and() -> None:
    """The list's one `ADN` is read as AND."""
    query = pps.parse_query('"total national production" ADN "GDP"')
    assert query.requires == [[pps.Term("GDP")]]


def test_parse_rejects_unclosed_group() -> None:
    """A group without its closing parenthesis is a QueryError."""
    with pytest.raises(pps.QueryError):
        pps.parse_query('"a" AND ("b" OR "c"')


# ------------------------------------------------------------------- whole rows


def test_plain_row() -> None:
    """A plain phrase becomes an auto-fixable entry."""
    assert lines('"grouping methods"', "classification methods") == [
        "grouping methods->classification methods"
    ]


def test_and_row_requires_the_canonical_term() -> None:
    """AND becomes requires, even when the AND term is the canonical wording."""
    assert lines('"bosom" AND "breast"', "breast") == ['bosom->breast ;; requires "breast"']


def test_and_with_or_group() -> None:
    """An OR group becomes one requires with alternatives; a/b gives review suggestions."""
    assert lines('"favorable cancer" AND ("benign cancer" OR "benign tumor")', "benign cancer/tumor") == [
        'favorable cancer->benign cancer, benign tumor, ;; requires "benign cancer" | "benign tumor"'
    ]


def test_unquoted_and_term_and_wildcard() -> None:
    """Unquoted AND terms are required phrases; a trailing * becomes a prefix."""
    assert lines('"business knowledge" AND business intelligence', "business intelligence (BI)") == [
        'business knowledge->business intelligence ;; requires "business intelligence"'
    ]
    assert lines('"enhancement calculation" AND optimiz*', "optimization algorithm") == [
        'enhancement calculation->optimization algorithm ;; requires "optimiz*"'
    ]


def test_not_row() -> None:
    """NOT, quoted or not, becomes excludes (lower case)."""
    assert lines('"surface highlights" NOT specular', "surface features") == [
        'surface highlights->surface features ;; excludes "specular"'
    ]
    assert lines('"backward probability" NOT "Markov"', "posterior probability") == [
        'backward probability->posterior probability ;; excludes "markov"'
    ]


def test_proximity_row() -> None:
    """~N on the key becomes within N."""
    assert lines('"gatherings clustering"~10', "clustering") == [
        "gatherings clustering->clustering ;; within 10"
    ]


def test_proximity_with_not_and_placeholder() -> None:
    """A [...] placeholder is dropped with a reason; NOT and ~N both apply."""
    expected = (
        "extricating highlights->extracting features, PPS wording has a placeholder: extracting [...] features"
        ' ;; excludes "specular" ;; within 20'
    )
    assert lines('"extricating highlights"~20 NOT specular', "extracting [...] features") == [expected]


def test_not_proximity_excludes_words_outside_the_key() -> None:
    """NOT "a b c"~N excludes the words that are not part of the key."""
    assert lines('"Chime labs" NOT "CHIMe labs Stanford"~5', "Bell [company] laboratories") == [
        'chime labs->Bell laboratories, Bell company laboratories, ;; excludes "stanford"'
    ]


def test_and_proximity_clause_already_required_is_dropped() -> None:
    """An AND'ed proximity clause adds nothing when its words are already required."""
    row = '"created nations" AND "developed countries" AND "created nations developed countries"~100'
    assert lines(row, "developed countries") == [
        'created nations->developed countries ;; requires "developed countries"'
    ]


def test_top_level_or_row_gives_one_entry_per_key() -> None:
    """Each OR'ed key gets its own entry; a comma list loses its commas and keeps them in the reason."""
    row = '"affirmed recuperated demise" OR "affirmed recuperated passing"'
    assert lines(row, "confirmed, recovered and death (cases)") == [
        "affirmed recuperated demise->confirmed recovered and death, PPS wording: confirmed; recovered and death",
        "affirmed recuperated passing->confirmed recovered and death, PPS wording: confirmed; recovered and death",
    ]


def test_uncertain_row() -> None:
    """(?) makes an uncertain, never auto-fixable entry with the uncertainty as reason."""
    (draft,) = pps.convert_row('"cadence design"', "rythm pattern (?)", 11384)
    assert draft.uncertain and not draft.autofix
    assert draft.line() == "cadence design->rythm pattern, canonical wording uncertain in PPS"


@pytest.mark.parametrize("expected", ["???", "(?) detection", "?? value", "[?] countries", "-"])
def test_rows_without_canonical_wording_are_skipped(expected: str) -> None:
    """No wording, or a ? standing for a word, leaves nothing to suggest."""
    with pytest.raises(pps.Unusable, match="no canonical wording"):
        pps.convert_row('"some phrase"', expected)


@pytest.mark.parametrize(
    ("tortured", "reason"),
    [
        ('"exactness, accuracy, review"', "comma-separated list"),
        ('"Euler–Bernoulli pillar hypothesis"', "characters a key cannot hold"),
    ],
)
def test_keys_the_format_cannot_hold_are_skipped(tortured: str, reason: str) -> None:
    """Commas and en dashes cannot appear in a dictionary key."""
    with pytest.raises(pps.Unusable, match=reason):
        pps.convert_row(tortured, "x")


# ------------------------------------------------------------ expected phrases


@pytest.mark.parametrize(
    ("key", "expected", "suggestions", "review"),
    [
        ("feedback processing", "back propagation (BP)", ("back propagation",), False),
        ("denial of provider", "denial of service (DoS) (attack)", ("denial of service",), False),
        ("square mistake", "(mean) squared error", ("squared error",), False),
        ("into the combination", "into (reaction) mixture", ("into mixture", "into reaction mixture"), True),
        (
            "supervised studying",
            "supervised [machine] learning",
            ("supervised learning", "supervised machine learning"),
            True,
        ),
        ("gabor work", "Gabor function(s)", ("Gabor function", "Gabor functions"), True),
        (
            "haze figuring",
            "fog/mist/cloud computing",
            ("fog computing", "mist computing", "cloud computing"),
            True,
        ),
        (
            "monetary development",
            "economic development/profit growth",
            ("economic development", "profit growth"),
            True,
        ),
        ("renal disappointment", "renal or kidney failure", ("renal failure", "kidney failure"), True),
        (
            "gas and mass spectroscopy",
            "gas chromatography/mass spectrometry (GC/MS)",
            ("gas chromatography/mass spectrometry",),
            False,
        ),
        (
            "cutting edge sequencing",
            "NGS (Next-Generation Sequencing)",
            ("Next-Generation Sequencing",),
            False,
        ),
        ("data technology (IT)", "information technology", ("information technology (IT)",), False),
        ("Web of Things (IoT)", "Internet of Things (IoT)", ("Internet of Things (IoT)",), False),
        ("data and innovation", '\\"information technology (IT)\\"', ("information technology",), False),
    ],
)
def test_clean_expected(key: str, expected: str, suggestions: tuple[str, ...], review: bool) -> None:
    """Acronyms and glosses go, optional words and alternatives become review suggestions."""
    canonical = pps.clean_expected(expected, key)
    assert canonical.suggestions == suggestions
    assert canonical.review == review


def test_see_reference_and_caveat_become_reasons() -> None:
    """`X, see URL` and a caveat in parentheses are kept as the review reason."""
    see = pps.clean_expected("social influence, see https://example.org/UTAUT", "social impact UTAUT")
    assert (see.suggestions, see.reason) == (("social influence",), "see https://example.org/UTAUT")
    caveat = pps.clean_expected("single day (caveat: false positives)", "solitary day")
    assert caveat.review and caveat.reason == "PPS note: caveat: false positives"


def test_expected_equal_to_key_is_skipped() -> None:
    """A row whose expected phrase is its own key would map a phrase to itself."""
    with pytest.raises(pps.Unusable, match="equals the tortured phrase"):
        pps.clean_expected("innovative coronavirus", "innovative coronavirus")


# ------------------------------------------------------------ merging and checks


def draft(key: str, suggestion: str, *conditions: str, papers: int = 1) -> object:
    return pps.Draft(key, (suggestion,), True, "", tuple(conditions), False, papers)


def test_merge_joins_requires_alternatives() -> None:
    """Rows differing only in their AND term become one entry requiring any of them."""
    merged, stats = pps.merge_duplicates(
        [
            draft("cloud climate", "cloud environment", 'requires "wireless"', papers=116),
            draft("cloud climate", "cloud environment", 'requires "cloud computing"', papers=179),
        ]
    )
    assert [d.line() for d in merged] == [
        'cloud climate->cloud environment ;; requires "cloud computing" | "wireless"'
    ]
    assert stats["duplicate: requires alternatives joined"] == 1


def test_merge_prefers_unconditional_entry() -> None:
    """An entry without conditions subsumes the same entry with a condition."""
    merged, _ = pps.merge_duplicates(
        [
            draft("bogus positive", "false positive", 'requires "false positive"', papers=200),
            draft("bogus positive", "false positive", papers=548),
        ]
    )
    assert [d.line() for d in merged] == ["bogus positive->false positive"]


def test_merge_keeps_the_row_with_more_papers() -> None:
    """Different suggestions under different conditions: the better-attested row stays."""
    merged, _ = pps.merge_duplicates(
        [
            draft("selection timber", "decision forest", 'requires "decision forest"', papers=1),
            draft("selection timber", "decision tree", 'requires "decision tree"', papers=31),
        ]
    )
    assert [d.line() for d in merged] == ['selection timber->decision tree ;; requires "decision tree"']


def test_chained_suggestion_is_followed_for_review() -> None:
    """A suggestion that is itself a key is replaced by that key's suggestion, for review."""
    resolved, _ = pps.break_cycles(
        [draft("vicinity unit", "area unit"), draft("area unit", "are", 'requires "square measure"')]
    )
    assert sorted(d.line() for d in resolved) == [
        'area unit->are ;; requires "square measure"',
        "vicinity unit->are, PPS gives area unit (itself a tortured phrase)",
    ]


def test_ordinary_english_keys_become_review_only() -> None:
    """Keys that are also ordinary English lose auto-fix unless PPS gave them a requires."""
    marked, _ = pps.mark_ordinary_english([draft("keen gadget", "smart device")])
    assert [d.line() for d in marked] == ["keen gadget->smart device, also ordinary English"]


def test_build_output_parses_and_is_sorted() -> None:
    """A small build writes sorted lines that respin's parser accepts, certain and uncertain apart."""
    rows = [
        ('"grouping methods"', "classification methods", 31202),
        ('"cadence design"', "rythm pattern (?)", 11384),
        ('"bosom" AND "breast"', "breast", 13940),
        ('"transformative climate adaptation"', "???", 539),
    ]
    texts = pps.build(rows).texts()
    certain = [ln for ln in texts["scientific-pps"].splitlines() if not ln.startswith("#")]
    uncertain = [ln for ln in texts["scientific-pps-uncertain"].splitlines() if not ln.startswith("#")]
    assert certain == ['bosom->breast ;; requires "breast"', "grouping methods->classification methods"]
    assert uncertain == ["cadence design->rythm pattern, canonical wording uncertain in PPS"]
    assert all(parse_line(ln, "test") for ln in certain + uncertain)
    assert "#       1 no canonical wording in PPS" in texts["scientific-pps"]


@pytest.mark.skipif(not pps.DEFAULT_CSV.is_file(), reason="../shared/data is not present")
def test_committed_dictionaries_are_up_to_date() -> None:
    """The committed PPS dictionaries are exactly what the converter writes from the CSV."""
    for name, text in pps.build(pps.read_rows(pps.DEFAULT_CSV)).texts().items():
        committed = (dictionaries_dir() / f"{name}.txt").read_text(encoding="utf-8")
        assert committed == text, f"dictionaries/{name}.txt is stale: run tools/build_pps_dictionary.py"
