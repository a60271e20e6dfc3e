"""The figures' cache: what one snapshot computed, handed out as copies, the oldest out first."""
from reporting.figures import SnapshotCache


def test_an_entry_is_found_only_under_its_own_snapshot_and_arguments():
    cache = SnapshotCache()
    cache.put(("10:12:", "990102000000", "2021-03-31", 6), [{"listed": 3}])
    assert cache.get(("10:12:", "990102000000", "2021-03-31", 6)) == [{"listed": 3}]
    assert cache.get(("10:13:", "990102000000", "2021-03-31", 6)) is None   # a commit since: a new snapshot
    assert cache.get(("10:12:", "990102000000", "2021-03-30", 6)) is None
    assert cache.get(("10:12:", "990102000000", "2021-03-31", 9)) is None


def test_a_caller_changing_its_rows_does_not_change_the_cache():
    cache = SnapshotCache()
    cache.put(("s",), [{"listed": 3}])
    rows = cache.get(("s",))
    rows[0]["listed"] = 99
    assert cache.get(("s",)) == [{"listed": 3}]


def test_the_oldest_entry_goes_first_when_full():
    cache = SnapshotCache(kept=2)
    for n in range(3):
        cache.put((n,), [{"n": n}])
    assert cache.get((0,)) is None
    assert cache.get((1,)) == [{"n": 1}] and cache.get((2,)) == [{"n": 2}]
