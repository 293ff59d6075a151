"""The optional grammar detector: LanguageTool, reached through language-tool-python.

Off unless configured, and then with no network traffic but to the configured
place: a LanguageTool server's URL (`RESPIN_LANGUAGETOOL`), or a local
LanguageTool install (`LTP_PATH`) that is started as a Java server on a free
loopback port on first use. Nothing is ever downloaded.

`LanguageToolDetector.find(text)` returns `Finding`s of category GRAMMAR with
code-point offsets. LanguageTool counts UTF-16 code units (Java chars), in which
a character outside the Basic Multilingual Plane (most emoji) is two; the
offsets are converted, and a match whose span does not fit the text is dropped.
Servers limit the request size (the public API to 20,000 characters), so a long
text is sent in chunks that end at paragraph breaks where possible, and the
offsets are shifted back.

Grammar checking is an extra, and a server may be down, slow or wrong. Start-up
and every request have a deadline: the call runs in a daemon worker thread that
is abandoned when its deadline passes. The first failure of any kind (refused
connection, timeout, error response, unsupported language, a local server that
does not start) turns the detector off for the rest of the run and records one
human-readable `warning` (also passed to `on_warning`); `find` never raises for
it and returns `[]` from then on. Bad configuration (a malformed URL, a local
path that holds no LanguageTool) raises `ValueError` when the detector is built.

What a finding is worth and whether `fix` may apply it unasked follow the kind
of issue LanguageTool reports (`rule.issueType`; the spell checker is known by
its category, `TYPOS`). A fix is automatic only when LanguageTool offers
exactly one replacement and the kind allows it:

    issue                                  confidence  autofix
    spell checker (category TYPOS)         0.5         never: a spun text's odd
                                                       synonyms are not typos
    grammar                                0.8         yes
    misspelling found by a rule (a/an)     0.7         yes
    duplication (doubled words)            0.7         yes
    typographical, whitespace              0.6         yes
    style, register, anything else         0.5         no: a matter of taste

language-tool-python starts a local server by downloading LanguageTool when it
is missing and by trying up to 918 ports, waiting 15 s on each; respin replaces
that start-up (`_client_class`) with one that runs the given jar, tries at most
`MAX_START_ATTEMPTS` ports within the start-up deadline, and never downloads.
"""

from __future__ import annotations

import bisect
import math
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from respin.finding import Category, Finding

#: Environment variable holding a LanguageTool server's URL.
ENV_URL = "RESPIN_LANGUAGETOOL"
#: Environment variable holding a local LanguageTool install (language-tool-python's name for it).
ENV_LOCAL = "LTP_PATH"

#: Seconds allowed for each request, and for reaching a server at start-up.
DEFAULT_TIMEOUT = 20.0
#: Seconds allowed for a local Java server to start (loading a language takes a while).
DEFAULT_LOCAL_STARTUP_TIMEOUT = 60.0
#: Largest request, in UTF-16 code units (the public API's limit; a local server has none by default).
MAX_CHUNK_UNITS = 20_000
#: Suggestions kept per finding, best first.
MAX_SUGGESTIONS = 5
#: Ports tried when a local server fails to start.
MAX_START_ATTEMPTS = 3
#: Jar names a LanguageTool install may have, newest layout first.
JAR_NAMES = ("languagetool-server.jar", "languagetool.jar", "LanguageTool.jar")

_WARNING_TAIL = "grammar checking is off for the rest of this run."
_LANGUAGE_TAG = re.compile(r"(?:auto|[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_WHITE_SPACE = re.compile(r"\s")
# Where a chunk may end, best first: after blank lines, a line break, a sentence, a space.
_CUTS = (
    re.compile(r"\n[^\S\n]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"[.!?…][\"'”’)\]]*\s+"),
    re.compile(r"\s+"),
)
_SPELL_CHECKER_CATEGORIES = frozenset({"TYPOS"})
_SPELL_CHECKER_RULE = re.compile(r"MORFOLOGIK_RULE_|HUNSPELL_|.*SPELLER_RULE$")


@dataclass(frozen=True)
class IssueKind:
    """How much a kind of LanguageTool match is trusted."""

    confidence: float
    #: Whether a match with exactly one replacement may be fixed unasked.
    autofix: bool


SPELL_CHECKER = IssueKind(0.5, autofix=False)
OTHER_ISSUE = IssueKind(0.5, autofix=False)
#: By LanguageTool's `rule.issueType` (the ITS 2.0 localization quality issue types).
ISSUE_KINDS: Mapping[str, IssueKind] = {
    "grammar": IssueKind(0.8, autofix=True),
    "misspelling": IssueKind(0.7, autofix=True),
    "duplication": IssueKind(0.7, autofix=True),
    "typographical": IssueKind(0.6, autofix=True),
    "whitespace": IssueKind(0.6, autofix=True),
    "style": IssueKind(0.5, autofix=False),
}


def issue_kind(rule_id: str, category_id: str, issue_type: str) -> IssueKind:
    """The trust given to a match of `rule_id` (see the table in the module docstring)."""
    if category_id in _SPELL_CHECKER_CATEGORIES or _SPELL_CHECKER_RULE.match(rule_id):
        return SPELL_CHECKER
    return ISSUE_KINDS.get(issue_type, OTHER_ISSUE)


class Utf16Offsets:
    """Converts between code-point offsets into a text and UTF-16 code-unit offsets (Java's)."""

    def __init__(self, text: str) -> None:
        #: Code-point offsets of the characters that take two UTF-16 units, and their UTF-16 offsets.
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_units = [offset + i for i, offset in enumerate(self._astral)]
        self.length = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        return offset + bisect.bisect_left(self._astral, offset)

    def to_code_point(self, unit: int) -> int | None:
        """The code-point offset of `unit`; None inside a surrogate pair or outside the text."""
        if not 0 <= unit <= self.length:
            return None
        i = bisect.bisect_left(self._astral_units, unit - 1)
        if i < len(self._astral_units) and self._astral_units[i] == unit - 1:
            return None
        return unit - bisect.bisect_right(self._astral_units, unit - 2)

    def floor_code_point(self, unit: int) -> int:
        """The last code-point offset at or before `unit` (clamped to the text)."""
        unit = max(0, min(unit, self.length))
        offset = self.to_code_point(unit)
        return offset if offset is not None else unit - 1 - bisect.bisect_left(self._astral_units, unit - 1)


def chunk_bounds(text: str, max_units: int = MAX_CHUNK_UNITS) -> list[tuple[int, int]]:
    """Code-point ranges that cover `text` in order, each at most `max_units` UTF-16 units long.

    A chunk ends after a paragraph break where one fits, else after a line break,
    a sentence or a space, and only as a last resort inside a word.
    """
    if max_units < 2:
        raise ValueError(f"chunks of {max_units} UTF-16 units cannot hold every character")
    offsets = Utf16Offsets(text)
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        limit = offsets.floor_code_point(offsets.to_utf16(start) + max_units)
        if limit >= len(text):
            bounds.append((start, len(text)))
            break
        cut = limit
        for pattern in _CUTS:
            ends = [m.end() for m in pattern.finditer(text, start, limit) if m.end() > start]
            if ends:
                cut = ends[-1]
                break
        bounds.append((start, cut))
        start = cut
    return bounds


def normalise_server_url(url: str) -> str:
    """The base URL of a LanguageTool server (`/v2/` is appended by the client); ValueError if malformed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"LanguageTool URL {url!r} is not an http(s) URL such as http://localhost:8081")
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as error:
        raise ValueError(f"LanguageTool URL {url!r} has a bad port") from error
    if parts.query or parts.fragment:
        raise ValueError(f"LanguageTool URL {url!r} must not have a query or fragment")
    path = parts.path.rstrip("/")
    path = path.removesuffix("/check").removesuffix("/v2") if path.endswith("/v2/check") else path.removesuffix("/v2")
    return urlunsplit((parts.scheme, parts.netloc, path + "/", "", ""))


def find_local_jar(path: str | os.PathLike[str]) -> Path:
    """The server jar of a LanguageTool install: in `path`, in its newest `LanguageTool-*` folder, or `path` itself."""
    root = Path(path).expanduser()
    if not root.exists():
        raise ValueError(f"local LanguageTool path {str(root)!r} does not exist")
    if root.is_file():
        if root.suffix == ".jar":
            return root
        raise ValueError(f"local LanguageTool path {str(root)!r} is neither a folder nor a .jar file")
    jar = _jar_in(root)
    if jar is not None:
        return jar
    installs = [folder for folder in root.glob("LanguageTool*") if folder.is_dir() and _jar_in(folder)]
    if not installs:
        raise ValueError(
            f"local LanguageTool path {str(root)!r} holds no LanguageTool install: expected "
            f"{JAR_NAMES[0]} in it or in a LanguageTool-<version> folder inside it"
        )
    newest = max(installs, key=lambda folder: ([int(n) for n in re.findall(r"\d+", folder.name)], folder.name))
    jar = _jar_in(newest)
    assert jar is not None
    return jar


def _jar_in(folder: Path) -> Path | None:
    return next((folder / name for name in JAR_NAMES if (folder / name).is_file()), None)


class LanguageToolDetector:
    """Grammar findings from LanguageTool: a server at `url`, or a local install at `local_path`.

    Nothing is contacted or started until the first `find` (or `start`). Call
    `close` (or use the detector as a context manager) to stop a local server;
    one left running is killed when the process exits.
    """

    def __init__(
        self,
        url: str | None = None,
        local_path: str | os.PathLike[str] | None = None,
        *,
        language: str = "en-US",
        timeout: float = DEFAULT_TIMEOUT,
        startup_timeout: float | None = None,
        max_chunk: int = MAX_CHUNK_UNITS,
        disabled_rules: Iterable[str] = (),
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        if (url is None) == (local_path is None):
            raise ValueError("give LanguageTool either a server URL or a local install, not both or neither")
        if not _LANGUAGE_TAG.fullmatch(language):
            raise ValueError(f"{language!r} is not a language tag such as en-US")
        for name, seconds in (("timeout", timeout), ("start-up timeout", startup_timeout)):
            if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
                raise ValueError(f"LanguageTool {name} must be a positive number of seconds, not {seconds}")
        if max_chunk < 2:
            raise ValueError(f"LanguageTool chunks of {max_chunk} UTF-16 units cannot hold every character")
        #: The server's base URL, or None for a local install.
        self.url = normalise_server_url(url) if url is not None else None
        #: The local install's server jar, or None for a server.
        self.jar = find_local_jar(local_path) if local_path is not None else None
        self.language = language
        self.timeout = float(timeout)
        default_startup = self.timeout if self.url else max(self.timeout, DEFAULT_LOCAL_STARTUP_TIMEOUT)
        self.startup_timeout = float(startup_timeout) if startup_timeout is not None else default_startup
        self.max_chunk = max_chunk
        self.disabled_rules = frozenset(disabled_rules)
        self.on_warning = on_warning
        #: Why the detector turned itself off (the first failure), or None while it works.
        self.warning: str | None = None
        self._failed = False
        self._closed = False
        self._init_runtime()

    def _init_runtime(self) -> None:
        self._client: Any = None
        self._lock = threading.Lock()
        self._cancelled = threading.Event()  # tells an abandoned start-up to stop
        self._spawned: list[subprocess.Popen[str]] = []  # local servers started for this detector

    @property
    def where(self) -> str:
        """The server or install, as warnings name it."""
        return self.url if self.url is not None else f"local install {self.jar}"

    @property
    def active(self) -> bool:
        """False once the detector has failed or been closed (`find` then returns [])."""
        return not (self._failed or self._closed)

    def start(self) -> bool:
        """Reach the server (or start the local one) now rather than on the first `find`; True if it works."""
        with self._lock:
            return self._started_client() is not None

    def find(self, text: str) -> list[Finding]:
        """LanguageTool's findings in `text`, in text order; [] once the detector is off."""
        if not self.active or not text.strip():
            return []
        found: list[Finding] = []
        with self._lock:
            client = self._started_client()
            if client is None:
                return []
            sendable = _LONE_SURROGATE.sub("\ufffd", text)  # same length; requests cannot encode lone surrogates
            for start, end in chunk_bounds(sendable, self.max_chunk):
                chunk = sendable[start:end]
                if chunk.isspace():
                    continue
                try:
                    matches = _run_with_deadline(partial(client.check, chunk), self.timeout)
                except Exception as error:  # any failure of the optional backend turns it off
                    self._fail(error)
                    break  # findings from earlier chunks are sound: keep them
                offsets = Utf16Offsets(chunk)
                for match in matches:
                    finding = _to_finding(text, start, chunk, offsets, match)
                    if finding is not None:
                        found.append(finding)
        return sorted(found)

    def close(self) -> None:
        """Stop a local server and end the detector (`find` returns [] afterwards)."""
        self._closed = True
        self._shut_down()

    def __enter__(self) -> LanguageToolDetector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for runtime in ("_client", "_lock", "_cancelled", "_spawned"):
            del state[runtime]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.where!r}, language={self.language!r}, active={self.active})"

    def _started_client(self) -> Any:
        """The language-tool-python client, started on first use; None if it could not be."""
        if self._client is None and self.active:
            try:
                self._client = _run_with_deadline(self._connect, self.startup_timeout)
            except Exception as error:  # as in find
                self._fail(error, starting=True)
        return self._client

    def _connect(self) -> Any:
        """Build the client (runs in a worker thread: it talks to the server or starts one)."""
        client = _client_class()(
            self.language,
            remote_server=self.url,
            jar=self.jar,
            request_timeout=self.timeout,
            deadline=time.monotonic() + self.startup_timeout,
            cancelled=self._cancelled,
            spawned=self._spawned,
        )
        if self.disabled_rules:
            client.disabled_rules = set(self.disabled_rules)
        if self._cancelled.is_set():  # the caller gave up waiting while this thread worked
            client.close()
        return client

    def _fail(self, error: BaseException, *, starting: bool = False) -> None:
        self._failed = True
        self._shut_down()
        if self.warning is None:
            what = "could not be used" if starting else "stopped working"
            limit = self.startup_timeout if starting else self.timeout
            self.warning = f"LanguageTool ({self.where}) {what}: {describe_error(error, limit)}; {_WARNING_TAIL}"
            if self.on_warning is not None:
                self.on_warning(self.warning)

    def _shut_down(self) -> None:
        self._cancelled.set()
        client, self._client = self._client, None
        if client is not None:
            with suppress(Exception):
                client.close()
        for process in self._spawned:
            if process.poll() is None:
                process.kill()
                with suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=2)


def detector_from_env(
    environ: Mapping[str, str] | None = None,
    *,
    language: str = "en-US",
    timeout: float = DEFAULT_TIMEOUT,
    startup_timeout: float | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> LanguageToolDetector | None:
    """A detector for `RESPIN_LANGUAGETOOL` (a server URL) or else `LTP_PATH` (a local install); None if neither.

    Raises ValueError when the variable that is used holds a bad URL or path.
    """
    env = os.environ if environ is None else environ
    options: dict[str, Any] = {
        "language": language,
        "timeout": timeout,
        "startup_timeout": startup_timeout,
        "on_warning": on_warning,
    }
    url, local = env.get(ENV_URL, "").strip(), env.get(ENV_LOCAL, "").strip()
    if url:
        return LanguageToolDetector(url=url, **options)
    if local:
        return LanguageToolDetector(local_path=local, **options)
    return None


def _to_finding(text: str, chunk_start: int, chunk: str, offsets: Utf16Offsets, match: Any) -> Finding | None:
    """The finding for one language-tool-python `Match` in `chunk`, or None if its span is empty or wrong."""
    # language-tool-python has already turned `offset` into code points; `error_length` is still UTF-16 units.
    first, length = int(match.offset), int(match.error_length)
    if length <= 0 or not 0 <= first < len(chunk):
        return None
    last = offsets.to_code_point(offsets.to_utf16(first) + length)
    if last is None or last <= first or not _context_agrees(match, chunk[first:last]):
        return None
    start, end = chunk_start + first, chunk_start + last
    matched = text[start:end]
    replacements = list(dict.fromkeys(r for r in match.replacements if isinstance(r, str) and r != matched))
    kind = issue_kind(match.rule_id, match.category, match.rule_issue_type)
    return Finding(
        start=start,
        end=end,
        text=matched,
        suggestions=tuple(replacements[:MAX_SUGGESTIONS]),
        rule=f"languagetool:{match.rule_id}",
        category=Category.GRAMMAR,
        confidence=kind.confidence,
        message=match.message or match.rule_id,
        autofix=kind.autofix and len(replacements) == 1,
    )


def _context_agrees(match: Any, matched: str) -> bool:
    """Whether the match's context (UTF-16 offsets, line breaks shown as spaces) shows `matched`."""
    context = match.context
    if not context:
        return True
    offsets = Utf16Offsets(context)
    first = offsets.to_code_point(match.offset_in_context)
    last = offsets.to_code_point(match.offset_in_context + match.error_length)
    if first is None or last is None:
        return False
    return _WHITE_SPACE.sub(" ", context[first:last]) == _WHITE_SPACE.sub(" ", matched)


class _Deadline(Exception):
    """A call to LanguageTool did not return in time."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")


_T = TypeVar("_T")


def _run_with_deadline(call: Callable[[], _T], seconds: float) -> _T:
    """`call()` in a daemon thread; raises `_Deadline` (abandoning the thread) if it takes longer than `seconds`."""
    outcome: list[tuple[bool, Any]] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # handed to the waiting thread
            outcome.append((False, error))
        finally:
            done.set()

    threading.Thread(target=run, name="respin-languagetool", daemon=True).start()
    if not done.wait(seconds):
        raise _Deadline(seconds)
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value  # type: ignore[no-any-return]


def describe_error(error: BaseException, seconds: float | None = None) -> str:
    """A short, human-readable cause of a failed LanguageTool call.

    `seconds` is the time limit the call had: a timeout raised by the HTTP client
    then reads like respin's own deadline ("no answer within 0.5 s"), since the two
    race when they are equal.
    """
    chain: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for cause in chain:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "unknown host"
        if isinstance(cause, TimeoutError) or type(cause).__name__ in ("ReadTimeout", "ConnectTimeout", "Timeout"):
            return f"no answer within {seconds:g} s" if seconds is not None else "timed out"
    if isinstance(error, (KeyError, TypeError, AttributeError)):  # raised while reading the answer
        return f"its answer is not in LanguageTool's format ({type(error).__name__}: {error})"
    text = str(error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    return line if len(line) <= 300 else line[:297] + "..."


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _log_tail(log: IO[bytes] | None) -> str:
    """The last line a failed local server wrote to standard error, as ': line' (or '')."""
    if log is None:
        return ""
    with suppress(OSError, ValueError):
        log.seek(0, os.SEEK_END)
        log.seek(max(0, log.tell() - 2000))
        lines = [line for line in log.read().decode("utf-8", "replace").splitlines() if line.strip()]
        if lines:
            return f": {lines[-1].strip()[:300]}"
    return ""


@cache
def _client_class() -> type[Any]:
    """language-tool-python's `LanguageTool`, with request timeouts and a bounded local start-up.

    Built on first use: importing language-tool-python takes a third of a second,
    which a run without LanguageTool should not pay.
    """
    import language_tool_python
    from language_tool_python import server as lt_server
    from language_tool_python.exceptions import JavaError, ServerError

    class BoundedLanguageTool(language_tool_python.LanguageTool):
        """A client whose requests time out after `request_timeout` and whose local start-up is bounded."""

        def __init__(
            self,
            language: str,
            *,
            remote_server: str | None,
            jar: Path | None,
            request_timeout: float,
            deadline: float,
            cancelled: threading.Event,
            spawned: list[subprocess.Popen[str]],
        ) -> None:
            # Every request language-tool-python sends passes `_TIMEOUT` (300 s) to requests.
            self._TIMEOUT = request_timeout  # type: ignore[assignment]
            self._respin_jar = jar
            self._respin_deadline = deadline
            self._respin_cancelled = cancelled
            self._respin_spawned = spawned
            self._respin_log: IO[bytes] | None = None
            super().__init__(language, remote_server=remote_server)

        def _respin_may_start(self) -> bool:
            return not self._respin_cancelled.is_set() and time.monotonic() < self._respin_deadline

        def _start_server_on_free_port(self) -> None:
            # The library pops ports from 918 candidates (and keeps polling the first one's URL).
            for attempt in range(1, MAX_START_ATTEMPTS + 1):
                self._port = _free_port(self._host)
                self._url = f"http://{self._host}:{self._port}/v2/"
                try:
                    self._start_local_server()
                    return
                except ServerError:
                    self._terminate_server()
                    if attempt == MAX_START_ATTEMPTS or not self._respin_may_start():
                        raise

        def _start_local_server(self) -> None:
            # Also called by the library to restart a server after a failed request: only within start-up.
            if self._respin_jar is None or not self._respin_may_start():
                raise ServerError("the local LanguageTool server is not running and may not be restarted now")
            java = shutil.which("java")
            if java is None:
                raise JavaError("no `java` on PATH: a local LanguageTool needs Java 17 or newer")
            self._respin_log = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the server
            command = [java, "-cp", str(self._respin_jar), "org.languagetool.server.HTTPServer"]
            command += ["--port", str(self._port)]
            self._server = subprocess.Popen(  # our command, the configured jar
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._respin_log,
                text=True,
            )
            lt_server.RUNNING_SERVER_PROCESSES.append(self._server)  # killed at exit if still running
            self._respin_spawned.append(self._server)
            remaining = self._respin_deadline - time.monotonic()
            try:
                self._wait_for_server_ready(timeout=max(1, math.ceil(remaining)))
            except ServerError as error:
                raise ServerError(f"{error}{_log_tail(self._respin_log)}") from error

        def _terminate_server(self) -> None:
            super()._terminate_server()
            if self._respin_log is not None:
                self._respin_log.close()
                self._respin_log = None

    return BoundedLanguageTool
