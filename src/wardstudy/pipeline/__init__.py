"""The pipeline layer: parameters, the study build, the batch and the pages.

* :mod:`.params`  a report's parameters, checked before any work
* :mod:`.build`   the study computed once per run and cached (parquet + manifest of input hashes)
* :mod:`.ward`    one ward's slice of the build: what a ward's notebook reads
* :mod:`.batch`   ``wardstudy run``: papermill per ward in worker processes, HTML, index, export
* :mod:`.export`  the indicator export (``indicators.csv``)
"""

__all__ = ["WardReport", "open_ward"]


def __getattr__(name: str):
    # Imported when first asked for: a worker process imports `pipeline.wardrun` (and with it
    # this package) without the data layer, pandas and scipy that `pipeline.ward` needs.
    if name in __all__:
        from wardstudy.pipeline import ward

        return getattr(ward, name)
    raise AttributeError(f"module 'wardstudy.pipeline' has no attribute {name!r}")
