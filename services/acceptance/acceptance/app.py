"""Bootstrap of the acceptance service: the one place where its parts are wired together."""
from pathlib import Path

from acceptance import api, subscribers
from acceptance.domain.tasks import LABELS as TASK_LABELS
from acceptance.service import tasks
from zhengdun import cli
from zhengdun.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

runtime = ServiceRuntime("acceptance", handlers=subscribers.handlers, subscribe_to=subscribers.TOPICS,
                         secrets=["ZD_SEAL_PASSPHRASE"])  # the seal keys' encryption (service/documents.seal_passphrase)
app = runtime.create_app(
    api.router,
    task_labels=TASK_LABELS,
    pending_tasks=tasks.pending_tasks,
    title="评估验收 Acceptance",
    description="Self-check, township preliminary and county acceptance, surveys, spot checks, delisting, post-evaluation.",
)


def main() -> None:
    cli.run("acceptance", MIGRATIONS, lambda: app)


if __name__ == "__main__":
    main()
