"""Properties over generated input: offsets, rejection, idempotence, and loaders that never crash.

The texts mix spun phrases respin knows with arbitrary Unicode: CRLF and lone CR line
breaks, astral characters (emoji, which are two UTF-16 units), combining marks and
capitals, so every offset and every rebuild is exercised where it is easiest to get
wrong. The loaders get arbitrary bytes: they may refuse them only with their own
error, naming the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from respin import Checker, apply, auto_decisions, check_text, config
from respin.documents.formats import Syntax, masked_copy
from respin.language.dictionary import DictionaryError, UserDictionaryError, load_user, parse_line
from respin.runner import settle

SPUN_PIECES = [
    "when you look at the", "us makes", "the the", "ended up being", "a huge selection of", "shared chiefs of staff",
    "Russias military", "attemptedto", "an united states", "counterfeit consciousness", "in harms means",
]
UNICODE_PIECES = ["\r\n", "\r", "\n\n", "😀", "𝔘", "e\u0301", "ﬁ", "İ", "ß", "\u200b", "\t", "’", "«", "»", "“", "”"]


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(jobs=1)


texts = st.lists(
    st.sampled_from(SPUN_PIECES) | st.sampled_from(UNICODE_PIECES) | st.text(max_size=6),
    max_size=30,
).map(" ".join)


@given(text=texts)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_finding_is_exactly_the_text_at_its_offsets(checker: Checker, text: str) -> None:
    for finding in check_text(text, checker):
        assert text[finding.start : finding.end] == finding.text
        assert 0 <= finding.start < finding.end <= len(text)


@given(text=texts)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_rejecting_every_finding_gives_back_the_input_exactly(checker: Checker, text: str) -> None:
    findings = check_text(text, checker)
    assert apply(text, findings, {}) == text
    assert apply(text, findings, {}).encode("utf-8", "surrogatepass") == text.encode("utf-8", "surrogatepass")


@given(text=texts)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_fix_is_idempotent(checker: Checker, text: str) -> None:
    """What `fix` writes, `fix` leaves alone."""
    fix = Checker(jobs=1, min_confidence=0.8)

    def fixed(text: str) -> str:  # as `respin fix` repairs a text
        found = check_text(text, fix)
        return settle(apply(text, found, auto_decisions(found, 0.8)), fix)

    once = fixed(text)
    assert fixed(once) == once


# --- loaders on arbitrary input ---------------------------------------------------------------------


@given(data=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
@settings(max_examples=300, deadline=None)
def test_config_files_load_or_fail_with_a_config_error(tmp_path_factory: pytest.TempPathFactory,
                                                       data: bytes) -> None:
    path = tmp_path_factory.mktemp("config") / ".respin.toml"
    path.write_bytes(data)
    try:
        config.load(path)
    except config.ConfigError as error:
        assert ".respin.toml" in str(error)


TOML_VALUES = st.sampled_from(['0.5', '2', 'true', '"x"', '["a", 1]', '[]', '{a = 1}', '-1', '"http://h"', 'nan'])


@given(pairs=st.lists(st.tuples(st.sampled_from([*sorted(config._KEYS), "other"]), TOML_VALUES), max_size=6))
@settings(max_examples=300, deadline=None)
def test_config_keys_with_any_value_load_or_fail_with_a_config_error(
        tmp_path_factory: pytest.TempPathFactory, pairs: list[tuple[str, str]]) -> None:
    path = tmp_path_factory.mktemp("config") / ".respin.toml"
    path.write_text("".join(f"{key} = {value}\n" for key, value in dict(pairs).items()), encoding="utf-8")
    try:
        config.load(path)
    except config.ConfigError as error:
        assert ".respin.toml" in str(error)


@given(line=st.text(max_size=80) | st.builds("{}->{}".format, st.text(max_size=20), st.text(max_size=20)))
@settings(max_examples=500, deadline=None)
def test_dictionary_lines_parse_or_fail_with_a_dictionary_error(line: str) -> None:
    try:
        parse_line(line.replace("\n", " "), "f.txt:1")
    except DictionaryError as error:
        assert str(error).startswith("f.txt:1")


@given(data=st.binary(max_size=300) | st.lists(st.sampled_from(
    ["a b->c d", "# category: entity", "# confidence: 2", "x->x", "the->The", "a->b, c", "\ufeff", "q ;; w"]),
    max_size=6).map(lambda lines: "\n".join(lines).encode()))
@settings(max_examples=300, deadline=None)
def test_user_dictionaries_load_or_fail_with_their_own_error(tmp_path_factory: pytest.TempPathFactory,
                                                             data: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("words")) / "house.txt"
    path.write_bytes(data)
    try:
        load_user(str(path))
    except UserDictionaryError as error:
        assert "house.txt" in str(error)


@pytest.mark.parametrize("syntax", list(Syntax))
@given(text=st.text(max_size=400) | texts)
@settings(max_examples=300, deadline=None)
def test_scanners_take_any_text_and_keep_its_length_and_line_breaks(syntax: Syntax, text: str) -> None:
    """No exception escapes a scanner; the masked copy keeps every offset (its length and line breaks)."""
    masked = masked_copy(text, syntax)
    assert len(masked) == len(text)
    assert [i for i, ch in enumerate(masked) if ch in "\r\n"] == [i for i, ch in enumerate(text) if ch in "\r\n"]
