"""Ward kernels forked from a template (`pipeline.kernels`): each ward still gets a process
of its own that no earlier ward has touched, and the plain start remains when forking is off."""

import sys

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from wardstudy.pipeline import batch, kernels

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernels are forked on Linux only")

# What a cell sees of its kernel before it imports anything: its pid and parent, whether
# pandas is already in memory (imported by the template), and what earlier wards left.
LOOK = """
import os, sys
import wardstudy
seen = {"pid": os.getpid(), "parent": os.getppid(), "pandas_preloaded": "pandas" in sys.modules,
        "global_from_before": "LEFT_BY_A_WARD" in globals(),
        "module_attribute_from_before": hasattr(wardstudy, "left_by_a_ward"),
        "cwd": os.getcwd()}
LEFT_BY_A_WARD = 1
wardstudy.left_by_a_ward = 1
print(repr(seen))
"""


def run_look(tmp_path, name, manager=kernels.ForkingKernelManager):
    nb = new_notebook(cells=[new_code_cell("ward = 'x'", metadata={"tags": ["parameters"]}), new_code_cell(LOOK)])
    nb.metadata["kernelspec"] = {"name": batch.KERNEL_NAME, "display_name": "wardstudy", "language": "python"}
    source = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, source)
    done = papermill.execute_notebook(str(source), str(tmp_path / f"{name}.out.ipynb"), kernel_name=batch.KERNEL_NAME,
                                      progress_bar=False, cwd=str(tmp_path), kernel_manager_class=manager)
    out = [o for o in done.cells[1].outputs if o.get("name") == "stdout"]
    return eval("".join(o["text"] for o in out))  # noqa: S307 - our own cell's repr of a dict


def test_a_global_set_in_one_wards_kernel_never_reaches_the_next(tmp_path):
    first = run_look(tmp_path, "first")
    second = run_look(tmp_path, "second")
    # Both kernels are forks of the same template (pandas imported before any cell ran)...
    assert first["pandas_preloaded"] and second["pandas_preloaded"]
    assert first["parent"] == second["parent"]
    # ...yet each is a process of its own, and what the first ward set is absent in the second.
    assert first["pid"] != second["pid"]
    assert not second["global_from_before"]
    assert not second["module_attribute_from_before"]
    assert second["cwd"] == str(tmp_path)


def test_with_forking_off_the_kernel_is_started_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv("WARDSTUDY_FORK_KERNELS", "0")
    seen = run_look(tmp_path, "plain")
    assert not seen["pandas_preloaded"]  # a fresh interpreter: nothing imported before the cell


def test_only_a_python_kernel_launched_by_ipykernel_launcher_is_forked(monkeypatch):
    cmd = ["/v/bin/python", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json"]
    assert kernels.fork_command(cmd) == ["/v/bin/python", "-Xfrozen_modules=off", "-m", "wardstudy.pipeline.kernels"]
    assert kernels.fork_command(["/v/bin/python", "-m", "other_kernel", "-f", "k.json"]) is None
    monkeypatch.setenv("WARDSTUDY_FORK_KERNELS", "0")
    assert kernels.fork_command(cmd) is None


def test_a_template_that_cannot_start_falls_back_to_the_plain_start(tmp_path, monkeypatch):
    # A template whose interpreter exits at once: the kernel is then started as usual.
    monkeypatch.setattr(kernels, "fork_command", lambda cmd: [sys.executable, "-c", "import sys; sys.exit(3)"])
    monkeypatch.setattr(kernels, "_templates", {})
    seen = run_look(tmp_path, "fallback")
    assert not seen["pandas_preloaded"]


# A ward page's code cells run after the template's imports: what else they import. The
# page of a ward without impact results (most phường of the national panel) once imported the
# methods and statsmodels for an empty table's columns, 1.8 s in every forked kernel.
PAGE_IMPORTS = """
import importlib, json, os, sys
from wardstudy.pipeline.kernels import PRELOAD
for name in PRELOAD:
    importlib.import_module(name)
before = set(sys.modules)
notebook = json.load(open(os.environ["NOTEBOOK"], encoding="utf-8"))
for ward, year in [("huyen-tung", 2023), ("duc-xuan", 2023)]:
    names = {"ward": ward, "year": year, "baseline_year": None, "data_dir": None, "lang": "vi",
             "primary_method": "did", "page_links": {}}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", []):
            exec("".join(cell["source"]), names)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_a_ward_page_imports_no_methods_beyond_the_template():
    """Pages of a ward outside the programme and of a programme ward, their impact results
    cached (as the batch computes them before its workers start): neither imports
    `wardstudy.evaluate` nor statsmodels' models, which the template leaves out."""
    import json
    import os
    import subprocess

    from wardstudy import paths
    from wardstudy.pipeline.build import ensure_build

    ensure_build(None, impact=[("duc-xuan", 2023)])
    env = {**os.environ, "NOTEBOOK": str(paths.notebooks_dir() / "ward_report.ipynb"), "MPLBACKEND": "agg"}
    done = subprocess.run([sys.executable, "-c", PAGE_IMPORTS], capture_output=True, text=True, env=env,
                          cwd=str(paths.notebooks_dir()), check=True)
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert not [m for m in imported if m.startswith(("wardstudy.evaluate", "statsmodels.api", "statsmodels.tsa"))]
    assert "wardstudy.data.impact_columns" not in imported  # the template has it: the build's own module
