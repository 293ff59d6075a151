"""A large plain-text file checked in pieces finds exactly what checking its whole text finds."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from respin import cli
from respin.documents import files, stream
from respin.documents.formats import Syntax, check_document
from respin.documents.walk import Target
from respin.engine import Checker
from respin.finding import LineIndex
from respin.runner import Job

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "fixtures" / "spun-news-syria.txt").read_text(encoding="utf-8")
FILLER = "Prices rose in the first quarter, and shares in the firm fell later in the year. " * 30
PARTS = [
    EXAMPLE,
    FILLER + "See https://example.com/when you look at the/page or mail a@b.com today.",
    "This paper proposes a method; et al. report the proposed dataset and its experimental results.",
    "The activation ability of each unit is tuned.\r\nIt was the the end.\rA lone CR ended that line.",
    FILLER.replace("quarter", "quarter 😀 ünïcödé 中文"),
    "We apply a priori credibility here, and an attractive stirrer.",
    "Each activation function is smooth; the stirrer is not repulsive. officials attemptedto leave.",
    FILLER,
]


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 3,000 characters, read 1,000 bytes at a time: a few dozen chunks in a test-sized file."""
    monkeypatch.setattr(stream, "CHUNK_CHARS", 3_000)
    monkeypatch.setattr(stream, "PIECE_BYTES", 1_000)
    monkeypatch.setattr(files, "STREAM_MIN_BYTES", 10_000)


def write(tmp_path: Path, text: str, name: str = "large.txt", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def whole_and_streamed(path: Path, text: str, checker: Checker) -> None:
    """Assert the streamed check equals `check_document` on the text, positions included."""
    whole = check_document(text, Checker(jobs=1), Syntax.TEXT)
    streamed = stream.check_file(str(path), checker, max_bytes=10**9, count_words=True)
    assert streamed is not None
    assert streamed.findings == whole
    lines = LineIndex(text)
    for finding in whole:
        for offset in (finding.start, finding.end):
            assert streamed.positions.line_col(offset) == lines.line_col(offset)
    assert streamed.words == len(text.split())


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("separator", ["\n\n", "\r\n\r\n", "\r\n\n", "\n", " "])
def test_streamed_findings_are_those_of_the_whole_text(tmp_path: Path, separator: str) -> None:
    """Paragraph breaks, CRLF, single line breaks and no line breaks at all (chunks cut elsewhere)."""
    text = separator.join(PARTS * 3)
    path = write(tmp_path, text)
    whole_and_streamed(path, text, Checker(jobs=1))
    whole_and_streamed(path, text, Checker(jobs=2))  # the chunks shared with a worker process
    found = {f.rule for f in check_document(text, Checker(jobs=1), Syntax.TEXT)}
    # what the document as a whole decides was exercised: a condition, the research gate, case rules
    assert {"scientific-pps", "tortured-phrase", "doubled-word", "joined-words"} <= found


@pytest.mark.usefixtures("small_pieces")
def test_a_lower_cased_document_and_a_byte_order_mark(tmp_path: Path) -> None:
    text = "\n\n".join(PARTS * 3).lower()
    path = write(tmp_path, text, bom=True)
    whole_and_streamed(path, text, Checker(jobs=1))
    assert {"proper-noun-case", "sentence-case"} <= {f.rule for f in check_document(text, Checker(), Syntax.TEXT)}


@pytest.mark.usefixtures("small_pieces")
def test_bad_utf8_far_into_the_file_is_named_as_reading_it_whole_names_it(tmp_path: Path) -> None:
    data = ("\n\n".join(PARTS * 2)).encode("utf-8")
    path = tmp_path / "bad.txt"
    path.write_bytes(data + b"caf\xe9" + data)
    job = Job(Checker(jobs=1), count_words=False)
    streamed = job.run(Target(str(path)))
    whole = Job(Checker(jobs=1), verdict=True).run(Target(str(path)))  # a verdict needs the whole text
    assert streamed.error is not None and streamed.error == whole.error
    assert f"at offset {len(data) + 3}" in streamed.error


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("content", [b"\xff\xfe" + "utf-16 text ".encode("utf-16-le") * 2000,
                                     b"binary\x00" * 3000], ids=["utf-16", "binary"])
def test_files_that_need_reading_whole_are_not_streamed(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(content)
    assert stream.check_file(str(path), Checker(jobs=1), max_bytes=10**9) is None


@pytest.mark.usefixtures("small_pieces")
def test_an_inline_control_directive_makes_the_file_read_whole(tmp_path: Path) -> None:
    """`respin: off` ... `respin: on` may span the file: the whole text decides."""
    text = "\n\n".join([*PARTS, "respin: off", EXAMPLE, "respin: on", *PARTS])
    path = write(tmp_path, text)
    assert stream.check_file(str(path), Checker(jobs=1), max_bytes=10**9) is None
    result = Job(Checker(jobs=1)).run(Target(str(path)))
    assert result.positions is None and result.findings == tuple(check_document(text, Checker(jobs=1), Syntax.TEXT))


def run_cli(*arguments: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["check", "--no-config", "--quiet", "--jobs", "1", *arguments])
    assert code in (0, 1)
    return out.getvalue()


@pytest.mark.parametrize("output", ["text", "jsonl", "github"])
def test_the_command_line_reports_a_streamed_file_as_it_reports_it_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str) -> None:
    text = "\r\n\r\n".join(PARTS * 3)
    path = write(tmp_path, text)
    whole = run_cli("--format", output, str(path))
    checked: list[bool] = []
    check_file = stream.check_file
    monkeypatch.setattr(stream, "check_file", lambda *a, **k: checked.append(True) or check_file(*a, **k))
    monkeypatch.setattr(files, "STREAM_MIN_BYTES", 10_000)
    monkeypatch.setattr(stream, "CHUNK_CHARS", 3_000)
    assert run_cli("--format", output, str(path)) == whole and checked == [True]
    if output == "jsonl":
        assert len(whole.splitlines()) > 20 and {json.loads(line)["line"] for line in whole.splitlines()} != {1}


def test_json_and_a_verdict_read_the_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spin score reads the whole text, so a check that gives one does not stream."""
    path = write(tmp_path, "\n\n".join(PARTS))
    monkeypatch.setattr(files, "STREAM_MIN_BYTES", 1_000)
    monkeypatch.setattr(stream, "check_file", lambda *a, **k: pytest.fail("streamed"))
    json.loads(run_cli("--format", "json", str(path)))
    assert "spin score" in run_cli("--verdict", str(path))


def test_research_markers_add_up_over_chunks_cut_anywhere() -> None:
    """A marker counts in the chunk it starts in, even when a cut at a space splits it ("this | paper")."""
    from respin.detectors.evidence import research_marker_score

    lower = (PARTS[2] + " In this work, state-of-the-art methodology. ").lower() * 3
    whole = research_marker_score(lower)
    assert whole > 10
    for cut in range(len(lower) + 1):
        assert research_marker_score(lower, 0, cut) + research_marker_score(lower, cut) == whole
