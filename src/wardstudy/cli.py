"""The ``wardstudy`` command: regenerate the synthetic panel, export indicators."""

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
    from wardstudy.synthetic import DEFAULT_SEED, write_panel

    written = write_panel(out or paths.synthetic_dir(), seed=DEFAULT_SEED if seed is None else seed)
    for path in written:
        typer.echo(f"wrote {path}")


@app.command()
def indicators(
    data_dir: DataDirOption = None,
    out: Annotated[Optional[Path], typer.Option(help="CSV to write (default: reports/indicators.csv).")] = None,
) -> None:
    """Write every ward's indicators (the export contract) to reports/indicators.csv."""
    from wardstudy import data
    from wardstudy.export import write_indicators

    try:
        study = data.load(data_dir)
    except data.DataError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    path = write_indicators(study, out or paths.reports_dir() / "indicators.csv")
    note = " (from SYNTHETIC data)" if study.is_synthetic else ""
    typer.echo(f"wrote {path}{note}")


if __name__ == "__main__":
    app()
