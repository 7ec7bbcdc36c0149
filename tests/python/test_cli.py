"""Inputs of a build: public datasets found by file name, and the vars handed to dbt."""

import json
from pathlib import Path

from marketing_analytics.public_data import PUBLIC_DATASETS, dbt_vars, find_public_data


def test_finds_only_datasets_whose_file_is_present(tmp_path: Path) -> None:
    (tmp_path / "hillstrom").mkdir()
    (tmp_path / "hillstrom" / "hillstrom.csv").write_text("recency\n1\n")
    (tmp_path / "artea").mkdir()  # folder without its file: not a dataset
    assert find_public_data(tmp_path) == {"hillstrom": str((tmp_path / "hillstrom").resolve())}


def test_every_shared_dataset_is_known() -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "data"
    if shared.is_dir():
        assert set(find_public_data(shared)) == set(PUBLIC_DATASETS)


def test_vars_use_absolute_paths_and_empty_truth(tmp_path: Path) -> None:
    raw = Path("data/x/raw")
    values = json.loads(dbt_vars(raw_path=raw, truth_path=Path(""), raw_format="csv"))
    assert Path(values["raw_path"]).is_absolute()
    assert values["truth_path"] == ""
    assert values["raw_format"] == "csv"
    assert "public_data" not in values
