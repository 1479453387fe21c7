"""grammarkit.dask: checking Dask collections partition by partition, on a local cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("dask.bag")
distributed = pytest.importorskip("dask.distributed")

import dask.bag as db  # noqa: E402

from grammarkit.dask import check_bag, check_series, summarize  # noqa: E402
from grammarkit.llg.matcher import MatcherUnavailable  # noqa: E402

ARITH = (Path(__file__).resolve().parent.parent.parent / "grammars" / "arithmetic.lark").read_text()


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_a_bag_of_log_lines_on_a_local_cluster(client):
    logs = [{"item": {"input": text}} for text in ["1+2", "2*(3", "7", "x"] * 50] + [{"item": {}}]
    bag = db.from_sequence(logs, npartitions=4)
    verdicts = check_bag(bag, ARITH, field="item.input")
    rows = verdicts.compute()
    assert len(rows) == 201
    assert [r["accepted"] for r in rows[:4]] == [True, False, True, False]
    assert rows[1]["error"] == "incomplete" and rows[3]["error"] == "rejected"
    assert rows[-1] == {"input": None, "accepted": None, "error": "no input"}
    assert summarize(verdicts).compute() == {"checked": 201, "accepted": 100, "rejected": 100, "unchecked": 1}


def test_explained_rejections_are_located(client):
    (row,) = check_bag(db.from_sequence(["1+x"], npartitions=1), ARITH, explain=True).compute()
    assert row["accepted"] is False and row["error"].startswith("1:3: unexpected 'x'; expected ")


def test_a_dataframe_column(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(pd.DataFrame({"input": ["1+2", "(", None, "3*4"]}), npartitions=2)
    assert check_series(frame["input"], ARITH).compute().tolist() == [True, False, False, True]


def test_a_grammar_llguidance_rejects_fails_before_any_work():
    with pytest.raises(MatcherUnavailable):
        check_bag(db.from_sequence(["a"]), 'start: missing\n')
