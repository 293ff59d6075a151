"""Data-driven CLI tests: one folder per case under fixtures/cli/, run as a real process.

Each case folder holds `cmd` (the arguments), optional `stdin`, the input files
(in subfolders too), and the expectations: `code`, `stdout`, `stderr`, and
`after/PATH` for every file the command must rewrite (every other input file must
be left byte for byte).
Set RESPIN_UPDATE_CLI=1 to rewrite the expectations after a deliberate change,
then review the diff.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(p for p in (ROOT / "fixtures" / "cli").iterdir() if p.is_dir())
EXPECTATIONS = {"cmd", "stdin", "code", "stdout", "stderr", "after"}
UPDATE = os.environ.get("RESPIN_UPDATE_CLI") == "1"


def run_respin(args: list[str], cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "respin", *args], cwd=cwd, input=stdin, capture_output=True, timeout=60, check=False,
        env={**os.environ, "COLUMNS": "100"},
    )


def _inputs(case: Path) -> list[Path]:
    """The case's input files, as paths relative to the case folder (subfolders included)."""
    top = [p for p in case.iterdir() if p.name not in EXPECTATIONS]
    files = [p for p in top if p.is_file()]
    files += [q for p in top if p.is_dir() for q in p.rglob("*") if q.is_file()]
    return sorted(p.relative_to(case) for p in files)


def _files_below(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_cli_case(case: Path, tmp_path: Path) -> None:
    """The command's exit code, output and file changes match the case folder."""
    work = tmp_path / "work"
    work.mkdir()
    for path in _inputs(case):
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(case / path, work / path)
    stdin = (case / "stdin").read_bytes() if (case / "stdin").exists() else b""
    result = run_respin(shlex.split((case / "cmd").read_text()), work, stdin)

    if UPDATE:
        (case / "code").write_text(f"{result.returncode}\n")
        (case / "stdout").write_bytes(result.stdout)
        (case / "stderr").write_bytes(result.stderr)
        changed = [p for p in _inputs(case) if (work / p).read_bytes() != (case / p).read_bytes()]
        shutil.rmtree(case / "after", ignore_errors=True)
        for path in changed:
            (case / "after" / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(work / path, case / "after" / path)
        return

    assert result.returncode == int((case / "code").read_text()), result.stderr.decode()
    assert result.stdout.decode() == (case / "stdout").read_text(encoding="utf-8")
    assert result.stderr.decode() == (case / "stderr").read_text(encoding="utf-8")
    for path in _inputs(case):
        expected = case / "after" / path
        want = expected.read_bytes() if expected.exists() else (case / path).read_bytes()
        assert (work / path).read_bytes() == want, f"{path} differs"
    assert _files_below(work) == _inputs(case), "stray files"


def test_installed_executable_runs(tmp_path: Path) -> None:
    """The `respin` console script installed beside this Python works end to end."""
    executable = Path(sys.executable).parent / "respin"
    if not executable.exists():
        pytest.skip("respin is not installed as a console script in this environment")
    article = tmp_path / "a.txt"
    article.write_text("Prices rose when you look at the data.\n", encoding="utf-8")
    result = subprocess.run(
        [str(executable), "check", str(article)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert result.stdout == f"{article}:1:13: when you look at the -> in the [fingerprints, 0.95]\n"


def test_help_lists_every_registered_dictionary_and_rule() -> None:
    """`respin check --help` documents the registry the engine reads."""
    from respin.detectors.rules import RULES
    from respin.language.dictionary import REGISTRY

    result = run_respin(["check", "--help"], ROOT)
    assert result.returncode == 0
    text = result.stdout.decode()
    for spec in REGISTRY:
        if spec.role == "spin":
            assert f"  {spec.name}:" in text
    for rule in RULES:
        assert f"  {rule.name}:" in text


def test_json_offsets_index_the_decoded_text(tmp_path: Path) -> None:
    """In JSON output, content[start:end] == text, also after non-ASCII characters."""
    import json

    content = "Café — naïve 😀 when you look at the menu, us makes attemptedto leave.\n"
    (tmp_path / "a.txt").write_text(content, encoding="utf-8")
    result = run_respin(["check", "--format", "json", "a.txt"], tmp_path)
    report = json.loads(result.stdout)
    assert report["version"] == 1
    findings = report["files"][0]["findings"]
    assert len(findings) == 3
    for finding in findings:
        assert content[finding["start"] : finding["end"]] == finding["text"]
        assert finding["line"] == 1 and finding["column"] == finding["start"] + 1


def test_fix_write_failure_is_reported_and_file_untouched(tmp_path: Path, monkeypatch, capsys) -> None:
    """When the file cannot be replaced, fix --write says so, exits 2 and leaves the file as it was."""
    from respin import cli
    from respin.documents import files

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    article = tmp_path / "a.txt"
    article.write_text("Prices rose when you look at the data.\n", encoding="utf-8")
    monkeypatch.setattr(files.os, "replace", refuse)
    assert cli.main(["fix", "--write", str(article)]) == 2
    assert f"{article}: cannot write (Permission denied)" in capsys.readouterr().err
    assert article.read_text(encoding="utf-8") == "Prices rose when you look at the data.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_the_readme_user_dictionary_example_is_the_fixture_as_it_runs() -> None:
    """The README shows config-user-dictionary's files and the output its test checks, verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    case = ROOT / "fixtures" / "cli" / "config-user-dictionary"
    shown_output = readme.split("$ respin check article.txt\n", 1)[1].split("```", 1)[0]
    assert shown_output == (case / "stdout").read_text(encoding="utf-8")
    assert (case / "cmd").read_text().split() == ["check", "article.txt"]
    assert (case / "house-style.txt").read_text(encoding="utf-8") in readme
    for line in (case / "wire-desk.txt").read_text(encoding="utf-8").splitlines():
        assert line.startswith("#") or line in readme
