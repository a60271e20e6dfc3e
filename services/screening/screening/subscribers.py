"""Kafka subscribers of the screening service: thin handlers that call the service layer.

TOPICS names the services whose topics this one consumes; every handler runs inside the
inbox transaction (see zhengdun.messaging.consumer), so it only writes through the session.
"""
from zhengdun.messaging.consumer import EventHandlers


TOPICS: list[str] = []
handlers = EventHandlers()
