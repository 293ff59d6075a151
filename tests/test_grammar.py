"""Tests for the LanguageTool grammar detector, against a local server that answers like LanguageTool.

The server (http.server on 127.0.0.1, port 0, in a thread) answers `POST /v2/check`
with the recorded response in fixtures/languagetool/ whose `.txt` holds the request's
text (an empty `matches` list for any other text), and `GET /v2/languages` and
`/v2/healthcheck` as LanguageTool does. The real language-tool-python client talks
to it. For the local-install mode a stand-in `java` on PATH runs the same server
(or crashes, or hangs) on the port it is given.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from respin.detectors.grammar import (
    MAX_CHUNK_UNITS,
    MAX_START_ATTEMPTS,
    LanguageToolDetector,
    Utf16Offsets,
    chunk_bounds,
    describe_error,
    detector_from_env,
    find_local_jar,
    normalise_server_url,
)
from respin.finding import Category

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "languagetool"
LANGUAGES = json.loads((FIXTURES / "languages.json").read_text(encoding="utf-8"))
RECORDED = {
    path.with_suffix(".txt").read_text(encoding="utf-8").rstrip(): json.loads(path.read_text(encoding="utf-8"))
    for path in FIXTURES.glob("*.json")
    if path.name != "languages.json"
}
NO_MATCHES = {**RECORDED[next(iter(RECORDED))], "matches": []}


def fixture_text(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").rstrip("\n")


@dataclass
class FakeLanguageTool:
    """How the fake server behaves, and what it was asked."""

    check_delay: float = 0.0
    languages_delay: float = 0.0
    max_text_length: int | None = None
    check_body: str | None = None  # answer every check with this instead
    checked: list[dict[str, str]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # ends every delay early


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakeLanguageTool, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), LanguageToolHandler)
        self.state = state


class LanguageToolHandler(BaseHTTPRequestHandler):
    server: FakeServer

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/v2/languages":
            self.server.state.release.wait(self.server.state.languages_delay)
            self._send(200, json.dumps(LANGUAGES), "application/json")
        elif path == "/v2/healthcheck":
            self._send(200, "OK", "text/plain")
        else:
            self._send(404, f"Error: unknown path {path}", "text/plain")

    def do_POST(self) -> None:
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        if urlsplit(self.path).path != "/v2/check":
            self._send(404, "Error: unknown path", "text/plain")
            return
        form = {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}
        state.checked.append(form)
        state.release.wait(state.check_delay)
        text = form.get("text")
        if text is None or "language" not in form:
            self._send(400, "Error: Missing 'text' or 'language' parameter", "text/plain")
            return
        if state.check_body is not None:
            self._send(200, state.check_body, "application/json")
            return
        units = len(text.encode("utf-16-le")) // 2
        if state.max_text_length is not None and units > state.max_text_length:
            message = f"Error: Your text exceeds the limit of {state.max_text_length} characters (it's {units})"
            self._send(413, message, "text/plain")
            return
        self._send(200, json.dumps(RECORDED.get(text.rstrip(), NO_MATCHES)), "application/json")

    def _send(self, status: int, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_until_killed(port: int) -> None:
    """Run the fake server in the foreground (what the stand-in `java` does)."""
    FakeServer(FakeLanguageTool(), port).serve_forever(poll_interval=0.05)


@pytest.fixture(autouse=True)
def _no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a developer's HTTP proxy settings away from the loopback server."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def serve() -> Iterator[Callable[..., tuple[str, FakeLanguageTool]]]:
    """Start fake LanguageTool servers: `url, state = serve(check_delay=...)`."""
    running: list[tuple[FakeServer, FakeLanguageTool]] = []

    def start(**behaviour: Any) -> tuple[str, FakeLanguageTool]:
        state = FakeLanguageTool(**behaviour)
        server = FakeServer(state)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        running.append((server, state))
        return f"http://127.0.0.1:{server.server_address[1]}", state

    yield start
    for server, state in running:
        state.release.set()
        server.shutdown()
        server.server_close()


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def summary(text: str, findings: list[Any]) -> list[tuple[str, str, tuple[str, ...], float, bool]]:
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
        assert finding.category is Category.GRAMMAR
    return [(f.text, f.rule, f.suggestions, f.confidence, f.autofix) for f in findings]


def test_findings_carry_offsets_suggestions_and_kinds(serve: Callable[..., tuple[str, FakeLanguageTool]]) -> None:
    """Recorded matches become GRAMMAR findings with the right spans, suggestions, confidence and autofix."""
    url, state = serve()
    text = fixture_text("basic")
    with LanguageToolDetector(url, timeout=5) as detector:
        findings = detector.find(text)
    assert summary(text, findings) == [
        ("go", "languagetool:HE_VERB_AGR", ("goes", "went"), 0.8, False),
        ("a", "languagetool:EN_A_VS_AN", ("an",), 0.7, True),
        ("teh", "languagetool:MORFOLOGIK_RULE_EN_US", ("the", "tech", "ten", "tea", "Te"), 0.5, False),
        ("is is", "languagetool:ENGLISH_WORD_REPEAT_RULE", ("is",), 0.7, True),
    ]
    assert [f.start for f in findings] == [3, text.index(" a ") + 1, text.index("teh"), text.index(" is is") + 1]
    assert findings[0].message.startswith("The pronoun ‘He’ is usually used")
    assert [f.fixable for f in findings] == [False, True, False, True]
    assert state.checked == [{"language": "en-US", "text": text}]
    assert detector.warning is None


def test_utf16_offsets_after_emoji_become_code_points(serve: Callable[..., tuple[str, FakeLanguageTool]]) -> None:
    """LanguageTool's UTF-16 offsets and lengths, with emoji before and inside a match, map to code points."""
    url, _ = serve()
    text = fixture_text("emoji")
    assert len(text.encode("utf-16-le")) // 2 == len(text) + 3  # 🚀, 🎉 and 𝑓 take two units each
    with LanguageToolDetector(url, timeout=5) as detector:
        findings = detector.find(text)
    assert summary(text, findings) == [
        ("an", "languagetool:EN_A_VS_AN", ("a",), 0.7, True),
        ("𝑓ormula", "languagetool:MORFOLOGIK_RULE_EN_US", ("formula", "formulae", "formal"), 0.5, False),
    ]
    assert [(f.start, f.end) for f in findings] == [(18, 20), (34, 41)]


def test_utf16_offsets_convert_both_ways() -> None:
    """Utf16Offsets maps code points to UTF-16 units and back, and refuses the middle of a surrogate pair."""
    offsets = Utf16Offsets("a😀b🎉")
    assert offsets.length == 6
    assert [offsets.to_utf16(i) for i in range(5)] == [0, 1, 3, 4, 6]
    assert [offsets.to_code_point(u) for u in range(-1, 8)] == [None, 0, 1, None, 2, 3, None, 4, None]
    assert [offsets.floor_code_point(u) for u in range(7)] == [0, 1, 1, 2, 3, 3, 4]


def test_long_text_is_chunked_at_paragraphs_and_offsets_shifted(
    serve: Callable[..., tuple[str, FakeLanguageTool]],
) -> None:
    """A text longer than a request may be goes out in paragraph chunks; findings land at whole-text offsets."""
    url, state = serve()
    middle = "Nothing here needs fixing, so this paragraph comes back without matches."
    text = "\n\n".join([fixture_text("chunk_first"), middle, fixture_text("chunk_third")])
    with LanguageToolDetector(url, timeout=5, max_chunk=100) as detector:
        findings = detector.find(text)
    assert [form["text"] for form in state.checked] == [
        fixture_text("chunk_first") + "\n\n",
        middle + "\n\n",
        fixture_text("chunk_third"),
    ]
    third = text.index("later")
    assert summary(text, findings) == [
        ("go", "languagetool:HE_VERB_AGR", ("goes", "went"), 0.8, False),
        ("later", "languagetool:UPPERCASE_SENTENCE_START", ("Later",), 0.6, True),
        ("a", "languagetool:EN_A_VS_AN", ("an",), 0.7, True),
    ]
    assert [f.start for f in findings] == [3, third, text.index(" a ", third) + 1]


def test_chunk_bounds_cover_the_text_and_end_at_paragraph_breaks() -> None:
    """Chunks of a long text are contiguous, within the UTF-16 limit, and end after blank lines."""
    paragraph = "Spun text 🚀 keeps its meaning but loses its words. " * 40
    text = "\n\n".join(paragraph.strip() for _ in range(40))
    bounds = chunk_bounds(text)
    assert len(bounds) > 2
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert all(len(text[a:b].encode("utf-16-le")) // 2 <= MAX_CHUNK_UNITS for a, b in bounds)
    assert all(text[:end].endswith("\n\n") for _, end in bounds[:-1])


def test_chunk_bounds_split_one_huge_paragraph_between_words() -> None:
    """A paragraph longer than a chunk is cut after a sentence or a space, never inside a word."""
    text = " ".join(f"word{i}" for i in range(2_000))
    bounds = chunk_bounds(text, 1_000)
    assert len(bounds) > 10
    assert "".join(text[a:b] for a, b in bounds) == text
    assert all(text[end - 1] == " " for _, end in bounds[:-1])


def test_matches_with_bad_spans_are_dropped(serve: Callable[..., tuple[str, FakeLanguageTool]]) -> None:
    """Empty spans, spans past the end and spans that contradict their context are skipped; the rest stay."""
    url, _ = serve()
    text = fixture_text("bad_spans")
    with LanguageToolDetector(url, timeout=5) as detector:
        findings = detector.find(text)
    assert summary(text, findings) == [("an", "languagetool:EN_A_VS_AN", ("a",), 0.7, True)]


def test_slow_server_times_out_once_and_turns_the_detector_off(
    serve: Callable[..., tuple[str, FakeLanguageTool]],
) -> None:
    """A check slower than the timeout gives one warning and [] in about the timeout; later calls do nothing."""
    url, state = serve(check_delay=10)
    warnings: list[str] = []
    detector = LanguageToolDetector(url, timeout=0.5, on_warning=warnings.append)
    began = time.monotonic()
    assert detector.find(fixture_text("basic")) == []
    assert time.monotonic() - began < 2.0
    assert len(warnings) == 1 and warnings[0] == detector.warning
    assert url in warnings[0] and "no answer within 0.5 s" in warnings[0]
    assert not detector.active
    began = time.monotonic()
    assert detector.find(fixture_text("emoji")) == []
    assert time.monotonic() - began < 0.1
    assert len(warnings) == 1
    assert all(form["text"] == fixture_text("basic") for form in state.checked)


def test_server_slow_to_start_times_out(serve: Callable[..., tuple[str, FakeLanguageTool]]) -> None:
    """A server that does not answer `/v2/languages` in time is given up at start-up, with one warning."""
    url, state = serve(languages_delay=10)
    detector = LanguageToolDetector(url, timeout=0.5)
    began = time.monotonic()
    assert detector.find(fixture_text("basic")) == []
    assert time.monotonic() - began < 2.0
    assert detector.warning is not None and "could not be used: no answer within 0.5 s" in detector.warning
    assert detector.start() is False
    assert state.checked == []


def test_client_timeout_reads_like_the_deadline() -> None:
    """The HTTP client's own timeout and respin's deadline race at the same limit: both name the limit."""
    try:
        try:
            raise TimeoutError("read timed out")
        except TimeoutError as cause:
            raise OSError("request failed") from cause
    except OSError as error:
        assert describe_error(error, 0.5) == "no answer within 0.5 s"
        assert describe_error(error) == "timed out"


def test_refused_connection_gives_one_warning() -> None:
    """A closed port gives [] and one readable warning, and never raises."""
    url = closed_port_url()
    warnings: list[str] = []
    detector = LanguageToolDetector(url, timeout=2, on_warning=warnings.append)
    assert detector.find(fixture_text("basic")) == []
    assert detector.find(fixture_text("basic")) == []
    assert warnings == [
        f"LanguageTool ({url}/) could not be used: connection refused; "
        "grammar checking is off for the rest of this run."
    ]


def test_error_response_turns_the_detector_off(serve: Callable[..., tuple[str, FakeLanguageTool]]) -> None:
    """A server that refuses a request (text too long) yields a warning naming its reason; smaller chunks pass."""
    url, _ = serve(max_text_length=50)
    text = fixture_text("basic")
    refused = LanguageToolDetector(url, timeout=5)
    assert refused.find(text) == []
    assert refused.warning is not None and "exceeds the limit of 50 characters" in refused.warning
    with LanguageToolDetector(url, timeout=5, max_chunk=50) as chunked:
        assert chunked.find(text) == []  # chunks differ from the recorded text: no matches, but no error
        assert chunked.warning is None


def test_answer_in_another_format_warns(serve: Callable[..., tuple[str, FakeLanguageTool]]) -> None:
    """A server whose JSON is not LanguageTool's check format gives a readable warning, not an exception."""
    url, _ = serve(check_body='{"result": "ok"}')
    detector = LanguageToolDetector(url, timeout=5)
    assert detector.find(fixture_text("basic")) == []
    assert detector.warning is not None
    assert "stopped working: its answer is not in LanguageTool's format (KeyError: 'matches')" in detector.warning


def test_unsupported_language_warns(serve: Callable[..., tuple[str, FakeLanguageTool]]) -> None:
    """A language the server does not list turns the detector off with a warning, not an exception."""
    url, _ = serve()
    detector = LanguageToolDetector(url, language="xx-YY", timeout=5)
    assert detector.find(fixture_text("basic")) == []
    assert detector.warning is not None and "unsupported language" in detector.warning


def test_detector_from_environment(serve: Callable[..., tuple[str, FakeLanguageTool]], tmp_path: Path) -> None:
    """RESPIN_LANGUAGETOOL builds a server detector, LTP_PATH a local one, neither builds none."""
    url, _ = serve()
    jar = tmp_path / "LanguageTool-6.4" / "languagetool-server.jar"
    jar.parent.mkdir()
    jar.write_text("serve")
    assert detector_from_env({}) is None
    assert detector_from_env({"RESPIN_LANGUAGETOOL": " ", "LTP_PATH": ""}) is None
    from_url = detector_from_env({"RESPIN_LANGUAGETOOL": url, "LTP_PATH": str(tmp_path)}, timeout=5)
    assert from_url is not None and from_url.url == url + "/" and from_url.jar is None
    assert [f.text for f in from_url.find(fixture_text("basic"))] == ["go", "a", "teh", "is is"]
    local = detector_from_env({"LTP_PATH": str(tmp_path)})
    assert local is not None and local.jar == jar and local.url is None
    assert local.startup_timeout >= 60  # a JVM gets time to load a language; nothing started yet
    with pytest.raises(ValueError, match="does not exist"):
        detector_from_env({"LTP_PATH": str(tmp_path / "missing")})
    with pytest.raises(ValueError, match="not an http"):
        detector_from_env({"RESPIN_LANGUAGETOOL": "localhost:8081"})


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        ({}, "either a server URL or a local install"),
        ({"url": "http://127.0.0.1:8081", "local_path": "."}, "either a server URL or a local install"),
        ({"url": "localhost:8081"}, "not an http"),
        ({"url": "ftp://127.0.0.1/"}, "not an http"),
        ({"url": "http://"}, "not an http"),
        ({"url": "http://127.0.0.1:99999"}, "bad port"),
        ({"url": "http://127.0.0.1:8081/v2/check?language=en"}, "query or fragment"),
        ({"local_path": "/nonexistent/LanguageTool"}, "does not exist"),
        ({"local_path": str(ROOT / "pyproject.toml")}, "neither a folder nor a .jar"),
        ({"local_path": str(FIXTURES)}, "holds no LanguageTool install"),
        ({"url": "http://127.0.0.1:8081", "timeout": 0}, "positive number of seconds"),
        ({"url": "http://127.0.0.1:8081", "timeout": float("nan")}, "positive number of seconds"),
        ({"url": "http://127.0.0.1:8081", "startup_timeout": -1}, "positive number of seconds"),
        ({"url": "http://127.0.0.1:8081", "language": "English!"}, "not a language tag"),
        ({"url": "http://127.0.0.1:8081", "max_chunk": 1}, "cannot hold every character"),
    ],
)
def test_bad_configuration_raises(arguments: dict[str, Any], complaint: str) -> None:
    """Malformed URLs, missing installs and impossible settings raise a clear ValueError when built."""
    with pytest.raises(ValueError, match=complaint):
        LanguageToolDetector(**arguments)


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("http://localhost:8081", "http://localhost:8081/"),
        ("http://localhost:8081/v2/", "http://localhost:8081/"),
        ("http://localhost:8081/v2/check", "http://localhost:8081/"),
        ("https://api.languagetool.org/v2", "https://api.languagetool.org/"),
        ("https://example.org/languagetool/", "https://example.org/languagetool/"),
    ],
)
def test_server_urls_are_normalised(given: str, base: str) -> None:
    """Base URLs with or without `/v2` or `/v2/check` all name the server's base."""
    assert normalise_server_url(given) == base


def test_local_jar_is_found_in_an_install_or_download_folder(tmp_path: Path) -> None:
    """A jar is found directly, in the folder, or in the newest LanguageTool-<version> folder."""
    for version in ("6.3", "6.10"):
        (tmp_path / f"LanguageTool-{version}").mkdir()
        (tmp_path / f"LanguageTool-{version}" / "languagetool-server.jar").write_text("")
    newest = tmp_path / "LanguageTool-6.10" / "languagetool-server.jar"
    assert find_local_jar(tmp_path) == newest
    assert find_local_jar(newest.parent) == newest
    assert find_local_jar(newest) == newest


def test_detector_pickles_without_its_connection(serve: Callable[..., tuple[str, FakeLanguageTool]]) -> None:
    """A detector pickles (as the engine's checker does) and the copy connects on its own."""
    url, _ = serve()
    with LanguageToolDetector(url, timeout=5) as detector:
        assert detector.start()
        copy = pickle.loads(pickle.dumps(detector))
    with copy:
        assert [f.text for f in copy.find(fixture_text("emoji"))] == ["an", "𝑓ormula"]


FAKE_JAVA = """#!{python}
import os, sys, time
args = sys.argv[1:]
jar, port = args[args.index("-cp") + 1], int(args[args.index("--port") + 1])
with open(os.path.join(os.path.dirname(jar), "starts.log"), "a") as log:
    log.write(f"{{os.getpid()}} {{port}}\\n")
behaviour = open(jar).read().strip()
if behaviour == "crash":
    sys.exit("Error: Invalid or corrupt jarfile " + jar)
if behaviour == "hang":
    time.sleep(60)
    sys.exit(0)
sys.path.insert(0, {tests!r})
from test_grammar import serve_until_killed
serve_until_killed(port)
"""


@pytest.fixture
def local_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """An LTP_PATH-style folder whose 'jar' tells a stand-in `java` on PATH to serve, crash or hang."""
    if os.name == "nt":
        pytest.skip("the stand-in java is a POSIX script")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    java = bin_dir / "java"
    java.write_text(FAKE_JAVA.format(python=sys.executable, tests=str(Path(__file__).resolve().parent)))
    java.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")

    def make(behaviour: str) -> Path:
        install = tmp_path / "lt" / "LanguageTool-6.4"
        install.mkdir(parents=True)
        (install / "languagetool-server.jar").write_text(behaviour)
        return install.parent

    return make


def started_pids(root: Path) -> list[int]:
    log = root / "LanguageTool-6.4" / "starts.log"
    return [int(line.split()[0]) for line in log.read_text().splitlines()] if log.exists() else []


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_local_install_is_started_used_and_stopped(local_install: Callable[[str], Path]) -> None:
    """A local install is started on a free port on first use, answers checks, and is stopped by close()."""
    root = local_install("serve")
    detector = LanguageToolDetector(local_path=root, timeout=5, startup_timeout=10)
    assert started_pids(root) == []  # nothing starts before the first use
    findings = detector.find(fixture_text("basic"))
    assert [f.text for f in findings] == ["go", "a", "teh", "is is"]
    [pid] = started_pids(root)
    assert is_running(pid)
    detector.close()
    assert not is_running(pid)
    assert detector.find(fixture_text("basic")) == [] and detector.warning is None


def test_local_server_that_exits_is_tried_on_few_ports(local_install: Callable[[str], Path]) -> None:
    """A broken jar is tried on at most MAX_START_ATTEMPTS ports, quickly, and its error reaches the warning."""
    root = local_install("crash")
    detector = LanguageToolDetector(local_path=root, timeout=5, startup_timeout=10)
    began = time.monotonic()
    assert detector.find(fixture_text("basic")) == []
    assert time.monotonic() - began < 5
    assert 1 <= len(started_pids(root)) <= MAX_START_ATTEMPTS
    assert detector.warning is not None
    assert "exited early with code 1: Error: Invalid or corrupt jarfile" in detector.warning


def test_local_server_that_never_answers_is_killed_at_the_deadline(local_install: Callable[[str], Path]) -> None:
    """A local server that never becomes ready is abandoned at the start-up timeout and its process killed."""
    root = local_install("hang")
    detector = LanguageToolDetector(local_path=root, timeout=5, startup_timeout=0.5)
    began = time.monotonic()
    assert detector.find(fixture_text("basic")) == []
    assert time.monotonic() - began < 3
    assert detector.warning is not None and "no answer within 0.5 s" in detector.warning
    pids = started_pids(root)
    assert len(pids) == 1 and not is_running(pids[0])


def test_cli_merges_grammar_findings_with_respins_own(
    serve: Callable[..., tuple[str, FakeLanguageTool]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`respin check --languagetool URL` reports the server's matches beside respin's findings."""
    from respin import cli

    url, _ = serve()
    article = tmp_path / "basic.txt"
    article.write_text(fixture_text("basic"), encoding="utf-8")
    code = cli.main(["check", "--format", "jsonl", "--languagetool", url, str(article)])
    out = capsys.readouterr()
    rules = [json.loads(line)["rule"] for line in out.out.splitlines()]
    assert code == 1
    assert any(rule.startswith("languagetool:") for rule in rules)
    assert out.err == ""


def test_cli_reads_the_server_from_the_configuration(
    serve: Callable[..., tuple[str, FakeLanguageTool]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`languagetool = URL` in [tool.respin] turns the grammar backend on; --no-config turns it off again."""
    from respin import cli

    url, _ = serve()
    (tmp_path / "pyproject.toml").write_text(f'[tool.respin]\nlanguagetool = "{url}"\n', encoding="utf-8")
    article = tmp_path / "basic.txt"
    article.write_text(fixture_text("basic"), encoding="utf-8")
    cli.main(["check", "--format", "jsonl", str(article)])
    rules = [json.loads(line)["rule"] for line in capsys.readouterr().out.splitlines()]
    assert any(rule.startswith("languagetool:") for rule in rules)
    cli.main(["check", "--format", "jsonl", "--no-config", str(article)])
    rules = [json.loads(line)["rule"] for line in capsys.readouterr().out.splitlines()]
    assert not any(rule.startswith("languagetool:") for rule in rules)


def test_cli_warns_once_and_goes_on_when_the_server_is_down(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dead server: one warning on stderr, respin's own findings still reported, exit 1 not 2."""
    from respin import cli

    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Prices rose when you look at the data.\n", encoding="utf-8")
    second.write_text("They hit a handle russia on the deal.\n", encoding="utf-8")
    code = cli.main(["check", "--languagetool", closed_port_url(), str(first), str(second)])
    out = capsys.readouterr()
    assert code == 1
    assert out.err.count("respin: warning: LanguageTool") == 1
    assert "when you look at the -> in the" in out.out and "hit a handle -> strike a deal with" in out.out


def test_cli_rejects_a_bad_languagetool_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A malformed --languagetool URL is a usage error: exit 2 with the reason."""
    from respin import cli

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["check", "--languagetool", "ftp://example", str(tmp_path / "x.txt")])
    assert exit_info.value.code == 2
    assert "LanguageTool" in capsys.readouterr().err
