"""One ward in a worker process: execute its notebook, export its page (`run_ward`).

The worker's side of `wardstudy.pipeline.batch`, in a module of its own: it imports the
standard library and, when a ward runs, papermill, nbclient and nbconvert, but no pandas,
scipy or data layer. A worker process unpickles `run_ward` and its `WardJob` from here, so
it starts without the main process's imports (about 2.5 s of a worker's start) and can
start its kernel template (`kernels`) at once. `batch` re-exports every name.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from wardstudy import paths
from wardstudy.files import atomic_write_text

__all__ = ["KERNEL_NAME", "TEMPLATE_NAME", "DEFAULT_TIMEOUT", "WardJob", "WardResult", "export_html", "run_ward",
           "prepare_worker"]

KERNEL_NAME = "wardstudy"
TEMPLATE_NAME = "wardstudy_html"
# A cell of the ward notebook takes seconds; ten minutes means the kernel hangs.
DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class WardJob:
    """One ward to run: everything a worker needs (picklable; no path it writes to).

    timeout: seconds any one cell may run before its kernel is killed and the ward fails
    (None: no limit). capture_stderr: send the kernel's start-up chatter to a temporary
    file (process-wide, so only where one ward runs per process). fork_kernels: fork the
    kernel from the process's template (`kernels`; only where one ward runs per process:
    the template dies with the thread that started it).
    """

    slug: str
    parameters: dict
    out_dir: Path
    notebook: Path
    title: str
    fingerprint: str
    timeout: float | None = DEFAULT_TIMEOUT
    capture_stderr: bool = True
    fork_kernels: bool = True


@dataclass
class WardResult:
    """What happened to one ward. `ok` is False for both preflight and execution failures."""

    slug: str
    ok: bool
    message: str = ""
    seconds: float = 0.0
    skipped: bool = False
    ward: str | None = None
    year: int | None = None
    # name -> content of the files the ward wrote, handed to the main process to store.
    outputs: dict[str, bytes] = field(default_factory=dict, repr=False)


def export_html(notebook_path: Path, html_path: Path, title: str, lang: str = "vi") -> Path:
    """Export an executed notebook to a reviewer's HTML page: code hidden, offline, UTF-8,
    in `lang` (the page's ``<html lang>`` and the template's own words).

    Written atomically, so an interrupted export never leaves a half page.
    """
    import nbformat

    nb = nbformat.read(notebook_path, as_version=4)
    # papermill gives the cell it injects a random id; a fixed one keeps a rerun's page (and
    # notebook) byte-identical.
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    atomic_write_text(notebook_path, nbformat.writes(nb) + "\n")
    nb.metadata["title"] = title
    body, _ = _exporter(lang).from_notebook_node(nb)
    return atomic_write_text(html_path, body)


@functools.lru_cache(maxsize=None)
def _exporter(lang: str):
    """One HTML exporter per language and process, reused for every page it exports: its
    template is found, parsed and compiled once (nbconvert keeps no page state between
    ``from_notebook_node`` calls; each call gets its own resources)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(Path(__file__).resolve().parent / "templates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=lang,
    )


# A kernel started while another one is starting can lose the race for its ports
# (jupyter_client picks free ports, then the kernel binds them): it dies before it
# replies. Nothing of the notebook has run then, so starting it again is safe.
KERNEL_START_ATTEMPTS = 3


def _execute(notebook: Path, out_nb: Path, parameters: dict, timeout: float | None, fork: bool = True) -> None:
    """Run the notebook with papermill; retry only a kernel that died while starting.

    `timeout` bounds each cell: nbclient then stops the kernel and raises, so a hung kernel
    fails its ward instead of holding a worker for ever.
    """
    import papermill

    from wardstudy.pipeline.kernels import ForkingKernelManager

    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            # The kernel is forked from this worker's template when it can be (`kernels`): a
            # process of its own that starts with the libraries imported.
            papermill.execute_notebook(str(notebook), str(out_nb), parameters=parameters,
                                       kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
                                       cwd=str(paths.notebooks_dir()), execution_timeout=timeout,
                                       **({"kernel_manager_class": ForkingKernelManager} if fork else {}))
            return
        except RuntimeError as err:
            if "Kernel died before replying to kernel_info" not in str(err) or attempt == KERNEL_START_ATTEMPTS:
                raise
            time.sleep(0.5 * attempt)


@contextmanager
def _kernel_stderr_to(log, capture: bool):
    """Send fd 2 (where the kernel's start-up chatter goes) to `log` for the block."""
    if not capture:
        yield
        return
    saved = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def skip_iri_grammar() -> bool:
    """Keep jsonschema from compiling its IRI grammar in this process; True when in time.

    nbformat imports jsonschema, whose format checks import ``rfc3987_syntax`` when it is
    installed (jupyter-events requires it), and that module builds a Lark grammar on import:
    2.8 s of the 4 s a worker spends importing papermill and nbconvert, measured with
    ``python -X importtime``. It serves only the "iri" and "iri-reference" format checks,
    which nbformat never asks for (it validates notebooks without a format checker). Too
    late once jsonschema is imported; meant for a worker's own process, not a user's.
    """
    if "jsonschema" in sys.modules:
        return False
    # A None entry makes the import raise ImportError, which jsonschema expects and skips.
    sys.modules.setdefault("rfc3987_syntax", None)
    return sys.modules["rfc3987_syntax"] is None


def prepare_worker() -> None:
    """A ward worker's first step (`workers.run_tasks`' initializer): skip the IRI grammar
    (`skip_iri_grammar`) and start the process's kernel template (`kernels.warm`), so the
    template imports the libraries while the worker imports papermill and nbconvert."""
    from wardstudy.pipeline.kernels import warm

    skip_iri_grammar()
    warm(KERNEL_NAME)


def run_ward(job: WardJob) -> WardResult:
    """Execute one ward's notebook and export its HTML, in a private temporary folder.
    Never raises: failures are results.

    The files made (``<slug>.ipynb`` and ``<slug>.html``, or ``<slug>.failed.ipynb`` with
    the traceback in the failing cell) come back in `WardResult.outputs`; the main process
    stores them (`store_outputs`), so a worker on another machine needs no shared output
    folder and a worker killed midway leaves nothing behind. The kernel's own stderr goes
    to a temporary file, and its tail is added to the message when the kernel failed.
    """
    from papermill.exceptions import PapermillExecutionError

    from wardstudy.pipeline.kernels import warm

    start = time.perf_counter()
    if job.fork_kernels:
        warm(KERNEL_NAME)  # this process's kernel template, started from the thread that waits for it
    result = WardResult(job.slug, ok=False, ward=job.parameters.get("ward"), year=job.parameters.get("year"))
    with tempfile.TemporaryDirectory(prefix="wardstudy-") as work, tempfile.TemporaryFile() as kernel_log:
        out_nb = Path(work) / f"{job.slug}.ipynb"
        html = Path(work) / f"{job.slug}.html"
        try:
            with _kernel_stderr_to(kernel_log, job.capture_stderr):
                _execute(job.notebook, out_nb, job.parameters, job.timeout, job.fork_kernels)
                export_html(out_nb, html, job.title, job.parameters.get("lang", "vi"))
            result.ok = True
            result.outputs = {out_nb.name: out_nb.read_bytes(), html.name: html.read_bytes()}
        except PapermillExecutionError as err:
            result.message = f"{err.ename}: {err.evalue.strip()} (notebook kept: {job.slug}.failed.ipynb)"
        except Exception as err:  # kernel died or hung, export failed...: still only this ward
            kernel_log.seek(0)
            tail = kernel_log.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            shown = f"no cell may run longer than {job.timeout:g} s" if _is_timeout(err) else str(err)
            result.message = f"{type(err).__name__}: {shown}" + ("\n    " + "\n    ".join(tail) if tail else "")
        if not result.ok and out_nb.exists():
            result.outputs = {f"{job.slug}.failed.ipynb": out_nb.read_bytes()}
    result.seconds = time.perf_counter() - start
    return result


def _is_timeout(err: Exception) -> bool:
    return type(err).__name__ in {"CellTimeoutError", "TimeoutError"}
