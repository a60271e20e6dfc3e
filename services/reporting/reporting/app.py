"""Bootstrap of the reporting service: the one place where its parts are wired together."""
from pathlib import Path

from reporting import api, subscribers
from zhengdun import cli
from zhengdun.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

runtime = ServiceRuntime("reporting", handlers=subscribers.handlers, subscribe_to=subscribers.TOPICS)
app = runtime.create_app(
    api.router,
    title="报送通报 Reporting",
    description="Live figures at every level, the documents the seeds name, and the public event stream.",
)


def main() -> None:
    cli.run("reporting", MIGRATIONS, lambda: app)


if __name__ == "__main__":
    main()
