"""Loads the demo data through the public API (idempotent: a second run changes nothing).

The demo city: 示范市 with 3 counties × 10 townships × 25 villages (750 villages), in which
every demo user's unit exists.
"""
from __future__ import annotations

import os
import sys
import time

import httpx

from zhengdun_demo.client import auth
from zhengdun_demo.synthetic import generate_province, to_csv

SCREENING = os.environ.get("ZD_SCREENING_URL", "http://127.0.0.1:8101")
SERVICES = {"casework": 8102, "supervision": 8103, "acceptance": 8104, "reporting": 8105}


def main() -> int:
    rows = generate_province(cities=1, counties_per_city=3, townships_per_county=10, villages_per_township=25)
    response = httpx.post(f"{SCREENING}/divisions/import", headers=auth("province_org"),
                          files={"file": ("demo-divisions.csv", to_csv(rows).encode(), "text/csv")}, timeout=120)
    if response.status_code != 200:
        print(f"demo data: import failed: {response.status_code} {response.text[:500]}", file=sys.stderr)
        return 1
    result = response.json()
    print(f"demo data: {result['rows']} divisions ({result['created']} new, {result['updated']} changed, "
          f"{result['unchanged']} unchanged)")
    # Every service keeps its own copy from the events: wait until each agrees with the registry.
    expected = httpx.get(f"{SCREENING}/divisions/summary", headers=auth("province_org"), timeout=10).json()
    deadline = time.time() + 120
    for name, port in SERVICES.items():
        while True:
            copy = httpx.get(f"http://127.0.0.1:{port}/divisions/summary", headers=auth("province_org"), timeout=10).json()
            if copy.get("counts") == expected["counts"] and copy.get("revisions") == expected["revisions"]:
                break
            if time.time() > deadline:
                print(f"demo data: {name} has {copy} but the registry has {expected}", file=sys.stderr)
                return 1
            time.sleep(0.5)
    print(f"demo data: all five services agree on {expected['total']} divisions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
