"""The command every service installs: ``zhengdun-<service> [serve|migrate|…]``."""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from zhengdun.logs import setup_logging
from zhengdun.migrations import upgrade


def run(service: str, migrations_dir: Path, load_app, commands: dict[str, Callable[[], None]] | None = None) -> None:
    """``commands``: the service's own further commands (reporting's ``rebuild``)."""
    commands = commands or {}
    parser = argparse.ArgumentParser(prog=f"zhengdun-{service}")
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "migrate", *commands])
    args = parser.parse_args()
    setup_logging(service)
    if args.command in commands:
        commands[args.command]()
        return
    if args.command == "migrate":
        from zhengdun.settings import settings_for

        upgrade(migrations_dir, settings_for(service).database_url)
        return
    app = load_app()
    app.state.runtime.serve(app)
