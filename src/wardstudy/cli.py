"""The ``wardstudy`` command: run the ward reports, make the study build, validate inputs, export
indicators, regenerate the synthetic panel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from wardstudy import paths

app = typer.Typer(help="Reproducible ward-by-ward evaluation of the model ward police programme.",
                  no_args_is_help=True, add_completion=False)

DataDirOption = Annotated[
    Optional[Path],
    typer.Option("--data-dir", help="Folder of record tables (default: the shipped synthetic panel)."),
]


@app.command()
def generate(
    out: Annotated[Optional[Path], typer.Option(
        help="Folder to write (default: data/synthetic, or data/national with --national).")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed (default: 20240129).")] = None,
    national: Annotated[bool, typer.Option(
        "--national", help="Every phường of the country (1,716) with a synthetic roll-out, not Bắc Kạn city.")] = False,
) -> None:
    """Regenerate the illustrative synthetic panel (byte-identical for the same seed)."""
    from wardstudy.data.national_panel import national_dir, write_national_panel
    from wardstudy.data.synthetic import DEFAULT_SEED, write_panel

    seed = DEFAULT_SEED if seed is None else seed
    if national:
        written = write_national_panel(out or national_dir(), seed=seed)
    else:
        written = write_panel(out or paths.synthetic_dir(), seed=seed)
    for path in written:
        typer.echo(f"wrote {path}")


@app.command()
def indicators(
    data_dir: DataDirOption = None,
    out: Annotated[Optional[Path], typer.Option(help="CSV to write (default: reports/indicators.csv).")] = None,
) -> None:
    """Write every ward's indicators (the export contract) to reports/indicators.csv.

    Read from the study build (made, or reused when the data are unchanged), so the file
    equals the one `wardstudy run` writes.
    """
    from wardstudy import data
    from wardstudy.pipeline.build import ensure_build
    from wardstudy.pipeline.export import write_indicators

    try:
        build = ensure_build(data_dir)
    except data.DataError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    path = write_indicators(build, out or paths.reports_dir() / "indicators.csv")
    note = " (from SYNTHETIC data)" if build.is_synthetic else ""
    typer.echo(f"wrote {path}{note}")


@app.command()
def build(
    data_dir: DataDirOption = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the inputs are unchanged.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help=(
        "Build nothing: remove old builds from the cache. The 3 most recently used of each data folder are "
        "kept (only --data-dir's is pruned when given); the builds of data folders that no longer exist go."))] = False,
) -> None:
    """Make the study build (every indicator, comparison, ranking and impact result), or
    reuse it when its inputs are unchanged; print where it is. Old builds of the data folder
    are removed after each build (the 3 most recently used are kept)."""
    from wardstudy import data
    from wardstudy.pipeline.build import KEEP_BUILDS, ImpactError, ensure_build, prune_builds

    if prune:
        removed = prune_builds(data_dir, keep=KEEP_BUILDS, every=data_dir is None)
        for path in removed:
            typer.echo(f"removed {path}")
        typer.echo(f"{len(removed)} old build folder(s) removed from {paths.build_cache_dir()}")
        return
    try:
        made = ensure_build(data_dir, force=force, impact=True)
    except data.DataError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    except ImpactError as err:  # the other ward-years are computed and cached; these are named
        typer.echo(f"wardstudy build: {err}", err=True)
        for (ward, year), message in sorted(err.failures.items()):
            typer.echo(f"  {ward} {year}:\n    " + message.replace("\n", "\n    "), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{made.path} ({made.manifest['n_units']} units, years {made.years[0]}-{made.years[-1]})")


LangOption = Annotated[str, typer.Option("--lang", help="Language of the messages: vi (default) or en.")]


def _say_problems(err, footer_key: str = "problems_footer") -> None:
    """Every problem of a `DataError` on stderr in the command's language, then what to do."""
    from wardstudy.data.messages import problem_text, say

    for problem in err.details:
        typer.echo(problem_text(problem), err=True)
    typer.echo("\n" + say(footer_key, n=len(err.details)), err=True)


def _language(lang: str):
    from wardstudy.data.messages import LANGUAGES, use_language

    if lang not in LANGUAGES:
        typer.echo(f'--lang "{lang}" must be vi or en', err=True)
        raise typer.Exit(2)
    return use_language(lang)


@app.command()
def validate(
    data_dir: Annotated[Optional[Path], typer.Argument(
        help="Folder of tables to check (default: the shipped synthetic panel).")] = None,
    lang: LangOption = "vi",
) -> None:
    """Check every input table against its schema; list all problems; exit 1 if any.

    Writes nothing. Each problem names the file, the row as numbered in the file (the
    header is row 1), the column, the value and the rule it breaks.
    """
    from wardstudy import data
    from wardstudy.data.messages import problem_text, say

    with _language(lang):
        # A folder typed at the prompt is where the person is, not below the project root.
        data_dir = None if data_dir is None else data_dir.expanduser().resolve()
        _, problems = data.check(data_dir)
        if problems:
            for problem in problems:
                typer.echo(problem_text(problem))
            typer.echo("\n" + say("validate_footer", n=len(problems)), err=True)
            raise typer.Exit(1)
        typer.echo(say("validate_ok", folder=data.resolve_data_dir(data_dir)))


@app.command()
def template(
    out: Annotated[Path, typer.Option("--out", help="Workbook to write (.xlsx).")],
    ward: Annotated[Optional[list[str]], typer.Option(
        "--ward", help="Only this unit (slug, code or name); repeat for several (default: all).")] = None,
    province: Annotated[Optional[str], typer.Option(help="Only the units of this province (code or name).")] = None,
    first: Annotated[Optional[str], typer.Option(
        "--from", help="First month, YYYY-MM (default: the study period's first, 2021-01).")] = None,
    last: Annotated[Optional[str], typer.Option(
        "--to", help="Last month, YYYY-MM (default: the study period's last, 2025-12, so the units of "
                     "1 July 2025 have rows too).")] = None,
    data_dir: Annotated[Optional[Path], typer.Option(
        "--data-dir", help="Folder whose units.csv/criteria.csv to use (default: the shipped ones).")] = None,
    from_data: Annotated[Optional[Path], typer.Option(
        "--from-data", help="Fill the workbook with the records of this data folder (to send them back for "
                            "correction); importing it back into the folder changes nothing.")] = None,
    lang: LangOption = "vi",
) -> None:
    """Write a data-entry workbook for ward police: a sheet per record table, rows pre-filled
    with ward and month (and, with --from-data, the figures already recorded), Excel data
    validation, instructions in Vietnamese."""
    from wardstudy import data
    from wardstudy.data.messages import say
    from wardstudy.data.schemas import PERIOD_END, PERIOD_START
    from wardstudy.data.workbook import make_template

    with _language(lang):
        try:
            here = [None if p is None else p.expanduser().resolve() for p in (data_dir, from_data)]
            path, units, months = make_template(out, ward, province, first or PERIOD_START, last or PERIOD_END,
                                                here[0], from_data=here[1])
        except data.DataError as err:
            _say_problems(err)
            raise typer.Exit(1) from None
        except ValueError as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(1) from None
        typer.echo(say("template_written", path=data.display_path(path), n=len(units), first=months[0],
                       last=months[-1]))


@app.command("import")
def import_(
    sources: Annotated[list[Path], typer.Argument(help="Filled workbooks, folders of tables, or table files.")],
    out: Annotated[Path, typer.Option("--out", help="Data folder to create, or to add the records to.")],
    data_dir: Annotated[Optional[Path], typer.Option(
        "--data-dir", help="Folder of reference tables to check against, copied into OUT when it has none "
                           "(default: OUT's own, else the shipped ones).")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Let records that differ from those already in OUT replace them (each is listed; "
                          "the old tables are copied to OUT/.wardstudy-backup/ first).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Check everything and list what would change; write nothing.")] = False,
    lang: LangOption = "vi",
) -> None:
    """Check filled workbooks (and table folders) and merge their records into a data folder.

    A new OUT is created; into an existing one the new records are added beside the old ones
    (a new month) and every other file is kept. A record that differs from one already there
    is refused unless --replace. Every file and sheet read or ignored, and the rows added,
    unchanged, replaced or left blank, are listed. Every problem names file, sheet, row and
    column; nothing is written when anything is refused.
    """
    from wardstudy import data
    from wardstudy.data.submissions import import_submissions

    with _language(lang):
        try:
            done = import_submissions(sources, out, data_dir=data_dir, replace=replace, dry_run=dry_run)
        except data.DataError as err:
            _say_problems(err)
            raise typer.Exit(1) from None
        typer.echo(done.text())


@app.command()
def run(
    ward: Annotated[Optional[list[str]], typer.Option(
        "--ward", help="Only this ward (params file name without .yaml, or a page or ward of the "
                       "selection); repeat for several.")] = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", min=1, help="Wards run in parallel (default: number of cores).")] = None,
    out: Annotated[Optional[Path], typer.Option(
        help="Output folder (default: reports/, reports/en/ for English, reports/<selection>/ for a selection).")] = None,
    params_dir: Annotated[Optional[Path], typer.Option(
        "--params-dir", help="Folder of params/<slug>.yaml files (default: params/).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Rerun wards whose notebook, params, data and code are unchanged.")] = False,
    selection_file: Annotated[Optional[Path], typer.Option(
        "--selection", help="A selection YAML (params/selections/*.yaml) instead of params files.")] = None,
    select: Annotated[Optional[str], typer.Option(
        "--select", help="Run a selection without a file: 'programme' (programme wards) or 'all' (every unit); "
                         "with --year, --data-dir and --province.")] = None,
    year: Annotated[Optional[list[int]], typer.Option(
        "--year", help="Report year of --select; repeat for several.")] = None,
    data_dir: DataDirOption = None,
    province: Annotated[Optional[str], typer.Option(
        "--province", help="Only the wards of this province (name or code), with --select.")] = None,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Address of a Dask scheduler (tcp://host:8786) to run the wards on.")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=1, help="Seconds any one notebook cell may run before its kernel is stopped "
                                 "and the ward fails.")] = 600.0,
    lang: Annotated[str, typer.Option("--lang", help="Language of the pages: vi or en.")] = "vi",
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="Also print every page to <out>/<page>.pdf on A4 with Chromium (make browser).")] = False,
) -> None:
    """Run the ward report for every params file, or for a selection of wards and years:
    <out>/<page>.html, index.html, indicators.csv (and with --pdf a PDF of every page).

    Exits 1 if any ward failed (the others are still written) or the data cannot be loaded
    (then nothing is written).
    """
    from wardstudy.pipeline import batch
    from wardstudy.pipeline.selection import load_selection, selection_from_options

    if lang not in ("vi", "en"):
        typer.echo(f'--lang "{lang}" must be vi or en', err=True)
        raise typer.Exit(2)
    if scheduler is not None and (missing := _missing_cluster_extra()):
        typer.echo(missing, err=True)
        raise typer.Exit(2)
    try:
        chosen = None
        if selection_file is not None:
            chosen = load_selection(selection_file)
        elif select is not None:
            if not year:
                raise ValueError("--select needs --year (the report year; repeat for several)")
            chosen = selection_from_options(select, year, None if data_dir is None else str(data_dir), province)
        elif data_dir is not None or province is not None or year:
            raise ValueError("--year, --data-dir and --province go with --select (or put them in a params file)")
        if chosen is not None and out is None:
            name = selection_file.stem if selection_file is not None else f"{select}-{'-'.join(map(str, year))}"
            out = paths.reports_dir() / ("en" if lang == "en" else "") / name
        summary = batch.run(wards=ward, jobs=jobs, out=out, params_dir=params_dir, force=force,
                            echo=lambda text: typer.echo(text, err=True), selection=chosen,
                            scheduler=scheduler, timeout=timeout, lang=lang)
    except (batch.DataProblem, ValueError) as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    typer.echo(summary.text())
    if pdf:
        from wardstudy.pipeline.pdf import PdfProblem, write_pdfs

        try:
            written = write_pdfs(sorted(summary.out_dir.glob("*.html")))
        except PdfProblem as err:
            typer.echo(str(err), err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{len(written)} PDF(s) on A4 in {summary.out_dir}")
    raise typer.Exit(summary.exit_code)


def _missing_cluster_extra() -> str | None:
    """The one-line error for --scheduler when Dask's ``distributed`` (the ``cluster`` extra) is
    not installed, else None. Checked before the build, so nothing is computed first."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return ("--scheduler needs Dask's distributed package, an optional extra: "
                "pip install 'wardstudy[cluster]' (or without --scheduler, the wards run on this machine)")
    return None


if __name__ == "__main__":
    app()
