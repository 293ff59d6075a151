"""Worker processes that can neither hang the run nor outlive it.

`ordered_map` runs a task over a list of payloads in this process and a few
worker processes, and yields the results in the payloads' order. It replaces
`concurrent.futures.ProcessPoolExecutor`, whose manager thread could wait for
ever for a result a killed worker never finished sending (and whose
cancellations raced with it). Here this process itself waits on every busy
worker's pipe *and* its process sentinel (`multiprocessing.connection.wait`), so
a worker that dies is seen at once and the run stops with `WorkerDied`.

Workers die with this process: on Linux the kernel sends them SIGKILL when it
ends (`PR_SET_PDEATHSIG`), and everywhere a watchdog thread in each worker ends
it when its parent changes. A worker's standard output is /dev/null (a worker
never prints; holding the caller's pipe open would keep `respin ... | tail`
waiting). Ctrl-C is the parent's to handle: workers ignore SIGINT, and the pool
is killed when the caller stops early.

While it waits, this process takes the earliest payload no worker has started
and runs it itself (its resources are loaded already), so it is busy whenever
there is work left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

#: How often a worker's watchdog checks that its parent is alive (seconds).
WATCHDOG_SECONDS = 0.5
_DIED = "a worker process stopped unexpectedly (out of memory, or killed)"


class WorkerDied(Exception):
    """A worker process ended without giving its result (killed, or out of memory)."""


class WorkerFailed(Exception):
    """A task raised in a worker; the message holds the worker's traceback."""


def _die_with(parent: int) -> None:
    """End this worker when its parent process ends, however it ends."""
    import threading  # here: `respin check` imports this module for its exceptions, and pays no thread import

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the kernel was told
        os._exit(1)

    def watch() -> None:
        while True:
            threading.Event().wait(WATCHDOG_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="respin-parent-watchdog", daemon=True).start()


def _worker_main(connection: Any, parent: int, initializer: Callable[..., None], initargs: tuple[Any, ...],
                 task: Callable[[Any], Any]) -> None:
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    initializer(*initargs)
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, payload = message
        try:
            result = (index, True, task(payload))
        except Exception:
            import traceback

            result = (index, False, traceback.format_exc())
        connection.send(result)


class _Worker:
    def __init__(self, context: Any, initializer: Callable[..., None], initargs: tuple[Any, ...],
                 task: Callable[[Any], Any]) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, name="respin-worker", daemon=True,
                                       args=(child, os.getpid(), initializer, initargs, task))
        self.process.start()
        child.close()
        self.busy_with: int | None = None


def _no_setup() -> None:
    pass


_END = object()  # no payload left


def ordered_map(task: Callable[[Any], Any], payloads: Iterable[Any], workers: int, run_here: Callable[[Any], Any],
                initializer: Callable[..., None] = _no_setup, initargs: tuple[Any, ...] = ()) -> Iterator[Any]:
    """`task(payload)` for every payload, in order, in `workers` worker processes and this one.

    Workers are started with `initializer(*initargs)` (forked where the platform
    can: they share what this process has loaded); this process runs
    `run_here(payload)` when it takes a payload itself. Payloads are taken from
    `payloads` only as workers become free, at most a few ahead of the result
    the caller waits for, so a generator of large payloads holds a few at a
    time. Raises `WorkerDied` when a worker ends without its result,
    `WorkerFailed` when a task raised there; the workers are killed whenever
    the caller stops early.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    sys.stdout.flush()  # a forked worker must not inherit and repeat buffered output
    sys.stderr.flush()
    pool = [_Worker(context, initializer, initargs, task) for _ in range(max(0, workers))]
    finished = False
    try:
        done: dict[int, Any] = {}
        given = 0  # payloads before this one are started (by a worker or here)
        remaining = iter(payloads)
        upcoming = next(remaining, _END)  # the next payload nobody has started

        def collect(timeout: float | None) -> None:
            busy = [w for w in pool if w.busy_with is not None]
            if not busy:
                return
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout)
            for worker in busy:
                if worker.connection in ready or worker.connection.poll():
                    try:
                        index, succeeded, value = worker.connection.recv()
                    except (EOFError, OSError):
                        raise WorkerDied(_DIED) from None
                    if not succeeded:
                        raise WorkerFailed(value)
                    done[index] = value
                    worker.busy_with = None
                elif worker.process.sentinel in ready:
                    raise WorkerDied(_DIED)

        index = 0
        ahead = len(pool) + 1  # payloads started beyond the one whose result the caller waits for

        while index < given or upcoming is not _END:
            while index not in done:
                for worker in pool:
                    if worker.busy_with is None and upcoming is not _END and given - index <= ahead:
                        try:
                            worker.connection.send((given, upcoming))
                        except OSError:  # it died while idle (BrokenPipeError, ConnectionResetError)
                            raise WorkerDied(_DIED) from None
                        worker.busy_with = given
                        given, upcoming = given + 1, next(remaining, _END)
                collect(0)
                if index in done:
                    break
                if upcoming is not _END and given - index <= ahead:
                    # nothing ready: do the earliest payload nobody has started (never too far ahead of the
                    # results the caller has, so that results and payloads waiting stay few)
                    payload, upcoming = upcoming, next(remaining, _END)
                    done[given] = run_here(payload)
                    given += 1
                else:
                    collect(None)
            yield done.pop(index)
            index += 1
        finished = True
    finally:
        _stop(pool, kill=not finished)


def _stop(pool: Sequence[_Worker], kill: bool) -> None:
    """End the workers: asked to stop after a complete run, killed at once after an early exit."""
    for worker in pool:
        if kill:
            with contextlib.suppress(OSError, ValueError):
                worker.process.kill()
        else:
            with contextlib.suppress(OSError, ValueError):
                worker.connection.send(None)
    for worker in pool:
        worker.process.join(timeout=None if kill else 5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.connection.close()
