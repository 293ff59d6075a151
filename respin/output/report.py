"""Render findings for people (text), programs (json, jsonl) and code review tools (sarif, github).

The JSON shapes are a contract pipelines rely on (documented in the README):
`start`/`end` are code-point offsets into the decoded text, `text ==
content[start:end]`, and `line`/`column` are 1-based.

`sarif` is a SARIF 2.1.0 log (one run; columns in UTF-16 code units, SARIF's
default, stated in `columnKind`; every dictionary and rule described in
`tool.driver.rules`; a fix for every finding `fix` would apply). `github`
prints GitHub Actions workflow commands (`::error file=...::message`), which
the runner turns into annotations on the pull request. Both give each finding
a level from its confidence (`level`).

The document verdict (`respin.detectors.verdict`): each file's `spin_score` is a member
of its json record and, in sarif, of its artifact's `properties` (`spinScore`);
the line formats print it only when asked (`verdict_text_line`,
`verdict_jsonl_line`, `verdict_github_line`: one line a file after its
findings), so that their default output stays one finding a line. A file at or
above a `--fail-spin-score` threshold is a result of its own in sarif and an
error annotation on GitHub (rule `spin-score`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from respin import __version__
from respin.detectors.verdict import verdict_label
from respin.documents.files import STDIN, display_name, record_name
from respin.finding import CONTEXT_SOURCES, Finding, KnownPositions, LineIndex, line_index

FORMATS = ("text", "json", "jsonl", "sarif", "github")
JSON_VERSION = 1

#: A finding at or above this confidence is an error (SARIF and GitHub), at or above WARNING_CONFIDENCE a
#: warning, below it a note (a notice on GitHub).
ERROR_CONFIDENCE = 0.9
WARNING_CONFIDENCE = 0.7

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/respin/"


def finding_record(finding: Finding, lines: LineIndex | KnownPositions) -> dict[str, Any]:
    line, column = lines.line_col(finding.start)
    return {
        "start": finding.start,
        "end": finding.end,
        "line": line,
        "column": column,
        "text": finding.text,
        "suggestions": list(finding.suggestions),
        "rule": finding.rule,
        "category": finding.category.value,
        "confidence": finding.confidence,
        "message": finding.message,
        "fixable": finding.fixable,
    }


def text_lines(path: str, content: str | KnownPositions, findings: Sequence[Finding]) -> list[str]:
    """`path:line:col: spun text -> suggestion [rule, confidence]`, one finding a line."""
    lines = line_index(content)
    out = []
    for finding in findings:
        line, column = lines.line_col(finding.start)
        shown = " ".join(finding.text.split())  # a match may span a line break
        suggestion = " | ".join(finding.suggestions)
        if not finding.fixable:
            suggestion += " (review)"
        out.append(
            f"{display_name(path)}:{line}:{column}: {shown} -> {suggestion} "
            f"[{finding.rule}, {finding.confidence:.2f}]"
        )
    return out


def jsonl_lines(path: str, content: str | KnownPositions, findings: Sequence[Finding]) -> list[str]:
    """One JSON object a finding, each with its `path`."""
    lines = line_index(content)
    return [
        json.dumps({"path": record_name(path), **finding_record(f, lines)}, ensure_ascii=False)
        for f in findings
    ]


def file_record(path: str, content: str | KnownPositions, findings: Sequence[Finding], spin_score: float | None = None
                ) -> dict[str, Any]:
    """A file's json record: its path, its findings and, when it was computed, its `spin_score` (3 places)."""
    lines = line_index(content)
    record: dict[str, Any] = {"path": record_name(path)}
    if spin_score is not None:
        record["spin_score"] = rounded_score(spin_score)
    record["findings"] = [finding_record(f, lines) for f in findings]
    return record


# --- the document verdict ---------------------------------------------------------------------

#: The rule id of a file whose spin score reaches the --fail-spin-score threshold (sarif, github).
SPIN_SCORE_RULE = "spin-score"
SPIN_SCORE_DESCRIPTION = "the document as a whole reads as machine-spun (its spin score reached the threshold)"


def rounded_score(score: float) -> float:
    """A spin score as reports give it: 3 decimal places."""
    return round(score, 3)


def reaches(score: float, threshold: float | None) -> bool:
    """Whether a spin score, as reports show it (3 places), is at or above a --fail-spin-score threshold."""
    return threshold is not None and rounded_score(score) >= threshold


def verdict_text_line(path: str, score: float) -> str:
    """`path: spin score 0.931 (likely spun)`."""
    return f"{display_name(path)}: spin score {score:.3f} ({verdict_label(score)})"


def verdict_jsonl_line(path: str, score: float, findings: int) -> str:
    """A file's summary for --format jsonl --verdict: `path`, `spin_score`, `findings` (no `start`: not a finding)."""
    return json.dumps({"path": record_name(path), "spin_score": rounded_score(score), "findings": findings},
                      ensure_ascii=False)


def failed_verdict_message(score: float, threshold: float) -> str:
    return f"spin score {score:.3f} is at or above the threshold {threshold:g}"


def verdict_github_line(path: str, score: float, threshold: float | None = None) -> str:
    """A file-level annotation: an error when the score reaches `threshold`, else a notice giving it."""
    title = github_escape_property(f"respin {SPIN_SCORE_RULE}")
    properties = f"file={github_escape_property(record_name(path))},title={title}"
    if threshold is not None and reaches(score, threshold):
        return f"::error {properties}::{github_escape_data(failed_verdict_message(score, threshold))}"
    return f"::notice {properties}::{github_escape_data(f'spin score {score:.3f} ({verdict_label(score)})')}"


def json_document(files: Sequence[dict[str, Any]], stats: dict[str, Any] | None = None) -> str:
    """The whole run as one JSON object; `stats` (from --stats) is added as its `stats` member."""
    document: dict[str, Any] = {"version": JSON_VERSION, "files": list(files)}
    if stats is not None:
        document["stats"] = stats
    return json.dumps(document, ensure_ascii=False, indent=2)


def level(confidence: float) -> str:
    """The SARIF level of a finding of this confidence: error, warning or note."""
    if confidence >= ERROR_CONFIDENCE:
        return "error"
    return "warning" if confidence >= WARNING_CONFIDENCE else "note"


def _shown(finding: Finding) -> str:
    """`spun text -> suggestion`, on one line, with `(review)` when fix would not apply it."""
    suggestion = " | ".join(finding.suggestions) + ("" if finding.fixable else " (review)")
    return f"{' '.join(finding.text.split())} -> {suggestion}"


# --- GitHub Actions workflow commands -------------------------------------------------------

_GITHUB_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def github_escape_data(text: str) -> str:
    """Escape a workflow command's message: `%`, carriage return and line feed."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """Escape a workflow command's property value: as a message, and `:` and `,` too."""
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(path: str, content: str | KnownPositions, findings: Sequence[Finding]) -> list[str]:
    """One `::error|warning|notice file=...,line=...,col=...,endLine=...,endColumn=...,title=...::message` a finding.

    Columns count code points; `endColumn` is the column of the finding's last character.
    GitHub takes columns only for a one-line range, so a finding across a line break has lines only.
    """
    lines = line_index(content)
    out = []
    for finding in findings:
        line, column = lines.line_col(finding.start)
        end_line, end_column = lines.line_col(finding.end)
        properties: list[tuple[str, object]] = [("file", record_name(path)), ("line", line)]
        if end_line == line:
            properties += [("col", column), ("endLine", end_line), ("endColumn", max(column, end_column - 1))]
        else:
            properties.append(("endLine", end_line))
        properties.append(("title", f"respin {finding.rule}"))
        shown = ",".join(f"{key}={github_escape_property(str(value))}" for key, value in properties)
        message = f"{_shown(finding)} [{finding.category.value}, {finding.confidence:.2f}]: {finding.message}"
        out.append(f"::{_GITHUB_COMMAND[level(finding.confidence)]} {shown}::{github_escape_data(message)}")
    return out


# --- SARIF 2.1.0 -----------------------------------------------------------------------------

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@dataclass(frozen=True)
class RuleInfo:
    """A dictionary or rule as SARIF describes it."""

    id: str
    description: str
    category: str
    #: The confidence of every finding (a dictionary's), or None when findings vary (a rule's).
    confidence: float | None = None

    def descriptor(self) -> dict[str, Any]:
        default = level(self.confidence) if self.confidence is not None else "warning"
        full = f"{self.description} (category {self.category}"
        full += f", confidence {self.confidence:.2f})" if self.confidence is not None else ")"
        return {
            "id": self.id,
            "shortDescription": {"text": self.description},
            "fullDescription": {"text": full},
            "defaultConfiguration": {"level": default},
            "properties": {"category": self.category, "tags": ["spin", self.category]},
        }


def rule_catalogue() -> list[RuleInfo]:
    """Every dictionary that flags phrases and every detector (plugins' too), as `respin check --help` lists them."""
    from respin.engine import LISTED_DICTIONARIES, registered_detectors

    catalogue = [RuleInfo(s.name, s.description, s.category.value, s.confidence) for s in LISTED_DICTIONARIES]
    catalogue += [RuleInfo(d.name, d.description, d.category.value) for d in registered_detectors()]
    catalogue += [RuleInfo(f"context-{source}", f"a word the language model reads as swapped (--deep); candidate "
                           f"from {source}", "context") for source in CONTEXT_SOURCES]
    return catalogue


def artifact_location(path: str) -> dict[str, Any]:
    """A SARIF artifactLocation: a relative path as a relative URI, an absolute one as a file: URI."""
    if path == STDIN:
        return {"description": {"text": "standard input"}}
    if PurePath(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(PurePath(path).as_posix())}


class _Utf16Positions:
    """1-based (line, column) of code-point offsets, columns counted in UTF-16 code units."""

    def __init__(self, content: str) -> None:
        self.content = content
        self.lines = LineIndex(content)
        self.astral = _ASTRAL.search(content) is not None

    def position(self, offset: int) -> tuple[int, int]:
        line, column = self.lines.line_col(offset)
        if self.astral:  # a character beyond U+FFFF is two UTF-16 code units
            line_start = offset - (column - 1)
            column += len(_ASTRAL.findall(self.content, line_start, offset))
        return line, column


class SarifLog:
    """A SARIF 2.1.0 log built file by file; `render` gives the document."""

    def __init__(self, catalogue: Sequence[RuleInfo] | None = None) -> None:
        self.rules: list[dict[str, Any]] = []
        self.rule_index: dict[str, int] = {}
        for info in rule_catalogue() if catalogue is None else catalogue:
            self._add_rule(info)
        self.results: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.artifacts: list[dict[str, Any]] = []

    def _add_rule(self, info: RuleInfo) -> int:
        self.rule_index[info.id] = len(self.rules)
        self.rules.append(info.descriptor())
        return self.rule_index[info.id]

    def add_error(self, message: str) -> None:
        """A file that could not be read or written (reported as a tool execution notification)."""
        self.errors.append(message)

    def add_file(self, path: str, content: str, findings: Sequence[Finding], spin_score: float | None = None,
                 fail_spin_score: float | None = None) -> None:
        """A file's findings as results; its spin score, when given, as its artifact's `spinScore`.

        A score at or above `fail_spin_score` is also a result of rule `spin-score` on the file.
        """
        positions = _Utf16Positions(content)
        location = artifact_location(record_name(path) if path != STDIN else path)
        if spin_score is not None:
            self.artifacts.append({
                "location": location, "roles": ["analysisTarget"],
                "properties": {"spinScore": rounded_score(spin_score)},
            })
        for finding in findings:
            index = self.rule_index.get(finding.rule)
            if index is None:  # e.g. languagetool:RULE_ID
                index = self._add_rule(RuleInfo(finding.rule, finding.message, finding.category.value))
            start_line, start_column = positions.position(finding.start)
            end_line, end_column = positions.position(finding.end)
            region = {
                "startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column,
                "snippet": {"text": finding.text},
            }
            result: dict[str, Any] = {
                "ruleId": finding.rule,
                "ruleIndex": index,
                "level": level(finding.confidence),
                "message": {"text": f"{_shown(finding)}: {finding.message}"},
                "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
            }
            if finding.fixable:
                spun = " ".join(finding.text.split())
                result["fixes"] = [{
                    "description": {"text": f"Replace '{spun}' with '{finding.suggestions[0]}'"},
                    "artifactChanges": [{
                        "artifactLocation": location,
                        "replacements": [{
                            "deletedRegion": {k: v for k, v in region.items() if k != "snippet"},
                            "insertedContent": {"text": finding.suggestions[0]},
                        }],
                    }],
                }]
            result["properties"] = {
                "confidence": finding.confidence,
                "category": finding.category.value,
                "suggestions": list(finding.suggestions),
                "fixable": finding.fixable,
            }
            self.results.append(result)
        if spin_score is not None and reaches(spin_score, fail_spin_score):
            self._add_verdict_result(location, spin_score, fail_spin_score)

    def _add_verdict_result(self, location: dict[str, Any], score: float, threshold: float) -> None:
        index = self.rule_index.get(SPIN_SCORE_RULE)
        if index is None:
            index = self._add_rule(RuleInfo(SPIN_SCORE_RULE, SPIN_SCORE_DESCRIPTION, "verdict"))
            self.rules[index]["defaultConfiguration"] = {"level": "error"}
        self.results.append({
            "ruleId": SPIN_SCORE_RULE,
            "ruleIndex": index,
            "level": "error",
            "message": {"text": failed_verdict_message(score, threshold)},
            # GitHub code scanning needs a region with a line: the file's first.
            "locations": [{"physicalLocation": {"artifactLocation": location, "region": {"startLine": 1}}}],
            "properties": {"spinScore": rounded_score(score), "threshold": threshold},
        })

    def document(self, stats: dict[str, Any] | None = None) -> dict[str, Any]:
        run: dict[str, Any] = {
            "tool": {"driver": {
                "name": "respin", "version": __version__, "semanticVersion": __version__,
                "informationUri": INFORMATION_URI, "rules": self.rules,
            }},
            "invocations": [{
                "executionSuccessful": not self.errors,
                "toolExecutionNotifications": [{"level": "error", "message": {"text": m}} for m in self.errors],
            }],
            "columnKind": "utf16CodeUnits",
        }
        if self.artifacts:
            run["artifacts"] = self.artifacts
        run["results"] = self.results
        if stats is not None:
            run["properties"] = {"stats": stats}
        return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}

    def render(self, stats: dict[str, Any] | None = None) -> str:
        return json.dumps(self.document(stats), ensure_ascii=False, indent=2)
