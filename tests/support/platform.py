"""The platform under test: the real Kafka, Keycloak and PostgreSQL (started by the project's
scripts when not running), and the five services started as real processes on their own
ports, databases and topics, so a test run never disturbs `make up`'s platform and always
starts from empty topics and databases."""
from __future__ import annotations

import asyncio
import ctypes
import os
import secrets
import socket
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
import contextlib
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx

from tests.support.otlp import OtlpReceiver

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("screening", "casework", "supervision", "acceptance", "reporting")
# The real parts' addresses; a crash run points them at private instances (tests/crash_runs.py).
PG_PORT = int(os.environ.get("ZD_POSTGRES_PORT", "5432"))
KAFKA_BOOTSTRAP = os.environ.get("ZD_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
ZIPKIN = "http://127.0.0.1:9411"  # deploy/local/zipkin.sh
ZIPKIN_SPANS = f"{ZIPKIN}/api/v2/spans"
_PR_SET_PDEATHSIG = 1
# The local cluster's Unix socket (deploy/local/postgres.sh puts it in .local/postgres; a crash run's cluster in its
# own ZD_LOCAL_DIR). A round trip through it costs less than through loopback TCP, on both sides (measured with
# 20,000 prepared SELECTs: the client 55 → 46 µs, the server 28 → 22 µs).
PG_SOCKET_DIR = Path(os.environ.get("ZD_LOCAL_DIR") or ROOT / ".local") / "postgres"


def postgres_url(database: str, driver: str = "postgresql+asyncpg", *, tcp_port: int | None = None) -> str:
    """The URL of ``database`` on the local cluster: through its Unix socket when the cluster has one where
    postgres.sh puts it (asked when a URL is made: the cluster may start after this module is imported), else TCP.
    ``tcp_port``: through TCP on that port (a test's proxy in front of the cluster)."""
    socket_path = PG_SOCKET_DIR / f".s.PGSQL.{PG_PORT}"
    # Longer paths do not fit a socket address (108 bytes).
    if tcp_port is None and len(str(socket_path)) < 100 and socket_path.exists():
        return f"{driver}://zhengdun:zhengdun@/{database}?host={PG_SOCKET_DIR}&port={PG_PORT}"
    return f"{driver}://zhengdun:zhengdun@127.0.0.1:{tcp_port or PG_PORT}/{database}"


def _die_with_parent() -> None:
    """In the child before exec: the kernel SIGKILLs it when the runner that started it ends, however
    it ends (even SIGKILL, where no cleanup code runs), so no service outlives its test run."""
    parent = os.getppid()
    if ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        os._exit(70)
    if os.getppid() != parent:   # the runner died before prctl took effect
        os._exit(70)


def spawn(command: list[str], *, env: dict[str, str], log) -> subprocess.Popen:
    """A child process of the test run: in a process group of its own (one signal reaches all it
    starts) and bound to the life of the runner."""
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            preexec_fn=_die_with_parent, start_new_session=True)


def ensure_infrastructure() -> None:
    subprocess.run(["bash", str(ROOT / "deploy/local/install.sh")], check=True)
    subprocess.run(["bash", str(ROOT / "deploy/local/infra.sh"), "start"], check=True)


@contextmanager
def running_platform(env: dict[str, str] | None = None, settable: bool = True) -> Iterator["Platform"]:
    """The real parts (started when needed) and five fresh service processes, stopped afterwards.

    ``env`` is added to every service's environment (e.g. ``FakedWallClock.env()``); ``settable=False``
    leaves ``ZD_CLOCK_SETTABLE`` unset, so the platform runs on its processes' wall clock, as in production."""
    ensure_infrastructure()
    platform = Platform(env=env, settable=settable)
    try:
        platform.start()  # inside: a service that never gets ready must not outlive the run
        yield platform
    finally:
        platform.stop()


async def _recreate_databases(names: list[str]) -> None:
    conn = await asyncpg.connect(postgres_url("postgres", "postgresql"))
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}" OWNER zhengdun')
    finally:
        await conn.close()


async def _drop_databases(names: list[str]) -> None:
    conn = await asyncpg.connect(postgres_url("postgres", "postgresql"))
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@contextmanager
def scratch_database(label: str) -> Iterator[str]:
    """An empty database of its own on the shared server (its SQLAlchemy URL), dropped afterwards: for a test
    that runs a part of the platform (a consumer, the relay, a statement) without starting the services."""
    ensure_infrastructure()
    name = f"zdtest_{label}_{secrets.token_hex(3)}"
    asyncio.run(_recreate_databases([name]))
    try:
        yield postgres_url(name)
    finally:
        asyncio.run(_drop_databases([name]))


async def _delete_topics(prefix: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=KAFKA_BOOTSTRAP)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if topics:
            await admin.delete_topics(topics)
    finally:
        await admin.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakedWallClock:
    """The wall clock of a platform's processes, faked by Debian's libfaketime (LD_PRELOAD): the
    offset lives in a file the library rereads every second, so a test moves the running
    processes' time (e.g. over midnight in China) without restarting them. Only the realtime
    clock is faked: timeouts and asyncio's timers keep running on the real monotonic clock."""

    LIBRARY = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

    def __init__(self, directory: Path):
        if not Path(self.LIBRARY).exists():
            raise RuntimeError(f"{self.LIBRARY} missing: deploy/local/install.sh installs libfaketime "
                               "(deploy/local/apt-packages.txt)")
        self.path = directory / "faketime.rc"
        self.offset = 0.0
        self.path.write_text("+0\n")

    def env(self) -> dict[str, str]:
        return {"LD_PRELOAD": self.LIBRARY, "FAKETIME_TIMESTAMP_FILE": str(self.path),
                "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_CACHE_DURATION": "1"}

    def set(self, moment) -> None:
        """Make the processes' wall clock read ``moment`` (an aware datetime) now, and run on from there."""
        import datetime as _dt
        self.offset = (moment - _dt.datetime.now(_dt.timezone.utc)).total_seconds()
        self.path.write_text(f"{self.offset:+.0f}\n")

    def now(self):
        import datetime as _dt
        return _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=self.offset)


class ServiceProcess:
    def __init__(self, platform: "Platform", name: str, port: int | None = None, label: str | None = None):
        self.platform = platform
        self.name = name
        self.port = port or platform.ports[name]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = platform.log_dir / f"{label or name}.log"

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "PORT": str(self.port),
            "ZD_DATABASE_URL": self.platform.database_url(self.name),
            "ZD_TOPIC_PREFIX": self.platform.topic_prefix,
            "OTEL_EXPORTER_OTLP_ENDPOINT": self.platform.otlp.endpoint,
            # Both: the in-test receiver sees each span, and the real Zipkin that infra.sh starts stores them.
            "OTEL_EXPORTER_ZIPKIN_ENDPOINT": ZIPKIN_SPANS,
            "OTEL_BSP_SCHEDULE_DELAY": "200",
            "PYTHONUNBUFFERED": "1",
            "ZD_CLOCK_SETTABLE": "1",
            # Supervision judges every rule again after each event (read only) and fails the event if that would
            # raise or resolve an alert the event → rules map left out (supervision/projection.py judge).
            "ZD_SUPERVISION_VERIFY_RULE_MAP": "1",
        })
        env.pop("ZD_FAULT", None)
        if not self.platform.settable:
            env.pop("ZD_CLOCK_SETTABLE")
        env.update(self.platform.env)
        env.update(extra or {})
        return env

    def migrate(self) -> None:
        subprocess.run([sys.executable, "-m", f"{self.name}.app", "migrate"], env=self.env(), cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)

    def start(self, extra_env: dict[str, str] | None = None, wait: bool = True) -> None:
        with open(self.log_path, "ab") as log:
            self.process = spawn([sys.executable, "-m", f"{self.name}.app", "serve"], env=self.env(extra_env), log=log)
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = 300) -> None:  # a loaded 2-core machine imports slowly
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=3).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"{self.name} not ready after {timeout}s; see {self.log_path}")

    def wait_exit(self, timeout: float = 60) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly as a crash."""
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class Platform:
    def __init__(self, env: dict[str, str] | None = None, settable: bool = True) -> None:
        self.env = dict(env or {})
        self.settable = settable
        # Each run has its own ports, databases and topics, so runs never meet (nor meet `make up`).
        self.run_id = f"t{int(time.time())}{secrets.token_hex(2)}"
        self.ports = {name: _free_port() for name in SERVICES}
        self.topic_prefix = f"{self.run_id}."
        self.log_dir = ROOT / ".local" / "test-logs" / self.run_id
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.root = ROOT
        self.otlp = OtlpReceiver()
        self.services = {name: ServiceProcess(self, name) for name in SERVICES}
        self.replicas: list[ServiceProcess] = []

    def database_name(self, service: str) -> str:
        return f"zdtest_{self.run_id}_{service}"

    def database_url(self, service: str) -> str:
        return postgres_url(self.database_name(service))

    def url(self, service: str) -> str:
        return self.services[service].url

    def topic(self, service: str) -> str:
        return f"{self.topic_prefix}zhengdun.{service}"

    def start(self) -> None:
        asyncio.run(_recreate_databases([self.database_name(s) for s in SERVICES]))
        for service in self.services.values():
            service.migrate()
        for service in self.services.values():
            service.start(wait=False)
        for service in self.services.values():
            service.wait_ready()

    def replica(self, service: str) -> ServiceProcess:
        """Another process of ``service`` on its own port, sharing its database and consumer group."""
        replica = ServiceProcess(self, service, port=_free_port(), label=f"{service}-replica{len(self.replicas) + 1}")
        self.replicas.append(replica)
        return replica

    def stop(self) -> None:
        for service in [*self.replicas, *self.services.values()]:
            service.stop()
        self.otlp.close()
        if not os.environ.get("ZD_KEEP_TEST_DATA"):
            asyncio.run(_drop_databases([self.database_name(s) for s in SERVICES]))
            asyncio.run(_delete_topics(self.topic_prefix))

    async def fetch(self, service: str, query: str, *args):
        """Read a service's database (verification only: tests never write to it)."""
        conn = await asyncpg.connect(self.database_url(service).replace("+asyncpg", ""))
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()
