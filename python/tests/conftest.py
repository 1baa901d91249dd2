import pathlib

import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sample_roster() -> pd.DataFrame:
    return pd.read_csv(ROOT / "examples" / "data" / "sample_roster.csv")


@pytest.fixture(scope="session")
def programme():
    """The 200,000-KOC programme and its single-node results, shared by the Dask and Spark tests."""
    from distributed_checks import build_programme
    return build_programme()
