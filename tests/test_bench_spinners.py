"""Tests of the spinners built on sources respin never reads: WordNet and the insertion table (bench/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import spinner as spinner_module
from bench.spinner import (
    SPINNERS,
    InsertionTableError,
    insertion_candidates,
    load_insertions,
    parse_insertions,
    read_dictionary_pairs,
    spin_insertions,
    spin_wordnet,
    table_collisions,
    unspin,
    word_chains,
    wordnet_candidates,
)
from bench.wordnet import (
    DEFAULT_DIR,
    Analysis,
    WordNetMissing,
    parse_counts,
    parse_data,
    parse_exceptions,
    parse_index,
    read_wordnet,
)

ROOT = Path(__file__).resolve().parent.parent
HEADER = "  1 This software and database is being provided to you, the LICENSEE, by\n"

# A miniature WordNet in the files' own format (offsets here are labels, not byte positions).
FILES = {
    "index.noun": HEADER + (
        "bank n 2 1 @ 2 2 00000001 00000002 \n"
        "banking_concern n 1 0 1 0 00000002 \n"
        "child n 1 0 1 1 00000005 \n"
        "court n 1 0 1 1 00000003 \n"
        "court_of_law n 1 0 1 1 00000003 \n"
        "depository_financial_institution n 1 0 1 0 00000002 \n"
        "kid n 1 0 1 0 00000005 \n"
        "news n 1 0 1 1 00000006 \n"
        "supreme_court n 1 0 1 0 00000003 \n"
        "tidings n 1 0 1 0 00000006 \n"
        "tribunal n 1 0 1 0 00000003 \n"
    ),
    "data.noun": HEADER + (
        "00000001 17 n 01 bank 0 001 @ 00000009 n 0000 | sloping land\n"
        "00000002 14 n 03 depository_financial_institution 0 bank 0 banking_concern 0 000 | a financial institution\n"
        "00000003 14 n 04 court 0 tribunal 0 court_of_law 0 Supreme_Court 0 000 | a judicial assembly\n"
        "00000005 18 n 02 child 0 kid 0 000 | a young person\n"
        "00000006 10 n 02 news 0 tidings 0 000 | information about recent events\n"
    ),
    "index.verb": HEADER + (
        "decide v 1 0 1 1 00000010 \n"
        "determine v 1 0 1 0 00000010 \n"
        "give v 1 0 1 1 00000015 \n"
        "halt v 1 0 1 0 00000014 \n"
        "hand v 1 0 1 1 00000015 \n"
        "participate v 1 0 1 0 00000012 \n"
        "stop v 1 0 1 1 00000014 \n"
        "take_part v 1 0 1 1 00000012 \n"
    ),
    "data.verb": HEADER + (
        "00000010 31 v 02 decide 0 determine 0 000 01 + 08 00 | bring to an end\n"
        "00000012 41 v 02 take_part 0 participate 0 000 01 + 02 00 | share in something\n"
        "00000014 38 v 02 stop 0 halt 0 000 01 + 01 00 | come to a halt\n"
        "00000015 40 v 02 give 0 hand 0 000 01 + 08 00 | transfer possession\n"
    ),
    "index.adj": HEADER + (
        "decided a 1 0 1 1 00000021 \n"
        "distinct a 1 0 1 0 00000021 \n"
        "good a 1 0 1 1 00000020 \n"
        "well a 1 0 1 0 00000020 \n"
    ),
    "data.adj": HEADER + (
        "00000020 00 a 02 good 0 well(p) 0 000 | having desirable qualities\n"
        "00000021 00 s 02 decided 0 distinct 0 000 | recognizable; marked\n"
    ),
    "index.adv": HEADER,
    "data.adv": HEADER,
    "noun.exc": "children child\n",
    "verb.exc": "gave give\ngiven give\nstopped stop\nstopping stop\n",
    "adj.exc": "better good\n",
    "cntlist.rev": (
        "bank%1:17:00:: 1 25\nbank%1:14:00:: 2 20\ncourt%1:14:00:: 1 10\ndecide%2:31:00:: 1 30\n"
        "decided%5:00:00:unquestionable:00 1 2\nchild%1:18:00:: 1 40\nstop%2:38:00:: 1 12\n"
    ),
}


@pytest.fixture(scope="module")
def wordnet(tmp_path_factory):
    root = tmp_path_factory.mktemp("wordnet")
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    return read_wordnet(root)


# --- WordNet's files ---------------------------------------------------------------------


def test_parse_index_reads_offsets_in_sense_order_and_the_tagged_count() -> None:
    """The offsets come after the pointer symbols and the two counts; the header is the caller's to skip."""
    assert parse_index(["bank n 3 2 @ ~ 3 2 00000001 00000002 00000003 \n"]) == {"bank": ((1, 2, 3), 2)}


def test_parse_data_reads_the_words_and_drops_adjective_markers() -> None:
    """w_cnt is hexadecimal; capitals are kept; "(p)" and the like go."""
    line = "00000020 00 a 0b " + " ".join(f"w{i} 0" for i in range(10)) + " good(p) 0 000 | gloss\n"
    assert parse_data([line])[20] == (*(f"w{i}" for i in range(10)), "good")
    assert parse_data(["00000003 14 n 02 court 0 Supreme_Court 1 000 | x\n"]) == {3: ("court", "Supreme_Court")}


def test_parse_exceptions_and_counts() -> None:
    assert parse_exceptions(["children child\n", "axes ax axis\n"]) == {"children": ("child",), "axes": ("ax", "axis")}
    counts = parse_counts(["bank%1:17:00:: 1 25\n", "bank%1:14:00:: 2 20\n", "good%5:00:00:x:00 3 4\n",
                           "good%3:00:01:: 1 6\n", "bad line\n"])
    assert counts == {("bank", "n"): 45, ("good", "a"): 10}


def test_missing_wordnet_is_a_clear_error(tmp_path) -> None:
    """The error names the package to install."""
    with pytest.raises(WordNetMissing, match="apt-get install wordnet-base"):
        read_wordnet(tmp_path)
    assert issubclass(WordNetMissing, RuntimeError)


# --- readings and inflection -------------------------------------------------------------


def test_readings_prefer_the_part_of_speech_seen_most(wordnet) -> None:
    """"decided": the verb decide (30 tags) in the past, before the adjective decided (2 tags)."""
    assert wordnet.analyses(("decided",))[0] == Analysis("decide", "v", "past")
    assert Analysis("decided", "a", "base") in wordnet.analyses(("decided",))
    assert wordnet.analyses(("children",)) == (Analysis("child", "n", "plural"),)
    assert wordnet.analyses(("stopped",))[0] == Analysis("stop", "v", "past")  # verb.exc: a doubled consonant
    assert wordnet.analyses(("takes", "part")) == (Analysis("take_part", "v", "3sg"),)
    assert wordnet.analyses(("gave",)) == ()  # an irregular past: unsure, skipped
    assert wordnet.analyses(("better",)) == ()  # a comparative
    assert wordnet.analyses(("unknown",)) == ()


def test_inflection_follows_the_written_word_or_gives_up(wordnet) -> None:
    assert wordnet.inflect("banking_concern", "n", "plural") == "banking concerns"
    assert wordnet.inflect("court_of_law", "n", "plural") is None  # "courts of law" or "court of laws"?
    assert wordnet.inflect("kid", "n", "plural") == "kids"
    assert wordnet.inflect("child", "n", "plural") == "children"  # noun.exc backwards
    assert wordnet.inflect("news", "n", "plural") is None
    assert wordnet.plural("church") == "churches" and wordnet.plural("company") == "companies"
    assert wordnet.inflect("take_part", "v", "ing") == "taking part"
    assert wordnet.inflect("take_part", "v", "3sg") == "takes part"
    assert wordnet.verb_form("stop", "past") == "stopped" and wordnet.verb_form("stop", "ing") == "stopping"
    assert wordnet.verb_form("give", "past") is None  # gave or given?
    assert wordnet.verb_form("determine", "past") == "determined"
    assert wordnet.verb_form("carry", "past") == "carried" and wordnet.verb_form("carry", "3sg") == "carries"
    assert wordnet.verb_form("tie", "ing") == "tying" and wordnet.verb_form("agree", "ing") == "agreeing"
    assert wordnet.verb_form("push", "3sg") == "pushes"


def test_options_draw_from_common_senses_inflected(wordnet) -> None:
    """bank: sense 1 has no other lemma; sense 2 (weight 1/2) gives two. Names and unsure forms are dropped."""
    assert dict(wordnet.options(("bank",))) == {"depository financial institution": 0.25, "banking concern": 0.25}
    assert dict(wordnet.options(("banks",))) == {"depository financial institutions": 0.25,
                                                 "banking concerns": 0.25}
    # "Supreme_Court" is a name; "court of law" cannot be made plural
    assert dict(wordnet.options(("courts",))) == {"tribunals": 1.0}  # the sense weight, shared by those left
    assert set(dict(wordnet.options(("court",)))) == {"tribunal", "court of law"}
    assert dict(wordnet.options(("court", "of", "law"))) == {"court": 0.5, "tribunal": 0.5}
    assert dict(wordnet.options(("decided",))) == {"determined": 1.0}
    assert dict(wordnet.options(("children",))) == {"kids": 1.0}
    assert wordnet.options(("handed",)) == ()  # give is irregular: no past to write
    assert "bank" in wordnet and "handed" not in wordnet


# --- the wordnet spinner -----------------------------------------------------------------

WN_TEXT = ("Children decided to take part.\n\nThe bank and the Bank of Mars stopped. Courts and a court of law "
           "decided; the bank stopped the children. Decided, they handed it over.")


def test_wordnet_candidates_follow_the_eligibility_rules(wordnet) -> None:
    """Sentence-initial capitals are spun, names are not; phrases and words may overlap."""
    found = [WN_TEXT[s:e] for s, e, _ in wordnet_candidates(WN_TEXT, wordnet)]
    assert found == ["Children", "decided", "take part", "bank", "stopped", "Courts", "court", "court of law",
                     "decided", "bank", "stopped", "children", "Decided"]
    assert "Bank" not in found and "handed" not in found


def test_spin_wordnet_is_deterministic_exact_and_undoes(wordnet) -> None:
    """Same seed, same spin; spans hold replacements; unspin gives the original; capitals carried."""
    first = spin_wordnet(WN_TEXT, seed=3, rate=0.5, thesaurus=wordnet)
    assert first == spin_wordnet(WN_TEXT, seed=3, rate=0.5, thesaurus=wordnet)
    assert len({spin_wordnet(WN_TEXT, seed=s, rate=0.5, thesaurus=wordnet).text for s in range(8)}) > 1
    for seed in range(20):
        result = spin_wordnet(WN_TEXT, seed=seed, rate=1.0, thesaurus=wordnet)
        assert unspin(result.text, result.substitutions) == WN_TEXT
        for sub in result.substitutions:
            assert result.text[sub.start : sub.end] == sub.replacement
            assert sub.replacement[0].isupper() == sub.original[0].isupper()
            assert sub.replacement.lower() in dict(wordnet.options(tuple(sub.original.lower().split())))
    assert spin_wordnet(WN_TEXT, seed=1, rate=0.0, thesaurus=wordnet).substitutions == ()
    assert SPINNERS["wordnet"] is spin_wordnet


def test_word_chains_stop_at_line_breaks_double_spaces_and_capitals() -> None:
    chains = [" ".join(w) for _, _, w in word_chains("The cat sat.  On the\nmat of Bob", 3)]
    assert "the cat sat" in chains and "cat sat" in chains
    assert not any("on the mat" in c or "sat on" in c for c in chains)
    assert "mat of" in chains and "of bob" not in chains and "bob" not in chains


needs_wordnet = pytest.mark.skipif(not (DEFAULT_DIR / "data.noun").is_file(),
                                   reason="WordNet (Debian's wordnet-base) is not installed")


@needs_wordnet
def test_real_wordnet_gives_phrases_and_inflections() -> None:
    """On WordNet 3.0 itself: "bank" -> "banking concern", "courts" -> "tribunals", "takes part" -> "participates"."""
    real = spinner_module.load_wordnet()
    assert "banking concern" in dict(real.options(("bank",)))
    assert "tribunals" in dict(real.options(("courts",)))
    assert dict(real.options(("takes", "part"))) == {"participates": 1.0}
    assert real.options(("rose",)) == ()
    text = "Banks said the court decided to take part in talks. Profits jumped as shares rose."
    for seed in range(5):
        result = spin_wordnet(text, seed=seed, rate=0.5)
        assert result.substitutions and unspin(result.text, result.substitutions) == text


# --- the insertion spinner ---------------------------------------------------------------

TABLE = {"in the": ("within the",), "many": ("a lot of", "lots of"), "said": ("stated",),
         "economy": ("economic system",), "the first": ("the very first",)}
INSERTION_TEXT = ("Many said the economy grew in the year.\n\nIn the first half many firms said In the end. "
                  "The first of many. Economy-class seats; in  the gap.")


def test_parse_insertions_reads_the_format_and_rejects_mistakes() -> None:
    assert parse_insertions(["# comment\n", "\n", "in the->within the | inside the\n", "new->all-new\n"]) == {
        "in the": ("within the", "inside the"), "new": ("all-new",)}
    for bad in (["In the->within the"], ["in the within the"], ["many->many"], ["many->a lot of | a lot of"],
                ["many->a lot of", "many->lots of"], ["many->A lot"]):
        with pytest.raises(InsertionTableError):
            parse_insertions(bad)


def test_insertion_candidates_are_whole_words_in_spinnable_case() -> None:
    found = [(INSERTION_TEXT[s:e], key) for s, e, key in insertion_candidates(INSERTION_TEXT, TABLE)]
    assert found == [("Many", "many"), ("said", "said"), ("economy", "economy"), ("in the", "in the"),
                     ("In the", "in the"), ("the first", "the first"), ("many", "many"), ("said", "said"),
                     ("The first", "the first"), ("many", "many")]
    # "In the end" mid-sentence is a capital: not spun; "Economy-class" is not a word alone; "in  the": two spaces


def test_spin_insertions_is_deterministic_exact_and_undoes() -> None:
    first = spin_insertions(INSERTION_TEXT, seed=4, rate=0.5, thesaurus=TABLE)
    assert first == spin_insertions(INSERTION_TEXT, seed=4, rate=0.5, thesaurus=TABLE)
    assert len({spin_insertions(INSERTION_TEXT, seed=s, rate=0.5, thesaurus=TABLE).text for s in range(8)}) > 1
    for seed in range(20):
        result = spin_insertions(INSERTION_TEXT, seed=seed, rate=1.0, thesaurus=TABLE)
        assert unspin(result.text, result.substitutions) == INSERTION_TEXT
        for sub in result.substitutions:
            assert result.text[sub.start : sub.end] == sub.replacement
            assert sub.replacement.lower() in TABLE[sub.original.lower()]
            assert sub.replacement[0].isupper() == sub.original[0].isupper()
    assert SPINNERS["insertion"] is spin_insertions


def test_shipped_insertion_table_is_large_and_covers_every_kind() -> None:
    table = load_insertions()
    assert sum(len(rewrites) for rewrites in table.values()) >= 150
    assert {"in the", "many", "said", "economy", "was"} <= set(table)
    assert sum(" " in key for key in table) >= 30  # function phrases
    text = "Many people said the economy was weak in the first half."
    result = spin_insertions(text, seed=0, rate=1.0)
    assert result.substitutions and unspin(result.text, result.substitutions) == text


def test_table_collisions_find_exact_inflected_and_embedded_pairs() -> None:
    pairs = [("t.txt", "stated", "said"), ("i.txt", "state", "say"), ("e.txt", "financial institution of england",
                                                                        "bank of england")]
    table = {"said": ("stated",), "says": ("states",), "bank": ("financial institution",),
             "economy": ("economic system",)}
    found = table_collisions(table, pairs)
    assert [f.split(":")[0] for f in found] == ["said->stated", "says->states", "bank->financial institution"]


def test_insertion_table_never_measures_respin_against_itself() -> None:
    """No rewrite of the table is known to respin's dictionaries or its thesaurus lookup, either way round."""
    from respin.language.thesaurus import may_replace

    table = load_insertions()
    assert table_collisions(table, read_dictionary_pairs(ROOT / "dictionaries")) == []
    known = [(original, rewrite) for original, rewrites in table.items() for rewrite in rewrites
             if may_replace(rewrite, original) or may_replace(original, rewrite)]
    assert known == []
