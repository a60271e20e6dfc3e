"""Casework's write steps alone, in one process (issue 20): the use cases of a visit, a progress record and a
problem, task and measure run on units of work of this process against a scratch database with casework's
migrations (no HTTP, no Kafka, no tracing), so the process's CPU is the write path's Python and the backend's is
PostgreSQL's. Prints CPU µs per write of each, to compare two versions of the code on the same machine:

    uv run --frozen python -m tests.benchmarks.casework_steps

ZD_BENCH_CASES cases (default 40), ZD_BENCH_ROUNDS rounds of writes over them (default 10), ZD_BENCH_CLIENTS writes at
once (default 8).
"""
from __future__ import annotations

import asyncio
import os
import secrets
import time
from datetime import date
from pathlib import Path

import asyncpg
from alembic import command

from tests.integration.test_write_round_trips import LEADER, _casework_case
from tests.support.platform import scratch_database
from zhengdun.auth import Principal
from zhengdun.db import make_engine, make_session_factory
from zhengdun.messaging.outbox import UnitOfWork
from zhengdun.migrations import alembic_config

SERVICES = Path(__file__).resolve().parents[2] / "services"
CASES = int(os.environ.get("ZD_BENCH_CASES", "40"))
ROUNDS = int(os.environ.get("ZD_BENCH_ROUNDS", "10"))
CLIENTS = int(os.environ.get("ZD_BENCH_CLIENTS", "8"))
TODAY = date(2020, 10, 8)
TEAM = Principal(user_id="u-team", username="team", name="卫队长", roles=frozenset({"work_team_leader"}),
                 division_code="990102001001")


async def _backend_seconds(admin, database: str) -> float:
    pids = [r["pid"] for r in await admin.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)]
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


async def run(url: str) -> None:
    from casework import service
    from casework.commands import MeasureIn, ProblemIn, ProgressIn, TaskIn, VisitIn

    engine = make_engine(url, pool_size=CLIENTS)
    factory = make_session_factory(engine)
    database = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        campaign_id = secrets.token_hex(6)
        cases = [await _casework_case(factory, campaign_id if n == 0 else secrets.token_hex(6)) for n in range(CASES)]
        measures: dict[str, list[str]] = {c: [] for c in cases}

        async def step(case_id: str, use_case):
            async with UnitOfWork(factory, "t.casework", "/casework") as uow:
                case = await service.lock_case(uow.session, case_id)
                return await use_case(uow, case)

        async def plan(case_id: str):
            problem = await step(case_id, lambda uow, case: service.add_problem(
                ProblemIn(title="班子战斗力不强", found_on=TODAY), uow, case, TEAM))
            task = await step(case_id, lambda uow, case: service.add_task(
                TaskIn(problem_id=problem["entry"]["data"]["problem_id"], title="整改"), uow, case, TEAM))
            measure = await step(case_id, lambda uow, case: service.plan_measure(
                MeasureIn(task_id=task["entry"]["data"]["task_id"], title="建立制度", responsible="工作队队长",
                          deadline=date(2021, 3, 31)), uow, case, TEAM))
            measures[case_id].append(measure["entry"]["data"]["measure_id"])

        async def visit(case_id: str):
            await step(case_id, lambda uow, case: service.record_visit(VisitIn(
                visited_on=TODAY, team_members=["队长"], village_cadres=["书记"], key_persons=["老党员"],
                problems_pushed=["p1"]), uow, case, LEADER))

        async def progress(case_id: str):
            await step(case_id, lambda uow, case: service.record_measure_progress(ProgressIn(
                status="in_progress", narrative="按计划推进中", evidence_ids=[], progress_on=TODAY),
                uow, case, TEAM, measures[case_id][0]))

        for name, work, rounds in (("problem + task + measure (3 writes)", plan, 2), ("visit", visit, ROUNDS),
                                   ("progress", progress, ROUNDS), ("visit", visit, ROUNDS)):
            gate = asyncio.Semaphore(CLIENTS)

            async def one(case_id):
                async with gate:
                    await work(case_id)

            own, backend, started = time.process_time(), await _backend_seconds(admin, database), time.perf_counter()
            for _ in range(rounds):
                await asyncio.gather(*(one(c) for c in cases))
            writes = rounds * len(cases) * (3 if work is plan else 1)
            own, backend = time.process_time() - own, await _backend_seconds(admin, database) - backend
            print(f"{name}: {writes} writes in {time.perf_counter() - started:.1f} s; CPU µs per write: own "
                  f"{own * 1e6 / writes:.0f}, PostgreSQL {backend * 1e6 / writes:.0f} (load average "
                  f"{os.getloadavg()[0]:.1f})", flush=True)
    finally:
        await admin.close()
        await engine.dispose()


def main() -> None:
    with scratch_database("cwsteps") as url:
        command.upgrade(alembic_config(SERVICES / "casework" / "migrations", url), "head")
        asyncio.run(run(url))


if __name__ == "__main__":
    main()
