"""The console's own checks that need no browser: its TypeScript view of the APIs and of the access
policy is the one the services have now, and its logic passes its unit tests (Vitest)."""
from __future__ import annotations

import subprocess
import sys

from tests.support.console import CONSOLE, ROOT

TYPES = CONSOLE / "src" / "api" / "types"


def _install() -> None:
    subprocess.run(["bash", str(ROOT / "deploy/local/console.sh"), "install"], check=True)


def test_committed_types_are_those_of_the_services_now(tmp_path):
    _install()
    subprocess.run([sys.executable, str(CONSOLE / "scripts" / "generate_types.py"), "--out", str(tmp_path)],
                   check=True, cwd=ROOT)
    generated = {p.name: p.read_text() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_text() for p in TYPES.iterdir()}
    assert set(generated) == {"screening.ts", "casework.ts", "supervision.ts", "acceptance.ts", "reporting.ts", "policy.ts"}
    stale = sorted(name for name in generated if committed.get(name) != generated[name])
    assert not stale, (f"{', '.join(stale)} differ from the services' OpenAPI documents / access policy: run "
                       "`uv run python services/console/scripts/generate_types.py` and commit the result")


def test_console_logic_vitest():
    _install()
    result = subprocess.run(["npx", "--no-install", "vitest", "run"], cwd=CONSOLE, capture_output=True, text=True)
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
