"""The batch's worker processes: a dead worker costs only its own ward, and a run killed with
``kill -9`` leaves no process behind (workers, the resource tracker, kernels)."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import types

import psutil
import pytest

from wardstudy import workers
from wardstudy.pipeline import batch

# Tasks for the workers, in a module they can import (spawned workers import what they run;
# a test module is not importable there). A job says what its task does.
TASKS = '''
import os
import signal
from pathlib import Path


def task(job):
    if job.kill == "always" or (job.kill == "once" and not Path(job.marker).exists()):
        if job.marker:
            Path(job.marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    if job.kill == "segfault":
        import ctypes
        ctypes.string_at(0)
    if job.kill == "raise":
        raise ValueError("no records for " + job.slug)
    return job.slug, os.getpid()
'''


@pytest.fixture
def tasks(tmp_path, monkeypatch):
    (tmp_path / "engine_tasks.py").write_text(TASKS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    import engine_tasks

    yield engine_tasks
    sys.modules.pop("engine_tasks", None)


def job(slug, kill="", marker=""):
    return types.SimpleNamespace(slug=slug, kill=kill, marker=str(marker))


def run_bounded(jobs, workers, task, seconds=120):
    """batch._run_in_rounds over `jobs`, in a thread that must end within `seconds`."""
    results = {}
    runner = threading.Thread(target=lambda: results.update(
        (j.slug, r) for j, r in batch._run_in_rounds(jobs, workers, task=task)))
    runner.start()
    runner.join(timeout=seconds)
    assert not runner.is_alive(), "the pool hung"
    return results


def test_a_ward_that_kills_its_worker_fails_alone_and_says_how(tasks):
    jobs = [job("a"), job("killer", "always"), job("b"), job("c"), job("d")]
    results = run_bounded(jobs, 2, tasks.task)
    assert sorted(results) == ["a", "b", "c", "d", "killer"]
    for slug in "abcd":
        assert results[slug][0] == slug          # a value: the task returned
    failed = results["killer"]
    assert isinstance(failed, batch.WardResult) and not failed.ok
    assert failed.message.startswith("worker failed: its process died 2 times while running it"), failed.message
    assert "killed by signal 9 (SIGKILL" in failed.message, failed.message


def test_a_ward_whose_worker_dies_once_is_run_again_and_succeeds(tasks, tmp_path):
    marker = tmp_path / "killed-once"
    results = run_bounded([job("a"), job("unlucky", "once", marker), job("b")], 2, tasks.task)
    assert marker.exists()                       # its first worker did die
    assert results["unlucky"][0] == "unlucky"
    assert results["a"][0] == "a" and results["b"][0] == "b"


def test_a_crash_in_compiled_code_is_named_and_an_exception_is_the_wards_own(tasks):
    results = run_bounded([job("crash", "segfault"), job("raises", "raise"), job("fine")], 2, tasks.task)
    assert "killed by signal 11 (SIGSEGV" in results["crash"].message, results["crash"].message
    assert results["raises"].message == "worker failed: ValueError: no records for raises"
    assert results["fine"][0] == "fine"


def test_a_worker_serves_at_most_its_share_of_wards(tasks, monkeypatch):
    monkeypatch.setattr(batch, "MAX_WARDS_PER_WORKER", 3)
    results = run_bounded([job(f"w{i}") for i in range(10)], 2, tasks.task)
    pids = [pid for _, pid in results.values()]
    assert max(pids.count(pid) for pid in set(pids)) <= 3
    assert len(set(pids)) >= 4


def test_die_with_parent_is_arranged_on_linux_only():
    # In this process too (its parent is pytest's runner or a shell): only the request is checked.
    child = subprocess.run([sys.executable, "-c", "import os; from wardstudy.workers import die_with_parent; "
                            "print(die_with_parent(os.getppid()))"], capture_output=True, text=True, timeout=60)
    assert child.stdout.strip() == str(sys.platform.startswith("linux")), child.stderr


# ---------------------------------------------------------------- kill -9 of the run

RUNNER = '''
import os
import sys
import time
from pathlib import Path

from wardstudy.pipeline import batch


def task(path):
    Path(path).write_text(str(os.getpid()))
    time.sleep(600)


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    for _ in batch._run_in_rounds([str(folder / f"w{i}.started") for i in range(2)], 2, task=task):
        pass
'''

KERNEL_RUNNER = '''
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from wardstudy.pipeline import batch

if __name__ == "__main__":
    folder = Path(sys.argv[1])
    cell = f"open({str(folder / 'kernel.started')!r}, 'w').close()\\nimport time\\ntime.sleep(600)"
    nb = new_notebook(cells=[new_code_cell("ward = 'x'", metadata={"tags": ["parameters"]}), new_code_cell(cell)])
    nb.metadata["kernelspec"] = {"name": "wardstudy", "display_name": "wardstudy", "language": "python"}
    nbformat.write(nb, folder / "sleeps.ipynb")
    job = batch.WardJob(slug="x", parameters={"ward": "x"}, out_dir=folder, notebook=folder / "sleeps.ipynb",
                        title="x", fingerprint="0", timeout=None)
    for _ in batch._run_in_rounds([job], 1):
        pass
'''


def kill_the_run_and_wait(tmp_path, script, started, expect):
    """Start `script` (a run-like process), wait until `started` files exist, kill -9 it; return
    its descendants (described) that are still running 10 s later."""
    (tmp_path / "runner.py").write_text(textwrap.dedent(script), encoding="utf-8")
    run = subprocess.Popen([sys.executable, str(tmp_path / "runner.py"), str(tmp_path)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not all((tmp_path / name).exists() for name in started):
            assert run.poll() is None, run.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the runner's tasks never started"
            time.sleep(0.1)
        family = psutil.Process(run.pid).children(recursive=True)
        shown = [" ".join(p.cmdline()) for p in family]
        for needle in expect:
            assert any(needle in line for line in shown), (needle, shown)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
    deadline = time.monotonic() + 10

    def alive():
        return [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]

    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    left = alive()
    for p in left:  # never leave them behind, even when the test fails
        p.kill()
    return [" ".join(p.cmdline()) for p in left]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal: Linux only")
def test_kill_9_of_the_run_ends_its_workers_and_the_resource_tracker(tmp_path):
    # Before: 65 s after the run was killed, both workers (blocked on the pool's queue) and the
    # resource tracker (reading a pipe the workers still held open) were alive, adopted by init.
    left = kill_the_run_and_wait(tmp_path, RUNNER, ["w0.started", "w1.started"],
                                 expect=["spawn_main", "resource_tracker"])
    assert left == []


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal: Linux only")
@pytest.mark.parametrize("fork", ["1", "0"])
def test_kill_9_of_the_run_ends_the_kernel_its_worker_started(tmp_path, monkeypatch, fork):
    # Forked (`pipeline.kernels`): the worker's template and the kernel forked from it (both
    # "-m wardstudy.pipeline.kernels"); plain: the kernel "-m ipykernel_launcher".
    monkeypatch.setenv("WARDSTUDY_FORK_KERNELS", fork)
    kernel = "wardstudy.pipeline.kernels" if fork == "1" else "ipykernel_launcher"
    left = kill_the_run_and_wait(tmp_path, KERNEL_RUNNER, ["kernel.started"], expect=["spawn_main", kernel])
    assert left == []


def test_death_cause_names_signals_and_exit_codes():
    assert workers.death_cause(-signal.SIGSEGV).startswith("killed by signal 11 (SIGSEGV")
    assert workers.death_cause(1) == "exited with code 1"


def test_a_batch_that_only_reads_the_build_does_not_import_the_statistics():
    # The batch's main process and its workers read pages' slices of the build; scipy and statsmodels
    # (seconds of imports, paid again by every worker) belong to whoever computes (issue 24, item 4).
    import subprocess
    import sys

    code = ("import sys, wardstudy.pipeline.batch, wardstudy.pipeline.ward; "
            "print(sorted(m for m in ('statsmodels', 'wardstudy.evaluate.design') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_worker_may_open_as_many_files_as_the_system_allows():
    # A worker serves MAX_WARDS_PER_WORKER wards and papermill leaks ~14 descriptors a ward:
    # its soft limit is raised to the hard one (a child process inherits the raised limit).
    import resource

    from wardstudy.workers import raise_fd_limit

    code = ("import resource; from wardstudy.workers import raise_fd_limit; raise_fd_limit(); "
            "print(*resource.getrlimit(resource.RLIMIT_NOFILE))")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowered = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard)))
    raised_soft, raised_hard = map(int, lowered.stdout.split())
    assert raised_hard == hard and raised_soft == (hard if hard != resource.RLIM_INFINITY else min(256, hard))
    assert raise_fd_limit() >= soft


def test_each_worker_runs_the_initializer_once_before_its_tasks(tmp_path):
    """Workers of at most 2 tasks each (so 3 or more processes for 6 tasks): every process
    that ran a task wrote the initializer's mark once, before its tasks (a task reads it)."""
    marks = tmp_path / "marks"
    marks.mkdir()
    (tmp_path / "engine_init.py").write_text(textwrap.dedent(f'''
        import os
        from pathlib import Path

        def mark():
            with open(Path({str(marks)!r}) / str(os.getpid()), "a") as out:
                out.write("x")

        def task(_):
            return os.getpid(), (Path({str(marks)!r}) / str(os.getpid())).read_text()
        '''), encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        import engine_init

        outcomes = list(workers.run_tasks(list(range(6)), engine_init.task, 3, per_worker=2,
                                          initializer=engine_init.mark))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("engine_init", None)
    assert [ok for _, ok, _ in outcomes] == [True] * 6
    pids = {pid for _, _, (pid, _) in outcomes}
    assert {seen for _, _, (_, seen) in outcomes} == {"x"}
    assert sorted(int(p.name) for p in marks.iterdir()) == sorted(pids)
    assert len(pids) >= 3


def test_a_worker_imports_nbformat_without_the_iri_grammar():
    """`prepare_worker`'s first step: jsonschema skips the IRI format checks' grammar (2.8 s
    of imports), and nbformat still rejects an invalid notebook."""
    code = textwrap.dedent('''
        import sys
        from wardstudy.pipeline.wardrun import skip_iri_grammar
        first = skip_iri_grammar()
        import nbformat, papermill, nbconvert
        import jsonschema
        bad = nbformat.v4.new_notebook()
        bad.cells.append(nbformat.from_dict({"cell_type": "code", "id": "a", "source": ""}))
        try:
            nbformat.validate(bad)
            caught = "no"
        except nbformat.ValidationError as err:
            caught = err.message
        nbformat.validate(nbformat.v4.new_notebook())
        print(first, sys.modules["rfc3987_syntax"], "iri" in jsonschema.FormatChecker.checkers,
              skip_iri_grammar(), caught)
        ''')
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split(" ", 4) == ["True", "None", "False", "False", "'metadata' is a required property\n"]
