"""Each service's benchmarks: ``bench_<what>(platform)`` functions in ``tests/benchmarks/<service>.py``.

``make bench`` (tests/bench.py) calls them in service order after importing a synthetic
province of 50,000 villages; each prints its figures and asserts no timings.
"""
