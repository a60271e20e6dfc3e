"""Bootstrap of the reporting service: the one place where its parts are wired together."""
import asyncio
import json
from pathlib import Path

from reporting import api, service, special_actions_api, subscribers
from reporting.domain.tasks import LABELS as TASK_LABELS
from reporting.rebuild import rebuild_read_model
from zhengdun import cli
from zhengdun.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

runtime = ServiceRuntime("reporting", handlers=subscribers.handlers, subscribe_to=subscribers.TOPICS)
app = runtime.create_app(
    api.router,
    special_actions_api.router,
    task_labels=TASK_LABELS,
    pending_tasks=service.pending_tasks,
    title="报送通报 Reporting",
    description="Live figures at every level, the documents the seeds name, and the public event stream.",
)


def rebuild() -> None:
    """``zhengdun-reporting rebuild``: the read model rebuilt from the topics, its summary printed."""
    async def run() -> None:
        try:
            print(json.dumps(await rebuild_read_model(runtime), ensure_ascii=False))
        finally:
            await runtime.engine.dispose()

    asyncio.run(run())


def main() -> None:
    cli.run("reporting", MIGRATIONS, lambda: app, commands={"rebuild": rebuild})


if __name__ == "__main__":
    main()
