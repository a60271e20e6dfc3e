"""Contract fuzzing: Schemathesis against the five services of a real platform (tests/support/platform.py),
every phase (examples, coverage, fuzzing, stateful), a fixed seed, the requests carrying real
tokens of a county, a township and a city user in turn (tests/fuzz/hooks.py).

    uv run python -m tests.fuzz.run [examples-per-operation]      (make fuzz: a longer run)

The bounded run of ``make test`` is tests/integration/test_contract_fuzz.py. Each run's reports
(JSON, and the failures reproduced as pytest code) are kept under .local/test-logs/<run>/fuzz/.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.platform import ROOT, SERVICES

HERE = Path(__file__).resolve().parent
LEVELS = {"county": "county_org", "township": "township_org", "city": "city_org"}
SEED = 20200815
PHASES = "examples,coverage,fuzzing,stateful"


@dataclass
class Outcome:
    service: str
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exit_code: int = 0
    report: Path | None = None


def run_one(platform, service: str, *, examples: int, report_dir: Path, max_time: int | None = None,
            seed: int = SEED, exclude: tuple[str, ...] = ()) -> Outcome:
    out_dir = report_dir / service
    out_dir.mkdir(parents=True, exist_ok=True)
    # The document is read here (a loaded machine may take longer than Schemathesis waits for it).
    schema = out_dir / "openapi.json"
    schema.write_text(httpx.get(f"{platform.url(service)}/openapi.json", timeout=120).text)
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(HERE / "schemathesis.toml"), "run",
               str(schema), "--url", platform.url(service), "--seed", str(seed), "--phases", PHASES,
               "--max-examples", str(examples), "--checks", "all", "--workers", "1", "--no-color",
               "--request-timeout", "60", "--suppress-health-check", "all", "--generation-database", "none",
               "--report", "json,pytest", "--report-dir", str(out_dir), "--report-json-path", str(out_dir / "report.json"), "--output-truncate", "true"]
    if max_time:
        command += ["--max-time", str(max_time)]
    if exclude:
        command += ["--exclude-checks", ",".join(exclude)]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks", "ZD_FUZZ_USERS": ",".join(LEVELS.values()),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    (out_dir / "output.txt").write_text(done.stdout + done.stderr)
    outcome = Outcome(service, exit_code=done.returncode, report=out_dir)
    outcome.requests, outcome.failures, outcome.errors = _read_report(out_dir)
    return outcome


def _read_report(out_dir: Path) -> tuple[int, list[str], list[str]]:
    """Test cases generated (one request each, plus the stateful links), unique failures and errors."""
    path = out_dir / "report.json"
    if not path.exists():
        return 0, [], [f"no report: see {out_dir / 'output.txt'}"]
    report = json.loads(path.read_text())
    failures = [f"{f['title']} ({f['code']}, {f['count']}×): {', '.join(f['operations'][:6])}" for f in report["failures"]]
    errors = [f"{e['title']} ({e['count']}×)" for e in report["errors"]]
    return report["test_cases"]["generated"], failures, errors


def remove_fuzz_users() -> int:
    """Delete the users the fuzzer created in the shared realm (all named fuzz…)."""
    from tests.fuzz.hooks import FUZZ_USERNAME_PREFIX
    from zhengdun_demo.client import KEYCLOAK_URL, REALM

    admin = httpx.post(f"{KEYCLOAK_URL}/realms/master/protocol/openid-connect/token",
                       data={"grant_type": "password", "client_id": "admin-cli", "username": "admin",
                             "password": "admin"}, timeout=30).json()["access_token"]
    headers = {"Authorization": f"Bearer {admin}"}
    users = httpx.get(f"{KEYCLOAK_URL}/admin/realms/{REALM}/users", params={"search": FUZZ_USERNAME_PREFIX, "max": 10000},
                      headers=headers, timeout=60).json()
    removed = 0
    for user in users:
        if user["username"].startswith(FUZZ_USERNAME_PREFIX):
            httpx.delete(f"{KEYCLOAK_URL}/admin/realms/{REALM}/users/{user['id']}", headers=headers, timeout=30)
            removed += 1
    return removed


def run_all(platform, *, examples: int, report_dir: Path, max_time: int | None = None,
            exclude: tuple[str, ...] = ()) -> list[Outcome]:
    outcomes = []
    try:
        for service in SERVICES:
            outcome = run_one(platform, service, examples=examples, report_dir=report_dir, max_time=max_time,
                              exclude=exclude)
            print(f"fuzz {service:<12} requests={outcome.requests:<6} failures={len(outcome.failures)} "
                  f"errors={len(outcome.errors)}", flush=True)
            outcomes.append(outcome)
    finally:
        remove_fuzz_users()
    return outcomes


def main() -> int:
    from tests.integration.helpers import load_demo_divisions
    from tests.support.platform import running_platform

    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    with running_platform() as platform:
        load_demo_divisions(platform)
        outcomes = run_all(platform, examples=examples, report_dir=platform.log_dir / "fuzz")
    total = sum(o.requests for o in outcomes)
    failures = [f"{o.service}: {f}" for o in outcomes for f in o.failures + o.errors]
    print(f"\n{total} requests, {len(failures)} failures; reports under {outcomes[0].report.parent if outcomes else '-'}")
    for failure in failures:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
