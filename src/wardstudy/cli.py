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
) -> None:
    """Make the study build (every indicator, comparison, ranking and impact result), or
    reuse it when its inputs are unchanged; print where it is."""
    from wardstudy import data
    from wardstudy.pipeline.build import ensure_build

    try:
        made = ensure_build(data_dir, force=force, impact=True)
    except data.DataError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{made.path} ({made.manifest['n_units']} units, years {made.years[0]}-{made.years[-1]})")


@app.command()
def validate(
    data_dir: Annotated[Optional[Path], typer.Argument(
        help="Folder of tables to check (default: the shipped synthetic panel).")] = None,
) -> None:
    """Check every input table against its schema; list all problems; exit 1 if any.

    Writes nothing. Each problem names the file, the row as numbered in the file (the
    header is row 1), the column, the value and the rule it breaks.
    """
    from wardstudy import data
    from wardstudy.data.schemas import problems_table

    _, problems = data.check(data_dir)
    if problems:
        typer.echo(problems_table(problems))
        typer.echo(f"\n{len(problems)} problem(s): fix them and run `wardstudy validate` again.", err=True)
        raise typer.Exit(1)
    typer.echo(f"{data.resolve_data_dir(data_dir)}: all tables pass their schemas")


@app.command()
def template(
    out: Annotated[Path, typer.Option("--out", help="Workbook to write (.xlsx).")],
    ward: Annotated[Optional[list[str]], typer.Option(
        "--ward", help="Only this unit (slug, code or name); repeat for several (default: all).")] = None,
    province: Annotated[Optional[str], typer.Option(help="Only the units of this province (code or name).")] = None,
    first: Annotated[str, typer.Option("--from", help="First month, YYYY-MM.")] = "2021-01",
    last: Annotated[str, typer.Option("--to", help="Last month, YYYY-MM.")] = "2025-06",
    data_dir: Annotated[Optional[Path], typer.Option(
        "--data-dir", help="Folder whose units.csv/criteria.csv to use (default: the shipped ones).")] = None,
) -> None:
    """Write a data-entry workbook for ward police: a sheet per record table, rows pre-filled
    with ward and month, Excel data validation, instructions in Vietnamese."""
    from wardstudy import data
    from wardstudy.data.workbook import make_template

    try:
        path, units, months = make_template(out, ward, province, first, last, data_dir)
    except (data.DataError, ValueError) as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {path} ({len(units)} units, {months[0]} to {months[-1]})")


@app.command("import")
def import_(
    sources: Annotated[list[Path], typer.Argument(help="Filled workbooks, folders of tables, or table files.")],
    out: Annotated[Path, typer.Option("--out", help="Data folder to create.")],
    data_dir: Annotated[Optional[Path], typer.Option(
        "--data-dir", help="Folder of reference tables to check against and copy (default: the shipped ones).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace OUT if it exists and is not empty.")] = False,
) -> None:
    """Check and merge filled workbooks (and table folders) into one data folder.

    Every problem names file, sheet, row and column; a record given twice with different
    values is refused naming both. Nothing is written when anything is refused.
    """
    from wardstudy import data
    from wardstudy.data.submissions import import_submissions

    try:
        done = import_submissions(sources, out, data_dir=data_dir, replace=replace)
    except data.DataError as err:
        typer.echo(str(err), err=True)
        typer.echo(f"\n{len(err.problems)} problem(s): nothing was written.", err=True)
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
) -> None:
    """Run the ward report for every params file, or for a selection of wards and years:
    <out>/<page>.html, index.html, indicators.csv.

    Exits 1 if any ward failed (the others are still written) or the data cannot be loaded
    (then nothing is written).
    """
    from wardstudy.pipeline import batch
    from wardstudy.pipeline.selection import load_selection, selection_from_options

    if lang not in ("vi", "en"):
        typer.echo(f'--lang "{lang}" must be vi or en', err=True)
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
    raise typer.Exit(summary.exit_code)


if __name__ == "__main__":
    app()
