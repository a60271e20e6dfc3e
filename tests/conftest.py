"""Integration tests run against the real parts; the fixtures start them when needed."""
from __future__ import annotations

import pytest

from tests.support.platform import Platform, ensure_infrastructure


@pytest.fixture(scope="session")
def platform():
    ensure_infrastructure()
    platform = Platform()
    platform.start()
    yield platform
    platform.stop()
