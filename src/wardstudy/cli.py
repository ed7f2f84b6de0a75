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
    out: Annotated[Optional[Path], typer.Option(help="Folder to write (default: data/synthetic).")] = None,
    seed: Annotated[Optional[int], typer.Option(help="Random seed (default: 20240129).")] = None,
) -> None:
    """Regenerate the illustrative synthetic panel (byte-identical for the same seed)."""
    from wardstudy.data.synthetic import DEFAULT_SEED, write_panel

    written = write_panel(out or paths.synthetic_dir(), seed=DEFAULT_SEED if seed is None else seed)
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
def run(
    ward: Annotated[Optional[list[str]], typer.Option(
        "--ward", help="Only this ward (params file name without .yaml); repeat for several.")] = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", min=1, help="Wards run in parallel (default: number of cores).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Output folder (default: reports/).")] = None,
    params_dir: Annotated[Optional[Path], typer.Option(
        "--params-dir", help="Folder of params/<slug>.yaml files (default: params/).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Rerun wards whose notebook, params, data and code are unchanged.")] = False,
) -> None:
    """Run the ward report for every params file: <out>/<slug>.html, index.html, indicators.csv.

    Exits 1 if any ward failed (the others are still written) or the data cannot be loaded
    (then nothing is written).
    """
    from wardstudy.pipeline import batch

    try:
        summary = batch.run(wards=ward, jobs=jobs, out=out, params_dir=params_dir, force=force,
                            echo=lambda text: typer.echo(text, err=True))
    except (batch.DataProblem, ValueError) as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    typer.echo(summary.text())
    raise typer.Exit(summary.exit_code)


if __name__ == "__main__":
    app()
