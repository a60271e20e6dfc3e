"""The one load generator of ``make bench``: N concurrent clients (async httpx, one keep-alive
connection each) repeat one GET for a fixed time; the result is req/s and latency percentiles.

The bare FastAPI anchor and the services' reads are loaded by this same generator, in the same
process, so the generator's own cost is on both sides of every ratio.
"""
from __future__ import annotations

import asyncio
import os
import resource
import time
from dataclasses import dataclass

import httpx

SECONDS = float(os.environ.get("ZD_BENCH_SECONDS", "10"))


@dataclass
class Load:
    what: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    cpu: float   # the generator's own CPU use over the run, in cores: near 1 means it, not the server, was the limit

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")

    @property
    def p50(self) -> float:
        return self.percentile(0.50)

    @property
    def p99(self) -> float:
        return self.percentile(0.99)

    def __str__(self) -> str:
        return (f"{self.what}, {self.clients} clients: {self.rate:,.0f} req/s, p50 {self.p50 * 1000:.0f} ms, "
                f"p99 {self.p99 * 1000:.0f} ms ({self.requests:,} requests in {self.seconds:.1f} s"
                + f", generator {self.cpu:.0%} of a core" + (f", {self.errors} errors" if self.errors else "") + ")")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _get(http: httpx.AsyncClient, url: str, params: dict | None) -> httpx.Response:
    try:
        return await http.get(url, params=params)
    except httpx.RemoteProtocolError:
        # uvicorn closed the idle keep-alive connection as the request went out: a client opens another.
        return await http.get(url, params=params)


async def _load(what: str, url: str, headers: dict, clients: int, seconds: float, params: dict | None) -> Load:
    """Closed loop: each client sends its next request when the last one is answered. Counted: the
    answers that arrive within the window (after a warm-up that opens every connection and fills
    every cache); requests still running at its end are awaited and not counted."""
    latencies: list[float] = []
    errors = 0
    # A client of its own per connection: one pool shared by many connections costs httpx more
    # than the requests (seen: 64 clients on one pool slower than 16).
    https = [httpx.AsyncClient(headers=headers, timeout=300, limits=httpx.Limits(max_connections=1))
             for _ in range(clients)]
    began, cpu = time.perf_counter(), _cpu()
    warm_until = began + max(1.0, seconds / 5)
    window_ends = warm_until + seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal errors
        while (now := time.perf_counter()) < window_ends:
            response = await _get(http, url, params)
            answered = time.perf_counter()
            if warm_until <= answered <= window_ends:
                latencies.append(answered - now)
                errors += response.status_code != 200
    try:
        await asyncio.gather(*(client(http) for http in https))
        cpu = (_cpu() - cpu) / (time.perf_counter() - began)
    finally:
        await asyncio.gather(*(http.aclose() for http in https))
    return Load(what, clients, len(latencies), errors, seconds, latencies, cpu)


def load(what: str, url: str, headers: dict | None = None, clients: int = 16, seconds: float = SECONDS,
         params: dict | None = None) -> Load:
    result = asyncio.run(_load(what, url, headers or {}, clients, seconds, params))
    print(f"  {result}")
    return result
