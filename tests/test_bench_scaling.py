"""The scaling benchmark at tiny sizes: the structure of its figures and its verdicts, not their values."""

from __future__ import annotations

from bench import scaling


def test_measure_times_every_size_and_the_long_phrase() -> None:
    figures = scaling.measure([0.01, 0.02], phrase_kb=1)
    assert [row["mb"] for row in figures["sizes"]] == [0.01, 0.02]
    assert all(row["seconds"] > 0 and row["mb_per_s"] > 0 for row in figures["sizes"])
    assert figures["allow_file_s"] > 0 and figures["dictionary_s"] > 0
    assert "rate kept from smallest to largest" in scaling.render(figures)


def test_a_falling_rate_and_a_slow_phrase_are_missed_targets() -> None:
    figures = {"sizes": [], "rate_kept": 0.5, "allow_file_s": 3.0, "dictionary_s": 0.5}
    problems = scaling.missed(figures)
    assert len(problems) == 2 and "50%" in problems[0] and "allow_file_s" in problems[1]
    assert scaling.missed({**figures, "rate_kept": 0.9, "allow_file_s": 0.4}) == []
