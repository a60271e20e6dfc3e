"""What every service process is made of, wired once: settings, database, Kafka, relay,
consumers, token verifier, and the FastAPI app with health, metrics, docs and problem+json.

A service's ``app.py`` is then only::

    runtime = ServiceRuntime("casework", handlers=subscribers.handlers, subscribe_to=["screening"])
    app = runtime.create_app(api.router)
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Literal

import httpx
import uvicorn
from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from zhengdun import faults, memory_report
from zhengdun.auth import TokenVerifier
from zhengdun.clock import clock_router
from zhengdun.db import make_engine, make_session_factory
from zhengdun.events.base import all_specs
from zhengdun.messaging.consumer import EventHandlers, subscribe
from zhengdun.messaging.contract import Channel, asyncapi_document
from zhengdun.messaging.deadletters import DeadLetterBook
from zhengdun.messaging.kafka import ensure_topics, make_broker, make_producer
from zhengdun.messaging.outbox import OutboxRelay, UnitOfWork
from zhengdun.messaging.topics import PUBLISHERS, Topics
from zhengdun.monitoring import Monitor
from zhengdun.openapi import install_openapi
from zhengdun.operations_api import operations_router
from zhengdun.problems import PROBLEM_JSON, build_path_table, install_problem_handlers
from zhengdun.registry_api import division_router
from zhengdun.request_edges import RequestEdges
from zhengdun.responses import Out
from zhengdun.settings import ServiceSettings, refuse_development_secrets, settings_for
from zhengdun.stalls import LoopWatch
from zhengdun.tasks import PendingFor, tasks_router
from zhengdun.telemetry import setup_tracing, trace_requests, trace_sql

log = logging.getLogger("zhengdun.runtime")
WEB_CLIENT = "zhengdun-web"  # the realm's public client people log in through (authorization code + PKCE)


class Live(Out):
    status: Literal["up"]
    service: str


class Check(Out):
    status: Literal["up", "down"]
    ms: float | None = None
    error: str | None = None
    # False for a part whose failure does not take the service out of rotation (Keycloak, keys cached).
    required: bool = True
    cached_keys: int | None = None


class Ready(Out):
    status: Literal["up", "degraded"]  # degraded: a part that is not required is down
    service: str
    checks: dict[str, Check]


class ServiceRuntime:
    def __init__(self, service: str, *, handlers: EventHandlers | None = None, subscribe_to: Sequence[str] = (),
                 settings: ServiceSettings | None = None, secrets: Sequence[str] = ()):
        self.service = service
        self.settings = settings or settings_for(service)
        faults.arm(self.settings.fault)
        # Outside development: no start on a development default (ZD_CLIENT_SECRET, and the service's own).
        self.secrets = ("ZD_CLIENT_SECRET", *secrets)
        self.topics = Topics(self.settings.topic_prefix)
        self.topic = self.topics.of(service)
        self.source = f"/zhengdun/{service}"
        setup_tracing(service)
        self.engine = make_engine(self.settings.database_url)
        self.session_factory = make_session_factory(self.engine)
        # The readers' sessions (zhengdun.dependencies), by isolation level: bound to a view of the engine that sets
        # it, so that a session takes its connection at its first statement, and a request refused before (401,
        # 403, 422) takes none.
        self.reader_sessions = {level: make_session_factory(self.engine.execution_options(isolation_level=level))
                                for level in ("REPEATABLE READ", "AUTOCOMMIT")}
        self.broker = make_broker(self.settings.kafka_bootstrap, service)
        self.relay = OutboxRelay(self.session_factory, lambda: make_producer(self.settings.kafka_bootstrap, service),
                                 batch_size=self.settings.relay_batch_size,
                                 poll_seconds=self.settings.relay_poll_seconds)
        self.verifier = TokenVerifier(issuer=self.settings.issuer, audience=self.settings.client_id,
                                      jwks_url=f"{self.settings.realm_url}/protocol/openid-connect/certs")
        self.handlers = handlers or EventHandlers()
        # Long-running tasks of the service (name, coroutine function), run while it serves.
        self.background: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        if memory_report.start_if_asked():   # diagnosis only (ZD_MEMORY_REPORT_MB)
            self.background.append(("memory-report", memory_report.report_growth))
        self.consumes = bool(subscribe_to and self.handlers.types)
        self.dead_letters = DeadLetterBook(self.session_factory, self.handlers, self.topics.deadletter,
                                           self.topics.group(service), topic=self.topic, source=self.source,
                                           on_outbox_write=self.relay.wake)
        self.monitor = Monitor(service, bootstrap=self.settings.kafka_bootstrap, topics=self.topics, engine=self.engine,
                               session_factory=self.session_factory, dead_letters=self.dead_letters)
        self._relay_task: asyncio.Task | None = None
        # The readiness check's client, made once: making an httpx client loads the CA bundle into a new SSL context,
        # ~25 ms of CPU during which the loop serves nothing, and a probe comes every 10 s (deploy/k8s).
        self._probe_http: httpx.AsyncClient | None = None
        if self.consumes:
            subscribe(
                self.broker, topics=[self.topics.of(s) for s in subscribe_to], group_id=self.topics.group(service),
                session_factory=self.session_factory, handlers=self.handlers, deadletter_topic=self.topics.deadletter,
                topic=self.topic, source=self.source, on_outbox_write=self.relay.wake, batch_size=self.settings.consumer_batch_size,
            )
        trace_sql(self.engine)

    def event_contract(self, title: str) -> dict:
        """AsyncAPI 3.0 of the events this service sends on its topic (reporting: on the public one)
        and of those it receives, per source topic: one message per event type."""
        mine = [s for s in all_specs() if s.service == self.service]
        received = [s for s in all_specs() if s.type in set(self.handlers.types)]
        channels = [Channel(self.service, self.topic, "send", tuple(s for s in mine if not s.public),
                            f"Domain events of the {self.service} service"),
                    Channel("public", self.topics.public, "send", tuple(s for s in mine if s.public),
                            "Curated public events (reporting's public contract: /public/asyncapi.json)")]
        channels += [Channel(f"from-{source}", self.topics.of(source), "receive",
                             tuple(s for s in received if s.service == source), f"Events of {source} this service applies")
                     for source in PUBLISHERS]
        return asyncapi_document(document_id=f"urn:zhengdun:{self.service}:events", title=f"{title} events",
                                 version="1.0.0", description=f"Events sent and received by the {self.service} service",
                                 channels=channels)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory, self.topic, self.source, on_commit=self.relay.wake)

    # ---- lifecycle -------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lifespan(self, app: FastAPI):
        refuse_development_secrets(self.settings, self.secrets)
        if self.settings.create_topics:
            await ensure_topics(self.settings.kafka_bootstrap, self.topics, self.settings.topic_partitions,
                                self.settings.topic_replication)
        await self.broker.start()
        await self.monitor.start()
        with contextlib.suppress(Exception):  # keys cached now keep tokens verifiable while Keycloak blips
            await self.verifier.preload()
        relay_task = self._relay_task = asyncio.create_task(self.relay.run(), name=f"{self.service}-outbox-relay")
        tasks = [asyncio.create_task(run(), name=f"{self.service}-{name}") for name, run in self.background]
        # What the process has built by now (modules, app, models, clients: ~200,000 objects) lives as long as it
        # does: kept out of the collector's reach, so that its full collections, which a consumed batch of
        # thousands of events sets off, walk only what requests and events made. Measured on casework's decoding
        # of a province's events: 30 → 16 µs per event.
        # The OpenAPI document and the table of its paths every request is matched against (zhengdun.problems), built
        # now rather than by the first request: 0.3–0.7 s of CPU during which the loop served nothing (seen in the
        # stall reports), and built before the freeze below, the document's objects are never walked again.
        build_path_table(app)
        gc.collect()
        gc.freeze()
        # The youngest generation collected every 10,000 objects instead of 700. At 700 a list read saw a collection
        # every 3–5 requests; each moved the objects of the requests in flight to an older generation, which filled
        # it, so that a full collection (~15 ms of CPU while every request in flight waits) came every 300–1,000
        # requests. A read leaves no cyclic garbage (gc.DEBUG_SAVEALL: none over 1,900 reads), so fewer collections
        # lose nothing. Measured under 16 clients (tests/benchmarks/read_stalls.py, zhengdun.stalls), 700 → 10,000:
        # the collector's CPU per request casework 0.096 → 0.005 ms, screening 0.190 → 0.006 ms; one collection of
        # 4–5 ms CPU per ~1,000 requests and no full one. The older generations keep their ratios (10, 10).
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(self.settings.gc_young_threshold, older, oldest)
        loop_watch = LoopWatch()
        loop_watch.start()
        log.info("%s started on port %s", self.service, self.settings.port)
        try:
            yield
        finally:
            loop_watch.stop()
            self.relay.stop()
            for task in (relay_task, *tasks):
                task.cancel()
            for task in (relay_task, *tasks):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            await self.monitor.stop()
            await self.broker.stop()
            await self.engine.dispose()
            if self._probe_http is not None:
                await self._probe_http.aclose()

    # ---- health ----------------------------------------------------------------------------
    # Not ready (taken out of rotation) when the database or the broker cannot be reached, or the relay or
    # the consumers have stopped. Keycloak is reported but does not decide: tokens are checked against the
    # keys already cached, so a Keycloak blip does not take every service down; only with no key cached
    # at all (no token could be verified) does it count.
    async def readiness(self) -> dict[str, dict]:
        async def relay():
            if self._relay_task is None or self._relay_task.done():
                raise RuntimeError("the outbox relay has stopped")

        async def consumers():
            if not self.consumes:
                return
            for subscriber in self.broker.subscribers:
                tasks = getattr(subscriber, "tasks", [])
                if not subscriber.running or not tasks or any(t.done() for t in tasks):
                    raise RuntimeError("a consumer has stopped: " + ", ".join(getattr(subscriber, "topic_names", [])))

        async def database():
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        async def broker():
            if not await self.broker.ping(timeout=2):
                raise RuntimeError("broker did not answer")

        async def identity():
            if self._probe_http is None:
                self._probe_http = httpx.AsyncClient(timeout=2)
            (await self._probe_http.get(self.verifier.jwks_url)).raise_for_status()

        checks = {}
        for name, check in (("database", database), ("broker", broker), ("relay", relay), ("consumers", consumers),
                            ("identity_provider", identity)):
            started = time.perf_counter()
            try:
                await asyncio.wait_for(check(), 3)
                checks[name] = {"status": "up", "ms": round((time.perf_counter() - started) * 1000, 1)}
            except Exception as exc:  # say which and why
                checks[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
        keys = self.verifier.cached_keys
        checks["identity_provider"].update(required=keys == 0, cached_keys=keys)
        return checks

    # ---- the app ---------------------------------------------------------------------------
    def create_app(self, *routers: APIRouter, title: str, description: str = "", task_labels: dict[str, str],
                   pending_tasks: PendingFor, settable_clock: bool = False) -> FastAPI:
        """The service's app: its own ``routers``, then what every service answers alike — the division tree,
        the business date (set only where ``settable_clock``), the person's to-do items from ``pending_tasks``,
        health, metrics and operations."""
        # /docs logs in through the realm's public client (authorization code + PKCE), like the console.
        # FastAPI's own telemetry off: zhengdun.telemetry traces the requests (trace_requests below), and FastAPI's
        # would add a span per dependency, endpoint and serialization besides.
        app = FastAPI(title=title, description=description, version="0.1.0", lifespan=self.lifespan,
                      telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
                      swagger_ui_init_oauth={"clientId": WEB_CLIENT, "usePkceWithAuthorizationCodeGrant": True,
                                             "scopes": "openid"})
        app.state.runtime = self
        install_problem_handlers(app)

        app.add_middleware(RequestEdges)

        @app.get("/health/live", tags=["operations"], response_model=Live)
        async def live():
            return {"status": "up", "service": self.service}

        @app.get("/health/ready", tags=["operations"], response_model=Ready,
                 responses={503: {"description": "某项依赖不可用 (a dependency is down; checks say which)"}})
        async def ready():
            checks = await self.readiness()
            if all(c["status"] == "up" for c in checks.values() if c.get("required", True)):
                degraded = any(c["status"] != "up" for c in checks.values())
                return {"status": "degraded" if degraded else "up", "service": self.service, "checks": checks}
            return JSONResponse({"type": "/problems/not-ready", "title": "服务未就绪 Not ready", "status": 503,
                                 "service": self.service, "checks": checks}, status_code=503, media_type=PROBLEM_JSON)

        @app.get("/metrics", tags=["operations"], include_in_schema=False)
        async def prometheus():
            await self.monitor.refresh()
            return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

        @app.get("/asyncapi.json", tags=["operations"], include_in_schema=False)
        async def asyncapi():
            return self.event_contract(title)

        common = (division_router(), clock_router(settable=settable_clock),
                  tasks_router(self.service, task_labels, pending_tasks), operations_router(self))
        for router in (*routers, *common):
            app.include_router(router)
        install_openapi(app, issuer=self.settings.issuer)
        trace_requests(app)
        return app

    def serve(self, app: FastAPI) -> None:
        # log_config=None: uvicorn keeps the JSON logging of zhengdun.logs instead of installing its own.
        uvicorn.run(app, host=self.settings.host, port=self.settings.port, log_level="info",
                    access_log=False, log_config=None)
