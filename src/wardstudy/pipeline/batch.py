"""Run the ward report once per params file, in parallel; export HTML, an index and the CSV.

``wardstudy run`` (and ``make reports``) calls :func:`run`. For every ``params/<slug>.yaml``:

1. *preflight* (main process, before anything is written): the study build is made or
   reused once (`build.ensure_build`: the data are loaded and checked once, every
   indicator, comparison, ranking and impact result computed once), and each params
   file is read and checked against it (`params.validate`). A data error stops the run;
   a bad params file only fails its ward.
2. *execute* (worker processes): papermill runs ``notebooks/ward_report.ipynb`` with the
   file's values on the ``wardstudy`` kernel into ``<out>/<slug>.ipynb``. Each ward gets a
   kernel process of its own, forked from a template the worker started once, which has
   imported the libraries and run no ward code (`kernels`; the plain start when forking is
   not possible).
3. *export*: nbconvert writes ``<out>/<slug>.html`` with the code hidden, through the
   offline template in ``templates/wardstudy_html`` (no CDN scripts; figures are base64 PNG),
   with one exporter per language reused by a worker for all its pages.
4. ``<out>/index.html`` lists every ward with headline figures and ``<out>/indicators.csv``
   is the indicator export contract, both read from the same build as the pages.

A ward whose notebook fails keeps it as ``<slug>.failed.ipynb`` (with the traceback in the
failing cell) and has no ``<slug>.html``: a stale page from an earlier run is removed, so
nothing that looks finished is left. Each worker process is replaced after
`MAX_WARDS_PER_WORKER` wards (`_run_in_rounds`) because papermill's in-process API was
measured leaking ~14 file descriptors per notebook; a worker that dies costs only the ward
it was running (run again once), and none outlives the run. Like Quarto's freeze, a ward
whose page inputs (`fingerprint`: notebook, parameters, the build's key, the package source
and the libraries' versions) are unchanged since its last successful run is skipped
(``force=True`` reruns it).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wardstudy import data, paths
from wardstudy.files import atomic_write_bytes, atomic_write_text, sha256_files
from wardstudy.pipeline import params
from wardstudy.pipeline.build import COMPUTING_LIBRARIES, Build, ensure_build, library_versions, source_hash
from wardstudy.pipeline.selection import Selection, expand
# The worker's side (one ward: execute, export), a module of its own that imports no pandas,
# no scipy and no data layer, so a worker process starts in a fraction of the time.
from wardstudy.pipeline.wardrun import (DEFAULT_TIMEOUT, KERNEL_NAME, TEMPLATE_NAME, WardJob,  # noqa: F401
                                        WardResult, _execute, _exporter, export_html, prepare_worker, run_ward)

__all__ = ["KERNEL_NAME", "MAX_WARDS_PER_WORKER", "WardJob", "WardResult", "RunSummary",
           "DataProblem", "read_params", "discover", "fingerprint", "export_html", "run_ward", "run"]

# Bound on wards per worker process before it is replaced (file-descriptor leak, see above):
# 48 x ~14 descriptors stays below the usual limit of 1,024 (and a worker raises its own
# limit to the system's maximum, `workers.raise_fd_limit`). Not fewer: each replacement
# starts a new interpreter and a new kernel template, about 10 CPU-seconds; at 16 that was
# 108 starts for the 1,716 phường of the national panel.
MAX_WARDS_PER_WORKER = 48
# Attempts of a ward whose worker process dies while running it (not of a ward that fails).
WORKER_ATTEMPTS = 2
FREEZE_DIR = ".freeze"


class DataProblem(RuntimeError):
    """The data cannot be loaded: the run refuses to start and writes nothing."""


@dataclass(frozen=True)
class ReportRequest:
    """One report asked for: its page name, where its values come from (shown in messages),
    and either a params file to read or the values themselves (from a selection)."""

    slug: str
    source: str
    params_file: Path | None = None
    values: dict | None = None

    def read(self) -> dict:
        return read_params(self.params_file) if self.params_file is not None else dict(self.values)


@dataclass
class RunSummary:
    """The whole run: one result per params file, plus where the outputs went."""

    out_dir: Path
    results: list[WardResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[WardResult]:
        return [r for r in self.results if not r.ok]

    @property
    def exit_code(self) -> int:
        """0 when every ward succeeded (or was skipped as unchanged), else 1."""
        return 1 if self.failed else 0

    def text(self) -> str:
        """A few lines a user reads at the end of the run."""
        done = [r for r in self.results if r.ok and not r.skipped]
        skipped = [r for r in self.results if r.skipped]
        lines = [f"{len(done)} page(s) written, {len(skipped)} unchanged (skipped), "
                 f"{len(self.failed)} failed, in {self.seconds:.1f} s -> {self.out_dir}"]
        lines += [f"  skipped {r.slug}: unchanged since the last run (use --force to rerun)" for r in skipped]
        lines += [f"  FAILED {r.slug}: {r.message}" for r in self.failed]
        return "\n".join(lines)


# ---------------------------------------------------------------- params files

def read_params(path: Path) -> dict:
    """Read one params YAML file as papermill parameters (`params.load_params_file` checks
    keys and types; `ParameterError` names the file).

    A relative data_dir is taken from the project root (not the cwd), so a params file
    means the same wherever `wardstudy run` is started, and in the notebook.
    """
    values = params.load_params_file(path)
    if values.get("data_dir") is not None:
        values["data_dir"] = str(data.resolve_data_dir(values["data_dir"]))
    return values


def discover(params_dir: Path | None = None, wards: list[str] | None = None) -> list[Path]:
    """The params files to run, sorted; only those named in `wards` (file stems) if given.

    Raises ValueError naming any requested ward without a params file.
    """
    params_dir = Path(params_dir) if params_dir is not None else paths.params_dir()
    files = sorted(params_dir.glob("*.yaml")) + sorted(params_dir.glob("*.yml"))
    if wards:
        by_stem = {f.stem: f for f in files}
        missing = [w for w in wards if w not in by_stem]
        if missing:
            raise ValueError(f"no params file for {', '.join(missing)} in {params_dir}; "
                             f"available: {', '.join(by_stem) or '(none)'}")
        files = [by_stem[w] for w in dict.fromkeys(wards)]
    return files


# ---------------------------------------------------------------- freeze

# The libraries that make a page: the build's (its numbers) and those that draw, run and
# export the notebook, with what they require (`build.library_versions`).
PAGE_LIBRARIES = COMPUTING_LIBRARIES + ("matplotlib", "seaborn", "nbconvert", "nbformat", "nbclient", "papermill",
                                        "ipykernel", "jinja2")


def fingerprint(notebook: Path, parameters: dict, build: Build) -> str:
    """SHA-256 over the notebook, the report's parameters, the build's key (`build.input_hash`:
    data, computing source and libraries), the whole package source (``report`` and its
    wording, the templates...) and the versions of `PAGE_LIBRARIES`. A change in any of them
    means the ward's report must be rebuilt; a comment edited in a params file does not."""
    digest = hashlib.sha256(sha256_files([Path(notebook)]).encode())
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    digest.update(build.manifest["inputs"].encode())
    digest.update(source_hash().encode())
    digest.update(json.dumps(library_versions(PAGE_LIBRARIES)).encode())
    return digest.hexdigest()


def _stamp(out_dir: Path, slug: str) -> Path:
    return out_dir / FREEZE_DIR / f"{slug}.sha256"


def _is_fresh(job: WardJob) -> bool:
    stamp = _stamp(job.out_dir, job.slug)
    outputs = [job.out_dir / f"{job.slug}.html", job.out_dir / f"{job.slug}.ipynb"]
    return stamp.exists() and all(p.exists() for p in outputs) and stamp.read_text().strip() == job.fingerprint


def store_outputs(job: WardJob, result: WardResult) -> WardResult:
    """Write a ward's files into its output folder, each atomically, then its freeze stamp.

    Nothing that looks finished is left from a failure: an earlier run's page, notebook and
    stamp are removed, and the failed notebook is kept under its own name.
    """
    out_dir = job.out_dir
    for name, content in result.outputs.items():
        atomic_write_bytes(out_dir / name, content)
    result.outputs = {}
    if result.ok:
        (out_dir / f"{job.slug}.failed.ipynb").unlink(missing_ok=True)
        atomic_write_text(_stamp(out_dir, job.slug), job.fingerprint + "\n")
    else:
        for stale in [out_dir / f"{job.slug}.html", out_dir / f"{job.slug}.ipynb", _stamp(out_dir, job.slug)]:
            stale.unlink(missing_ok=True)
    return result


# ---------------------------------------------------------------- the run

def _run_in_rounds(todo: list, workers: int, task=None):
    """Run `task` (default `run_ward`) on each job in worker processes, yielding (job, result)
    as each ends (`workers.run_tasks`).

    Each worker process serves at most `MAX_WARDS_PER_WORKER` wards, then a fresh one takes
    over (papermill's file-descriptor leak stays bounded). A worker that dies (the
    out-of-memory killer, a crash in compiled code) costs only the ward it was running,
    which goes back to the queue while the other workers go on; a ward whose worker dies
    `WORKER_ATTEMPTS` times fails, the signal or exit code in its message. Workers die with
    the run (``kill -9`` of it leaves none), and a ward's kernel ends within a second of its
    worker (ipykernel polls its parent).
    """
    from wardstudy.workers import run_tasks

    # A ward's worker prepares itself (`prepare_worker`: its kernel template starts at once);
    # another task (the tests') runs in plain workers.
    initializer = prepare_worker if task is None else None
    task = run_ward if task is None else task
    for index, ok, value in run_tasks(todo, task, workers, per_worker=MAX_WARDS_PER_WORKER,
                                      attempts=WORKER_ATTEMPTS, initializer=initializer):
        job = todo[index]
        yield job, value if ok else WardResult(job.slug, ok=False, message=f"worker failed: {value}")


def _run_on_cluster(todo: list, address: str, task=None):
    """Run `task` (default `run_ward`) on each job on a Dask distributed cluster, yielding
    (job, result) as each ends.

    The scheduler places the wards; a worker that dies has its ward retried elsewhere by
    Dask, and a ward that still fails is a failed result, never a failed run. Each worker
    needs the package, the ``wardstudy`` kernel and the data folder at the same path; the
    files come back to this process (`WardResult.outputs`), so no shared output folder is
    needed. Kernel stderr is not captured there, nor are kernels forked: a Dask worker runs
    tasks in threads, which share file descriptor 2, and a template dies with its thread.
    """
    from dataclasses import replace

    from distributed import Client, as_completed as completed_on_cluster

    task = run_ward if task is None else task
    with Client(address) as client:
        futures = {client.submit(task, replace(job, capture_stderr=False, fork_kernels=False), key=f"ward-{job.slug}-{job.fingerprint[:8]}",
                                 pure=False): job for job in todo}
        for future in completed_on_cluster(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as err:  # the ward's task failed on the cluster (e.g. KilledWorker)
                result = WardResult(job.slug, ok=False, message=f"worker failed: {err!r}")
            future.release()
            yield job, result


def _preflight(requests: list[ReportRequest], out_dir: Path, notebook: Path, builds: dict,
               timeout: float | None = DEFAULT_TIMEOUT, lang: str = "vi"):
    """Check data and parameters before writing anything. Returns (jobs, failures, checked).

    One build per data folder named by the requests (`builds`, data_dir -> build, filled in
    here); a request whose own data folder is bad fails alone, as does a bad params file.
    """
    jobs, failures, checked = [], [], {}
    bad_data: dict = {}  # data_dir -> its DataError, so a bad folder is loaded once, not once per ward
    for request in requests:
        slug, shown = request.slug, request.source
        try:
            values = request.read()
            params.required_keys(values, shown)
        except (ValueError, TypeError, KeyError) as err:  # ParameterError is a ValueError
            failures.append(WardResult(slug, ok=False, message=str(err)))
            continue
        key = values.get("data_dir")
        if key not in builds and key not in bad_data:
            # Only a data problem fails the ward (its own data_dir); any other error of the
            # build is the package's, the same for every ward: it stops the run, once.
            try:
                builds[key] = ensure_build(key)  # the run's ward-years' impact results: `_impact_for`
            except data.DataError as err:
                bad_data[key] = err
        if key in bad_data:
            failures.append(WardResult(slug, ok=False, message=f"{shown}: the data in {key} have "
                                       f"{len(bad_data[key].problems)} problem(s):\n{bad_data[key]}"))
            continue
        build = builds[key]
        try:
            checked_params = params.validate(**values, source=shown, units=build.read("units"), years=build.years)
        except (ValueError, TypeError, KeyError) as err:
            failures.append(WardResult(slug, ok=False, message=str(err)))
            continue
        checked[slug] = (checked_params, key)
        # The notebook gets the resolved slug and baseline, whatever spelling the file used.
        values.update(ward=checked_params.ward, baseline_year=checked_params.baseline_year)
        if lang != "vi":
            values["lang"] = lang
        title = f"{checked_params.name} {checked_params.year} — " + ("report" if lang == "en" else "báo cáo")
        jobs.append(WardJob(slug=slug, parameters=values, out_dir=out_dir, notebook=notebook, title=title,
                            fingerprint=fingerprint(notebook, values, build), timeout=timeout))
    return jobs, failures, checked


OVERVIEW_SLUG = "programme"


def _impact_for(checked: dict, builds: dict, echo=print) -> None:
    """Compute (or find cached) the impact results of the run's ward-years only, before the
    workers start: one province of the national panel costs its own wards and their donors,
    not the country (`build.ensure_build(impact=[...])`), and no two kernels compute the same."""
    from wardstudy.pipeline.build import ImpactError

    for key in builds:
        ward_years = sorted({(p.ward, p.year) for p, k in checked.values() if k == key})
        if ward_years:
            try:
                ensure_build(key, impact=ward_years)
            except ImpactError as err:
                # The others are computed and cached; these wards' own notebooks meet the same
                # error and fail, each alone, with it in their message.
                echo(f"wardstudy: {err}; their pages will fail, the others go on")


def _overview_job(checked: dict, builds: dict, out_dir: Path, timeout: float | None, lang: str) -> WardJob:
    """The programme overview (``notebooks/programme_overview.ipynb``) as one more job: the
    data folder of most of the run's wards, the latest year they report on that has the
    programme's pooled results (`programme.latest_evaluated_year`): 2024 on the shipped data,
    not 2025, when the model wards became parts of new units and no pooled effect exists."""
    from wardstudy.pipeline.programme import latest_evaluated_year

    keys = [key for _, key in checked.values()]
    key = max(set(keys), key=lambda k: (keys.count(k), str(k)))
    latest = max(p.year for p, k in checked.values() if k == key)
    year = latest_evaluated_year(builds[key], up_to=latest) or latest
    notebook = paths.notebooks_dir() / "programme_overview.ipynb"
    values = {"data_dir": key, "year": year, "lang": lang}
    title = "Programme overview" if lang == "en" else "Tổng quan chương trình"
    return WardJob(slug=OVERVIEW_SLUG, parameters=values, out_dir=out_dir, notebook=notebook,
                   title=f"{title} {year}", fingerprint=fingerprint(notebook, values, builds[key]), timeout=timeout)


def _requests(params_dir: Path | None, wards: list[str] | None, selection: Selection | None,
              builds: dict) -> tuple[list[ReportRequest], list[str]]:
    """The reports asked for, and the order of their pages on the index."""
    if selection is None:
        files = discover(params_dir, wards)
        return [ReportRequest(f.stem, data.display_path(f), params_file=f) for f in files], [f.stem for f in files]
    key = None if selection.data_dir is None else str(data.resolve_data_dir(selection.data_dir))
    try:
        if key not in builds:
            builds[key] = ensure_build(key)
    except data.DataError as err:
        raise DataProblem(f"the data in {key} cannot be loaded; nothing was run:\n{err}") from None
    build = builds[key]
    expanded = expand(selection, build.read("units"), build.read("programme"))
    requests = [ReportRequest(r["page"], f"{selection.source} ({r['ward']}, {r['year']})",
                              values={k: r[k] for k in ("ward", "year", "baseline_year")} | {"data_dir": key})
                for r in expanded]
    if wards:
        requests = [r for r in requests if r.slug in wards or r.values["ward"] in wards]
    return requests, [r.slug for r in requests]


def _index_rows(results: list[WardResult], checked: dict, builds: dict, lang: str = "vi") -> list[dict]:
    """One index row per ward, its headline figures read from the build its page used.

    Each build's rows for the run's wards are read once (not once per ward), then looked up.
    A row also says where the ward is (province, district) and its programme year, so a
    national index can be grouped.
    """
    from wardstudy.pipeline.programme import new_units_with_programme
    from wardstudy.indicators.registry import REGISTRY
    from wardstudy.report.format import SIGNIFICANCE, fmt_period, is_missing
    from wardstudy.report.tables import headline
    from wardstudy.report.wording import text

    keys = ["ward", "year", "baseline_year"]
    shown = {}
    for key, build in builds.items():
        wards = sorted({p.ward for p, k in checked.values() if k == key})
        if wards:
            values = build.read("values", ward=wards)
            compared = build.read("comparisons", ward=wards, category="social_order")
            units = build.read("units").set_index("slug")
            cohorts = dict(zip(*build.read("programme")[["ward", "cohort_year"]].T.values))
            shown[key] = ({k: g for k, g in values.groupby(keys)}, compared.set_index(keys), units, cohorts,
                          new_units_with_programme(build))
    rows = []
    for r in results:
        row = {"slug": r.slug, "ok": r.ok, "message": r.message, "skipped": r.skipped, "headline": {},
               "name": None, "year": None, "baseline_year": None, "note": "", "province": None,
               "province_code": None, "district": None, "cohort_year": None}
        if r.slug in checked:
            p, key = checked[r.slug]
            values, compared, units, cohorts, with_programme = shown[key]
            unit = units.loc[p.ward]
            cohort = cohorts.get(p.ward)
            # valid_from / valid_to tell a new unit of 2025 from the former unit of its name;
            # a new unit holding a model ward is grouped as such, never "not in the programme".
            row.update(name=p.name, year=p.year, baseline_year=p.baseline_year, province=unit.get("province"),
                       province_code=unit.get("province_code"), district=unit.get("district"),
                       cohort_year=None if cohort is None else int(cohort),
                       new_unit_with_programme=p.ward in with_programme,
                       **{k: None if is_missing(unit.get(k)) else str(unit.get(k)) for k in ("valid_from", "valid_to")})
            if r.ok:
                at = (p.ward, p.year, p.baseline_year)
                row["headline"] = headline(values.get(at, pd.DataFrame(columns=["indicator", "value"])), lang)
                change = REGISTRY["social_order_crime_change"].label(lang)
                if at in compared.index and compared.loc[at, "p_value"] < SIGNIFICANCE and change in row["headline"]:
                    # the exact Poisson test of the page's section 2: a change that is not chance is marked
                    row["headline"][change] = text("index_significant", lang, value=row["headline"][change])
                if at in compared.index and int(compared.loc[at, "months"]) < 12:
                    period = fmt_period(compared.loc[at, "months_compared"], p.year, lang)
                    row["note"] = text("index_note_partial", lang, period=period, baseline=p.baseline_year)
        rows.append(row)
    return rows


def _other_edition_href(out_dir: Path, lang: str) -> str | None:
    """The other language's index, relative to this one: the English edition is written to
    ``en/`` inside the Vietnamese one's folder (`run`'s default), so vi links ``en/index.html``
    and en links ``../index.html``. None when this folder is not laid out so (an ``--out``
    elsewhere with no edition beside it)."""
    if lang == "en":
        return "../index.html" if out_dir.name == "en" else None
    beside = out_dir / "en" / "index.html"
    return "en/index.html" if beside.exists() or out_dir == paths.reports_dir().resolve() else None


def run(wards: list[str] | None = None, jobs: int | None = None, out: Path | None = None,
        params_dir: Path | None = None, force: bool = False, progress: bool = True,
        echo=print, selection: Selection | None = None, scheduler: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT, lang: str = "vi") -> RunSummary:
    """Run every ward's report into `out` (default: reports/, or reports/en/ for English).

    What to run: every params file (or those named in `wards`), or the reports of a
    `selection` (then `wards` narrows it to those pages or ward slugs).
    jobs: worker processes (default: the number of cores); scheduler: the address of a
    Dask distributed scheduler to run the wards on instead (``tcp://host:8786``);
    timeout: seconds any one notebook cell may take before its kernel is stopped and the
    ward fails; lang: ``vi`` or ``en``, the pages' language.
    Raises `DataProblem` (nothing written) when the data cannot be loaded, ValueError when
    a requested ward has no params file. Ward failures are in the summary, never raised.
    """
    from tqdm import tqdm

    from wardstudy.pipeline.export import indicators_csv_text
    from wardstudy.pipeline.links import with_page_links
    from wardstudy.report.pages import index_html

    start = time.perf_counter()
    default_out = paths.reports_dir() / ("en" if lang == "en" else "")
    out_dir = (Path(out) if out is not None else default_out).resolve()
    notebook = paths.notebooks_dir() / "ward_report.ipynb"
    try:
        builds = {None: ensure_build(None)} if selection is None or selection.data_dir is None else {}
    except data.DataError as err:
        raise DataProblem(f"the data cannot be loaded; nothing was run:\n{err}") from None
    requests, order = _requests(params_dir, wards, selection, builds)
    planned, failures, checked = _preflight(requests, out_dir, notebook, builds, timeout, lang)
    planned = with_page_links(planned)  # old and new units' pages of this run link each other
    _impact_for(checked, builds, echo)
    for failure in failures:
        echo(f"{failure.slug}: {failure.message}")
        # A ward that cannot even start has no page either; drop a stale one.
        (out_dir / f"{failure.slug}.html").unlink(missing_ok=True)
        _stamp(out_dir, failure.slug).unlink(missing_ok=True)

    out_dir.mkdir(parents=True, exist_ok=True)
    results = list(failures)
    todo = []
    for job in planned:
        if not force and _is_fresh(job):
            results.append(WardResult(job.slug, ok=True, skipped=True, ward=job.parameters["ward"],
                                      year=job.parameters["year"], message="unchanged"))
        else:
            todo.append(job)
    # The programme overview, once per run of every ward (not when --ward picks a few): the
    # same build, the latest report year of the run, a job like the wards'.
    overview = None
    # A province's run does not make the programme's overview: its pooled effect is the whole
    # panel's, and would cost the national impact build the province was spared.
    if not wards and checked and (selection is None or selection.province is None):
        overview = _overview_job(checked, builds, out_dir, timeout, lang)
        if not force and _is_fresh(overview):
            results.append(WardResult(overview.slug, ok=True, skipped=True, message="unchanged"))
        else:
            todo.append(overview)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if todo:
        done = _run_on_cluster(todo, scheduler) if scheduler else _run_in_rounds(todo, workers)
        with tqdm(total=len(todo), desc="wards", unit="ward", disable=not progress) as bar:
            for job, result in done:
                # Stored as each ward ends: a run killed midway keeps every finished ward.
                store_outputs(job, result)
                bar.set_postfix_str(job.slug)
                bar.update()
                if not result.ok:
                    bar.write(f"{job.slug}: FAILED {result.message}")
                results.append(result)

    # The index and the CSV come from the builds the wards' pages read.
    position = {slug: i for i, slug in enumerate(order)}
    results.sort(key=lambda r: position.get(r.slug, len(position)))
    rows = _index_rows([r for r in results if overview is None or r.slug != overview.slug], checked, builds, lang)
    used = {checked[r.slug][1] for r in results if r.slug in checked} or set(builds)
    main = builds[None if None in used else sorted(used, key=str)[0]]
    atomic_write_text(out_dir / "indicators.csv", indicators_csv_text(main.read("indicators")))
    is_synthetic = any(builds[k].is_synthetic for k in used)
    has_overview = (out_dir / f"{OVERVIEW_SLUG}.html").exists()
    atomic_write_text(out_dir / "index.html", index_html(rows, is_synthetic, int(main.manifest["n_criteria"]),
                                                         main.manifest["inputs"][:12],
                                                         programme_href=f"{OVERVIEW_SLUG}.html" if has_overview else None,
                                                         lang=lang, other_edition_href=_other_edition_href(out_dir, lang)))
    return RunSummary(out_dir=out_dir, results=results, seconds=time.perf_counter() - start)
