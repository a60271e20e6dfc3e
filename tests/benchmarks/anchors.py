"""The anchors every ratio of ``make bench`` is taken against, measured in the same run on the
same machine: Kafka's own producer (ProducerPerformance, the class behind
bin/kafka-producer-perf-test.sh) and a bare FastAPI endpoint under uvicorn."""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.platform import KAFKA_BOOTSTRAP, ROOT, _free_port, spawn

RECORDS = int(os.environ.get("ZD_BENCH_KAFKA_RECORDS", "300000"))
RECORD_BYTES = 700


def kafka_libs() -> Path:
    """The Kafka that deploy/local/kafka.sh runs: its jars under ZD_LOCAL_DIR (the install keeps no bin/)."""
    return Path(os.environ.get("ZD_LOCAL_DIR", ROOT / ".local")) / "kafka" / "libs"


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    return f"{home}/bin/java" if home and Path(f"{home}/bin/java").exists() else (shutil.which("java") or "java")


async def _create_topic(name: str, partitions: int) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA_BOOTSTRAP)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()


def kafka_producer_rate(platform, records: int = RECORDS) -> float:
    """Records/s of Kafka's own producer, 700-byte records, acks=all, into a throwaway topic of this
    run (under the run's prefix, so Platform.stop deletes it with the others)."""
    topic = f"{platform.topic_prefix}bench.producer-anchor"
    asyncio.run(_create_topic(topic, partitions=6))
    command = [_java(), "-Xmx512M", "-cp", f"{kafka_libs()}/*", "org.apache.kafka.tools.ProducerPerformance",
               "--topic", topic, "--num-records", str(records), "--record-size", str(RECORD_BYTES),
               "--throughput", "-1", "--producer-props", f"bootstrap.servers={KAFKA_BOOTSTRAP}", "acks=all"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    # The last line sums the run: "300000 records sent, 52000.1 records/sec (34.71 MB/sec), ... latency ..."
    summary = [line for line in done.stdout.splitlines() if "records sent" in line][-1]
    rate = float(re.search(r"([\d.]+) records/sec", summary).group(1))
    print(f"  Kafka producer (ProducerPerformance, {records:,} × {RECORD_BYTES} B, acks=all): {summary.strip()}")
    return rate


@contextmanager
def bare_fastapi(platform):
    """The bare endpoint's URL while its uvicorn process runs (a child of the run, like the services)."""
    port = _free_port()
    with open(platform.log_dir / "bare-fastapi.log", "ab") as log:
        process = spawn([sys.executable, "-m", "tests.benchmarks.bare_app"], env={**os.environ, "PORT": str(port)}, log=log)
    url = f"http://127.0.0.1:{port}/items"
    try:
        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(url, timeout=3).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.time() > deadline or process.poll() is not None:
                    raise
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(15)
