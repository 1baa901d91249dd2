"""Engine set-up shared by the scale-out benchmarks."""
from __future__ import annotations

import contextlib
from typing import Any, Iterator


@contextlib.contextmanager
def spark_roster(roster: Any, workers: int, partitions: int, app: str, driver_memory: str = "6g") -> Iterator[tuple]:
    """(session, roster): a local Spark session (koc.spark.local_session, 127.0.0.1 only) holding the pandas
    roster cached in `partitions` partitions, as a Spark user's roster would already be; stopped on leaving."""
    import koc.spark as ks
    spark = ks.local_session(workers, app, **{"spark.driver.memory": driver_memory,
                                              "spark.sql.shuffle.partitions": partitions})
    spark.sparkContext.setLogLevel("ERROR")
    try:
        sdf = spark.createDataFrame(roster).repartition(partitions).cache()
        sdf.count()
        yield spark, sdf
    finally:
        spark.stop()
