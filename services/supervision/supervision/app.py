"""Bootstrap of the supervision service: the one place where its parts are wired together."""
from pathlib import Path

from supervision import api, delivery, notifications_api, service, special_actions_api, subscribers
from supervision.domain.tasks import LABELS as TASK_LABELS
from zhengdun import cli
from zhengdun.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

runtime = ServiceRuntime("supervision", handlers=subscribers.handlers, subscribe_to=subscribers.TOPICS)
app = runtime.create_app(
    api.router,
    notifications_api.router,
    special_actions_api.router,
    task_labels=TASK_LABELS,
    pending_tasks=service.pending_tasks,
    title="督导问责 Supervision",
    description="Rules that watch every deadline, inspections, accountability, and the documentary record.",
)

# Notifications leave by email and group robots, each channel in its own loop (supervision/delivery.py).
runtime.background.append(("notification-sender", lambda: delivery.Sender(runtime.session_factory, runtime.settings).run()))


def main() -> None:
    cli.run("supervision", MIGRATIONS, lambda: app)


if __name__ == "__main__":
    main()
