"""The file export on a fake warehouse (fast): every public mart, its rows and values."""

from pathlib import Path

import pandas as pd
import pytest
from report_fixtures import sample_marts, write_fake_warehouse

from marketing_analytics.cli import main
from marketing_analytics.export import export_marts
from marketing_analytics.warehouse_files import MartUnavailableError, WarehouseFiles, table_folder


@pytest.fixture
def files(tmp_path: Path) -> WarehouseFiles:
    target, warehouse = write_fake_warehouse(tmp_path / "build", sample_marts())
    return WarehouseFiles(target, warehouse)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_public_mart_with_its_rows(files, fmt, tmp_path: Path) -> None:
    marts = sample_marts()
    written = export_marts(files, tmp_path / "out", fmt)
    assert [item.model for item in written] == files.public_marts()
    assert "stg_synthetic__transactions" not in files.public_marts()
    for item in written:
        frame = pd.read_parquet(item.path) if fmt == "parquet" else pd.read_csv(item.path)
        assert item.rows == len(frame) == len(marts[item.model])
        assert list(frame.columns) == list(marts[item.model].columns)
    path = tmp_path / "out" / f"rpt_validation_scorecard.{fmt}"
    scorecard = pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)
    assert scorecard.value.sum() == pytest.approx(marts["rpt_validation_scorecard"].value.sum())


def test_export_refuses_missing_models_and_delta_tables(files, tmp_path: Path) -> None:
    with pytest.raises(MartUnavailableError, match="not_a_model"):
        export_marts(files, tmp_path, "csv", ["not_a_model"])
    (files.info("fct_email_holdout_lift").folder / "_delta_log").mkdir()
    with pytest.raises(MartUnavailableError, match="Delta"):
        export_marts(files, tmp_path, "csv", ["fct_email_holdout_lift"])
    with pytest.raises(ValueError, match="format"):
        export_marts(files, tmp_path, "json")


def test_export_command_line(files, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cli"
    args = ["export", "--format", "csv", "--out", str(out), "--models", "fct_panel_diagnostics"]
    where = ["--warehouse", str(files.warehouse_dir)]
    assert main([*args, "--target", str(files.target_dir), *where]) == 0
    assert (out / "fct_panel_diagnostics.csv").is_file()
    assert "2 rows" in capsys.readouterr().out
    assert main([*args, "--target", str(tmp_path / "none"), *where]) == 1
    assert "run `make build`" in capsys.readouterr().err


def test_table_folder_follows_the_swap_and_ignores_unfinished_writes(tmp_path: Path) -> None:
    def folder(name: str, complete: bool = True) -> Path:
        (tmp_path / name).mkdir()
        (tmp_path / name / "part-0.parquet").touch()
        if complete:
            (tmp_path / name / "_SUCCESS").touch()
        return tmp_path / name

    assert table_folder(tmp_path, "mart") == tmp_path / "mart"  # not built: where it would be
    first = folder("mart")
    assert table_folder(tmp_path, "mart") == first
    folder("mart__dbt_tmp_0badc0de", complete=False)  # a run killed while writing
    assert table_folder(tmp_path, "mart") == first
    first.rename(tmp_path / "gone")  # a rebuild swapped the table onto its new files
    swapped = folder("mart__dbt_tmp_1234abcd")
    assert table_folder(tmp_path, "mart") == swapped
    folder("mart__dbt_tmp_5678abcd")  # killed after its write, before its swap
    with pytest.raises(MartUnavailableError, match="rerun the build"):
        table_folder(tmp_path, "mart")
    assert table_folder(tmp_path, "other_mart") == tmp_path / "other_mart"
