"""The report layer: display only. Formatting, wording, tables, figures and page furniture.

Imports the indicator registry for labels and kinds; computes nothing and imports no
statistics (an import-linter contract keeps it so).

* :mod:`.format`   one formatting family (counts, shares, ratios, p-values, intervals, periods), vi/en
* :mod:`.wording`  every verdict and sentence about a result, vi/en
* :mod:`.tables`   a ward's tables from its rows of the build
* :mod:`.plots`    the seaborn figures
* :mod:`.pages`    banner, ward header and index page (Jinja2, autoescaped)
"""
