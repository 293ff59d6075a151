"""The review's default deep check: `formats.check_document` with the deep checker, in a child process.

The language model is torch: loading it holds the interpreter lock for seconds (importing
torch, mapping its libraries) and scoring keeps every core busy. Inside the review's own
process that stalls keys, and a model still running when the app exits aborts the
interpreter on its way out (torch's threads are torn down under it). So the review
starts one child Python on the first document, sends it each text, and waits on a pipe
for the findings, which holds no lock. The child loads the model once and keeps it for
every document, runs at a lower priority than the app, and writes nothing to the
terminal the app draws on. `close()` ends it at once (the review calls it when it
ends; so does the interpreter's exit).

A plain `subprocess` and pickles over its standard input and output, not
`multiprocessing`: inside a Textual app `sys.stderr` is not a file, and
multiprocessing's spawn fails on it (Textual issue 3593); and the child need not
re-import the app's main module. It gets the app's `sys.path`, so it runs the same
respin.

Without the language model extra `DeepProcess` raises `LanguageModelUnavailable` at
once, without starting anything; an error in the child (a model file that cannot be
read, say) is raised again in the app.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import IO, Any

from respin.documents import formats
from respin.engine import Checker
from respin.finding import Finding

#: How much lower the child's scheduling priority is than the app's (`os.nice`).
NICENESS = 10
#: What the child runs: take the app's import path from the first pickle, then serve.
CHILD = ("import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
         "from respin.review.deep_process import serve; serve()")


class DeepProcessClosed(RuntimeError):
    """The deep check was asked for after `DeepProcess.close()`, or was under way when it was called."""


class DeepProcess:
    """A callable deep check (see `background.DeepCheck`) run by a child process, with `close()` to end it."""

    def __init__(self, checker: Checker) -> None:
        self._checker = checker
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The child's process id, once it is started."""
        return None if self._process is None else self._process.pid

    def __call__(self, text: str, syntax: formats.Syntax, extra: Sequence[Finding]) -> list[Finding]:
        from respin.language import lm

        missing = lm.missing_modules()
        if missing:  # what loading the model would say, without starting a process to say it
            raise lm.LanguageModelUnavailable(
                f"respin's language model (the deep tier) is not available: missing "
                f"{', '.join(repr(name) for name in missing)}. Install it with: {lm.INSTALL_HINT}")
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        try:
            _send(process.stdin, (text, syntax, tuple(extra)))
            ok, payload = pickle.load(process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as error:
            if self._closed:
                raise DeepProcessClosed("the review closed the language model's process") from error
            raise RuntimeError(f"the language model's process ended unexpectedly (exit {process.poll()})") from error
        if ok:
            return list(payload)
        raise payload

    def _start(self) -> subprocess.Popen[bytes]:
        with self._lock:
            if self._closed:
                raise DeepProcessClosed("the review closed the language model's process")
            if self._process is None:
                process = subprocess.Popen([sys.executable, "-c", CHILD], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                assert process.stdin is not None
                _send(process.stdin, list(sys.path))
                _send(process.stdin, self._checker)
                self._process = process
                atexit.register(self.close)
            return self._process

    def close(self) -> None:
        """End the child now (a text it is reading is dropped); later calls raise `DeepProcessClosed`."""
        with self._lock:
            self._closed = True
            process = self._process
        if process is not None and process.poll() is None:
            process.kill()  # a call waiting for it gets EOFError: the pipe's other end is gone
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        if process is not None:
            atexit.unregister(self.close)


def _send(stream: IO[bytes], value: Any) -> None:
    pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()


def serve() -> None:
    """The child: read a Checker, then check every (text, syntax, extra) sent and send back findings or the error."""
    requests, replies = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    quiet = os.open(os.devnull, os.O_WRONLY)  # stray prints (torch's warnings) must not reach the pipe
    os.dup2(quiet, 1)
    try:
        checker: Checker = pickle.load(requests)
    except EOFError:
        return
    while True:
        try:
            text, syntax, extra = pickle.load(requests)
        except EOFError:
            return  # the app is gone
        try:
            reply: tuple[bool, object] = (True, formats.check_document(text, checker, syntax, extra))
        except Exception as error:  # sent to the app, which reports it
            reply = (False, _sendable(error))
        try:
            _send(replies, reply)
        except OSError:
            return


def _sendable(error: Exception) -> Exception:
    """`error` if it survives pickling, else a RuntimeError that says what it was."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # an exception with arguments its class cannot be rebuilt from
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
