"""Several processes opening the same new SQLite file at one moment all succeed (as both crawl processes do)."""
import multiprocessing

import pytest

from pipeline.dedupe import StoryClusters
from store.sqlite import SqliteStore

OPENERS = 4
TRIALS = 15


def _open_at_once(opener, path, barrier, outcomes) -> None:
    barrier.wait()
    try:
        opener(path).close()
        outcomes.put("opened")
    except Exception as error:  # reported to the test, which names it
        outcomes.put(repr(error))


@pytest.mark.parametrize("opener", [SqliteStore, StoryClusters], ids=["store", "story-clusters"])
def test_processes_opening_one_new_file_together_all_succeed(tmp_path, opener):
    context = multiprocessing.get_context("fork")
    failures = []
    for trial in range(TRIALS):
        barrier, outcomes = context.Barrier(OPENERS), context.Queue()
        path = tmp_path / f"trial-{trial}.sqlite3"
        processes = [context.Process(target=_open_at_once, args=(opener, path, barrier, outcomes))
                     for _ in range(OPENERS)]
        for process in processes:
            process.start()
        failures += [outcome for outcome in (outcomes.get(timeout=60) for _ in processes) if outcome != "opened"]
        for process in processes:
            process.join()
    assert failures == []
