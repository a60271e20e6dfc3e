"""The relay puts each row in the partition Kafka's default partitioner picks for its key (murmur2, as Java's client
does): a village's events land in one partition whichever of the platform's producers sends them, so they stay in
order."""
from __future__ import annotations

from aiokafka.partitioner import murmur2

from zhengdun.messaging.outbox import _KeyPartitions

KEYS = [f"9901021{n:02d}{m:03d}".encode() for n in range(20) for m in range(0, 300, 7)]


def java_partition(key: bytes, count: int) -> int:
    return (murmur2(key) & 0x7FFFFFFF) % count


def test_a_key_goes_to_the_default_partitioners_partition():
    partitions = _KeyPartitions()
    assert [partitions.of("t", list(range(6)), key) for key in KEYS] == [java_partition(key, 6) for key in KEYS]
    assert len({partitions.of("t", list(range(6)), key) for key in KEYS}) == 6   # and the keys spread over all


def test_a_topic_given_more_partitions_is_partitioned_anew():
    partitions = _KeyPartitions()
    for key in KEYS:
        partitions.of("t", list(range(6)), key)
    assert [partitions.of("t", list(range(12)), key) for key in KEYS] == [java_partition(key, 12) for key in KEYS]


def test_the_remembered_keys_are_bounded():
    partitions = _KeyPartitions()
    partitions.LIMIT = 10
    assert [partitions.of("t", list(range(6)), key) for key in KEYS] == [java_partition(key, 6) for key in KEYS]
    assert all(len(known) <= 10 for known in partitions._known.values())


def test_the_relays_murmur2_is_kafkas():
    import os

    from zhengdun.messaging.outbox import murmur2 as relays_murmur2

    keys = KEYS + [b"", b"a", b"ab", b"abc", b"abcd", "甲村".encode(), b"\xff\x80\x00\x7f\xfe"]
    keys += [os.urandom(length) for length in range(0, 40) for _ in range(25)]
    assert [relays_murmur2(key) for key in keys] == [murmur2(key) for key in keys]
