"""The package's public entry points as a new user meets them (issue 25, item 1): what
``from wardstudy.evaluate import *`` gives, and ``wardstudy run --scheduler`` without the
optional Dask extra."""

import sys
import tomllib

from typer.testing import CliRunner

from wardstudy import paths


def test_evaluate_star_import_gives_design_pooled_power_and_their_entry_points():
    names = {}
    exec("from wardstudy.evaluate import *", names)
    for module in ("design", "pooled", "power", "results"):
        assert names[module].__name__ == f"wardstudy.evaluate.{module}"
    for function, module in [("impact_results", "design"), ("impact_design", "design"),
                             ("pooled_results", "pooled"), ("pooled_effect", "pooled"),
                             ("minimum_detectable_effect", "power")]:
        assert names[function].__module__ == f"wardstudy.evaluate.{module}", function


def test_scheduler_without_distributed_is_one_line_naming_the_extra_and_builds_nothing(monkeypatch):
    from wardstudy import cli
    from wardstudy.pipeline import batch

    # None in sys.modules makes `import distributed` raise ImportError, as when it is not installed.
    monkeypatch.setitem(sys.modules, "distributed", None)
    ran = []
    monkeypatch.setattr(batch, "run", lambda **kw: ran.append(kw))
    result = CliRunner().invoke(cli.app, ["run", "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2 and ran == []
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'wardstudy[cluster]'" in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_the_extra_the_error_names_is_the_one_that_installs_distributed():
    project = tomllib.loads((paths.project_root() / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project["optional-dependencies"]["cluster"]
    assert any(r.split(">")[0].split("=")[0].strip() == "distributed" for r in extra)
    assert not any(r.startswith("distributed") for r in project["dependencies"])
