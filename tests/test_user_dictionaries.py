"""User dictionaries: their header, strict validation, names, matching beside the shipped ones, pickling."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from respin import Checker, apply, auto_decisions, check_text
from respin.finding import Category
from respin.language import dictionary
from respin.language.dictionary import (
    DEFAULT_USER_CATEGORY,
    DEFAULT_USER_CONFIDENCE,
    UserDictionaryError,
    load_user,
    parse_user,
)

HOUSE = """\
# House dictionary of the Example Gazette: spins our wire feed keeps producing.
# source: the Gazette's copy desk; licence: CC0
# category: entity
# confidence: 0.95
# description: the Gazette's house names
mutual chiefs of team->Joint Chiefs of Staff
russian military authorities->Russian military police
"""


def _write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_header_sets_category_confidence_and_description() -> None:
    """`# category:`, `# confidence:` and `# description:` comments say what the entries mean."""
    dictionary = parse_user("words/house.txt", HOUSE)
    spec = dictionary.spec
    assert (spec.name, spec.category, spec.confidence, spec.description) == (
        "house", Category.ENTITY, 0.95, "the Gazette's house names"
    )
    assert [(e.key, e.suggestions, e.line) for e in dictionary.entries] == [
        ("mutual chiefs of team", ("Joint Chiefs of Staff",), 6),
        ("russian military authorities", ("Russian military police",), 7),
    ]


def test_defaults_without_header() -> None:
    """Without a header a user dictionary is a collocation list at 0.9, described by its path."""
    spec = parse_user("style.txt", "hit a handle->strike a deal\n").spec
    assert (spec.category, spec.confidence) == (DEFAULT_USER_CATEGORY, DEFAULT_USER_CONFIDENCE)
    assert (spec.category, spec.confidence, spec.description) == (Category.COLLOCATION, 0.9, "listed in style.txt")


def test_header_names_are_case_insensitive_and_entries_need_not_be_sorted() -> None:
    """`# Category: Entity` works, and a user file may list its entries in any order."""
    dictionary = parse_user("u.txt", "# Category: Entity\nzebra crossing->crosswalk\napple pie->tart\n")
    assert dictionary.spec.category is Category.ENTITY
    assert [e.key for e in dictionary.entries] == ["zebra crossing", "apple pie"]


def test_curly_apostrophe_in_a_key_matches_either_apostrophe() -> None:
    """A key written with a curly apostrophe finds the phrase however the text spells it."""
    path = "u.txt"
    dictionary = parse_user(path, "in harm’s means->in harm's way\n")
    assert dictionary.entries[0].key == "in harm's means"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("good->fine\nBad->x\n", r"u\.txt:2: key 'Bad' must be lower case"),
        ("good->fine\nno arrow\n", r"u\.txt:2: expected exactly one '->'"),
        ("same->same\n", r"u\.txt:1: 'same' maps to itself"),
        ("a b->c\nx->y\na b->d\n", r"u\.txt:3: key 'a b' already on line 1"),
        ("a b->c d\nc d->e\n", r"u\.txt:1: suggestion 'c d' is itself a key of this file \(line 2\)"),
        ("# x\nnato->NATO\n", r"u\.txt:2: suggestion 'NATO' differs from its key only in case"),
        ("a b->x ;; within 3 ;; bogus\n", r"u\.txt:1: bad condition"),
        ("# category: spin\na->b\n", r"u\.txt:1: unknown category 'spin' \(known: fingerprint, entity"),
        ("# confidence: high\na->b\n", r"u\.txt:1: confidence must be a number between 0 and 1, got 'high'"),
        ("# confidence: 1.5\na->b\n", r"u\.txt:1: confidence must be a number between 0 and 1, got '1.5'"),
        ("a->b\n# category: entity\n", r"u\.txt:2: '# category:' must come before the first entry"),
        ("# confidence: 0.9\n# Confidence: 0.8\n", r"u\.txt:2: '# confidence:' given twice \(first on line 1\)"),
        ("a->b \n", r"u\.txt:1: leading or trailing white space"),
    ],
)
def test_bad_user_files_name_file_and_line(text: str, message: str) -> None:
    """A user file is untrusted: every mistake is an error naming the file and the line."""
    with pytest.raises(UserDictionaryError, match=message) as error:
        parse_user("u.txt", text)
    assert error.value.path == "u.txt"


def test_unreadable_user_files(tmp_path: Path) -> None:
    """A missing file, a folder, or bytes that are not UTF-8 are errors naming the file."""
    with pytest.raises(UserDictionaryError, match=r"nope\.txt: no such file"):
        load_user(str(tmp_path / "nope.txt"))
    with pytest.raises(UserDictionaryError, match="is a directory"):
        load_user(str(tmp_path))
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"# header\ncaf\xe9 au lait->coffee\n")
    with pytest.raises(UserDictionaryError, match=r"latin\.txt:2: not valid UTF-8"):
        load_user(str(latin))


def test_windows_line_endings_and_bom_are_read(tmp_path: Path) -> None:
    """A file saved by a Windows editor (BOM, CRLF) reads like any other."""
    path = tmp_path / "win.txt"
    path.write_bytes(b"\xef\xbb\xbf# category: entity\r\nmutual chiefs of team->Joint Chiefs of Staff\r\n")
    dictionary = load_user(str(path))
    assert dictionary.spec.category is Category.ENTITY
    assert dictionary.entries[0].suggestions == ("Joint Chiefs of Staff",)


def test_changed_file_is_read_again(tmp_path: Path) -> None:
    """The per-process cache notices a file that changed on disk."""
    path = _write(tmp_path, "u.txt", "alpha beta->gamma\n")
    assert load_user(path).entries[0].suggestions == ("gamma",)
    Path(path).write_text("alpha beta->delta epsilon\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert load_user(path).entries[0].suggestions == ("delta epsilon",)


def test_user_dictionary_finds_with_its_category_and_confidence(tmp_path: Path) -> None:
    """A Checker with a user dictionary reports its phrases under the file's name, category and confidence."""
    house = _write(tmp_path, "house.txt", HOUSE)
    checker = Checker(extra_dictionaries=(house,))
    text = "Mark Milley, chairman of the Mutual Chiefs of\nTeam, spoke."
    [finding] = check_text(text, checker)
    assert finding.text == "Mutual Chiefs of\nTeam"
    assert (finding.rule, finding.category, finding.confidence) == ("house", Category.ENTITY, 0.95)
    assert finding.suggestions == ("Joint Chiefs of Staff",) and finding.fixable
    assert finding.message == "the Gazette's house names"
    repaired = apply(text, [finding], auto_decisions([finding], 0.8))
    assert repaired == "Mark Milley, chairman of the Joint Chiefs of Staff, spoke."


def test_user_entries_keep_their_review_marks_and_conditions(tmp_path: Path) -> None:
    """Trailing commas, reasons and conditions mean in a user file what they mean in a shipped one."""
    path = _write(
        tmp_path, "u.txt",
        "grave accent->serious emphasis,\n"
        "lotus leaf->lotus surface ;; requires \"hydrophobic\"\n"
        "paper mill->paper factory ;; mid-sentence\n"
        "mean square->mean squared ;; within 2\n",
    )
    checker = Checker(extra_dictionaries=(path,))
    [review] = check_text("a grave accent here", checker)
    assert review.suggestions == ("serious emphasis",) and not review.fixable
    assert check_text("the lotus leaf", checker) == []
    assert [f.text for f in check_text("the hydrophobic lotus leaf", checker)] == ["lotus leaf"]
    assert check_text("Paper mill owners met.", checker) == []
    assert [f.text for f in check_text("a root mean of the square", checker)] == ["mean of the square"]


def test_user_entry_replaces_shipped_entry_with_same_key(tmp_path: Path) -> None:
    """A user key that is also a shipped key is reported with the user's suggestion, once."""
    path = _write(tmp_path, "style.txt", "when you look at the->within the\n")
    findings = check_text("Prices rose when you look at the data.", Checker(extra_dictionaries=(path,)))
    assert [(f.rule, f.suggestions) for f in findings] == [("style", ("within the",))]


def test_longest_match_wins_between_user_and_shipped_keys(tmp_path: Path) -> None:
    """Overlapping user and shipped keys resolve as shipped ones do: the longest match wins."""
    shorter = _write(tmp_path, "short.txt", "chiefs of staff->military chiefs\n")
    findings = check_text("the shared chiefs of staff met", Checker(extra_dictionaries=(shorter,)))
    assert [(f.text, f.rule) for f in findings] == [("shared chiefs of staff", "entities")]
    longer = _write(tmp_path, "long.txt", "the shared chiefs of staff met->the Joint Chiefs met\n")
    findings = check_text("the shared chiefs of staff met", Checker(extra_dictionaries=(longer,)))
    assert [(f.text, f.rule) for f in findings] == [("the shared chiefs of staff met", "long")]


def test_user_entry_overrides_a_shipped_allowed_phrase(tmp_path: Path) -> None:
    """A shipped allow-list phrase does not hide a user entry with exactly that key."""
    assert check_text("the us makes", Checker()) == []  # allowed.txt: the US as a subject
    path = _write(tmp_path, "u.txt", "the us makes->the US forces\n")
    [finding] = check_text("the us makes", Checker(extra_dictionaries=(path,)))
    assert finding.suggestions == ("the US forces",)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("entities.txt", "its name 'entities' .* is taken by a shipped dictionary"),
        ("allowed.txt", "its name 'allowed' .* is taken by a shipped dictionary"),
        ("doubled-word.txt", "its name 'doubled-word' .* is taken by a rule"),
    ],
)
def test_name_must_not_clash_with_a_shipped_name(tmp_path: Path, name: str, message: str) -> None:
    """A user dictionary cannot take the name of a shipped dictionary or a rule (--disable would be ambiguous)."""
    path = _write(tmp_path, name, "alpha beta->gamma\n")
    with pytest.raises(UserDictionaryError, match=message) as error:
        Checker(extra_dictionaries=(path,))
    assert error.value.path == path


def test_two_user_dictionaries_need_distinct_names_and_keys(tmp_path: Path) -> None:
    """Two files with one stem, or one key in two files, are errors naming both files."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _write(tmp_path / "a", "house.txt", "alpha beta->gamma\n")
    second = _write(tmp_path / "b", "house.txt", "delta->epsilon\n")
    clash = f"{re.escape(second)}: its name 'house' .* taken by the user dictionary {re.escape(first)}"
    with pytest.raises(UserDictionaryError, match=clash):
        Checker(extra_dictionaries=(first, second))
    other = _write(tmp_path / "b", "style.txt", "# x\nalpha beta->zeta\n")
    with pytest.raises(UserDictionaryError, match=re.escape(f"{other}:2: key 'alpha beta' is also in {first}:1")):
        Checker(extra_dictionaries=(first, other))


def test_user_dictionaries_stay_out_of_the_registry(tmp_path: Path) -> None:
    """REGISTRY lists shipped files only: a loaded user dictionary is neither in it nor found by name."""
    registry = dictionary.REGISTRY
    Checker(extra_dictionaries=(_write(tmp_path, "house.txt", HOUSE),))
    assert dictionary.REGISTRY is registry and "house" not in {spec.name for spec in registry}
    with pytest.raises(KeyError):
        dictionary.spec_named("house")


def test_checker_with_user_settings_pickles_to_an_equal_checker(tmp_path: Path) -> None:
    """Paths and phrases travel as configuration; the copy equals the original and finds the same."""
    house = _write(tmp_path, "house.txt", HOUSE)
    checker = Checker(extra_dictionaries=(house,), allowed=("The The",))
    text = "The mutual chiefs of team met. The band The The played; and and that was it."
    expected = check_text(text, checker)
    clone = pickle.loads(pickle.dumps(checker))
    assert clone == checker and clone._index is None
    assert clone.extra_dictionaries == (house,) and clone.allowed == ("The The",)
    assert check_text(text, clone) == expected
    assert [f.rule for f in expected] == ["house", "doubled-word"]
    assert Checker(extra_dictionaries=(house,)) != checker  # the allowed phrases are part of the configuration


def test_parallel_check_uses_user_dictionaries_and_allowed_phrases(tmp_path: Path) -> None:
    """Forked workers checking chunks of a large text find what one process finds."""
    house = _write(tmp_path, "house.txt", HOUSE)
    paragraph = "The mutual chiefs of team met the the band The The, when you look at the facts.\n\n"
    text = paragraph * 200
    serial = check_text(text, Checker(jobs=1, extra_dictionaries=(house,), allowed=("the the",)))
    parallel = check_text(text, Checker(jobs=2, parallel_min_chars=1_000, extra_dictionaries=(house,),
                                        allowed=("the the",)))
    assert parallel == serial
    assert {f.rule for f in serial} == {"house", "fingerprints"}


def test_cli_reads_config_dictionaries_beside_the_config_from_a_subfolder(tmp_path: Path) -> None:
    """Run from a folder below the configuration, its relative dictionary and allow-file paths still resolve."""
    project = tmp_path / "project"
    (project / "words").mkdir(parents=True)
    (project / "docs").mkdir()
    (project / ".respin.toml").write_text(
        'dictionaries = ["words/house.txt"]\nallow-file = "words/allowed.txt"\n', encoding="utf-8"
    )
    (project / "words" / "house.txt").write_text(HOUSE, encoding="utf-8")
    (project / "words" / "allowed.txt").write_text("final march\n", encoding="utf-8")
    (project / "docs" / "a.txt").write_text("The mutual chiefs of team led the final march.\n", encoding="utf-8")
    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "respin", "check", "a.txt"], cwd=project / "docs",
                              capture_output=True, text=True, timeout=60, check=False)

    result = check()
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == "a.txt:1:5: mutual chiefs of team -> Joint Chiefs of Staff [house, 0.95]\n"
    (project / "words" / "house.txt").write_text("Bad->x\n", encoding="utf-8")
    result = check()
    where = f"dictionaries (in {project / '.respin.toml'})"
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"respin: {where}: {project / 'words' / 'house.txt'}:1: key 'Bad' must be lower case\n"
