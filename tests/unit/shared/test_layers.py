"""The edges stay thin (issue 16): no HTTP route and no Kafka subscriber opens a session or a transaction,
commits, or writes a table itself — use cases in the service layer do, through the unit of work they are handed
(``zhengdun.dependencies`` for routes, the inbox transaction for subscribers)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("screening", "casework", "supervision", "acceptance", "reporting")
EDGES = sorted(p for s in SERVICES for p in (ROOT / "services" / s / s).glob("*.py")
               if "api" in p.stem or p.stem == "subscribers")
OPENING = {"unit_of_work", "session_factory", "commit", "begin", "begin_nested", "rollback"}
WRITING = {"add", "add_all", "delete", "merge", "flush"}
WRITE_STATEMENTS = {"insert", "update", "delete"}
# A subscriber publishes nothing itself and builds no publisher: the consumer hands every handler the inbox
# transaction's unit of work, and the use case it calls publishes through it.
PUBLISHING = {"record_event", "add_envelope", "publish", "publish_many", "InboxWork", "UnitOfWork", "Recorder"}


def _statement(expression) -> str:
    """The function a chained statement starts from: ``insert(T).values(...)`` → insert."""
    while isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute):
        expression = expression.func.value
    return getattr(getattr(expression, "func", None), "id", "")


def offences(path: Path) -> list[str]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, owner = node.func.attr, node.func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        if name in OPENING:
            found.append((node.lineno, f".{name}()"))
        elif name in WRITING and owner_name == "session":
            found.append((node.lineno, f"session.{name}()"))
        elif name == "execute" and node.args and (statement := _statement(node.args[0])) in WRITE_STATEMENTS:
            found.append((node.lineno, f"execute({statement}(...))"))
    return [f"{path.name}:{line} {what}" for line, what in sorted(found)]


def publishing(path: Path) -> list[str]:
    found = [(node.lineno, name) for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call)
             and (name := getattr(node.func, "attr", None) or getattr(node.func, "id", "")) in PUBLISHING]
    return [f"{path.name}:{line} {what}" for line, what in sorted(found)]


def test_there_are_edges_to_check():
    assert {p.parent.name for p in EDGES} == set(SERVICES)
    assert any(p.stem == "subscribers" for p in EDGES) and any(p.stem == "api" for p in EDGES)


@pytest.mark.parametrize("path", EDGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_route_or_subscriber_opens_a_transaction_or_writes(path):
    assert offences(path) == []


@pytest.mark.parametrize("path", [p for p in EDGES if p.stem == "subscribers"], ids=lambda p: p.parent.name)
def test_no_subscriber_publishes_or_builds_a_publisher(path):
    assert publishing(path) == []


def test_the_check_finds_what_it_forbids(tmp_path):
    route = tmp_path / "api.py"
    route.write_text("async def r(request, session):\n"
                     "    async with request.app.state.runtime.unit_of_work() as uow:\n"
                     "        uow.session.add(x)\n        await uow.commit()\n"
                     "    await session.execute(insert(T).values())\n    session.add(y)\n")
    assert [o.split(" ", 1)[1] for o in offences(route)] == [
        ".unit_of_work()", "session.add()", ".commit()", "execute(insert(...))", "session.add()"]
    handler = tmp_path / "subscribers.py"
    handler.write_text("async def h(session, envelope):\n"
                       "    Recorder(session, topic).record(x)\n    record_event(session, topic=t)\n"
                       "    await use_case(InboxWork(session, t, s), envelope.payload())\n    work.publish(p)\n")
    assert [o.split(" ", 1)[1] for o in publishing(handler)] == ["Recorder", "record_event", "InboxWork", "publish"]
