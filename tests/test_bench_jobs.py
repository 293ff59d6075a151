"""The --jobs benchmark on a tiny folder: the structure of its figures and its verdicts, not their values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import jobs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for i in range(6):
        (folder / f"{i}.txt").write_text("Prices rose when you look at the data.\n" * (i + 1), encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"caf\xe9")
    return folder


def test_measure_compares_both_runs(corpus: Path) -> None:
    """Both settings are timed; outputs agree (exit 2 for the bad file); the speed-up is their ratio."""
    figures = jobs.measure(corpus, repeat=1, calibration_rounds=50_000)
    assert figures["identical"] is True
    assert figures["returncode"] == 2 and figures["findings"] == sum(range(1, 7))
    [message] = figures["stderr_lines"]
    assert message.startswith("respin: ") and "bad.txt: not valid utf-8" in message
    assert figures["jobs1_s"] > 0 and figures["jobs2_s"] > 0
    assert figures["speedup"] == pytest.approx(figures["jobs1_s"] / figures["jobs2_s"])
    assert len(figures["pair_speedups"]) == 1 and figures["median_pair_speedup"] == figures["pair_speedups"][0]
    assert len(figures["machine_parallelism"]) == 2 and all(x > 0 for x in figures["machine_parallelism"])


def test_rows_flag_differing_output_and_no_speed_up() -> None:
    """A slower --jobs 2 or outputs that differ are FAIL rows."""
    corpus = {"files": 10, "bytes": 1000}
    figures = {"jobs1_s": 1.0, "jobs2_s": 2.0, "speedup": 0.5, "identical": False, "findings": 3, "returncode": 1,
               "pair_speedups": [0.4, 0.5, 0.6], "median_pair_speedup": 0.5, "machine_parallelism": [1.9, 1.8]}
    rows = jobs.build_rows(corpus, figures)
    assert [row.passed for row in rows] == [None, None, False, None, None, False]
    assert rows[4].value == "1.90x / 1.80x"


def test_main_prints_table_and_json(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report names both settings; --json carries the figures; a missing corpus exits 2."""
    assert jobs.main(["--corpus", str(corpus), "--repeat", "1", "--calibration-rounds", "50000", "--json"]) == 0
    out = capsys.readouterr().out
    assert "respin check --jobs 1 (7 files" in out and "speed-up" in out
    figures = json.loads(out[out.index("\n{") :])
    assert figures["corpus"]["files"] == 7 and figures["figures"]["identical"] is True
    assert jobs.main(["--corpus", str(corpus / "missing")]) == 2
