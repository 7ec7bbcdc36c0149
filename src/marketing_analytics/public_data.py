"""The public datasets the project can build, found by their published file names."""

import json
from pathlib import Path

# dataset name (folder in shared/data) -> the file that identifies it
PUBLIC_DATASETS: dict[str, str] = {
    "hillstrom": "hillstrom.csv",
    "artea": "artea_ab_experiment.csv",
    "kaggle_marketing_campaign": "marketing_campaign.csv",
    "sales_campaigns": "Campaign-Data.csv",
    "advertising": "Advertising.csv",
}


def find_public_data(root: Path) -> dict[str, str]:
    """Map each dataset present under ``root`` to its absolute folder."""
    found = {}
    for name, marker in PUBLIC_DATASETS.items():
        folder = (root / name).resolve()
        if (folder / marker).is_file():
            found[name] = str(folder)
    return found


def dbt_vars(
    raw_path: Path | None = None,
    truth_path: Path | None = None,
    raw_format: str | None = None,
    public_data: Path | None = None,
) -> str:
    """The ``--vars`` JSON for a build over these inputs (unset keys keep their defaults)."""
    values: dict[str, object] = {}
    if raw_path is not None:
        values["raw_path"] = str(raw_path.resolve())
    if truth_path is not None:
        values["truth_path"] = str(truth_path.resolve()) if truth_path != Path("") else ""
    if raw_format is not None:
        values["raw_format"] = raw_format
    if public_data is not None:
        values["public_data"] = find_public_data(public_data)
    return json.dumps(values, sort_keys=True)
