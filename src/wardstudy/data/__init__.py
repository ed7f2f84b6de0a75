"""The data layer: read the input tables, check them, name the wards, cross the 2025 reform.

The bottom of the library: it imports nothing of ours above it.

* :mod:`.read`       find, read (CSV/xlsx, UTF-8) and check every table; `load` -> `StudyData`
* :mod:`.schemas`    the pandera schema of every table, with messages naming file, row, column
* :mod:`.contract`   the export contract's columns and indicator ids
* :mod:`.months`     ``YYYY-MM`` months: the one place they are parsed
* :mod:`.names`      ward names in any spelling resolved to the slug
* :mod:`.crosswalk`  old units to the new units of July 2025
* :mod:`.synthetic`  the seeded generator of the illustrative panel
"""

from wardstudy.data.read import (
    RECORD_TABLES,
    REFERENCE_TABLES,
    DataError,
    StudyData,
    check,
    display_path,
    find_tables,
    load,
    read_raw,
    read_table,
    resolve_data_dir,
)

__all__ = ["RECORD_TABLES", "REFERENCE_TABLES", "DataError", "StudyData", "check", "display_path",
           "find_tables", "load", "read_raw", "read_table", "resolve_data_dir"]
