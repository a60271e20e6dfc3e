"""The browser tests' common start, through the APIs with the realm's demo users (no users to create): one
city, one county of two townships of eight villages each; the city opens its campaign; each township lists
three villages (two weak and lax, one lagging); the county draws, visits and its standing committee decides.
Six cases open. Each browser module takes it from there (or from an earlier point) in the console."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from tests.support.platform import running_platform
from zhengdun_demo import screening_steps as steps
from zhengdun_demo.api import Platform as Api
from zhengdun_demo.synthetic import generate_province, to_csv

CITY, COUNTY, TOWNSHIP, OTHER_TOWNSHIP = "990100000000", "990102000000", "990102101000", "990102102000"
VILLAGE = "990102101201"     # the realm's team_leader, team_member and village_secretary work here
STAFF = {TOWNSHIP: "township_org", OTHER_TOWNSHIP: "township2_org"}
# The realm's users whose ids the browser modules name (people["…"]).
REALM_PEOPLE = {"township_org", "team_leader", "team_member", "contact_leader", "county_secretary"}


def divisions_and_campaign(api: Api) -> tuple[str, dict[str, list[str]]]:
    """The registry imported (every service's copy agreeing) and the city's campaign opened on 2020-07-01:
    the campaign's id and each township's villages."""
    api.set_clock("2020-07-01")
    rows = generate_province(cities=1, counties_per_city=1, townships_per_county=2, villages_per_township=8)
    api.call("province_org", "POST", "screening", "/divisions/import",
             files={"file": ("divisions.csv", to_csv(rows).encode(), "text/csv")})
    expected = api.get("province_org", "screening", "/divisions/summary")
    api.wait(lambda: all(api.get("province_org", s, "/divisions/summary") == expected
                         for s in ("casework", "supervision", "acceptance", "reporting")), "division copies")
    cid = api.post("city_org", "screening", "/campaigns", {"name": "示范市软弱涣散村党组织整顿", "area_code": CITY,
                                                          "opened_on": "2020-07-01"})["campaign_id"]
    return cid, {t: sorted(r.code for r in rows if r.parent_code == t) for t in STAFF}


def campaign_until_cases_open(api: Api) -> dict:
    """Screened, checked and decided (2020-08-20): the six cases open. The campaign's id, the cases by
    village, the county's users by username (their ids) and each township's villages; the clock stands
    on 2020-08-22."""
    cid, villages = divisions_and_campaign(api)
    api.set_clock("2020-08-10")
    for township, user in STAFF.items():
        v = villages[township]
        entries = [steps.assessment(v[0], ("secretary_incompetent",), "weak_and_lax"),
                   steps.assessment(v[1], ("committees_inactive", "affairs_not_disclosed"), "weak_and_lax"),
                   steps.assessment(v[2], (), "lagging", rank=8)] + [steps.assessment(x, (), "neither") for x in v[3:]]
        api.post(user, "screening", f"{steps.round_path(cid, township)}/assessments",
                 {"assessed_on": "2020-08-10", "assessments": entries})
    api.set_clock("2020-08-14")
    for township, user in STAFF.items():
        steps.prepare_and_submit(api, user, cid, township, date(2020, 8, 5), (date(2020, 8, 6), date(2020, 8, 12)),
                                 date(2020, 8, 14))
    api.set_clock("2020-08-19")
    base = f"/campaigns/{cid}/rounds/R1/counties/{COUNTY}"
    for township in STAFF:
        drawn = api.post("county_org", "screening", f"{base}/townships/{township}/samples",
                         {"drawn_on": "2020-08-19"})["samples"]
        api.post("county_org", "screening", f"{base}/townships/{township}/site-visits", {"checked_on": "2020-08-19", "findings": [
            {"village_code": v, "outcome": "confirmed", "note": "核查属实"} for sample in drawn for v in sample["chosen"]]})
    api.set_clock("2020-08-20")
    api.post("county_committee", "screening", f"{base}/confirm", {"decision_number": "县委常委会〔2020〕8号", "decided_on": "2020-08-20"})
    api.wait(lambda: api.get("county_org", "casework", "/cases", params={"size": 1})["total"] == 6, "six cases", 180)
    cases = {c["village_code"]: c["case_id"] for c in api.all_pages("county_org", "casework", "/cases")}
    # The realm's own users come into screening's users list with its directory's first sync (screening.user_directory).
    people = api.wait(lambda: (found := {u["username"]: u["id"] for u in api.all_pages("county_org", "screening", "/users",
                                                                                       {"under": COUNTY})})
                      and REALM_PEOPLE <= found.keys() and found, "the realm's users in screening's users list", 300)
    api.set_clock("2020-08-22")
    return {"campaign_id": cid, "cases": cases, "people": people, "villages": villages}


@contextmanager
def platform_with_cases_open() -> Iterator[dict]:
    """A platform of its own, run to the six open cases: ``platform``, ``api`` and what
    ``campaign_until_cases_open`` answers (a module fixture of the API-only tests)."""
    with running_platform() as platform:
        api = Api(urls={s: platform.url(s) for s in platform.services}, topic_prefix=platform.topic_prefix)
        yield {"platform": platform, "api": api, **campaign_until_cases_open(api)}
