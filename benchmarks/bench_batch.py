"""The batch against the plain loop a user would write, on the same reports, in one run.

    .venv/bin/python benchmarks/bench_batch.py [--jobs 2] [--national-sample 6] [--skip-plain] [--breakdown 4]
    .venv/bin/python benchmarks/bench_batch.py --national-full [--jobs 2]     # about 26 min on 2 cores
    .venv/bin/python benchmarks/bench_batch.py --national-full --every-phuong  # the 1,716 phường

1. The reports: every unit of the shipped panel for 2023 and 2024 (16 reports; the selection
   ``params/selections/bac-kan-city-all.yaml``). The study build is made first, untimed:
   both ways read it.
2. The plain loop: for each report, ``papermill`` (command line, ``wardstudy`` kernel) then
   ``jupyter nbconvert --to html --no-input``, one report after another.
3. ``wardstudy run --selection ... --ward <each report> --force --jobs J`` into a scratch
   folder (the same reports; then once more without ``--ward``, which adds the programme
   overview), with the peak
   resident memory of each worker process and each kernel sampled from ``/proc`` while it
   runs (workers in the order they started: a flat list means memory does not grow as wards
   go by).
4. The same command again with nothing changed (every ward skipped): its share of the full run.
5. With ``--national-sample N``: the national synthetic panel (``data/national``, made when
   missing), its build (base and impact parts, timed in a fresh process), then the first N
   programme wards of ``params/selections/national-programme.yaml``; every programme ward
   and every phường are then *extrapolated* from the measured seconds per report (said so
   in the output).
6. With ``--national-full`` (alone: the city part is skipped): the national programme run
   end to end, as a user starts it, from an empty build folder: the study build (base and
   impact parts), every programme ward's page and the index, timed with the memory of every
   worker and kernel, and the build's share (until its manifest says the impact part is written).
   With ``--every-phuong`` as well: every phường of the panel (1,716 pages,
   ``params/selections/national-all.yaml``) instead of the programme wards.

0. First (``--breakdown N``, default 4; ``--breakdown-only`` stops there): where a page's time
   goes, N pages run one after another in this process with kernels started plainly (as the
   plain loop's) and forked from a template (as ``wardstudy run``'s, `pipeline.kernels`):
   kernel start, imports, cells, figures (part of the cells) and the HTML export.

Prints the times, the ratio plain / batch, the rerun share and the memory. Nothing is
asserted and the exit status does not depend on the timings: timings belong here, not in tests.
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wardstudy import paths

BIN = Path(sys.executable).parent
CITY = paths.params_dir() / "selections" / "bac-kan-city-all.yaml"
NATIONAL = paths.params_dir() / "selections" / "national-programme.yaml"
EVERY_PHUONG = paths.params_dir() / "selections" / "national-all.yaml"


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def _status_kib(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _kind(pid: int) -> str | None:
    cmdline = _cmdline(pid)
    if not cmdline:
        return None
    if "ipykernel" in cmdline:
        return "kernel"
    if "wardstudy.pipeline.kernels" in cmdline:  # a worker's kernel template, or a kernel forked from it
        try:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return None
        return "kernel" if "wardstudy.pipeline.kernels" in _cmdline(parent) else "template"
    if "multiprocessing" in cmdline and "spawn" in cmdline:
        return "worker"
    return None


def timed_with_memory(command: list[str], env: dict | None = None) -> tuple[float, dict[str, list[int]]]:
    """Run `command`; return its seconds and the peak RSS (MiB) of each worker and kernel,
    in the order they were first seen."""
    peaks: dict[int, tuple[str, int]] = {}
    start = time.perf_counter()
    # stderr to a file: a long run's progress bar would fill a pipe nobody reads until the end.
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, text=True, env=env)
    while proc.poll() is None:
        for pid in _descendants(proc.pid):
            kind = peaks.get(pid, (None,))[0] or _kind(pid)
            peak = _status_kib(pid, "VmHWM")
            if kind and peak:
                peaks[pid] = (kind, max(peak, peaks.get(pid, (kind, 0))[1]))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    log.seek(0)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{log.read()[-2000:]}")
    if proc.returncode == 1:  # some reports failed, or the run stopped: say so, never time it silently
        print(f"WARNING: exit status 1, the run's last words:\n{log.read()[-1500:]}")
    by_kind: dict[str, list[int]] = {"worker": [], "kernel": [], "template": []}
    for kind, kib in peaks.values():
        by_kind[kind].append(round(kib / 1024))
    return seconds, by_kind


def plain_loop(reports: list[tuple[str, int]], out: Path) -> float:
    notebook = paths.notebooks_dir() / "ward_report.ipynb"
    start = time.perf_counter()
    for ward, year in reports:
        executed = out / f"{ward}-{year}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(notebook), str(executed), "-k", "wardstudy",
                        "-p", "ward", ward, "-p", "year", str(year), "--cwd", str(paths.notebooks_dir())],
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, capture_output=True)
    return time.perf_counter() - start


# Run in the kernel before the notebook's cells: the modules its cells import (timed as
# "imports"), and a clock on every figure drawn (built by `plots.ward_figures`, rendered by
# ``savefig``), read back after the last cell.
_PROBE_IMPORTS = """
import time as _t
_s = _t.perf_counter()
import IPython.display, wardstudy.pipeline, wardstudy.indicators.registry
import wardstudy.report.pages, wardstudy.report.plots, wardstudy.report.ward_page
_bench = {"imports": _t.perf_counter() - _s, "figures": 0.0}
from matplotlib.figure import Figure as _F
from wardstudy.report import plots as _plots

def _clocked(f):
    def inner(*a, **k):
        s = _t.perf_counter()
        try:
            return f(*a, **k)
        finally:
            _bench["figures"] += _t.perf_counter() - s
    return inner

_F.savefig = _clocked(_F.savefig)
_plots.ward_figures = _clocked(_plots.ward_figures)
"""


def page_breakdown(reports: list[tuple[str, int]], fork: bool) -> dict[str, float]:
    """Where a page's time goes, in seconds per page (mean over `reports`), run one after
    another in this process as a worker runs them: kernel start (until it answers), imports
    (the modules the notebook's cells import), cells (the rest of the notebook), figures
    (drawing and rendering the page's figures, part of the cells' time) and the HTML export.
    fork: kernels forked from a template (`pipeline.kernels`), else started plainly."""
    import nbformat
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from wardstudy.pipeline import batch, kernels

    notebook = load_notebook_node(str(paths.notebooks_dir() / "ward_report.ipynb"))
    total = dict.fromkeys(["kernel start", "imports", "cells", "figures", "export"], 0.0)
    if fork:
        kernels.warm(batch.KERNEL_NAME, wait=True)  # the template's own start is paid once per worker
    for ward, year in reports:
        nb = parameterize_notebook(copy.deepcopy(notebook), {"ward": ward, "year": year})
        client = NotebookClient(nb, kernel_name=batch.KERNEL_NAME, timeout=600,
                                resources={"metadata": {"path": str(paths.notebooks_dir())}},
                                **({"kernel_manager_class": kernels.ForkingKernelManager} if fork else {}))
        start = time.perf_counter()
        client.km = client.create_kernel_manager()
        client.start_new_kernel(cwd=str(paths.notebooks_dir()))
        client.start_new_kernel_client()
        total["kernel start"] += time.perf_counter() - start
        try:
            # The probe and the read-out run as cells of their own, then leave the notebook.
            nb.cells.insert(0, nbformat.v4.new_code_cell(_PROBE_IMPORTS))
            client.execute_cell(nb.cells[0], 0)
            del nb.cells[0]
            start = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            total["cells"] += time.perf_counter() - start
            nb.cells.append(nbformat.v4.new_code_cell("print(_bench['imports'], _bench['figures'])"))
            readout = client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
            del nb.cells[-1]
            imports, figures = map(float, readout.outputs[0]["text"].split())
            total["imports"] += imports
            total["figures"] += figures
        finally:
            client._cleanup_kernel()
        with tempfile.TemporaryDirectory() as tmp:
            executed = Path(tmp) / "page.ipynb"
            nbformat.write(nb, executed)
            start = time.perf_counter()
            batch.export_html(executed, Path(tmp) / "page.html", "title")
            total["export"] += time.perf_counter() - start
    return {k: v / len(reports) for k, v in total.items()}


def print_breakdown(reports: list[tuple[str, int]]) -> None:
    """The page breakdown with kernels started plainly and forked from the template."""
    rows = {"plain kernels": page_breakdown(reports, fork=False), "forked kernels": page_breakdown(reports, fork=True)}
    print(f"where a page's time goes (s per page, mean of {len(reports)} pages run one after another; "
          f"figures are part of cells):")
    for label, parts in rows.items():
        print(f"  {label:15s} " + "  ".join(f"{k} {v:.2f}" for k, v in parts.items())
              + f"  = {sum(v for k, v in parts.items() if k != 'figures'):.2f}")


def city_reports() -> list[tuple[str, int]]:
    from wardstudy.pipeline.build import ensure_build
    from wardstudy.pipeline.selection import expand, load_selection

    build = ensure_build(None, impact=True)
    return [(r["ward"], r["year"]) for r in expand(load_selection(CITY), build.read("units"), build.read("programme"))]


def national(sample: int, jobs: int, scratch: Path) -> None:
    import pandas as pd

    from wardstudy.data.national_panel import national_dir

    if not (national_dir() / "crimes.csv").exists():
        start = time.perf_counter()
        subprocess.run([str(BIN / "wardstudy"), "generate", "--national"], check=True, capture_output=True)
        print(f"national panel generated in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    built = subprocess.run([str(BIN / "wardstudy"), "build", "--data-dir", str(national_dir())],
                           capture_output=True, text=True)
    build_seconds = time.perf_counter() - start
    if built.returncode:
        raise SystemExit(built.stderr[-2000:])
    print(f"national build (reused if unchanged): {build_seconds:.1f} s  [{built.stdout.strip()}]")
    programme = pd.read_csv(national_dir() / "programme.csv", dtype=str)
    pages = [f"{w}-2024" for w in sorted(programme["ward"])[:sample]]
    command = [str(BIN / "wardstudy"), "run", "--selection", str(NATIONAL), "--out", str(scratch / "national"),
               "--jobs", str(jobs), "--force"] + [a for p in pages for a in ("--ward", p)]
    seconds, memory = timed_with_memory(command)
    per_report = seconds / len(pages)
    print(f"national sample: {len(pages)} programme wards in {seconds:.1f} s ({per_report:.1f} s per report "
          f"with {jobs} jobs); worker peaks {memory['worker']} MiB")
    for label, n in [("every programme ward", len(programme)), ("every phường", 1716)]:
        print(f"  EXTRAPOLATED, not measured: {label} ({n}) ~ {n * per_report / 60:.0f} min of pages "
              f"+ the build")


def national_full(jobs: int, scratch: Path, selection: Path = NATIONAL) -> None:
    from wardstudy.data.national_panel import national_dir

    if not (national_dir() / "crimes.csv").exists():
        subprocess.run([str(BIN / "wardstudy"), "generate", "--national"], check=True, capture_output=True)
    out = scratch / "national-full"
    env = {**os.environ, "WARDSTUDY_BUILD_DIR": str(scratch / "build")}  # an empty build folder
    command = [str(BIN / "wardstudy"), "run", "--selection", str(selection), "--out", str(out), "--jobs", str(jobs)]
    started = time.time()
    seconds, memory = timed_with_memory(command, env=env)
    pages = [p for p in out.glob("*.html") if p.name != "index.html"]
    if not pages:
        raise SystemExit("the national run wrote no page (see its last words above)")
    # <build dir>/<data folder key>/<inputs key>/manifest.json
    built = max(m.stat().st_mtime for m in (scratch / "build").glob("*/*/manifest.json")) - started
    what = "every phường" if selection == EVERY_PHUONG else "national programme"
    print(f"{what} run, end to end from an empty build: {seconds / 60:.1f} min for {len(pages)} "
          f"pages and the index ({jobs} jobs), of which the study build {built / 60:.1f} min; worker peaks "
          f"{memory['worker']} MiB; kernel max {max(memory['kernel'] or [0])} MiB; load average at the end "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")
    rerun, _ = timed_with_memory(command, env=env)
    print(f"no-change rerun: {rerun:.1f} s = {rerun / seconds:.1%} of the full run")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--national-sample", type=int, default=0)
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--national-full", action="store_true")
    parser.add_argument("--every-phuong", action="store_true",
                        help="with --national-full: every phường (1,716 pages), not only the programme wards")
    parser.add_argument("--breakdown", type=int, default=4, metavar="N",
                        help="pages timed part by part, each way (0: none)")
    parser.add_argument("--breakdown-only", action="store_true")
    args = parser.parse_args()
    if args.national_full:
        with tempfile.TemporaryDirectory() as tmp:
            national_full(args.jobs, Path(tmp), EVERY_PHUONG if args.every_phuong else NATIONAL)
        return

    reports = city_reports()
    if args.breakdown:
        print_breakdown(reports[:args.breakdown])
    if args.breakdown_only:
        return
    print(f"{len(reports)} reports (every unit of the shipped panel, 2023 and 2024), {args.jobs} jobs, "
          f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        plain = None
        if not args.skip_plain:
            (scratch / "plain").mkdir()
            plain = plain_loop(reports, scratch / "plain")
            print(f"plain loop (papermill CLI + nbconvert, one by one): {plain:.1f} s, "
                  f"{plain / len(reports):.1f} s per report")
        run = [str(BIN / "wardstudy"), "run", "--selection", str(CITY), "--out", str(scratch / "batch"),
               "--jobs", str(args.jobs)]
        # The same reports as the plain loop (naming them leaves out the programme overview,
        # a page the loop does not make); then the whole selection, overview included.
        same = [a for ward, year in reports for a in ("--ward", f"{ward}-{year}")]
        full, memory = timed_with_memory(run + same + ["--force"])
        print(f"wardstudy run, the same {len(reports)} reports: {full:.1f} s, {full / len(reports):.1f} s per report")
        if plain is not None:
            print(f"ratio plain / wardstudy run: {plain / full:.2f}x (target >= 5, aim 8)")
        whole, _ = timed_with_memory(run + ["--force"])
        print(f"wardstudy run, the whole selection (with the programme overview): {whole:.1f} s")
        print(f"peak memory per worker (MiB, in start order): {memory['worker']}; "
              f"per kernel: max {max(memory['kernel'] or [0])}; per kernel template: {memory['template']} "
              f"(a forked kernel shares the template's pages until it writes them)")
        rerun, _ = timed_with_memory(run)
        print(f"no-change rerun: {rerun:.1f} s = {rerun / whole:.0%} of the full run (target <= 5%)")
        if args.national_sample:
            national(args.national_sample, args.jobs, scratch)


if __name__ == "__main__":
    main()
