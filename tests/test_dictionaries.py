"""Every dictionary entry is validated like code: registry, format, order, keys, cycles."""

from __future__ import annotations

import pytest
from helpers import load_tool

from respin.language.dictionary import (
    REGISTRY,
    DictionaryError,
    dictionaries_dir,
    iter_entries,
    load,
    parse_line,
)

#: Data files that are not phrase dictionaries (their own tests check them).
OTHER_DATA = {"thesaurus-inverse.txt", "thesaurus-phrases.txt"}
DICTIONARY_FILES = sorted(p.name for p in dictionaries_dir().glob("*.txt") if p.name not in OTHER_DATA)


@pytest.mark.parametrize("spec", REGISTRY, ids=lambda s: s.name)
def test_every_entry_passes_the_validator(spec) -> None:
    """Each shipped line passes the full validator, and the fast loader reads it the same way."""
    validated = list(iter_entries(dictionaries_dir() / spec.filename, spec.allow_list))
    assert validated == list(load(spec))


def test_files_match_registry() -> None:
    """Every file under dictionaries/ is registered, and every registered file exists."""
    assert sorted(spec.filename for spec in REGISTRY) == DICTIONARY_FILES


@pytest.mark.parametrize("spec", REGISTRY, ids=lambda s: s.name)
def test_header_names_source_and_licence(spec) -> None:
    """Each file opens with comment lines naming its source and licence."""
    header = []
    for line in (dictionaries_dir() / spec.filename).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line.lower())
    assert any("source" in line for line in header), spec.filename
    assert any("licen" in line for line in header), spec.filename


@pytest.mark.parametrize("spec", REGISTRY, ids=lambda s: s.name)
def test_entries_sorted_and_unique(spec) -> None:
    """Entries are sorted line by line and no key appears twice in a file."""
    path = dictionaries_dir() / spec.filename
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert lines == sorted(lines), f"{spec.filename} is not sorted"
    keys = [entry.key for entry in load(spec)]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates, f"{spec.filename}: duplicate keys {sorted(duplicates)[:5]}"


def test_no_key_in_two_spin_dictionaries() -> None:
    """A phrase belongs to one dictionary, so its confidence and category are unambiguous."""
    seen: dict[str, str] = {}
    for spec in REGISTRY:
        if spec.role != "spin":
            continue
        for entry in load(spec):
            assert entry.key not in seen, f"{entry.key!r} in {seen.get(entry.key)} and {spec.name}"
            seen[entry.key] = spec.name


def test_no_suggestion_is_a_spun_key() -> None:
    """Applying a fix never produces text another entry would flag (no cycles)."""
    keys = {entry.key for spec in REGISTRY if spec.role == "spin" for entry in load(spec)}
    for spec in REGISTRY:
        if spec.role != "spin":
            continue
        for entry in load(spec):
            for suggestion in entry.suggestions:
                assert suggestion.lower() not in keys, f"{spec.name}:{entry.line}: {suggestion!r} is a key"


def test_allow_list_entries_carry_reasons() -> None:
    """An allowed phrase says why it is correct English."""
    for spec in REGISTRY:
        if spec.role == "allow":
            for entry in load(spec):
                assert len(entry.reason.split()) >= 2, f"{spec.name}:{entry.line} needs a reason"


def test_allowed_phrases_cover_a_spin_key() -> None:
    """An allowed phrase exists to suppress a key inside it; one that contains no key is dead."""
    keys = {entry.key for spec in REGISTRY if spec.role == "spin" for entry in load(spec)}
    for spec in REGISTRY:
        if spec.role != "allow":
            continue
        for entry in load(spec):
            words = entry.key.split()
            inner = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
            assert inner & keys, f"{spec.name}:{entry.line}: {entry.key!r} contains no spin key"


def test_gazetteer_spells_each_name_with_capitals() -> None:
    """Gazetteer entries map a lower-case name to the same name capitalised."""
    for spec in REGISTRY:
        if spec.role == "gazetteer":
            for entry in load(spec):
                assert entry.suggestions[0].lower() == entry.key and entry.suggestions[0] != entry.key


@pytest.mark.parametrize(
    "line",
    [
        "no arrow here",
        "two->arrows->here",
        "Upper Case->upper case",
        "same->same",
        " padded->padded",
        "trailing->space ",
        "empty->",
        "gap->a, , b,",
        "double  space->x",
        "key->a, a,",
        "weird;key->x",
        "word->x ;; within 3",
        "phrase here->x ;; unknown condition",
        'phrase here->x ;; requires unquoted',
    ],
)
def test_validator_rejects_bad_lines(line: str) -> None:
    """The parser refuses each kind of malformed line with a DictionaryError."""
    with pytest.raises(DictionaryError):
        parse_line(line, "test")


@pytest.mark.parametrize(
    ("line", "suggestions", "autofix", "reason"),
    [
        ("shared chiefs of staff->Joint Chiefs of Staff", ("Joint Chiefs of Staff",), True, ""),
        ("ended up being->was, were,", ("was", "were"), False, ""),
        ("clas->class, clashes with a keyword", ("class",), False, "clashes with a keyword"),
        ("word->one,", ("one",), False, ""),
    ],
)
def test_parser_reads_suggestions_and_reasons(line, suggestions, autofix, reason) -> None:
    """Trailing commas and reasons decide whether an entry may be auto-fixed."""
    entry = parse_line(line, "test")
    assert entry is not None
    assert (entry.suggestions, entry.autofix, entry.reason) == (suggestions, autofix, reason)


def test_parser_reads_conditions() -> None:
    """PPS operators become requires/excludes/within conditions."""
    entry = parse_line('surface region->surface area ;; requires "surface area" | "area" ;; excludes "x y"', "t")
    assert entry is not None
    assert [str(c) for c in entry.conditions] == ['requires "surface area" | "area"', 'excludes "x y"']
    near = parse_line("gatherings clustering->clustering ;; within 10", "t")
    assert near is not None and near.within == 10


def test_comments_and_blank_lines_are_skipped() -> None:
    """Comment and blank lines parse to None."""
    assert parse_line("# a comment", "t") is None
    assert parse_line("", "t") is None


def test_iter_entries_reports_file_and_line(tmp_path) -> None:
    """A bad line's error names the file and line number."""
    bad = tmp_path / "bad.txt"
    bad.write_text("# header\ngood->fine\nBad->x\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"bad\.txt:3"):
        list(iter_entries(bad))


def test_generated_spin_dictionaries_are_up_to_date() -> None:
    """The committed spin dictionaries are exactly what their generator writes."""
    builder = load_tool("build_spin_dictionaries")
    for name, text in builder.build().items():
        committed = (dictionaries_dir() / f"{name}.txt").read_text(encoding="utf-8")
        assert committed == text, f"dictionaries/{name}.txt is stale: run tools/build_spin_dictionaries.py"
