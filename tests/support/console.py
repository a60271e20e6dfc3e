"""The staff console under test: its bundle built by the project's own script (npm ci and a build only
when their inputs changed) and a gateway (Debian's nginx, deploy/local/gateway.sh) on a free port in
front of a test platform's services, exactly as `make up` puts one in front of the local platform."""
from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "services" / "console"


def ensure_console_built() -> Path:
    subprocess.run(["bash", str(ROOT / "deploy/local/console.sh"), "build"], check=True)
    return CONSOLE / "dist"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gateway(platform) -> Iterator[str]:
    """A gateway serving the built console and routing /api/<service>/ to ``platform``'s services."""
    ensure_console_built()
    port = _free_port()
    env = dict(os.environ, ZD_GATEWAY_DIR=str(platform.log_dir / "gateway"), ZD_GATEWAY_PORT=str(port))
    env.update({f"ZD_UPSTREAM_{name.upper()}": f"127.0.0.1:{platform.ports[name]}" for name in platform.services})
    script = str(ROOT / "deploy/local/gateway.sh")
    subprocess.run(["bash", script, "start"], check=True, env=env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run(["bash", script, "stop"], check=False, env=env)
