"""Loads the demo data through the public API (idempotent: a second run changes nothing).

The demo city: 示范市 with 3 counties × 10 townships × 25 villages (750 villages), in which
every demo user's unit exists; and the register of cadres of the two townships that have demo users
(township_org's and township2_org's), uploaded by those users as their clerks would.
"""
from __future__ import annotations

import os
import sys
import time

import httpx

from zhengdun_demo.client import auth
from zhengdun_demo.register import register_csv
from zhengdun_demo.synthetic import generate_province, to_csv

SCREENING = os.environ.get("ZD_SCREENING_URL", "http://127.0.0.1:8101")
SERVICES = {"casework": 8102, "supervision": 8103, "acceptance": 8104, "reporting": 8105}
REGISTER_KEEPERS = {"990102101000": "township_org", "990102102000": "township2_org"}   # township → its demo clerk


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
    return load_register(rows)


def load_register(rows) -> int:
    year = int(httpx.get(f"{SCREENING}/platform/clock", headers=auth("province_org"), timeout=10).json()["today"][:4])
    imported = revised = 0
    for township, clerk in REGISTER_KEEPERS.items():
        villages = [r for r in rows if r.parent_code == township]
        response = httpx.post(f"{SCREENING}/cadres/import", headers=auth(clerk), timeout=120,
                              files={"file": ("干部名册.csv", register_csv(villages, year).encode(), "text/csv")})
        if response.status_code != 200:
            print(f"demo data: register of {township} refused: {response.status_code} {response.text[:500]}", file=sys.stderr)
            return 1
        imported += response.json()["villages"]
        revised += response.json()["revised"]
    overdue = httpx.get(f"{SCREENING}/cadres", headers=auth("county_org"), timeout=30,
                        params={"under": "990102000000", "overdue": True, "size": 1}).json()["total"]
    print(f"demo data: register of cadres for {imported} villages in {len(REGISTER_KEEPERS)} townships "
          f"({revised} new revisions; {overdue} elections overdue)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
