"""The event path alone: Kafka's own producer rate and the registry import, without the rest of
``make bench`` (minutes instead of an hour), for measuring the relay and the consumers before and
after a change on the same machine.

    ZD_BENCH_VILLAGES=10000 uv run --frozen python -m tests.benchmarks.events

Besides the rates it prints the CPU each process spent per event (the services, Kafka, the run's PostgreSQL
backends): on a shared, noisy box that figure is steadier than the wall clock. It is printed twice: as spent, and
net of what the benchmark's own polling (each copy's summary, every 0.5 s: a scan of its registry) and the
processes' idle floor cost over the import's wall time, both measured after it — on a loaded box the wall time,
and with it that overhead, doubles while the events' own cost does not.
It also prints how many records each consumer took from Kafka per batch (the services' /metrics): a batch's fixed
cost (its transaction, statements and commit) is shared by that many events.
``ZD_BENCH_PROFILE=1`` also samples screening (the relay) and the consuming services with py-spy
(``uvx py-spy``) during the import, and writes their collapsed stacks to the run's log folder.
"""
from __future__ import annotations

import os
import re
import time
import urllib.request
from collections import Counter

import tests.bench as bench
from tests.bench import CONSUMERS, SERVICES, bench_registry_import
from tests.benchmarks import BENCH_ENV, province_rows
from tests.benchmarks.anchors import kafka_producer_rate
from tests.benchmarks.cpu import CpuMeter
from tests.benchmarks.profiling import profiled
from tests.benchmarks.figures import print_table
from tests.support.platform import Platform, ensure_infrastructure

POLL_ROUNDS = 10
IDLE_SECONDS = 5


def _batches(platform) -> dict[str, tuple[float, float]]:
    """(batches, records) each consuming service's consumer group has taken from Kafka so far (its /metrics)."""
    counts = {}
    for service in CONSUMERS:
        with urllib.request.urlopen(platform.url(service) + "/metrics", timeout=10) as response:
            text = response.read().decode()
        counts[service] = tuple(sum(float(value) for value in re.findall(rf"^{name}\{{[^}}]*\}} (\S+)$", text, re.M))
                                for name in ("zhengdun_event_batches_total", "zhengdun_events_consumed_total"))
    return counts


def _line(title: str, per_event: dict[str, float]) -> str:
    return (f"  {title}: {sum(per_event.values()) * 1e6:.0f} in all = "
            + ", ".join(f"{name} {seconds * 1e6:.0f}" for name, seconds in per_event.items()))


def main() -> None:
    ensure_infrastructure()
    platform = Platform(env=BENCH_ENV)
    platform.start()
    polls: Counter[str] = Counter()
    summary = bench.summary

    def counted_summary(platform, service, *args, **kwargs):
        polls[service] += 1
        return summary(platform, service, *args, **kwargs)

    bench.summary = counted_summary
    try:
        print(f"== event path ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
              f"villages: {os.environ.get('ZD_BENCH_VILLAGES', '50000')})")
        producer_rate = kafka_producer_rate(platform, int(os.environ.get("ZD_BENCH_KAFKA_RECORDS", "100000")))
        meter = CpuMeter(platform)
        events = len(province_rows())
        with profiled(platform, ("screening", *CONSUMERS), "events"):
            batches_before = _batches(platform)
            before, agreed, started = meter.snapshot(), {}, time.perf_counter()

            def on_agreed():
                agreed.update(meter.snapshot())
                agreed["wall"] = time.perf_counter() - started
                agreed["rounds"] = max(polls[service] for service in CONSUMERS)
                agreed["batches"] = _batches(platform)
                # What one round of the benchmark's polling costs each process, on the full registry.
                at = meter.snapshot()
                for _ in range(POLL_ROUNDS):
                    for service in SERVICES:
                        summary(platform, service)
                agreed["per_round"] = CpuMeter.per_call(at, meter.snapshot(), POLL_ROUNDS)
                at = meter.snapshot()
                time.sleep(IDLE_SECONDS)
                agreed["idle"] = CpuMeter.per_call(at, meter.snapshot(), IDLE_SECONDS)

            # Read when every copy agrees: the re-import of the unchanged file after it (no events) is not counted.
            bench_registry_import(platform, producer_rate, on_agreed=on_agreed)
        spent = {name: agreed[name] - before[name] for name in before if name != "client"}
        net = {name: max(0.0, seconds - agreed["rounds"] * agreed["per_round"][name] - agreed["wall"] * agreed["idle"][name])
               for name, seconds in spent.items()}
        print(f"  CPU µs per event ({events:,} events, {agreed['wall']:.1f} s, load average {os.getloadavg()[0]:.1f}):")
        print(_line("as spent", {name: seconds / events for name, seconds in spent.items()}))
        print(_line(f"net of {agreed['rounds']} polling rounds and the idle floor",
                    {name: seconds / events for name, seconds in net.items()}))
        print("  records per consumed batch: " + ", ".join(
            f"{service} {(records - batches_before[service][1]) / max(1.0, batches - batches_before[service][0]):.0f}"
            for service, (batches, records) in agreed["batches"].items()))
        print_table()
    finally:
        bench.summary = summary
        platform.stop()


if __name__ == "__main__":
    main()
