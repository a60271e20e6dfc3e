"""Bootstrap of the supervision service: the one place where its parts are wired together."""
from pathlib import Path

from supervision import api, subscribers
from zhengdun import cli
from zhengdun.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

runtime = ServiceRuntime("supervision", handlers=subscribers.handlers, subscribe_to=subscribers.TOPICS)
app = runtime.create_app(
    api.router,
    title="督导问责 Supervision",
    description="Rules that watch every deadline, inspections, accountability, and the documentary record.",
)


def main() -> None:
    cli.run("supervision", MIGRATIONS, lambda: app)


if __name__ == "__main__":
    main()
