"""Worker processes: results in order, a dead worker ends the run at once, workers die with respin.

The last test kills `respin fix --write --jobs 2` at random moments over a folder and
checks what a user would: every file is either its old or its complete new content, no
temporary file is left, and no process of the run is still alive.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from respin.workers import WorkerDied, WorkerFailed, ordered_map

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "spun-news-syria.txt"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _square(x: int) -> int:
    return x * x


def _die(_: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


def _fail(x: int) -> int:
    raise ValueError(f"bad payload {x}")


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return not any(line.startswith("State:") and "Z" in line for line in status)
    except FileNotFoundError:
        return False


def test_results_come_in_order_from_workers_and_this_process() -> None:
    here: list[int] = []

    def run_here(x: int) -> int:
        here.append(x)
        return x * x

    assert list(ordered_map(_square, list(range(40)), 2, run_here)) == [x * x for x in range(40)]
    assert list(ordered_map(_square, [3], 0, run_here)) == [9]  # no workers: all here
    assert list(ordered_map(_square, [], 2, run_here)) == []


def test_payloads_are_taken_from_a_generator_only_as_they_are_needed() -> None:
    """A generator of large payloads (a file's chunks) is read a few payloads ahead, not all at once."""
    taken: list[int] = []
    results = []

    def payloads():
        for x in range(30):
            taken.append(x)
            yield x

    for result in ordered_map(_square, payloads(), 2, lambda x: x * x):
        results.append(result)
        assert len(taken) <= len(results) + 4  # two workers, this process, and the next one
    assert results == [x * x for x in range(30)]


def test_a_worker_that_is_killed_ends_the_run_at_once() -> None:
    """The killed worker's payload never comes back: WorkerDied, not a wait for ever."""
    started = time.monotonic()
    with pytest.raises(WorkerDied):
        list(ordered_map(_die, list(range(6)), 1, run_here=lambda x: time.sleep(0.2) or x))
    assert time.monotonic() - started < 30


def _quick(x: int) -> int:
    return x


def test_a_worker_killed_while_idle_ends_the_run_too() -> None:
    """Its next payload cannot be sent: WorkerDied, not a BrokenPipeError (which the CLI reads as `| head`)."""
    import multiprocessing

    def run_here(x: int) -> int:
        time.sleep(0.5)  # the worker finishes payload 0 meanwhile and waits, idle
        for child in multiprocessing.active_children():
            child.kill()
            child.join()
        return x

    with pytest.raises(WorkerDied):
        list(ordered_map(_quick, list(range(6)), 1, run_here))


def test_a_task_that_raises_in_a_worker_is_reported_with_its_traceback() -> None:
    with pytest.raises(WorkerFailed, match="ValueError: bad payload 0"):
        list(ordered_map(_fail, list(range(4)), 1, run_here=lambda x: time.sleep(0.2) or x))


def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    """SIGKILL to the parent (nothing it can clean up) still ends its workers."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, signal, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from respin.workers import ordered_map\n"
        "def slow(x):\n"
        "    time.sleep(60)\n"
        "    return x\n"
        "if __name__ == '__main__':\n"
        "    results = ordered_map(slow, list(range(4)), 2, run_here=lambda x: time.sleep(60))\n"
        "    next(results)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen([sys.executable, str(script)])
    try:
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = [int(p) for p in Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split()]
        assert len(workers) == 2
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
    finally:
        parent.kill()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find the workers")
def test_killing_respin_fix_write_at_random_moments_loses_nothing(tmp_path: Path) -> None:
    """Each file old or completely new, no `.respin` temporary file, no process left, over several kills."""
    original = EXAMPLE.read_bytes()
    expected = tmp_path / "expected.txt"
    expected.write_bytes(original)
    subprocess.run([sys.executable, "-m", "respin", "fix", "--write", "-q", str(expected)], check=False)
    repaired = expected.read_bytes()
    assert repaired != original
    rng = random.Random(7)
    for run in range(3):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        for number in range(300):
            shutil.copy(EXAMPLE, folder / f"{number}.txt")
        respin = subprocess.Popen([sys.executable, "-m", "respin", "fix", "--write", "--jobs", "2", "-q",
                                   str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        children: list[int] = []
        deadline = time.monotonic() + 30
        while not children and time.monotonic() < deadline and respin.poll() is None:
            time.sleep(0.05)
            children = [int(p) for p in
                        Path(f"/proc/{respin.pid}/task/{respin.pid}/children").read_text().split()]
        time.sleep(rng.uniform(0.1, 0.8))
        respin.kill()
        respin.wait()
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in children), f"run {run}: a worker outlived respin"
        names = sorted(os.listdir(folder))
        assert not [n for n in names if n.endswith(".respin")], f"run {run}: temporary files left"
        assert len(names) == 300
        contents = {(folder / n).read_bytes() for n in names}
        assert contents <= {original, repaired}, f"run {run}: a file is neither old nor new"
