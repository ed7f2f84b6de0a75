"""Worker processes that lose nothing and leave nothing behind.

`run_tasks` runs a function on each of a list of tasks in a few worker processes and yields
each outcome as it ends. Unlike ``concurrent.futures.ProcessPoolExecutor``, whose pool
breaks as a whole when one worker process dies (every task not yet finished then fails
with ``BrokenProcessPool``), it knows which task each worker is running:

* a worker that dies (the out-of-memory killer, a crash in compiled code, ``kill -9``)
  costs its own task one attempt; the task goes back to the queue, a fresh worker takes
  over, and the other workers go on. A task whose worker dies `attempts` times fails,
  with the cause (signal or exit code) in its message;
* each worker serves at most `per_worker` tasks and is then replaced by a fresh process
  (a leak in a task stays bounded);
* every worker asks the kernel to kill it when the process that started it dies
  (`die_with_parent`), so ``kill -9`` of the run leaves no worker behind.

Workers are started with ``spawn``: a clean interpreter, never a fork of the caller's state.
"""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterator

__all__ = ["die_with_parent", "death_cause", "raise_fd_limit", "run_tasks"]

# linux/prctl.h
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> bool:
    """Have this process killed (SIGKILL) as soon as its parent dies; True when arranged.

    Linux only (``prctl(PR_SET_PDEATHSIG)``); elsewhere nothing is done and False returned.
    Meant as a worker's first call (a pool's ``initializer``) with the parent's pid:
    a parent that died before the request was made is caught by comparing it with
    ``os.getppid()``, and this process exits at once. The signal comes when the *thread*
    that started this process ends, so start workers from the thread that waits for them.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent is not None and os.getppid() != parent:
        os._exit(1)
    return True


_CAUSES = {
    signal.SIGKILL: "SIGKILL: the out-of-memory killer, or kill -9",
    signal.SIGSEGV: "SIGSEGV: a crash in compiled code",
    signal.SIGABRT: "SIGABRT: an abort in compiled code",
    signal.SIGBUS: "SIGBUS: a crash in compiled code",
    signal.SIGTERM: "SIGTERM: stopped from outside",
}


def death_cause(exitcode: int | None) -> str:
    """How a process ended, in words, from `multiprocessing.Process.exitcode`.

    >>> death_cause(-9)
    'killed by signal 9 (SIGKILL: the out-of-memory killer, or kill -9)'
    >>> death_cause(3)
    'exited with code 3'
    """
    if exitcode is None:
        return "ended for an unknown reason"
    if exitcode < 0:
        try:
            sig = signal.Signals(-exitcode)
        except ValueError:
            return f"killed by signal {-exitcode}"
        return f"killed by signal {-exitcode} ({_CAUSES.get(sig, sig.name)})"
    return f"exited with code {exitcode}"


def raise_fd_limit() -> int:
    """Raise this process's soft limit of open files to its hard limit; return the new limit.

    A worker serves many tasks, and a library that leaks a few descriptors per task (papermill
    does) would reach the usual soft limit of 1,024 long before the system's own limit.
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    return soft


def _serve(conn: Connection, task: Callable, parent: int, initializer: Callable | None = None) -> None:
    """A worker: run `initializer()` once, then `task` on each (index, item) received, send
    back (index, ok, value).

    None (or the pipe closing) ends it. Ctrl-C is left to the parent, which stops the
    workers itself; an exception of the task is its outcome, never the worker's end (an
    exception of the initializer ends the worker: its task goes back to the queue).
    """
    die_with_parent(parent)
    raise_fd_limit()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, item = message
        try:
            outcome = (index, True, task(item))
        except Exception as err:
            outcome = (index, False, f"{type(err).__name__}: {err}")
        try:
            conn.send(outcome)
        except Exception as err:  # a value that cannot be pickled
            conn.send((index, False, f"its result could not be sent back: {type(err).__name__}: {err}"))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    served: int = 0
    current: int | None = None  # the index of the task it runs, None when idle


def run_tasks(tasks: list, task: Callable, workers: int, per_worker: int,
              attempts: int = 2, initializer: Callable | None = None) -> Iterator[tuple[int, bool, Any]]:
    """Run ``task(tasks[i])`` in up to `workers` processes; yield ``(i, ok, value)`` as each ends.

    ok is True when the task returned `value`; False when it raised (value: the error, as
    text) or when its worker process died `attempts` times while running it (value: how it
    died). A worker serves at most `per_worker` tasks, then a fresh one takes over; each
    worker calls `initializer()` once when it starts, before its first task. `task`, `initializer`
    and the tasks must be picklable (module-level functions, plain data). Closing the
    generator stops every worker.
    """
    context = get_context("spawn")
    queue = deque(range(len(tasks)))
    deaths = {i: 0 for i in queue}
    busy: list[_Worker] = []   # workers that run a task, or are about to be given one
    retired = []               # processes told to stop, not yet joined

    def start() -> _Worker:
        here, there = context.Pipe(duplex=True)
        process = context.Process(target=_serve, args=(there, task, os.getpid(), initializer),
                                  name="wardstudy-worker")
        process.start()
        there.close()  # only the worker holds its end now: its death is an end of file here
        return _Worker(process, here)

    def give(worker: _Worker) -> tuple[int, bool, Any] | None:
        """Hand the next task to `worker`; an outcome only when the task cannot be pickled."""
        index = queue.popleft()
        try:
            worker.conn.send((index, tasks[index]))
        except OSError:
            pass  # the worker is dead already: found below, like a death while running the task
        except Exception as err:
            return index, False, f"it could not be sent to a worker: {type(err).__name__}: {err}"
        worker.current = index
        return None

    def retire(worker: _Worker) -> None:
        busy.remove(worker)
        try:
            worker.conn.send(None)
        except OSError:
            pass
        worker.conn.close()
        retired.append(worker.process)

    try:
        while queue or busy:
            # Every worker gets a task; one with none left to get stops. Fresh ones fill the rest.
            for worker in [w for w in busy if w.current is None]:
                while queue and worker.current is None and worker.process.is_alive():
                    if (failed := give(worker)) is not None:
                        yield failed
                if worker.current is None:
                    retire(worker)
            while queue and len(busy) < workers:
                worker = start()
                busy.append(worker)
                while queue and worker.current is None:
                    if (failed := give(worker)) is not None:
                        yield failed
                if worker.current is None:
                    retire(worker)
            if not busy:
                continue
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in [w for w in busy if w.conn in ready or w.process.sentinel in ready]:
                index = worker.current
                try:
                    outcome = worker.conn.recv() if worker.conn.poll() else None
                except (EOFError, OSError):
                    outcome = None  # the pipe ended: the worker died
                except Exception as err:  # a result this process cannot unpickle
                    outcome = (index, False, f"its result could not be read: {type(err).__name__}: {err}")
                if outcome is not None:
                    worker.current = None
                    worker.served += 1
                    if worker.served >= per_worker:
                        retire(worker)
                    yield outcome
                    continue
                # No outcome: the worker died while running task `index`.
                worker.process.join(timeout=5)
                if worker.process.is_alive():  # its pipe broke, yet it lives: end it
                    worker.process.kill()
                    worker.process.join()
                busy.remove(worker)
                worker.conn.close()
                deaths[index] += 1
                if deaths[index] >= attempts:
                    times = "once" if deaths[index] == 1 else f"{deaths[index]} times"
                    cause = death_cause(worker.process.exitcode)
                    yield index, False, f"its process died {times} while running it (last: {cause})"
                else:
                    queue.append(index)  # after the others: a task that kills its worker goes last
            for process in [p for p in retired if not p.is_alive()]:
                process.join()
                retired.remove(process)
    finally:
        for worker in busy:
            worker.process.kill()
            worker.conn.close()
        for process in [w.process for w in busy] + retired:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
