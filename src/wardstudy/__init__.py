"""wardstudy: reproducible evaluation of Vietnam's model ward police programme.

Start with ``wardstudy.open_study(data_dir)`` (`wardstudy.study`): the study build of a data
folder as tidy tables, a data dictionary, and results that show themselves as tables. Below it,
layers that point one way:

* `wardstudy.data`: read and check the tables (CSV/xlsx), ward names, the 2025 crosswalk,
  the synthetic panel;
* `wardstudy.indicators`: one function per indicator of the export contract, exact intervals
  (`wardstudy.indicators.exact`), the registry, peers;
* `wardstudy.evaluate`: impact methods (difference-in-differences with randomisation
  inference, synthetic control, interrupted time series), the impact design, the pooled effect,
  detectable effects;
* `wardstudy.report`: display only (formatting, wording in Vietnamese and English, figures);
* `wardstudy.pipeline`: report parameters, the study build, one ward's slice (`open_ward`), the
  batch of reports (`wardstudy.pipeline.batch`);
* `wardstudy.cli`: the ``wardstudy`` command.

``import wardstudy`` stays light: `open_study` imports the library when called.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("wardstudy")  # one source: pyproject.toml
except _metadata.PackageNotFoundError:  # pragma: no cover - a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__", "open_study"]


def open_study(data_dir=None):
    """The study of `data_dir` (default: the shipped synthetic panel): `wardstudy.study.open_study`.

    >>> import wardstudy
    >>> study = wardstudy.open_study()                     # doctest: +SKIP
    >>> study.indicators(year=2023, wards="Đức Xuân")      # doctest: +SKIP
    """
    from wardstudy.study import open_study as _open

    return _open(data_dir)
