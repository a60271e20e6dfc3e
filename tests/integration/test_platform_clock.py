"""The platform clock: set once on screening (operations only, in test and demo platforms),
carried by an event, and read back by every service from its own copy."""
from __future__ import annotations

import httpx

from tests.integration.helpers import wait_for
from tests.support.platform import SERVICES
from zhengdun_demo.client import auth


def clock_of(platform, service: str) -> str:
    response = httpx.get(f"{platform.url(service)}/platform/clock", headers=auth("county_org"), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["today"]


def test_every_service_follows_the_clock_set_on_screening(platform):
    response = httpx.put(f"{platform.url('screening')}/platform/clock", json={"today": "2020-09-01"},
                         headers=auth("ops"), timeout=10)
    assert response.status_code == 200, response.text
    assert response.json() == {"today": "2020-09-01", "settable": True}
    wait_for(lambda: all(clock_of(platform, s) == "2020-09-01" for s in SERVICES), what="every service at 2020-09-01")

    response = httpx.put(f"{platform.url('screening')}/platform/clock", json={"today": "2020-10-15"},
                         headers=auth("ops"), timeout=10)
    assert response.status_code == 200, response.text
    wait_for(lambda: all(clock_of(platform, s) == "2020-10-15" for s in SERVICES), what="every service at 2020-10-15")


def test_only_operations_may_set_the_clock_and_bad_dates_are_refused(platform):
    before = clock_of(platform, "screening")
    refused = httpx.put(f"{platform.url('screening')}/platform/clock", json={"today": "2021-01-01"},
                        headers=auth("city_org"), timeout=10)
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    bad = httpx.put(f"{platform.url('screening')}/platform/clock", json={"today": "2021-02-30"},
                    headers=auth("ops"), timeout=10)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert clock_of(platform, "screening") == before
    # Only screening sets it: the others have no PUT.
    assert httpx.put(f"{platform.url('casework')}/platform/clock", json={"today": "2021-01-01"},
                     headers=auth("ops"), timeout=10).status_code == 405
