"""wardstudy: reproducible evaluation of Vietnam's model ward police programme.

The library behind the ward notebooks: load and validate the data (`wardstudy.data`),
compute the indicators of the export contract (`wardstudy.indicators`), judge changes
honestly (`wardstudy.exact`, `wardstudy.evaluate`) and run the reports (`wardstudy.batch`).
"""

__version__ = "0.1.0"
