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
