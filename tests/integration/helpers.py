"""Small helpers for the integration tests."""
from __future__ import annotations

import time

import httpx

from zhengdun.demo.client import auth


def wait_for(predicate, timeout: float = 60, interval: float = 0.3, what: str = "condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value: {last!r}")


def summary(platform, service: str, user: str = "province_org") -> dict:
    response = httpx.get(f"{platform.url(service)}/divisions/summary", headers=auth(user), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def all_copies_agree(platform, user: str = "province_org") -> bool:
    expected = summary(platform, "screening", user)
    return all(summary(platform, s, user) == expected for s in ("casework", "supervision", "acceptance", "reporting"))


def import_csv(platform, csv_text: str, user: str = "province_org", filename: str = "divisions.csv", headers=None):
    return httpx.post(f"{platform.url('screening')}/divisions/import", headers={**auth(user), **(headers or {})},
                      files={"file": (filename, csv_text.encode(), "text/csv")}, timeout=300)
