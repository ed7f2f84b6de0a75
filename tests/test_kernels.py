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
