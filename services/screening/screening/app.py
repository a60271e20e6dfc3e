"""Bootstrap of the screening service: the one place where its parts are wired together."""
from pathlib import Path

from screening import api, cadres_api, campaign_api, daybreak, service, subscribers, user_directory, users_api
from screening.domain.tasks import LABELS as TASK_LABELS
from screening.identity import IdentityDirectory, IdentityUnavailable
from screening.users_service import UserOperations
from zhengdun import cli
from zhengdun.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

runtime = ServiceRuntime("screening", handlers=subscribers.handlers, subscribe_to=subscribers.TOPICS)
identity = IdentityDirectory(runtime.settings)
users = UserOperations(runtime, identity)
subscribers.register_identity_sync(runtime, identity)
runtime.background.append(("user-reconciler", users.run_reconciler))
runtime.background.append(("user-directory-sync", lambda: user_directory.run_sync(
    runtime.session_factory, identity, runtime.settings.user_directory_sync_seconds)))
app = runtime.create_app(
    api.router,
    campaign_api.router,
    cadres_api.router,
    users_api.router,
    task_labels=TASK_LABELS,
    pending_tasks=service.pending_tasks,
    settable_clock=True,
    title="排查认定 Screening",
    description="Campaigns, township screening, county review, city spot checks, designated targets; owner of the division registry.",
)

app.state.identity = identity
app.add_exception_handler(IdentityUnavailable, users_api.identity_unavailable)
app.state.users = users
if not runtime.settings.clock_settable:
    # Production: the date follows the wall clock in China; tests and the demo set it instead.
    runtime.background.append(("daybreak", lambda: daybreak.run(runtime)))


def main() -> None:
    cli.run("screening", MIGRATIONS, lambda: app)


if __name__ == "__main__":
    main()
