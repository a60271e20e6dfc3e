"""The figures' caches: what one version of the read model computed, the newest version only, bounded."""
import asyncio

from reporting.versions import ByVersion


def test_an_entry_is_found_only_under_its_own_version_and_key():
    cache = ByVersion(kept=10)
    cache.put(7, ("990102000000", "2021-03-31", 6), [{"listed": 3}])
    assert cache.get(7, ("990102000000", "2021-03-31", 6)) == [{"listed": 3}]
    assert cache.get(7, ("990102000000", "2021-03-30", 6)) is None
    assert cache.get(None, ("990102000000", "2021-03-31", 6)) is None   # the reader's own writes: no version


def test_a_newer_version_empties_the_cache_and_an_older_one_is_not_kept():
    cache = ByVersion(kept=10)
    cache.put(7, ("a",), 1)
    assert cache.get(8, ("a",)) is None          # a projected event since
    assert cache.get(7, ("a",)) is None          # gone: nothing reading the newest version asks for it
    cache.put(7, ("b",), 2)                      # computed in a snapshot older than one already seen
    assert cache.get(7, ("b",)) is None and cache.get(8, ("b",)) is None


def test_the_oldest_entry_goes_first_when_full_in_entries_or_in_size():
    cache = ByVersion(kept=2)
    for n in range(3):
        cache.put(1, (n,), n)
    assert cache.get(1, (0,)) is None and cache.get(1, (1,)) == 1 and cache.get(1, (2,)) == 2
    sized = ByVersion(kept=100, max_size=10, size=len)
    sized.put(1, ("a",), b"123456")
    sized.put(1, ("b",), b"1234")
    sized.put(1, ("c",), b"12")
    assert sized.get(1, ("a",)) is None and sized.get(1, ("b",)) == b"1234" and sized.get(1, ("c",)) == b"12"
    sized.put(1, ("d",), b"x" * 11)              # larger than the whole cache: not kept
    assert sized.get(1, ("d",)) is None and sized.get(1, ("b",)) == b"1234"


def test_reads_missing_at_once_wait_for_one_computation_kept_under_its_snapshot_version():
    cache = ByVersion(kept=10)
    runs = []

    async def compute():
        runs.append(1)
        await asyncio.sleep(0.01)
        return 5, "figures"

    async def main():
        return await asyncio.gather(*(cache.answer(4, ("k",), compute) for _ in range(8)))
    assert asyncio.run(main()) == ["figures"] * 8
    assert len(runs) == 1
    assert cache.get(5, ("k",)) == "figures"     # the version its snapshot saw, newer than the one asked for
