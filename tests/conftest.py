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


@pytest.fixture(scope="session")
def demo(platform):
    """The demo city's divisions (示范市: 3 counties × 10 townships × 25 villages), loaded once
    through the API and present in every service's copy."""
    from tests.integration.helpers import all_copies_agree, import_csv, wait_for
    from zhengdun.demo.synthetic import generate_province, to_csv

    rows = generate_province(cities=1, counties_per_city=3, townships_per_county=10, villages_per_township=25)
    response = import_csv(platform, to_csv(rows))
    assert response.status_code == 200, response.text
    wait_for(lambda: all_copies_agree(platform), what="all division copies to agree")
    return rows
