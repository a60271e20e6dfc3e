"""Kafka subscribers of the supervision service: thin handlers that call the service layer.

TOPICS names the services whose topics this one consumes; every handler runs inside the
inbox transaction (see zhengdun.messaging.consumer), so it only writes through the session.
"""
from zhengdun.clock import clock_handlers
from zhengdun.messaging.consumer import EventHandlers
from zhengdun.registry import division_handlers

TOPICS: list[str] = ["screening"]
handlers = EventHandlers()
handlers.include(division_handlers)  # every service keeps its own copy of the division tree
handlers.include(clock_handlers)  # and of the platform clock (a service that reacts to it overrides this)
