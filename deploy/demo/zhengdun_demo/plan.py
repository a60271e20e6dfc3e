"""The scenario's plan: which village is what, and where the deliberate breaches are.

Plain data, decided before the campaign starts, so the scenario script reads as a story and
the end-to-end test can compute its ground truth from the same plan (and from what the script
recorded it did), independently of the platform's answers.

Per township, villages …201 and …202 are weak and lax (软弱涣散) and …203 is lagging (后进):
3 of 25 = 12 %, above the 10 % minimum. The breaches the seeds guard against sit in named places.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from zhengdun_demo.synthetic import DivisionRow, generate_province

CITY = "990100000000"


@dataclass(frozen=True)
class Shape:
    counties: int = 3
    townships: int = 10
    villages: int = 25

    def rows(self) -> list[DivisionRow]:
        return generate_province(cities=1, counties_per_city=self.counties, townships_per_county=self.townships,
                                 villages_per_township=self.villages)


@dataclass
class Plan:
    shape: Shape
    counties: list[str] = field(default_factory=list)
    townships: dict[str, list[str]] = field(default_factory=dict)       # county → townships
    villages: dict[str, list[str]] = field(default_factory=dict)        # township → villages
    weak: dict[str, tuple[str, ...]] = field(default_factory=dict)      # village → criteria met
    lagging: set[str] = field(default_factory=set)
    # The breaches (each a place, so the test knows the one alert it must raise)
    unassessed_township: str = ""       # leaves a village unassessed at first (its submission is refused)
    unassessed_village: str = ""
    late_township: str = ""             # submits after the due date
    concealed_village: str = ""         # meets a criterion, recorded as "neither": the city's spot check uncovers it
    late_team_village: str = ""         # team stationed after the dispatch deadline
    one_visit_village: str = ""         # its contact leader visits once in one month
    one_visit_month: str = "2020-10"
    overdue_village: str = ""           # one measure finished two months after its deadline
    slow_township: str = ""             # most of its weak villages unfinished when the concentrated phase ends
    survey_failed_village: str = ""     # satisfaction below 70 % → back to rectification
    spot_check_failed_village: str = "" # the city's acceptance spot check fails it → acceptance revoked
    relapsed_village: str = ""          # relapses at post-evaluation

    @property
    def listed(self) -> list[str]:
        return sorted(set(self.weak) | self.lagging)

    def category(self, village: str) -> str:
        return "weak_and_lax" if village in self.weak else "lagging"

    def county_of(self, code: str) -> str:
        return code[:6] + "000000"

    def township_of(self, code: str) -> str:
        return code[:9] + "000"


def make_plan(shape: Shape = Shape()) -> Plan:
    plan = Plan(shape)
    for row in shape.rows():
        code = row.code
        if code.endswith("00000000") or row.parent_code is None:
            continue
        if code.endswith("000000"):
            plan.counties.append(code)
            plan.townships[code] = []
        elif code.endswith("000"):
            plan.townships[plan.county_of(code)].append(code)
            plan.villages[code] = []
        else:
            plan.villages[plan.township_of(code)].append(code)
    for township, villages in plan.villages.items():
        plan.weak[villages[0]] = ("secretary_incompetent",)
        plan.weak[villages[1]] = ("committees_inactive", "affairs_not_disclosed")
        plan.lagging.add(villages[2])
    first, second = plan.counties[0], plan.counties[-1]
    t_first, t_second = plan.townships[first], plan.townships[second]
    plan.unassessed_township, plan.unassessed_village = t_first[-1], plan.villages[t_first[-1]][-1]
    plan.late_township = t_second[-1]
    plan.concealed_village = plan.villages[t_second[0]][5]
    plan.late_team_village = plan.villages[t_first[0]][0]
    plan.one_visit_village = plan.villages[t_first[0]][1]
    plan.overdue_village = plan.villages[t_first[1]][0]
    plan.slow_township = t_second[1]
    plan.survey_failed_village = plan.villages[t_first[2]][0]
    plan.spot_check_failed_village = plan.villages[t_first[3]][1] if len(t_first) > 3 else plan.villages[t_first[0]][2]
    plan.relapsed_village = plan.villages[t_second[2 % len(t_second)]][2]
    return plan
