"""Render findings for people (text) and programs (json, jsonl).

The JSON shapes are a contract pipelines rely on (documented in the README):
`start`/`end` are code-point offsets into the decoded text, `text ==
content[start:end]`, and `line`/`column` are 1-based.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from respin.files import display_name
from respin.finding import Finding, LineIndex

FORMATS = ("text", "json", "jsonl")
JSON_VERSION = 1


def finding_record(finding: Finding, lines: LineIndex) -> dict[str, Any]:
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


def text_lines(path: str, content: str, findings: Sequence[Finding]) -> list[str]:
    """`path:line:col: spun text -> suggestion [rule, confidence]`, one finding a line."""
    lines = LineIndex(content)
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


def jsonl_lines(path: str, content: str, findings: Sequence[Finding]) -> list[str]:
    """One JSON object a finding, each with its `path`."""
    lines = LineIndex(content)
    return [
        json.dumps({"path": display_name(path), **finding_record(f, lines)}, ensure_ascii=False)
        for f in findings
    ]


def file_record(path: str, content: str, findings: Sequence[Finding]) -> dict[str, Any]:
    lines = LineIndex(content)
    return {"path": display_name(path), "findings": [finding_record(f, lines) for f in findings]}


def json_document(files: Sequence[dict[str, Any]]) -> str:
    return json.dumps({"version": JSON_VERSION, "files": list(files)}, ensure_ascii=False, indent=2)
