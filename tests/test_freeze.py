"""The freeze: a changed input reruns exactly the reports it affects, and nothing else."""

import shutil

import pytest

from wardstudy import paths
from wardstudy.pipeline import batch
from wardstudy.pipeline.build import input_hash


class FakeBuild:
    """What `batch.fingerprint` reads of a build: the hash of its inputs."""

    def __init__(self, inputs: str):
        self.manifest = {"inputs": inputs}


@pytest.fixture
def params_dir(tmp_path):
    folder = tmp_path / "params"
    folder.mkdir()
    for slug in ["duc-xuan", "xuat-hoa"]:
        shutil.copy(paths.params_dir() / f"{slug}.yaml", folder)
    return folder


def fingerprints(params_dir, build, notebook=None):
    notebook = notebook or paths.notebooks_dir() / "ward_report.ipynb"
    return {f.stem: batch.fingerprint(notebook, batch.read_params(f), build) for f in batch.discover(params_dir)}


def test_a_changed_params_file_reruns_only_its_ward(params_dir):
    build = FakeBuild("inputs-1")
    before = fingerprints(params_dir, build)
    path = params_dir / "xuat-hoa.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2024", "year: 2023"), encoding="utf-8")
    after = fingerprints(params_dir, build)
    assert after["duc-xuan"] == before["duc-xuan"]
    assert after["xuat-hoa"] != before["xuat-hoa"]


def test_a_comment_in_a_params_file_reruns_nothing(params_dir):
    build = FakeBuild("inputs-1")
    before = fingerprints(params_dir, build)
    path = params_dir / "duc-xuan.yaml"
    path.write_text("# a reviewer's note\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert fingerprints(params_dir, build) == before


def test_changed_data_or_notebook_reruns_every_ward(params_dir, tmp_path):
    before = fingerprints(params_dir, FakeBuild("inputs-1"))
    after_data = fingerprints(params_dir, FakeBuild("inputs-2"))
    assert all(after_data[w] != before[w] for w in before)
    notebook = tmp_path / "nb.ipynb"
    notebook.write_bytes((paths.notebooks_dir() / "ward_report.ipynb").read_bytes() + b"\n")
    after_notebook = fingerprints(params_dir, FakeBuild("inputs-1"), notebook)
    assert all(after_notebook[w] != before[w] for w in before)


def test_the_build_inputs_change_with_one_count_in_one_table_and_only_then(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.synthetic_dir(), data)
    first = input_hash(data)
    assert input_hash(data) == first
    crimes = data / "crimes.csv"
    lines = crimes.read_text(encoding="utf-8").splitlines(keepends=True)
    column = lines[0].rstrip("\n").split(",").index("count")
    cells = lines[1].rstrip("\n").split(",")
    cells[column] = str(int(cells[column]) + 1)
    lines[1] = ",".join(cells) + "\n"
    crimes.write_text("".join(lines), encoding="utf-8")
    assert input_hash(data) != first
