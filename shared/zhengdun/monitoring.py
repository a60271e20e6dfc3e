"""The figures an operator alerts on, refreshed when Prometheus scrapes ``/metrics``:

- ``zhengdun_consumer_lag{service, consumer, topic}``: for the topic this service publishes, how
  many events each platform consumer group has not yet committed. Measured from Kafka by the
  publisher, so a consumer that has stopped (or whose process is gone) still shows its lag;
- ``zhengdun_outbox_unsent{service}`` and ``zhengdun_outbox_oldest_unsent_seconds{service}``:
  events committed but not yet on Kafka, and how long the oldest has waited;
- ``zhengdun_dead_letters_waiting{service, reason}``: dead letters not yet replayed;
- ``zhengdun_db_pool_connections{service, state}``: the SQLAlchemy pool (in use, idle, overflow, size).

The rest (HTTP by route, events applied, inbox duplicates, dead-lettered) are counters updated
where they happen (zhengdun.metrics).
"""
from __future__ import annotations

import asyncio
import logging
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import func, select

from zhengdun import metrics
from zhengdun.messaging.deadletters import DeadLetterBook
from zhengdun.messaging.outbox import OutboxMessage, OutboxPending
from zhengdun.messaging.topics import Topics

log = logging.getLogger("zhengdun.monitoring")


class Monitor:
    def __init__(self, service: str, *, bootstrap: str, topics: Topics, engine, session_factory, dead_letters: DeadLetterBook,
                 min_interval: float = 1.0):
        self.service = service
        self._bootstrap = bootstrap
        self._topics = topics
        self._engine = engine
        self._factory = session_factory
        self._dead_letters = dead_letters
        self._min_interval = min_interval
        self._refreshed = 0.0
        self._lock = asyncio.Lock()
        self._admin: AIOKafkaAdminClient | None = None
        self._offsets: AIOKafkaConsumer | None = None
        self._reasons: set[str] = set()
        self._lagging: set[tuple[str, str]] = set()

    async def start(self) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, client_id=f"zhengdun-{self.service}-monitor")
        await self._admin.start()
        self._offsets = AIOKafkaConsumer(bootstrap_servers=self._bootstrap, group_id=None, enable_auto_commit=False,
                                         client_id=f"zhengdun-{self.service}-monitor")
        await self._offsets.start()

    async def stop(self) -> None:
        for client in (self._offsets, self._admin):
            if client is not None:
                try:
                    await (client.stop() if isinstance(client, AIOKafkaConsumer) else client.close())
                except Exception:  # shutting down: nothing left to tell
                    pass

    async def refresh(self) -> None:
        """Bring the gauges up to date; each source on its own, so one that is down leaves the rest."""
        async with self._lock:
            if time.monotonic() - self._refreshed < self._min_interval:
                return
            self._pool()
            for name, part in (("outbox", self._outbox), ("dead letters", self._dead_letter_counts), ("lag", self._lag)):
                try:
                    await asyncio.wait_for(part(), 5)
                except Exception as exc:  # a scrape must still answer; the health check says what is down
                    log.warning("metrics: %s not refreshed: %s", name, exc)
            self._refreshed = time.monotonic()

    def _pool(self) -> None:
        pool = self._engine.sync_engine.pool
        for state, value in (("in_use", pool.checkedout()), ("idle", pool.checkedin()), ("overflow", max(pool.overflow(), 0)),
                             ("size", pool.size())):
            metrics.DB_POOL.labels(self.service, state).set(value)

    async def _outbox(self) -> None:
        async with self._factory() as session:
            count, oldest = (await session.execute(
                select(func.count(), func.extract("epoch", func.now() - func.min(OutboxMessage.created_at)))
                .select_from(OutboxPending).join(OutboxMessage, OutboxMessage.seq == OutboxPending.seq))).one()
        metrics.OUTBOX_UNSENT.labels(self.service).set(count)
        metrics.OUTBOX_OLDEST.labels(self.service).set(float(oldest or 0))

    async def _dead_letter_counts(self) -> None:
        counts = await self._dead_letters.waiting_by_reason()
        for reason in self._reasons | set(counts):  # a reason whose letters were all replayed goes back to 0
            metrics.DEAD_LETTERS_WAITING.labels(self.service, reason).set(counts.get(reason, 0))
        self._reasons |= set(counts)

    async def _lag(self) -> None:
        assert self._admin is not None and self._offsets is not None
        topic = self._topics.of(self.service)
        described = await self._admin.describe_topics([topic])
        partitions = [TopicPartition(topic, p["partition"]) for d in described if d.get("topic") == topic
                      for p in d.get("partitions", [])]
        if not partitions:
            return
        ends = await self._offsets.end_offsets(partitions)
        starts = await self._offsets.beginning_offsets(partitions)
        group_prefix = self._topics.group("")
        groups = [g[0] for g in await self._admin.list_consumer_groups() if g[0].startswith(group_prefix)]
        seen = set()
        for group in groups:
            committed = await self._admin.list_consumer_group_offsets(group, partitions=partitions)
            known = {tp: meta.offset for tp, meta in committed.items() if meta is not None and meta.offset >= 0}
            if not known:
                continue  # this group does not read this topic
            lag = sum(ends[tp] - known.get(tp, starts[tp]) for tp in partitions)
            consumer = group[len(group_prefix):]
            metrics.CONSUMER_LAG.labels(self.service, consumer, topic).set(max(lag, 0))
            seen.add((consumer, topic))
        for consumer, gone_topic in self._lagging - seen:
            metrics.CONSUMER_LAG.remove(self.service, consumer, gone_topic)
        self._lagging = seen
