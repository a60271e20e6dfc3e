"""Bootstrap of the casework service: the one place where its parts are wired together."""
from pathlib import Path

from casework import api, service, subscribers
from casework.domain.tasks import LABELS as TASK_LABELS
from zhengdun import cli
from zhengdun.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

runtime = ServiceRuntime("casework", handlers=subscribers.handlers, subscribe_to=subscribers.TOPICS)
app = runtime.create_app(
    api.router,
    task_labels=TASK_LABELS,
    pending_tasks=service.pending_tasks,
    title="整顿台账 Casework",
    description="One book per village: teams, contact leaders, the three lists, progress, visits, continued rectification.",
)


def main() -> None:
    cli.run("casework", MIGRATIONS, lambda: app)


if __name__ == "__main__":
    main()
