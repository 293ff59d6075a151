"""Third-party detectors: the example plugin in examples/ installed, found, run, listed and disabled.

The plugin is installed with pip into a folder of its own that the respin
subprocesses get on their PYTHONPATH: installed beside respin as far as they can
tell, without changing the test environment for the other tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from respin.detectors import plugins
from respin.detectors.base import Detector
from respin.finding import Category, Finding
from respin.textview import TextView

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "respin-plugin-example"
SHOUTED = "Officials attemptedto stop the patrol!!! What a day!!\n"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example plugin, installed (as pip installs it) into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(EXAMPLE)], check=True, capture_output=True)
    return target


def respin(site: Path, *arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)])}
    return subprocess.run([sys.executable, "-m", "respin", *arguments], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False)


def test_the_plugin_s_detector_runs_by_default_and_its_findings_carry_its_name(installed: Path,
                                                                               tmp_path: Path) -> None:
    article = tmp_path / "shouted.txt"
    article.write_text(SHOUTED, encoding="utf-8")
    done = respin(installed, "check", "--no-config", "--format", "jsonl", str(article))
    assert done.returncode == 1, done.stderr
    found = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(f["rule"], f["text"], f["suggestions"]) for f in found if f["category"] == "repeat"] == [
        ("exclamation-marks", "!!!", ["!"]), ("exclamation-marks", "!!", ["!"])]
    assert "joined-words" in {f["rule"] for f in found}  # the built-in detectors run as well


def test_check_help_lists_the_plugin_and_disable_turns_it_off(installed: Path, tmp_path: Path) -> None:
    listed = respin(installed, "check", "--help").stdout
    assert "  exclamation-marks: repeat - runs of exclamation marks (an example plugin)" in listed
    article = tmp_path / "shouted.txt"
    article.write_text(SHOUTED, encoding="utf-8")
    done = respin(installed, "check", "--no-config", "--format", "jsonl", "--disable", "exclamation-marks",
                  str(article))
    assert done.returncode == 1 and "exclamation-marks" not in done.stdout
    assert "exclamation-marks" not in respin(ROOT, "check", "--help").stdout  # not installed: not there


def test_fix_applies_the_plugin_s_repairs_as_its_examples_say(installed: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(installed))
    try:
        from respin_exclamations import DETECTOR
    finally:
        sys.path.remove(str(installed))
    assert DETECTOR.fires_on and DETECTOR.quiet_on
    for number, (given, expected) in enumerate(DETECTOR.fires_on):
        article = tmp_path / f"fires-{number}.txt"
        article.write_text(given, encoding="utf-8")
        done = respin(installed, "fix", "--no-config", "--write", "--quiet", str(article))
        assert done.returncode == 1, done.stderr  # 1: a file was changed
        assert article.read_text(encoding="utf-8") == expected
    for number, quiet in enumerate(DETECTOR.quiet_on):
        article = tmp_path / f"quiet-{number}.txt"
        article.write_text(quiet, encoding="utf-8")
        assert respin(installed, "check", "--no-config", str(article)).returncode == 0


def test_sarif_lists_the_plugin_among_its_rules(installed: Path, tmp_path: Path) -> None:
    article = tmp_path / "shouted.txt"
    article.write_text(SHOUTED, encoding="utf-8")
    log = json.loads(respin(installed, "check", "--no-config", "--format", "sarif", str(article)).stdout)
    rules = {rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "exclamation-marks" in rules


def test_discovery_finds_what_importlib_metadata_finds(installed: Path) -> None:
    path = [str(installed), *sys.path]
    ours = {(p.name, p.value) for p in plugins.entry_points(path)}
    theirs = {(p.name, p.value) for p in _metadata_entry_points(path)}
    assert ours == theirs == {("exclamation-marks", "respin_exclamations:DETECTOR")}


def _metadata_entry_points(path: list[str]) -> list[metadata.EntryPoint]:
    found = []
    for distribution in metadata.distributions(path=path):
        found.extend(point for point in distribution.entry_points if point.group == plugins.GROUP)
    return found


def _fake_plugin(site: Path, name: str, value: str) -> None:
    info = site / "broken_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[respin.detectors]\n{name} = {value}\n", encoding="utf-8")


@pytest.mark.parametrize(("value", "message"), [
    ("no_such_module:DETECTOR", "cannot be loaded: ModuleNotFoundError"),
    ("string:ascii_letters", "gives str, not a respin.detectors.base.Detector"),
    ("json:dumps", "cannot be loaded: TypeError"),
])
def test_a_broken_plugin_is_an_error_naming_it(tmp_path: Path, value: str, message: str) -> None:
    _fake_plugin(tmp_path, "broken", value)
    done = respin(tmp_path, "check", "--no-config", str(ROOT / "fixtures" / "spun-news-syria.txt"))
    assert done.returncode == 2
    assert done.stderr.startswith("respin: plugin 'broken' (package broken-plugin") and message in done.stderr


def test_a_plugin_cannot_take_a_built_in_name(tmp_path: Path) -> None:
    (tmp_path / "clash.py").write_text(
        "from respin.detectors.rules import RULES\nDETECTOR = RULES[0]\n", encoding="utf-8")
    _fake_plugin(tmp_path, "clash", "clash:DETECTOR")
    done = respin(tmp_path, "check", "--help")
    assert done.returncode == 2 and "'joined-words': the name is taken by a built-in rule" in done.stderr


def test_a_plugin_s_findings_carry_its_name_whatever_it_wrote() -> None:
    def find(view: TextView, lexicon: object) -> Iterator[Finding]:
        yield Finding(0, 2, "!!", ("!",), "something-else", Category.REPEAT, 0.9, "m")

    labelled = plugins._labelled("mine", find)
    assert [f.rule for f in labelled(TextView("!!"), None)] == ["mine"]  # type: ignore[arg-type]
    assert isinstance(Detector("mine", Category.REPEAT, "d", labelled, (), ()), Detector)
