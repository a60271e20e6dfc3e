"""Integration tests run against the real parts; the fixtures start them when needed."""
from __future__ import annotations

import pytest

from tests.support.platform import running_platform


@pytest.fixture(scope="session")
def platform():
    with running_platform() as platform:
        yield platform


@pytest.fixture(scope="session")
def demo(platform):
    """The demo city's divisions, loaded once for the session's shared platform."""
    from tests.integration.helpers import load_demo_divisions

    return load_demo_divisions(platform)


@pytest.fixture(scope="session")
def scratch_platform():
    """A second shared platform, for tests that add villages of their own to the division tree or stop
    and restart services: the demo tree and the quiet services of `platform` stay as the others expect."""
    with running_platform() as platform:
        yield platform


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed integration test's report carries the services' last errors: CI keeps only what pytest prints,
    and a 500 says nothing without the traceback behind it."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for name in ("platform", "scratch_platform"):
        if name in item.fixturenames and name in item.funcargs:
            errors = _last_service_errors(item.funcargs[name].log_dir)
            if errors:
                report.sections.append((f"service errors ({name})", errors))


def _last_service_errors(log_dir, per_log: int = 2, width: int = 4000) -> str:
    import json

    found = []
    for log in sorted(log_dir.glob("*.log")):
        errors = []
        for line in log.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("level") in ("ERROR", "CRITICAL"):
                errors.append(f"{entry.get('ts')} {entry.get('msg')}\n{entry.get('exc', '')[-width:]}")
        found += [f"--- {log.name}\n{e}" for e in errors[-per_log:]]
    return "\n".join(found)
