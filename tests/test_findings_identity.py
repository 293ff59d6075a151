"""Speed work must not change what respin finds: its output is compared with recorded output.

The fast tier is tuned for speed (one pass where there were many, chunked checking
of large texts, worker processes); each of those changes must leave the findings
byte for byte as they were. This test runs the installed command line as a user
does on

- the bundled example, against its full recorded `--format jsonl` output
  (`fixtures/spun-news-syria.findings.jsonl`), and
- the clean bbc-dev corpus in ../shared (as a folder, and concatenated into one
  5 MB file as `bench.speed` builds it), against SHA-256 digests of the output
  (`fixtures/bbc-dev-findings.json`: the corpus itself may not be copied into
  the project), with one process and with two.

When a change *means* to alter the findings (a new rule, a dictionary entry), run
`python tests/test_findings_identity.py --record` and say in the commit what changed.
"""

from __future__ import annotations

import collections
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "spun-news-syria.txt"
EXAMPLE_FINDINGS = ROOT / "fixtures" / "spun-news-syria.findings.jsonl"
CORPUS = ROOT.parent / "shared" / "data" / "bbc-dev"
DIGESTS = ROOT / "fixtures" / "bbc-dev-findings.json"
JOBS = ("1", "2")


def respin_jsonl(*arguments: str, cwd: Path = ROOT) -> str:
    """The jsonl output, followed by the messages on stderr (bbc-dev holds a few files that are not UTF-8)."""
    done = subprocess.run([sys.executable, "-m", "respin", "check", "--no-config", "--quiet", "--format", "jsonl",
                           *arguments], cwd=cwd, capture_output=True, text=True, check=False)
    errors = done.stderr.splitlines()
    assert done.returncode in (0, 1) or (done.returncode == 2 and all("not valid utf-8" in e for e in errors)), \
        done.stderr
    return done.stdout + "".join(f"stderr: {line}\n" for line in errors)


def corpus_file(folder: Path) -> Path:
    from bench.speed import build_corpus

    folder.mkdir(parents=True, exist_ok=True)
    return build_corpus(CORPUS, folder)


def outputs(tmp: Path) -> dict[str, str]:
    """name -> jsonl output, for every recorded run on the corpus."""
    single = corpus_file(tmp)
    runs = {}
    for jobs in JOBS:
        runs[f"folder --jobs {jobs}"] = respin_jsonl("--jobs", jobs, CORPUS.name, cwd=CORPUS.parent)
        runs[f"one file --jobs {jobs}"] = respin_jsonl("--jobs", jobs, single.name, cwd=single.parent)
    return runs


def summary(output: str) -> dict[str, int]:
    """Findings by rule: what a failure message shows of the difference."""
    rules = (json.loads(line)["rule"] if line.startswith("{") else "(error)" for line in output.splitlines())
    return dict(sorted(collections.Counter(rules).items()))


def record(output: str) -> dict[str, object]:
    return {"sha256": hashlib.sha256(output.encode()).hexdigest(), "findings": len(output.splitlines()),
            "by_rule": summary(output)}


def test_the_example_s_findings_are_as_recorded():
    expected = EXAMPLE_FINDINGS.read_text(encoding="utf-8")
    actual = respin_jsonl(str(EXAMPLE.relative_to(ROOT)))
    assert actual.splitlines() == expected.splitlines()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the bbc-dev corpus (../shared/data) is not beside the repository")
def test_the_corpus_findings_are_as_recorded(tmp_path):
    recorded = json.loads(DIGESTS.read_text(encoding="utf-8"))
    for name, output in outputs(tmp_path).items():
        assert record(output) == recorded[name], f"{name}: findings changed (see the module docstring)"


def main() -> None:
    if sys.argv[1:] != ["--record"]:
        raise SystemExit("usage: python tests/test_findings_identity.py --record")
    import tempfile

    sys.path.insert(0, str(ROOT))
    EXAMPLE_FINDINGS.write_text(respin_jsonl(str(EXAMPLE.relative_to(ROOT))), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        records = {name: record(output) for name, output in outputs(Path(tmp)).items()}
    DIGESTS.write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    print(f"recorded {EXAMPLE_FINDINGS.name} and {DIGESTS.name}")


if __name__ == "__main__":
    main()
