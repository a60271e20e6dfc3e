"""Events in and out: transactional outbox, relay to Kafka, inbox-guarded consumers, dead letters."""
from zhengdun.messaging.outbox import OutboxMessage, OutboxRelay, UnitOfWork, record_event  # noqa: F401
from zhengdun.messaging.inbox import InboxMessage  # noqa: F401
from zhengdun.messaging.topics import Topics  # noqa: F401
