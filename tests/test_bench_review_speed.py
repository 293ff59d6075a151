"""The review benchmark's helpers: the article it builds and the table it prints (not its figures)."""

from __future__ import annotations

from pathlib import Path

from bench import review_speed


def test_build_article_repeats_the_example_to_the_size(tmp_path: Path) -> None:
    """The article is the example article repeated, paragraph-separated, to about the size asked for."""
    example = review_speed.EXAMPLE.read_text(encoding="utf-8")
    article = review_speed.build_article(tmp_path, 0.05).read_text(encoding="utf-8")
    assert abs(len(article.encode()) - 50_000) < len(example.encode())
    assert article.startswith(example.rstrip("\n") + "\n\n")


def test_rows_judge_open_time_and_worst_keypress() -> None:
    """Open time and the slowest press of each key are held against their targets."""
    figures = {
        "file_bytes": 1_000_000, "findings": 30_000, "first_findings_s": 1.2, "imported_s": 0.5,
        "text_on_screen_s": 0.8, "all_findings_s": 3.0, "check_text_s": 1.5,
        "keys_ms": {"n": [10.0, 20.0, 30.0], "a": [50.0, 150.0, 60.0]},
        "accept_all_ms": 200.0, "accepted_at_once": 25_000, "undo_all_ms": 40.0,
    }
    verdicts = {row.metric: row.passed for row in review_speed.build_rows(figures)}
    assert verdicts["open: first screen with findings (1.00 MB, 30000 findings)"] is True
    assert verdicts["keypress n: median / max of 3"] is True
    assert verdicts["keypress a: median / max of 3"] is False
