"""The deep-tier benchmark's helpers on a tiny article: the structure of its figures and verdicts, not their values."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench import deep_speed
from respin.language import lm

REQUIRE_LM = os.environ.get("RESPIN_REQUIRE_LM", "").strip() not in {"", "0"}
needs_lm = pytest.mark.skipif(not REQUIRE_LM and not lm.available(),
                              reason=f"the language model extra is not installed ({lm.INSTALL_HINT})")

#: "military causes" is a review-dictionary entry: `check --deep` asks the language model about it.
ARTICLE = (
    "Officials said the us military causes retain the right to guard on their own. The clash was brief!\n"
    "No one was hurt."
)


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("article") / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def loads(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, Path]:
    """One cold load (it writes a cache) and one warm load from that cache."""
    if not REQUIRE_LM and not lm.available():
        pytest.skip(f"the language model extra is not installed ({lm.INSTALL_HINT})")
    root = tmp_path_factory.mktemp("lm-cache")
    cold = deep_speed.measure_load(root, 1, cold=True)
    cache = deep_speed.cold_cache_folder(root)
    warm = deep_speed.measure_load(cache, 1, cold=False)
    return cold, warm, cache


def test_split_sentences() -> None:
    assert deep_speed.split_sentences(ARTICLE) == [
        "Officials said the us military causes retain the right to guard on their own.", "The clash was brief!",
        "No one was hurt.",
    ]
    assert deep_speed.split_sentences("  \n\n ") == []
    assert deep_speed.word_count(ARTICLE) == 22


@needs_lm
def test_cold_then_warm_load(loads: tuple[dict, dict, Path]) -> None:
    """A cold load reads the GGUF file and leaves a cache; a warm load reads that cache (measure_load checks
    where each came from); times and peak memory are positive."""
    cold, warm, cache = loads
    assert any(cache.iterdir())
    for figures in (cold, warm):
        assert figures["repeat"] == 1 and len(figures["seconds"]) == 1
        assert figures["median_s"] == figures["seconds"][0] > figures["in_process_s"] > 0
        assert figures["peak_rss_mb"] > 100


@needs_lm
def test_scoring_and_check_deep(loads: tuple[dict, dict, Path], article: Path) -> None:
    """Scoring the tiny article's sentences and `check --deep` on it report their times, per-article figures
    and peak memory."""
    _, warm, cache = loads
    scoring = deep_speed.measure_scoring(article, cache, 1)
    assert (scoring["words"], scoring["sentences"], scoring["loaded_from"]) == (22, 3, "cache")
    assert scoring["tokens"] > scoring["sentences"]
    assert scoring["first_s"] > 0 and scoring["median_s"] > 0
    assert scoring["tokens_per_s"] == pytest.approx(scoring["tokens"] / scoring["median_s"])
    assert scoring["per_article_s"] == pytest.approx(scoring["median_s"] * 700 / 22)
    check = deep_speed.measure_check_deep(article, cache, 1, warm["median_s"])
    assert check["findings"] >= 1
    assert check["after_load_s"] == pytest.approx(check["median_s"] - warm["median_s"])
    assert check["peak_rss_mb"] > 300  # the model was loaded
    rows = deep_speed.build_rows({"cold_load": loads[0], "warm_load": warm, "scoring": scoring, "check_deep": check})
    assert len(rows) == 8 and all(row.passed is not None for row in rows if row.target.startswith("<="))


def test_rows_verdicts_and_skipped_sections() -> None:
    """Targets become PASS/FAIL rows; a run without the cold load shows it skipped."""
    warm = {"repeat": 3, "seconds": [2.5, 2.4, 2.6], "median_s": 2.5, "in_process_s": 2.3, "peak_rss_mb": 700.0}
    scoring = {"sentences": 22, "words": 706, "tokens": 926, "median_s": 2.0, "first_s": 2.5, "tokens_per_s": 463.0,
               "per_article_s": 1.98, "peak_rss_mb": 1600.0}
    rows = deep_speed.build_rows({"warm_load": warm, "scoring": scoring, "notes": {"cold_load": "not measured"}})
    verdicts = {row.metric: row.passed for row in rows}
    assert verdicts["load, warm cache, median of 3"] is False
    assert verdicts["nll scoring per 700 words"] is True
    assert verdicts["peak RSS: load + nll over the article"] is False
    assert rows[0].value == "skipped" and rows[0].target == "not measured"
    table = deep_speed.format_table(rows)
    assert "PASS" in table and "FAIL" in table
