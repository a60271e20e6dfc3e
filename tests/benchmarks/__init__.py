"""Each service's benchmarks: ``bench_<what>(platform)`` functions in ``tests/benchmarks/<service>.py``.

``make bench`` (tests/bench.py) calls them in service order after importing a synthetic
province of 50,000 villages; each prints its figures and asserts no timings.
ZD_BENCH_VILLAGES=5000 runs a smaller province (whole counties of 20 townships × 50 villages).
"""
from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator

# The services traced as deployed: to one backend (here Zipkin), in the SDK's 5 s batches. The test platform also
# sends every span to the test process's own receiver every 200 ms (the trace tests read them there): a second
# encoding and an HTTP request per batch that cost the services about a fifth of their CPU in the campaign.
# Supervision's check of its event → rules map (every rule judged again after each event) is the tests', not the
# deployed service's.
BENCH_ENV = {"OTEL_EXPORTER_OTLP_ENDPOINT": "", "OTEL_BSP_SCHEDULE_DELAY": "5000", "ZD_SUPERVISION_VERIFY_RULE_MAP": "0",
             "ZD_TRACE_READS": "0.1"}   # as production traces reads (deploy/k8s/namespace.yaml)


def province_rows():
    """The synthetic province of the run: 50,000 villages (5 cities × 10 counties × 20 townships × 50
    villages) unless ZD_BENCH_VILLAGES asks for fewer. The demo county 990102 is always in it
    (casework's and reporting's benchmarks read it)."""
    from zhengdun_demo.synthetic import generate_province

    counties = max(1, math.ceil(int(os.environ.get("ZD_BENCH_VILLAGES", "50000")) / 1000))
    cities = math.ceil(counties / 10)
    return generate_province(cities=cities, counties_per_city=math.ceil(counties / cities),
                             townships_per_county=20, villages_per_township=50)


@contextlib.contextmanager
def province_platform(default_villages: int = 5000) -> Iterator:
    """A service's benchmarks run alone (``python -m tests.benchmarks.<service>``): a platform of their own with a
    smaller province (ZD_BENCH_VILLAGES, default ``default_villages``) imported and copied by every service."""
    from tests.integration.helpers import all_copies_agree, import_csv, wait_for
    from tests.support.platform import Platform, ensure_infrastructure
    from zhengdun_demo.synthetic import to_csv

    os.environ.setdefault("ZD_BENCH_VILLAGES", str(default_villages))
    ensure_infrastructure()
    platform = Platform(env=BENCH_ENV)   # as `make bench` runs them: spans exported as deployed, not to the tests' receiver
    platform.start()
    try:
        assert import_csv(platform, to_csv(province_rows()), filename="province.csv").status_code == 200
        wait_for(lambda: all_copies_agree(platform), timeout=600, what="copies to agree")
        yield platform
    finally:
        platform.stop()
