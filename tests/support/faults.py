"""Faults injected into a running scenario (the crash runs, tests/crash_runs.py): just before a given
call of the scenario, a part of the platform is killed or stopped and brought back.

    ZD_FAULTS="120:kill:casework;800:kill:screening+reporting;1300:kafka;1900:postgres;2400:keycloak"

- ``kill:<service>[+<service>]``: the services are SIGKILLed at once and restarted;
- ``kafka``: the broker is SIGKILLed and restarted (the campaign's events in flight wait in the outboxes);
- ``postgres``: PostgreSQL stops immediately (no checkpoint) and restarts with crash recovery;
- ``keycloak``: Keycloak is stopped for a minute while the scenario goes on: calls with the tokens
  already held must go on (the services verify them with the keys they hold), user management must
  answer 503 problem+json, and nothing may be left half-done once Keycloak is back.

The broker, database and Keycloak faults act on the parts the deploy/local scripts run under
ZD_LOCAL_DIR: the crash runs point that at a platform of their own, never at the shared one.
Each fault prints one line ``fault: <kind> | <point> | <result>`` for the crash runs' table.
"""
from __future__ import annotations

import asyncio
import subprocess
import threading
import time
from dataclasses import dataclass, field

import httpx

from tests.support.platform import ROOT, Platform
from zhengdun_demo.client import password_token

KEYCLOAK_DOWN_SECONDS = 60


@dataclass
class Fault:
    at: int
    kind: str
    arg: str = ""
    label: str = ""
    result: str = ""

    @property
    def name(self) -> str:
        return {"kill": f"SIGKILL {self.arg.replace('+', ' + ')}", "kafka": "Kafka broker SIGKILLed, restarted",
                "postgres": "PostgreSQL stopped (immediate), restarted",
                "keycloak": f"Keycloak stopped {KEYCLOAK_DOWN_SECONDS} s"}[self.kind]


def parse(spec: str) -> list[Fault]:
    faults = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        at, _, rest = part.partition(":")
        kind, _, arg = rest.partition(":")
        faults.append(Fault(int(at), kind, arg))
    return sorted(faults, key=lambda f: f.at)


def script(part: str, action: str) -> None:
    done = subprocess.run(["bash", str(ROOT / "deploy/local" / f"{part}.sh"), action], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:   # say why: the crash runs' table shows only this line
        raise RuntimeError(f"{part}.sh {action} failed ({done.returncode}): {(done.stdout + done.stderr).strip()[-600:]}")


@dataclass
class FaultPlan:
    platform: Platform
    faults: list[Fault]
    api: object = None                      # zhengdun_demo.api.Platform, for the label of the next call
    _keycloak_back: threading.Thread | None = None
    _probes: list[str] = field(default_factory=list)   # usernames user management was asked to create while Keycloak was away

    def before_call(self, calls: int) -> None:
        for fault in self.faults:
            if fault.at == calls and not fault.result:
                fault.label = getattr(self.api, "next_label", "") or ""
                self._wait_for_keycloak()   # faults never overlap
                started = time.monotonic()
                fault.result = getattr(self, f"_{fault.kind}")(fault)
                print(f"fault: {fault.name} | before call {fault.at} ({fault.label}) | {fault.result} "
                      f"({time.monotonic() - started:.0f} s)", flush=True)

    # ---- the faults ------------------------------------------------------------------------------
    def _kill(self, fault: Fault) -> str:
        processes = [self.platform.services[name] for name in fault.arg.split("+")]
        for process in processes:
            process.kill()
        for process in processes:
            process.start(wait=False)
        for process in processes:
            process.wait_ready(120)
        return "restarted"

    def _kafka(self, fault: Fault) -> str:
        script("kafka", "crash")
        script("kafka", "start")
        return "broker back"

    def _postgres(self, fault: Fault) -> str:
        script("postgres", "crash")
        script("postgres", "start")
        return "database back"

    def _keycloak(self, fault: Fault) -> str:
        manager = "city_org"
        token = password_token(manager, fresh=True)         # a token held before Keycloak goes
        headers = {"Authorization": f"Bearer {token}"}
        screening = self.platform.url("screening")
        script("keycloak", "stop")
        notes = []
        # Reads with a valid token go on: the keys are cached by every service.
        for service in ("screening", "casework", "reporting"):
            response = httpx.get(f"{self.platform.url(service)}/divisions", params={"size": 1}, headers=headers, timeout=30)
            if response.status_code != 200:
                raise AssertionError(f"Keycloak away: GET {service}/divisions → {response.status_code} {response.text[:200]}")
        notes.append("reads 200")
        # User management cannot work without Keycloak: 503 problem+json, and nothing done.
        probe = f"probe.{self.platform.run_id}.{fault.at}"
        response = httpx.post(f"{screening}/users", headers=headers, timeout=60, json={
            "username": probe, "family_name": "探", "given_name": "针", "unit": "990102101201",
            "roles": ["work_team_member"], "initial_password": "probe-Passw0rd"})
        if response.status_code != 503 or not response.headers["content-type"].startswith("application/problem+json"):
            raise AssertionError(f"Keycloak away: POST /users → {response.status_code} {response.text[:200]}")
        self._probes.append(probe)
        notes.append("user management 503")

        def back_in_a_minute() -> None:
            time.sleep(KEYCLOAK_DOWN_SECONDS)
            script("keycloak", "start")
        self._keycloak_back = threading.Thread(target=back_in_a_minute, name="keycloak-back", daemon=True)
        self._keycloak_back.start()
        return ", ".join(notes) + "; the scenario goes on"

    def _wait_for_keycloak(self) -> None:
        if self._keycloak_back is not None:
            self._keycloak_back.join()
            self._keycloak_back = None

    # ---- after the scenario -------------------------------------------------------------------
    def finish(self) -> list[str]:
        """Once everything is back: what the faults must not have left behind."""
        self._wait_for_keycloak()
        problems = []
        missing = [f for f in self.faults if not f.result]
        if missing:
            problems.append(f"faults never reached (scenario too short?): {[(f.at, f.kind) for f in missing]}")
        deadline = time.monotonic() + 120   # the reconciler settles what a fault interrupted
        while (pending := asyncio.run(self.platform.fetch(
                "screening", "select kind, username from user_operations where status = 'pending'"))) \
                and time.monotonic() < deadline:
            time.sleep(2)
        if pending:
            problems.append(f"user operations left half-done: {[tuple(r) for r in pending]}")
        headers = {"Authorization": f"Bearer {password_token('city_org')}"}
        for probe in self._probes:
            found = httpx.get(f"{self.platform.url('screening')}/users", params={"username": probe}, headers=headers,
                              timeout=30).json()
            if found.get("total"):
                problems.append(f"{probe} was created although user management answered 503")
        return problems
