"""The sender: works through pending deliveries, one loop per channel, so a failing channel
never holds up another.

A delivery is taken with ``FOR UPDATE SKIP LOCKED`` (replicas share the work, none takes the
same row), sent, and marked sent in that same transaction; a failure records the error and
schedules the next attempt with exponential backoff (capped), and the loop goes on with the
next delivery. What is marked sent is never sent again; only a crash between the remote
server's acceptance and the commit can repeat one message (the window is one request long).
"""
from __future__ import annotations

import asyncio
import logging
import smtplib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import httpx
from sqlalchemy import func, select

from supervision.domain.notices import Kind
from supervision.models import DeliveryRow, NotificationRow
from zhengdun.settings import ServiceSettings

log = logging.getLogger("supervision.delivery")
CHANNELS = ("email", "webhook")
MAX_BACKOFF_SECONDS = 3600
BATCH = 20


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 … seconds after the n-th failure, at most an hour."""
    return timedelta(seconds=min(2 ** attempts, MAX_BACKOFF_SECONDS))


def robot_message(notification: NotificationRow, kind: str) -> dict:
    """The JSON a WeCom (企业微信) or DingTalk (钉钉) group robot accepts: both take a text message."""
    label = Kind(notification.kind).label if notification.kind in Kind._value2member_map_ else notification.kind
    content = f"{notification.title}\n{notification.body}\n（{label}·整顿平台·通知编号 {notification.notification_id}）"
    if kind == "dingtalk":
        return {"msgtype": "text", "text": {"content": content}, "at": {"isAtAll": False}}
    return {"msgtype": "text", "text": {"content": content}}


def email_message(notification: NotificationRow, sender: str, recipient: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = notification.title
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=notification.notification_id.replace("-", ""))
    message["X-Zhengdun-Notification"] = notification.notification_id
    message.set_content(f"{notification.body}\n\n—— 整顿工作平台（{notification.kind}）")
    return message


class Sender:
    def __init__(self, session_factory, settings: ServiceSettings):
        self.session_factory = session_factory
        self.settings = settings
        self._http = httpx.AsyncClient(timeout=10)

    async def run(self) -> None:
        await asyncio.gather(*(self._loop(channel) for channel in CHANNELS))

    async def _loop(self, channel: str) -> None:
        while True:
            try:
                busy = await self.send_due(channel)
            except Exception:  # noqa: BLE001 - the loop outlives a broken round (database away)
                log.exception("%s deliveries failed", channel)
                busy = 0
            if not busy:
                await asyncio.sleep(self.settings.notify_poll_seconds)

    async def send_due(self, channel: str) -> int:
        """Attempt up to one batch of due deliveries on a channel, each in its own transaction. Returns how many."""
        attempted = 0
        for _ in range(BATCH):
            async with self.session_factory() as session, session.begin():
                row = (await session.execute(
                    select(DeliveryRow, NotificationRow)
                    .join(NotificationRow, NotificationRow.notification_id == DeliveryRow.notification_id)
                    .where(DeliveryRow.channel == channel, DeliveryRow.status == "pending",
                           DeliveryRow.next_attempt_at <= func.now())
                    .order_by(DeliveryRow.next_attempt_at, DeliveryRow.delivery_id)
                    .limit(1).with_for_update(of=DeliveryRow, skip_locked=True))).first()
                if row is None:
                    return attempted
                delivery, notification = row
                attempted += 1
                try:
                    await self._send(delivery, notification)
                except Exception as exc:  # noqa: BLE001 - any failure is retried later, with the reason kept
                    delivery.attempts += 1
                    delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
                    delivery.next_attempt_at = datetime.now(timezone.utc) + backoff(delivery.attempts)
                    log.warning("delivery %s (%s) failed, attempt %s: %s", delivery.delivery_id, channel,
                                delivery.attempts, delivery.last_error)
                else:
                    delivery.attempts += 1
                    delivery.status = "sent"
                    delivery.sent_at = func.now()
                    delivery.last_error = None
        return attempted

    async def _send(self, delivery: DeliveryRow, notification: NotificationRow) -> None:
        if delivery.channel == "email":
            message = email_message(notification, self.settings.smtp_sender, delivery.target)
            await asyncio.wait_for(asyncio.to_thread(self._smtp_send, message), 30)
        else:
            response = await self._http.post(delivery.target, json=robot_message(notification, delivery.webhook_kind or "wecom"))
            response.raise_for_status()
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            if body.get("errcode", 0) != 0:   # the robots answer 200 with an error code
                raise RuntimeError(f"robot refused: {body}")

    def _smtp_send(self, message: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=20) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password)
            smtp.send_message(message)
