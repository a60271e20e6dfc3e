"""The event path alone: Kafka's own producer rate and the registry import, without the rest of
``make bench`` (minutes instead of an hour), for measuring the relay and the consumers before and
after a change on the same machine.

    ZD_BENCH_VILLAGES=10000 uv run --frozen python -m tests.benchmarks.events

``ZD_BENCH_PROFILE=1`` also samples screening (the relay) and the consuming services with py-spy
(``uvx py-spy``) during the import, and writes their collapsed stacks to the run's log folder.
"""
from __future__ import annotations

import os

from tests.bench import CONSUMERS, bench_registry_import
from tests.benchmarks.anchors import kafka_producer_rate
from tests.benchmarks.profiling import profiled
from tests.benchmarks.figures import cpu_seconds, print_table
from tests.support.platform import Platform, ensure_infrastructure


def _cpu_seconds(platform: Platform) -> dict[str, float]:
    return {name: cpu_seconds(service.process.pid) for name, service in platform.services.items()}


def main() -> None:
    ensure_infrastructure()
    platform = Platform()
    platform.start()
    try:
        print(f"== event path ({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
              f"villages: {os.environ.get('ZD_BENCH_VILLAGES', '50000')})")
        producer_rate = kafka_producer_rate(platform, int(os.environ.get("ZD_BENCH_KAFKA_RECORDS", "100000")))
        before = _cpu_seconds(platform)
        with profiled(platform, ("screening", *CONSUMERS), "events"):
            bench_registry_import(platform, producer_rate)
            # On a shared, noisy box the CPU each service spent is steadier than the wall clock (the re-import
            # of the unchanged file is counted too: screening's part of it, no events).
            after = _cpu_seconds(platform)
            print("  CPU seconds during the import: " + ", ".join(
                f"{name} {after[name] - before[name]:.1f}" for name in platform.services))
        print_table()
    finally:
        platform.stop()


if __name__ == "__main__":
    main()
