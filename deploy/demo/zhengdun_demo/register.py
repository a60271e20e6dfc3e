"""The demo register of organizations and cadres (村党组织和“两委”干部名册): for each village of a township,
its Party organization, secretary and two or three committee members with phones, the last two-committee
election and the star rating — deterministic, as a township's clerk would upload it (one row per person).

Elections are spread evenly over the five years from six years before the platform's year (a term is 5
years), so a fifth to two fifths have run out whatever the date: those villages are flagged 换届逾期 and suggested for criterion 1. The file depends on
the year only, so loading it again in the same year changes nothing."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from zhengdun_demo.people import _FAMILY, _GIVEN
from zhengdun_demo.synthetic import DivisionRow

HEADER = ["区划代码", "党组织名称", "职务", "姓名", "联系电话", "换届日期", "星级"]
MEMBER_POSTS = ("副书记", "组织委员", "宣传委员")
ELECTION_SPREAD_DAYS = 5 * 365


def _name(index: int) -> str:
    return _FAMILY[index % len(_FAMILY)] + _GIVEN[(index * 5 + index // len(_FAMILY)) % len(_GIVEN)]


def register_csv(villages: list[DivisionRow], year: int) -> str:
    """The register file of these villages (one township's, as its clerk keeps it) in ``year``."""
    first_election = date(year - 6, 1, 1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for village in villages:
        n = int(village.code[-6:])             # township and village digits: stable per village
        # evenly over the five years: village v of a township at v × 73 days, shifted a little per township
        elected = first_election + timedelta(days=(int(village.code[-2:]) * 73 + int(village.code[-5:-3]) * 31) % ELECTION_SPREAD_DAYS)
        organization = f"{village.name}党{'总支' if n % 3 == 0 else '支部'}"
        writer.writerow([village.code, organization, "书记", _name(n), f"138{n:08d}", elected.isoformat(), f"{n % 5 + 1}星"])
        for k, post in enumerate(MEMBER_POSTS[: 2 + n % 2]):
            writer.writerow([village.code, "", post, _name(n * 7 + k + 1), f"139{(n * 10 + k) % 10**8:08d}", "", ""])
    return out.getvalue()
