import pathlib

import pandas as pd
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sample_roster() -> pd.DataFrame:
    return pd.read_csv(ROOT / "examples" / "data" / "sample_roster.csv")
