"""The pipeline layer: parameters, the study build, the batch and the pages.

* :mod:`.params`  a report's parameters, checked before any work
* :mod:`.build`   the study computed once per run and cached (parquet + manifest of input hashes)
* :mod:`.ward`    one ward's slice of the build: what a ward's notebook reads
* :mod:`.batch`   ``wardstudy run``: papermill per ward in worker processes, HTML, index, export
* :mod:`.export`  the indicator export (``indicators.csv``)
"""

from wardstudy.pipeline.ward import WardReport, open_ward

__all__ = ["WardReport", "open_ward"]
