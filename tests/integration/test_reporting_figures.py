"""Reporting against ground truth: a known set of real events is published to the run's topics,
and the API's figures (city, county, township; several dates; month by month), drill-downs,
scoping, documents, the public stream and a rebuild are checked against figures computed here
independently, in plain Python, from everything on the topics (the events sent, plus whatever
the other services published in reaction to them)."""
from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections import defaultdict
from datetime import date, timedelta

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from zhengdun.events import acceptance as acc
from zhengdun.events import casework as cw
from zhengdun.events import identity as ident
from zhengdun.events import screening as scr
from zhengdun.events import supervision as sup
from zhengdun.events.base import STRUCTURED_CONTENT_TYPE, Actor, Envelope, type_of

BOOTSTRAP = "127.0.0.1:9092"
CAMPAIGN = "rep-campaign-1"
CRITERIA = {f"c{i:02d}": label for i, label in enumerate([
    "村“两委”换届选举未按期完成", "换届前矛盾突出、换届后问题仍未解决", "党组织书记空缺或班子不健全",
    "书记不胜任现职、工作不在状态", "换届中拉票贿选、换届后班子不团结", "村干部涉黑涉恶、治安混乱",
    "非法宗教活动干扰村务", "班子不作为慢作为乱作为、群众意见大", "村务财务不公开、信访矛盾集中", "其他"], start=1)}
TOWNSHIPS = ["990102101", "990102102", "990102103", "990103101", "990103102", "990104101"]
# Personal data the test puts on internal topics; none of it may reach the public topic.
PERSONAL = ["赵联系", "钱队长", "孙书记", "13800001234", "user-secret-1", "证据材料原文", "群众反映书记赌博"]
PHONE = "13800001234"


class Scenario:
    """Builds the events: (service, key, payload) in publishing order."""

    def __init__(self, seed: int = 8) -> None:
        self.rng = random.Random(seed)
        self.events: list[tuple[str, str, object]] = []
        self.listed_on_filing: list[dict] = []

    def listed_on_filing_codes(self) -> set[str]:
        return {e["village_code"] for e in self.listed_on_filing}

    def add(self, service: str, key: str, payload) -> None:
        self.events.append((service, key, payload))

    def build(self) -> "Scenario":
        rng = self.rng
        self.add("screening", "990100000000", scr.CampaignOpened(
            campaign_id=CAMPAIGN, name="示范市软弱涣散村党组织整顿", area_code="990100000000",
            phases=(scr.PhaseWindow(phase=scr.CampaignPhase.SCREENING, starts_on=date(2020, 7, 1), ends_on=date(2020, 9, 30)),),
            criteria=tuple(scr.Criterion(code=c, label=label, requires_reason=(c == "c10")) for c, label in CRITERIA.items()),
            lagging_rule="星级评定倒排", policy=scr.Policy(), opened_on=date(2020, 7, 1)))
        self.add("screening", "990102201001", ident.UserCreated(
            user_id="user-secret-1", username="sec1", name="孙书记", unit="990102101201", roles=["village_secretary"]))
        villages = [f"{t}{v:03d}" for t in TOWNSHIPS for v in range(201, 226)]
        designated: dict[str, tuple] = {}
        for village in villages:
            if village.startswith("990104"):
                continue  # county 990104 is in the campaign but not screened yet
            roll = rng.random()
            result = scr.AssessmentResult.WEAK_AND_LAX if roll < 0.2 else scr.AssessmentResult.LAGGING if roll < 0.3 \
                else scr.AssessmentResult.NEITHER
            criteria = tuple(sorted(rng.sample(sorted(CRITERIA), rng.randint(1, 3)))) \
                if result is not scr.AssessmentResult.NEITHER else ()
            self.add("screening", village, scr.AssessmentRecorded(
                campaign_id=CAMPAIGN, round_id="r1", village_code=village, township_code=village[:9] + "000",
                findings=tuple(scr.CriterionFinding(criterion_code=c, met=True, evidence="证据材料原文") for c in criteria),
                result=result, assessed_on=date(2020, 8, rng.randint(1, 14)), policy_version=1))
            if result is not scr.AssessmentResult.NEITHER:
                designated[village] = (result.category, criteria)
        for county in ("990102000000", "990103000000"):
            mine = sorted(v for v in designated if v.startswith(county[:6]))
            self.add("screening", county, scr.CountyListConfirmed(
                campaign_id=CAMPAIGN, round_id="r1", county_code=county, decision_number=f"{county[:6]}常委〔2020〕8号",
                decided_on=date(2020, 8, 20),
                weak_and_lax=tuple(v for v in mine if designated[v][0] is scr.ListCategory.WEAK_AND_LAX),
                lagging=tuple(v for v in mine if designated[v][0] is scr.ListCategory.LAGGING),
                administrative_villages=250, minimum_share=scr.Policy().min_listed_share, below_minimum=True, late=False,
                policy_version=1))
        for n, (village, (category, criteria)) in enumerate(sorted(designated.items())):
            county = village[:6] + "000000"
            on = date(2020, 8, 20 + n % 3)
            self.add("screening", village, scr.TargetDesignated(
                campaign_id=CAMPAIGN, round_id="r1", village_code=village, township_code=village[:9] + "000",
                county_code=county, category=category, criteria_met=criteria, decision_number=f"{village[:6]}常委〔2020〕8号",
                designated_on=on, policy_version=1))
            if county == "990102000000":
                self.listed_on_filing.append({"village_code": village, "township_code": village[:9] + "000",
                                              "category": category.value, "criteria_met": list(criteria),
                                              "designated_on": on.isoformat(),
                                              "decision_number": f"{village[:6]}常委〔2020〕8号"})
            self.case(n, village, category, criteria, on)
        filing = {"campaign_id": CAMPAIGN, "county_code": "990102000000", "filing_date": "2020-08-31",
                  "filed_on": "2020-08-31", "policy_version": 1, "entries": self.listed_on_filing}
        digest = hashlib.sha256(json.dumps(filing, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                                .encode()).hexdigest()
        self.add("screening", "990102000000", scr.CountyListFiled(
            campaign_id=CAMPAIGN, county_code="990102000000", filing_date=date(2020, 8, 31), filed_on=date(2020, 8, 31),
            late=False, entries=len(self.listed_on_filing), content_hash=digest))
        # Alerts on units above villages too (a township, a county).
        for i, (code, raised, resolved) in enumerate([("990102101000", date(2020, 8, 16), None),
                                                      ("990103000000", date(2020, 9, 1), date(2020, 11, 3))]):
            self.add("supervision", code, sup.AlertRaised(
                alert_id=f"unit-alert-{i}", key=f"unit-{i}", rule="township_list_late", campaign_id=CAMPAIGN,
                subject_code=code, subject_role="township_committee", severity=sup.Severity.MEDIUM, raised_on=raised))
            if resolved:
                self.add("supervision", code, sup.AlertResolved(alert_id=f"unit-alert-{i}", key=f"unit-{i}",
                                                                rule="township_list_late", subject_code=code,
                                                                resolved_on=resolved))
        # A resolution that arrives before its alert (published under another key) still resolves it.
        self.add("supervision", "990102102000", sup.AlertResolved(
            alert_id="early-resolved", key="early", rule="visits_below_minimum", subject_code="990102102000",
            village_code="990102102210", resolved_on=date(2020, 12, 1)))
        self.add("supervision", "990102102210", sup.AlertRaised(
            alert_id="early-resolved", key="early", rule="visits_below_minimum", campaign_id=CAMPAIGN,
            subject_code="990102102000", subject_role="contact_leader", village_code="990102102210",
            severity=sup.Severity.LOW, raised_on=date(2020, 11, 2)))
        return self

    def case(self, n: int, village: str, category, criteria, designated_on: date) -> None:
        rng = self.rng
        ref = {"case_id": f"case-{village}", "campaign_id": CAMPAIGN, "village_code": village,
               "township_code": village[:9] + "000", "county_code": village[:6] + "000000"}
        opened = designated_on + timedelta(days=2)
        self.add("casework", village, cw.CaseOpened(**ref, category=category, criteria_met=criteria,
                                                    designated_on=designated_on, opened_on=opened, policy_version=1))
        self.add("casework", village, cw.TeamStationed(
            **ref, leader=cw.Person(name="钱队长", post="科长", rank=scr.CadreRank.SECTION, user_id="user-secret-2"),
            members=(cw.Person(name="队员甲"), cw.Person(name="队员乙")), stationed_on=opened + timedelta(days=1)))
        if n % 5 != 4:  # a few villages never get a contact leader
            self.add("casework", village, cw.ContactLeaderAssigned(
                **ref, leader=cw.Person(name="赵联系", post="副县长", rank=scr.CadreRank.COUNTY, user_id="user-secret-3"),
                assigned_on=opened + timedelta(days=2)))
        for k in range(rng.randint(1, 4)):
            measure = f"m-{village}-{k}"
            deadline = date(2020, 10, 1) + timedelta(days=rng.randint(0, 200))
            self.add("casework", village, cw.MeasurePlanned(
                **ref, measure_id=measure, problem_id=f"p{k}", task_id=f"t{k}", title=f"整改措施{k + 1}：配齐班子、规范三会一课",
                responsible="钱队长", deadline=deadline, planned_on=opened + timedelta(days=5)))
            day = opened + timedelta(days=10)
            for r in range(rng.randint(0, 4)):
                day = day + timedelta(days=rng.randint(10, 60))
                status = cw.MeasureStatus.COMPLETED if rng.random() < 0.35 else cw.MeasureStatus.IN_PROGRESS
                self.add("casework", village, cw.ProgressRecorded(
                    **ref, record_id=f"{measure}-r{r}", measure_id=measure, status=status, recorded_on=day,
                    evidence_count=1, corrects=f"{measure}-r{r - 1}" if r and rng.random() < 0.2 else None))
                if status is cw.MeasureStatus.COMPLETED:
                    break
        for month in range(9, 13):
            for v in range(rng.randint(0, 3)):
                self.add("casework", village, cw.VisitRecorded(
                    **ref, visit_id=f"visit-{village}-{month}-{v}", leader_user_id="user-secret-3", leader_name="赵联系",
                    visited_on=date(2020, month, rng.randint(1, 28)), talked_with_team=True,
                    talked_with_village_cadres=rng.random() < 0.9, talked_with_key_persons=True,
                    problems_pushed=("p0",) if rng.random() < 0.9 else ()))
        if rng.random() < 0.5:
            alert = f"alert-{village}"
            self.add("supervision", village, sup.AlertRaised(
                alert_id=alert, key=alert, rule="measure_overdue", campaign_id=CAMPAIGN, subject_code=village,
                subject_role="work_team", village_code=village, severity=sup.Severity.HIGH,
                raised_on=date(2020, 10, rng.randint(1, 28))))
            if rng.random() < 0.5:
                self.add("supervision", village, sup.AlertResolved(
                    alert_id=alert, key=alert, rule="measure_overdue", subject_code=village, village_code=village,
                    resolved_on=date(2020, 12, rng.randint(1, 28))))
        fate = n % 6
        vref = ref | {"acceptance_id": f"acc-{village}"}
        vref_keys = {k: vref[k] for k in ("acceptance_id", "case_id", "campaign_id", "village_code", "township_code",
                                          "county_code")}
        if fate == 1:
            self.add("casework", village, cw.CasePhaseChanged(**ref, phase=cw.CasePhase.CONTINUED,
                                                              previous_phase=cw.CasePhase.CONCENTRATED,
                                                              changed_on=date(2021, 5, 10)))
        if fate in (2, 3, 4):
            self.add("casework", village, cw.CasePhaseChanged(**ref, phase=cw.CasePhase.READY,
                                                              previous_phase=cw.CasePhase.CONCENTRATED,
                                                              changed_on=date(2020, 12, 15)))
            if fate == 3:
                self.add("acceptance", village, acc.AcceptanceFailed(
                    **vref_keys, step=acc.AcceptanceStep.PRELIMINARY, failed_on=date(2021, 1, 10), reason="群众反映书记赌博"))
                self.add("casework", village, cw.CasePhaseChanged(**ref, phase=cw.CasePhase.CONCENTRATED,
                                                                  previous_phase=cw.CasePhase.READY,
                                                                  changed_on=date(2021, 1, 11), reason="初验未通过"))
                return
            self.add("acceptance", village, acc.VillageAccepted(**vref_keys, accepted_on=date(2021, 2, 1)))
            self.add("casework", village, cw.CasePhaseChanged(**ref, phase=cw.CasePhase.ACCEPTED,
                                                              previous_phase=cw.CasePhase.READY, changed_on=date(2021, 2, 1)))
            self.add("acceptance", village, acc.VillageDelisted(**vref_keys, delisted_on=date(2021, 3, 5),
                                                                post_evaluation_due=date(2021, 6, 5)))
            self.add("screening", village, scr.TargetRemoved(
                campaign_id=CAMPAIGN, village_code=village, county_code=ref["county_code"],
                reason=scr.RemovalReason.DELISTED, removed_on=date(2021, 3, 5)))
            self.add("casework", village, cw.CasePhaseChanged(**ref, phase=cw.CasePhase.DELISTED,
                                                              previous_phase=cw.CasePhase.ACCEPTED, changed_on=date(2021, 3, 5)))
            relapsed = fate == 4
            self.add("acceptance", village, acc.PostEvaluated(**vref_keys, evaluated_on=date(2021, 6, 7), relapsed=relapsed,
                                                              reason="证据材料原文" if relapsed else ""))
            if relapsed:
                self.add("screening", village, scr.TargetDesignated(
                    campaign_id=CAMPAIGN, village_code=village, township_code=ref["township_code"],
                    county_code=ref["county_code"], category=category, criteria_met=criteria,
                    basis=scr.DesignationBasis.RELAPSE, designated_on=date(2021, 6, 8), policy_version=1))
        if fate == 5:
            self.add("screening", village, scr.TargetRemoved(
                campaign_id=CAMPAIGN, village_code=village, county_code=ref["county_code"],
                reason=scr.RemovalReason.NOT_RELISTED, removed_on=date(2021, 3, 20)))


def envelope(service: str, key: str, payload) -> Envelope:
    return Envelope(source=f"/zhengdun/{service}", type=type_of(payload), subject=key, divisioncode=key,
                    campaignid=CAMPAIGN, actor=Actor(user_id="user-secret-1", name="孙书记", roles=["org_staff"],
                                                     division_code="990102000000"),
                    data=payload.model_dump(mode="json"))


async def publish(prefix: str, events: list[tuple[str, str, object]]) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for service, key, payload in events:
            env = envelope(service, key, payload)
            await producer.send_and_wait(f"{prefix}zhengdun.{service}", env.model_dump_json().encode(), key=key.encode(),
                                         headers=[("content-type", STRUCTURED_CONTENT_TYPE.encode())])
    finally:
        await producer.stop()
    return len(events)


async def read_topics(topics: list[str], raw: bool = False) -> list[tuple[str, int, int, Envelope]]:
    """(topic, partition, offset, envelope) of every message now on ``topics`` (``raw``: the Kafka record
    instead of the envelope)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    partitions = [TopicPartition(d["topic"], p["partition"]) for d in described if not d["error_code"]
                  for p in d["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=BOOTSTRAP, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        out = []
        async def behind() -> bool:
            return any([await consumer.position(tp) < ends[tp] for tp in partitions])

        while await behind():
            batch = await consumer.getmany(timeout_ms=500)
            for tp, messages in batch.items():
                for m in messages:
                    if m.offset < ends[tp] and raw:
                        out.append((m.topic, m.partition, m.offset, m))
                    elif m.offset < ends[tp]:
                        try:
                            out.append((m.topic, m.partition, m.offset, Envelope.model_validate_json(m.value)))
                        except ValueError:
                            pass
        return out
    finally:
        await consumer.stop()


def read_topics_sync(topics: list[str]):
    return asyncio.run(read_topics(topics))


# ---- ground truth --------------------------------------------------------------------------

def ground_truth(records, village_codes: set[str], prefix: str, day: date) -> dict:
    """The figures for division ``prefix`` on ``day``, straight from the events (definitions: reporting README)."""
    def inside(code: str | None) -> bool:
        return bool(code) and code.startswith(prefix)

    ordered = sorted(records, key=lambda r: (r[0], r[1], r[2]))  # per topic and partition (= per village), in order
    campaigns, screened = [], set()
    designations, removals = defaultdict(list), defaultdict(list)
    cases, phases, leaders = defaultdict(list), defaultdict(list), set()
    measures, progress, visits = {}, defaultdict(list), defaultdict(int)
    alerts, outcomes = {}, defaultdict(lambda: defaultdict(int))
    last = {}
    for n, (topic, partition, offset, env) in enumerate(ordered):
        t, d = env.type, env.data
        if t == scr.CampaignOpened.event_type and date.fromisoformat(d["opened_on"]) <= day:
            campaigns.append(d["area_code"].rstrip("0"))
        elif t == scr.AssessmentRecorded.event_type and date.fromisoformat(d["assessed_on"]) <= day:
            screened.add(d["village_code"])
        elif t == scr.TargetDesignated.event_type and date.fromisoformat(d["designated_on"]) <= day:
            designations[d["village_code"]].append((date.fromisoformat(d["designated_on"]), n, d["category"], d["criteria_met"]))
        elif t == scr.TargetRemoved.event_type and date.fromisoformat(d["removed_on"]) <= day:
            removals[d["village_code"]].append((date.fromisoformat(d["removed_on"]), n))
        elif t == cw.CaseOpened.event_type and min(date.fromisoformat(d["designated_on"]),
                                                     date.fromisoformat(d["opened_on"])) <= day:
            # A case counts from its designation date, even when casework opened it later.
            counted_from = min(date.fromisoformat(d["designated_on"]), date.fromisoformat(d["opened_on"]))
            cases[d["village_code"]].append((counted_from, n, d["case_id"]))
            phases[d["case_id"]].append((counted_from, n, "concentrated"))
        elif t == cw.CasePhaseChanged.event_type and date.fromisoformat(d["changed_on"]) <= day:
            phases[d["case_id"]].append((date.fromisoformat(d["changed_on"]), n, d["phase"]))
        elif t == cw.ContactLeaderAssigned.event_type and date.fromisoformat(d["assigned_on"]) <= day:
            leaders.add(d["case_id"])
        elif t == cw.MeasurePlanned.event_type and date.fromisoformat(d["planned_on"]) <= day:
            measures.setdefault(d["measure_id"], (d["village_code"], date.fromisoformat(d["deadline"])))
        elif t == cw.ProgressRecorded.event_type and date.fromisoformat(d["recorded_on"]) <= day:
            progress[d["measure_id"]].append((date.fromisoformat(d["recorded_on"]), n, d["status"]))
        elif t == cw.VisitRecorded.event_type:
            visited = date.fromisoformat(d["visited_on"])
            good = d["talked_with_team"] and d["talked_with_village_cadres"] and d["talked_with_key_persons"] \
                and len(d["problems_pushed"]) >= 1
            if good and visited <= day and (visited.year, visited.month) == (day.year, day.month):
                visits[d["case_id"]] += 1
        elif t == sup.AlertRaised.event_type and date.fromisoformat(d["raised_on"]) <= day:
            alerts.setdefault(d["alert_id"], [d["village_code"] or d["subject_code"], True])
        elif t == sup.AlertResolved.event_type and date.fromisoformat(d["resolved_on"]) <= day:
            last.setdefault("resolved", set()).add(d["alert_id"])
        elif t in (acc.VillageAccepted.event_type, acc.AcceptanceFailed.event_type, acc.VillageDelisted.event_type,
                   acc.PostEvaluated.event_type):
            on = date.fromisoformat(d.get("accepted_on") or d.get("failed_on") or d.get("delisted_on") or d["evaluated_on"])
            if on <= day:
                kind = {acc.VillageAccepted.event_type: "passed", acc.AcceptanceFailed.event_type: "failed",
                        acc.VillageDelisted.event_type: "delisted"}.get(t) or ("relapsed" if d["relapsed"] else "consolidated")
                outcomes[d["village_code"]][kind] += 1
                outcomes[d["village_code"]][f"last_{kind}"] = max(outcomes[d["village_code"]].get(f"last_{kind}", 0),
                                                                    on.toordinal())
    villages = {v for v in village_codes if v.startswith(prefix)}
    result = defaultdict(int)
    result["by_criterion"] = defaultdict(int)
    result["by_phase"] = defaultdict(int)
    listed_set = set()
    for v in sorted(villages):
        if any(v.startswith(c) for c in campaigns):
            result["in_campaign"] += 1
        if v in screened:
            result["screened"] += 1
        category = None
        if designations[v]:
            latest = max(designations[v])
            result["designated"] += 1
            gone = max(removals[v]) if removals[v] else None
            if gone is None or gone < latest[:2]:
                category = latest[2]
                listed_set.add(v)
                result["listed"] += 1
                result[f"listed_{category}"] += 1
                if category == "weak_and_lax":   # criterion figures are of the weak-and-lax villages (seed 003)
                    for c in latest[3]:
                        result["by_criterion"][c] += 1
        phase = None
        case_id = max(cases[v])[2] if cases[v] else None
        if case_id and phases[case_id]:
            phase = max(phases[case_id])[2]
            result["by_phase"][phase] += 1
        overdue = 0
        for measure, (village, deadline) in measures.items():
            if village != v:
                continue
            status = max(progress[measure])[2] if progress[measure] else None
            if status != "completed" and deadline < day:
                overdue += 1
        result["measures_overdue"] += overdue
        result["villages_overdue"] += overdue > 0
        due = case_id in leaders and phase in ("concentrated", "continued", "ready_for_acceptance")
        result["visits_due"] += due
        result["visits_compliant"] += due and visits[case_id] >= 2
        o = outcomes[v]
        for kind, key in (("passed", "accepted"), ("failed", "failed"), ("delisted", "delisted"), ("relapsed", "relapsed")):
            result[key] += o.get(kind, 0)
        if o.get("delisted") and category is None and o.get("last_relapsed", 0) < o.get("last_delisted", 0):
            result["transformed"] += 1
    resolved = last.get("resolved", set())
    result["alerts_open"] = sum(1 for a, (code, _) in alerts.items() if inside(code) and a not in resolved)
    result["listed_set"] = listed_set
    return result


def api_view(figures: dict) -> dict:
    """The API's figures in the shape of ground_truth()."""
    return {
        "in_campaign": figures["villages_in_campaign"], "screened": figures["villages_screened"],
        "listed": figures["listed"],
        "listed_weak_and_lax": figures["listed_by_category"]["weak_and_lax"]["villages"],
        "listed_lagging": figures["listed_by_category"]["lagging"]["villages"],
        "by_criterion": {c["criterion"]: c["villages"] for c in figures["listed_by_criterion"]},
        "by_phase": figures["cases_by_phase"], "measures_overdue": figures["measures_overdue"],
        "villages_overdue": figures["villages_with_overdue_measures"], "visits_due": figures["visits_due"],
        "visits_compliant": figures["visits_compliant"], "alerts_open": figures["alerts_open"],
        "accepted": figures["acceptances_passed"], "failed": figures["acceptances_failed"],
        "delisted": figures["delisted"], "relapsed": figures["relapsed"], "designated": figures["designated"],
        "transformed": figures["transformed"],
    }


def truth_view(truth: dict) -> dict:
    keys = ["in_campaign", "screened", "listed", "listed_weak_and_lax", "listed_lagging", "measures_overdue",
            "villages_overdue", "visits_due", "visits_compliant", "alerts_open", "accepted", "failed", "delisted",
            "relapsed", "designated", "transformed"]
    view = {k: int(truth[k]) for k in keys}
    view["by_criterion"] = dict(truth["by_criterion"])
    view["by_phase"] = dict(truth["by_phase"])
    return view


# ---- the tests -------------------------------------------------------------------------------

import httpx  # noqa: E402
import pytest  # noqa: E402

from tests.integration.helpers import load_demo_divisions, set_clock, wait_for  # noqa: E402
from tests.support.platform import running_platform  # noqa: E402
from zhengdun_demo.client import auth  # noqa: E402

SOURCES = ["screening", "casework", "supervision", "acceptance"]
LEVELS = ["990100000000", "990102000000", "990103000000", "990102101000", "990102102000"]
DATES = [date(2020, 8, 31), date(2020, 10, 15), date(2020, 12, 31), date(2021, 2, 1), date(2021, 3, 31), date(2021, 6, 30)]


def get(platform, path: str, user: str = "city_org", **params) -> httpx.Response:
    return httpx.get(f"{platform.url('reporting')}{path}", params=params, headers=auth(user), timeout=60)


@pytest.fixture(scope="module")
def platform():
    """A platform of its own: the figures count everything that happened in the demo city, so the
    campaigns other modules run there must not be in them."""
    with running_platform() as platform:
        yield platform


@pytest.fixture(scope="module")
def demo(platform):
    return load_demo_divisions(platform)


@pytest.fixture(scope="module")
def world(platform, demo):
    scenario = Scenario().build()
    # The real casework opens its own case for every designation, dated from the designation like the
    # scenario's: screening's events go first, and the scenario's cases after casework's, so that on the
    # same designation date the scenario's case (with its team, leader, measures) is the village's latest.
    screening = [e for e in scenario.events if e[0] == "screening"]
    sent = asyncio.run(publish(platform.topic_prefix, screening))
    designated = {p.village_code for _, _, p in screening if isinstance(p, scr.TargetDesignated)}

    def casework_opened_its_cases():
        opened = {r[3].data["village_code"] for r in read_topics_sync([platform.topic("casework")])
                  if r[3].type == cw.CaseOpened.event_type}
        return opened >= designated

    wait_for(casework_opened_its_cases, timeout=120, interval=2, what="casework to open a case per designation")
    sent += asyncio.run(publish(platform.topic_prefix, [e for e in scenario.events if e[0] != "screening"]))
    villages = {r.code for r in demo if r.kind}
    topics = [platform.topic(s) for s in SOURCES]

    def settled():
        records = read_topics_sync(topics)
        for code in ("990100000000", "990102101000"):
            truth = truth_view(ground_truth(records, villages, code.rstrip("0"), date(2021, 6, 30)))
            response = get(platform, f"/figures/{code}", date="2021-06-30")
            if response.status_code != 200 or api_view(response.json()["figures"]) != truth:
                return False
        return records

    records = wait_for(settled, timeout=180, interval=2, what="reporting figures to match the events sent")
    return {"scenario": scenario, "sent": sent, "villages": villages, "topics": topics, "records": records}


def prefix(code: str) -> str:
    from zhengdun.divisions import prefix_of

    return prefix_of(code)


def test_figures_match_ground_truth_at_city_county_and_township_on_every_date(platform, world):
    checked = 0
    for code in LEVELS:
        for day in DATES:
            response = get(platform, f"/figures/{code}", date=day.isoformat())
            assert response.status_code == 200, response.text
            expected = truth_view(ground_truth(world["records"], world["villages"], prefix(code), day))
            assert api_view(response.json()["figures"]) == expected, (code, day)
            checked += 1
    # The scenario is not trivial: the figures move and every kind of figure is non-zero somewhere.
    late = truth_view(ground_truth(world["records"], world["villages"], "9901", date(2021, 6, 30)))
    mid = truth_view(ground_truth(world["records"], world["villages"], "9901", date(2020, 12, 31)))
    assert all(late[k] > 0 for k in ("in_campaign", "screened", "listed", "accepted", "failed", "delisted", "relapsed",
                                     "designated", "transformed"))
    assert all(mid[k] > 0 for k in ("measures_overdue", "visits_due", "visits_compliant", "alerts_open"))
    assert mid["visits_compliant"] < mid["visits_due"]
    assert checked == len(LEVELS) * len(DATES)


def test_shares_and_rates_are_the_counts_divided(platform, world):
    f = get(platform, "/figures/990102000000", date="2021-06-30").json()["figures"]
    from decimal import ROUND_HALF_UP, Decimal

    def four_places(part: int, whole: int) -> Decimal:
        return (Decimal(part) / whole).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    listed, weak_and_lax = f["listed"], f["listed_by_category"]["weak_and_lax"]["villages"]
    assert f["listed_by_category"]["lagging"]["villages"] > 0 and f["listed_by_criterion"]
    for c in f["listed_by_criterion"]:   # of the weak-and-lax villages, the lagging ones apart (seed 003)
        assert c["out_of"] == weak_and_lax
        assert Decimal(c["share"]) == four_places(c["villages"], weak_and_lax)
        assert c["label"] == CRITERIA[c["criterion"]]
    assert Decimal(f["transformation_rate"]) == four_places(f["transformed"], f["designated"])
    assert Decimal(f["listed_share"]) == four_places(listed, f["villages_in_campaign"])
    for category in ("weak_and_lax", "lagging"):
        count = f["listed_by_category"][category]
        assert count["out_of"] == listed and Decimal(count["share"]) == four_places(count["villages"], listed)


def test_a_back_dated_designation_counts_its_case_from_the_designation_date(platform, world):
    """Casework opened every case two days after its designation: the case is in the figures from the
    designation date (here checked the day after it), not from the day the event reached casework."""
    day = date(2020, 8, 21)   # the day after the first designations (2020-08-20); the first case opened 2020-08-22
    opened_later = {d["village_code"] for _, _, _, env in world["records"] if env.type == cw.CaseOpened.event_type
                    for d in [env.data] if d["designated_on"] <= day.isoformat() < d["opened_on"]
                    and d["village_code"].startswith("990102")}
    assert opened_later
    f = get(platform, "/figures/990102000000", date=day.isoformat()).json()["figures"]
    assert f["cases_by_phase"] == {"concentrated": len(opened_later)}
    assert api_view(f) == truth_view(ground_truth(world["records"], world["villages"], "990102", day))
    body = get(platform, "/figures/990102000000/villages", figure="cases", date=day.isoformat(), size=500).json()
    assert {i["code"] for i in body["items"]} == opened_later


def test_monthly_series_moves_month_by_month(platform, world):
    response = get(platform, "/figures/990102000000/monthly", **{"from": "2020-08", "to": "2021-06", "size": 6, "page": 2})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == 11 and [i["month"] for i in page["items"]] == ["2021-02", "2021-03", "2021-04", "2021-05",
                                                                          "2021-06"]
    previous = truth_view(ground_truth(world["records"], world["villages"], "990102", date(2021, 1, 31)))
    for item in page["items"]:
        as_of = date.fromisoformat(item["as_of"])
        expected = truth_view(ground_truth(world["records"], world["villages"], "990102", as_of))
        assert api_view(item["figures"]) == expected, item["month"]
        # Computed for all months in one statement (reporting.series): every figure as the date's own figures.
        assert item["figures"] == get(platform, "/figures/990102000000", date=item["as_of"]).json()["figures"], item["month"]
        assert item["in_month"]["delisted"] == expected["delisted"] - previous["delisted"]
        assert item["in_month"]["acceptances_passed"] == expected["accepted"] - previous["accepted"]
        previous = expected


def test_drill_down_lists_exactly_the_villages_behind_a_figure(platform, world):
    day = date(2020, 12, 31)
    expected = ground_truth(world["records"], world["villages"], "990102", day)
    seen, page = [], 1
    while True:
        response = get(platform, "/figures/990102000000/villages", figure="listed", date=day.isoformat(), page=page, size=7)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == expected["listed"]
        seen += [i["code"] for i in body["items"]]
        if not body["items"]:
            break
        page += 1
    assert len(seen) == len(set(seen)) and set(seen) == expected["listed_set"]
    for criterion, count in expected["by_criterion"].items():
        body = get(platform, "/figures/990102000000/villages", figure="listed", criterion=criterion,
                   date=day.isoformat(), size=500).json()
        assert body["total"] == count and all(criterion in i["criteria"] for i in body["items"])
    for phase, count in expected["by_phase"].items():
        body = get(platform, "/figures/990102000000/villages", figure="cases", phase=phase, date=day.isoformat()).json()
        assert body["total"] == count and all(i["case_phase"] == phase for i in body["items"])
    for category in ("weak_and_lax", "lagging"):
        body = get(platform, "/figures/990102000000/villages", figure="listed", category=category,
                   date=day.isoformat()).json()
        assert body["total"] == expected[f"listed_{category}"]
    assert get(platform, "/figures/990102000000/villages", figure="cases", phase="nonsense").status_code == 422
    assert get(platform, "/figures/990102000000/villages", figure="nonsense").status_code == 422
    for figure, key in (("overdue", "villages_overdue"), ("visits_compliant", "visits_compliant"),
                        ("alerts_open", "alerts_open"), ("screened", "screened")):
        body = get(platform, "/figures/990100000000/villages", figure=figure, date=day.isoformat(), size=3).json()
        city = ground_truth(world["records"], world["villages"], "9901", day)
        assert body["total"] == city[key] and len(body["items"]) == min(3, city[key]), figure
    late = ground_truth(world["records"], world["villages"], "9901", date(2021, 6, 30))
    body = get(platform, "/figures/990100000000/villages", figure="delisted", date="2021-06-30", size=500).json()
    assert body["total"] == late["delisted"] and all(i["on_date"] == "2021-03-05" for i in body["items"])
    children = get(platform, "/figures/990102000000/children", date=day.isoformat(), size=4).json()
    assert children["total"] == 10 and len(children["items"]) == 4
    everything = get(platform, "/figures/990102000000/children", date=day.isoformat(), size=10).json()["items"]
    assert sum(c["figures"]["listed"] for c in everything) == expected["listed"]


def test_figures_are_scoped_to_the_callers_subtree(platform, world):
    for path in ("/figures/990102000000", "/figures/990102000000/villages?figure=listed",
                 "/figures/990102000000/children", "/figures/990102000000/monthly",
                 "/documents/990102000000/summary?format=xlsx"):
        refused = httpx.get(f"{platform.url('reporting')}{path}", headers=auth("county2_org"), timeout=30)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert get(platform, "/figures/990103000000", "county2_org").status_code == 200
    assert get(platform, "/figures/990102102000", "township_org").status_code == 403
    mine = get(platform, "/figures/990102101000/villages", "township_org", figure="in_campaign", size=500).json()
    assert mine["total"] == 25 and all(i["code"].startswith("990102101") for i in mine["items"])
    assert get(platform, "/documents/990102000000/summary", "township_org").status_code == 403  # org staff only


def test_documents_download_as_valid_xlsx_and_pdf(platform, world):
    import io

    from openpyxl import load_workbook

    cases = [("990102000000", "filing", {"filing_date": "2020-08-31"}, "备案"),
             ("990102000000", "ledger", {"month": "2020-12"}, "台账"),
             ("990100000000", "circular", {"quarter": "2020Q4"}, "季度"),
             ("990100000000", "ranking", {"date": "2021-06-30"}, "排名"),
             ("990102000000", "summary", {"date": "2020-12-31"}, "汇总表")]
    for code, kind, params, word in cases:
        for fmt in ("xlsx", "pdf"):
            response = get(platform, f"/documents/{code}/{kind}", format=fmt, **params)
            assert response.status_code == 200, (kind, fmt, response.text[:300])
            if fmt == "xlsx":
                sheet = load_workbook(io.BytesIO(response.content)).active
                text_cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
                assert word in text_cells[0], text_cells[0]
            else:
                assert response.content.startswith(b"%PDF") and b"FontFile2" in response.content
                (platform.log_dir / f"{kind}.pdf").write_bytes(response.content)
    # The filing list is the list as filed: its re-hash matches the CountyListFiled hash.
    sheet = load_workbook(io.BytesIO(get(platform, "/documents/990102000000/filing", format="xlsx").content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("核验：一致" in c for c in cells)
    codes = {c for c in cells if len(c) == 12 and c.isdigit()}
    assert codes == {e["village_code"] for e in world["scenario"].listed_on_filing}
    # The summary table carries seed 001's columns and the names the events carry (internal document).
    sheet = load_workbook(io.BytesIO(get(platform, "/documents/990102000000/summary", date="2020-12-31").content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    for column in ("序号", "后进基层党组织名称", "党组织书记姓名", "党组织书记联系电话", "上级党组织名称", "主要问题", "整改措施", "联系领导"):
        assert column in cells
    assert any("赵联系" in c for c in cells) and "孙书记" in cells
    assert get(platform, "/documents/990102000000/ranking").status_code == 422   # ranking is by city
    assert get(platform, "/filings/990102000000").json()["total"] == 1


def test_the_circular_prints_criterion_shares_of_the_weak_and_lax_villages_rounded_once(platform, world):
    import io
    from decimal import ROUND_HALF_UP, Decimal

    from openpyxl import load_workbook

    def printed(part: int, whole: int) -> str:
        return f"{(Decimal(part * 100) / whole).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"

    truth = ground_truth(world["records"], world["villages"], "9901", date(2020, 12, 31))
    weak_and_lax, lagging = truth["listed_weak_and_lax"], truth["listed_lagging"]
    response = get(platform, "/documents/990100000000/circular", format="xlsx", quarter="2020Q4")
    assert response.status_code == 200, response.text
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    lead = next(c for c in cells if c.startswith("截至"))
    assert f"其中软弱涣散 {weak_and_lax} 个（" in lead and f"、后进 {lagging} 个。" in lead
    for criterion, count in truth["by_criterion"].items():
        assert f"“{CRITERIA[criterion]}”{count}个，占比{printed(count, weak_and_lax)}" in lead, criterion
    assert printed(truth["listed"], truth["in_campaign"]) in lead
    assert any(f"后进村（{lagging} 个）" in c for c in cells)


def test_the_circular_period_is_the_policys_summary_interval_in_force(platform, world):
    import io

    from openpyxl import load_workbook

    def circular(**params) -> list[str]:
        response = get(platform, "/documents/990100000000/circular", format="xlsx", **params)
        assert response.status_code == 200, response.text
        return [str(c.value) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
                for c in row if c.value is not None]

    # From 2021 the campaign circulates its summary every six months (policy version 2).
    revised = scr.PolicyRevised(campaign_id=CAMPAIGN, policy_version=2, policy=scr.Policy(ledger_summary_interval_months=6),
                                reason="汇总通报改为每半年一次", effective_on=date(2021, 1, 1))
    asyncio.run(publish(platform.topic_prefix, [("screening", "990100000000", revised)]))
    cells = wait_for(lambda: (c := circular(month="2021-03", date="2021-06-30")) and "上半年" in c[0] and c,
                     what="the circular by the revised interval")
    assert cells[0] == "关于2021年上半年软弱涣散和后进村党组织整顿工作情况的通报"
    assert any("统计期间：2021年1月1日至2021年6月30日" in c for c in cells)
    # A period under version 1 stays a calendar quarter.
    cells = circular(quarter="2020Q4")
    assert cells[0] == "关于2020年第四季度软弱涣散和后进村党组织整顿工作情况的通报"
    assert any("统计期间：2020年10月1日至2020年12月31日" in c for c in cells)


def test_the_city_spot_check_circular_names_each_falsification_with_the_county_and_township(platform, world):
    import io

    from openpyxl import load_workbook

    county, city = "990102000000", "990100000000"
    villages = ["990102101201", "990102101202", "990102102203"]
    outcomes = [scr.CheckOutcome.CONFIRMED, scr.CheckOutcome.FALSIFIED, scr.CheckOutcome.DISCREPANCY]
    checked = scr.SpotCheckRecorded(
        campaign_id=CAMPAIGN, round_id="R1", checked_by_code=city, checked_code=county, stage=scr.CheckStage.CITY_SPOT_CHECK,
        findings=tuple(scr.CheckFinding(village_code=v, outcome=o, note="抽查发现村霸问题未如实上报" if o is outcomes[1] else "")
                       for v, o in zip(villages, outcomes)),
        checked_on=date(2020, 8, 25), late=False, policy_version=1)
    falsified = scr.FalsificationFound(
        campaign_id=CAMPAIGN, round_id="R1", village_code=villages[1], county_code=county, township_code="990102101000",
        found_by_code=city, note="抽查发现村霸问题未如实上报", found_on=date(2020, 8, 25))
    asyncio.run(publish(platform.topic_prefix, [("screening", county, checked), ("screening", villages[1], falsified)]))

    def cells() -> list[str] | bool:
        response = get(platform, f"/documents/{city}/spot_check", format="xlsx", date="2021-06-30")
        assert response.status_code == 200, response.text
        found = [str(c.value) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
                 for c in row if c.value is not None]
        return found if any("弄虚作假 1 个" in c for c in found) and "依规依纪追责问责" in found else False

    text_cells = wait_for(cells, what="the spot-check circular with the findings and the falsification")
    names = {r.code: r.name for r in world_names(platform, [county, "990102101000", *villages])}
    assert "抽查情况的通报" in text_cells[0]
    lead = next(c for c in text_cells if c.startswith("按照整顿工作方案"))
    assert "对 1 个县（市、区）" in lead and "共抽查 3 个村" in lead and "属实 1 个、有出入 1 个、弄虚作假 1 个" in lead
    assert set(villages) <= set(text_cells)          # every village checked is listed with its finding
    assert {"属实", "有出入", "弄虚作假"} <= set(text_cells)
    # The falsification is named with the township and the county that answer for it.
    assert names["990102101000"] in text_cells and names[county] in text_cells and "市级抽查认定" in text_cells
    assert "抽查发现村霸问题未如实上报" in text_cells
    pdf = get(platform, f"/documents/{city}/spot_check", format="pdf", date="2021-06-30")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"FontFile2" in pdf.content
    assert get(platform, f"/documents/{county}/spot_check").status_code == 422   # the city publishes it


def world_names(platform, codes: list[str]):
    from types import SimpleNamespace

    rows = asyncio.run(platform.fetch("reporting", "select code, name from divisions where code = any($1::text[])", codes))
    return [SimpleNamespace(code=r["code"], name=r["name"]) for r in rows]


def test_every_message_on_the_topics_is_a_structured_cloudevent_the_sdk_reads(platform, world):
    """Issue 16's binding: whatever a service wrote (the demo's whole campaign) and reporting's public copies
    are CloudEvents in structured mode, read by the CloudEvents SDK as an outside subscriber would."""
    from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event

    topics = [platform.topic(s) for s in ("screening", "casework", "supervision", "acceptance")]
    records = asyncio.run(read_topics([*topics, platform.topic_prefix + "zhengdun.public.v1"], raw=True))
    assert {r[0] for r in records} >= set(topics)
    for topic, _, offset, record in records:
        headers = {k: v for k, v in record.headers or ()}
        event = from_kafka_event(KafkaMessage(headers=headers, key=record.key, value=record.value))
        body = json.loads(record.value)
        assert headers.get("content-type") == STRUCTURED_CONTENT_TYPE.encode(), (topic, offset, headers)
        assert event.get_data() == body["data"] and event.get_attributes()["type"] == body["type"]
        assert event.get_attributes()["partitionkey"] == body["divisioncode"] == record.key.decode()
        assert not [k for k, v in body.items() if k != "data" and isinstance(v, (dict, list))], body   # scalar extensions
    actors = [json.loads(r[3].value) for r in records if r[0] in topics and b'"actorid"' in r[3].value]
    assert actors and all(isinstance(a["actorid"], str) and isinstance(a["actorname"], str) for a in actors)


def test_public_topic_carries_the_curated_events_without_personal_data(platform, world):
    from zhengdun.events.base import spec_for

    public = platform.topic_prefix + "zhengdun.public.v1"

    def designations():
        records = read_topics_sync([public])
        found = {r[3].data["village_code"] for r in records if r[3].type.endswith("public_target.designated.v1")}
        return records if found >= world["scenario"].listed_on_filing_codes() else False

    records = wait_for(designations, timeout=60, interval=2, what="public designations")
    raw = json.dumps([r[3].model_dump(mode="json") for r in records], ensure_ascii=False)
    for personal in PERSONAL:
        assert personal not in raw, personal
    types = {r[3].type for r in records}
    assert {"zhengdun.reporting.public_target.designated.v1", "zhengdun.reporting.public_acceptance.failed.v1",
            "zhengdun.reporting.public_village.delisted.v1", "zhengdun.reporting.public_case.phase_changed.v1",
            "zhengdun.reporting.public_list.confirmed.v1", "zhengdun.reporting.public_village.post_evaluated.v1"} <= types
    for _, _, _, env in records:
        assert env.actor is None
        spec = spec_for(env.type)
        assert spec.public and spec.service == "reporting"
        spec.model.model_validate(env.data)
    contract = httpx.get(f"{platform.url('reporting')}/public/asyncapi.json", timeout=10).json()
    assert contract["asyncapi"] == "3.0.0" and [c["address"] for c in contract["channels"].values()] == [public]
    assert set(contract["components"]["messages"]) >= types
    fields = set()

    def walk(node):
        if isinstance(node, dict):
            fields.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(contract["components"]["schemas"])
    assert "village_code" in fields and "county_code" in fields
    assert not fields & {"name", "phone", "user_id", "evidence", "leader", "responsible", "members", "attendees",
                         "minutes", "note", "title", "leader_name"}


def test_monthly_figures_are_published_when_a_month_ends(platform, world):
    public = platform.topic_prefix + "zhengdun.public.v1"
    for today in ("2021-07-01", "2021-08-02"):
        set_clock(platform, today, seen_by="reporting")

    def july():
        return [r[3] for r in read_topics_sync([public]) if r[3].type.endswith("public_figures.monthly.v1")
                and r[3].data["month"] == "2021-07"]

    events = wait_for(july, timeout=60, interval=2, what="monthly figures for 2021-07")
    by_county = {e.data["division_code"]: e.data for e in events}
    assert set(by_county) == {"990102000000", "990103000000", "990104000000"}
    records = read_topics_sync(world["topics"])
    expected = truth_view(ground_truth(records, world["villages"], "990102", date(2021, 7, 31)))
    got = by_county["990102000000"]
    assert got["listed"] == {"weak_and_lax": expected["listed_weak_and_lax"], "lagging": expected["listed_lagging"]}
    assert got["delisted"] == expected["delisted"] and got["transformed"] == expected["transformed"]


def test_rebuilding_from_the_start_of_the_topics_gives_the_same_figures(platform, world):
    def snapshot():
        out = {}
        for code in LEVELS:
            for day in DATES:
                out[(code, day)] = get(platform, f"/figures/{code}", date=day.isoformat()).json()["figures"]
        out["children"] = get(platform, "/figures/990100000000/children", date="2021-03-31").json()
        out["drill"] = get(platform, "/figures/990100000000/villages", figure="listed", date="2021-03-31", size=500).json()
        return out

    before = snapshot()
    response = httpx.post(f"{platform.url('reporting')}/admin/rebuild", headers=auth("ops"), timeout=300)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["records"] >= world["sent"] and result["applied"] > 0
    after = snapshot()
    assert after == before
    assert get(platform, "/admin/rebuild", "city_org").status_code in (403, 405)
    refused = httpx.post(f"{platform.url('reporting')}/admin/rebuild", headers=auth("city_org"), timeout=30)
    assert refused.status_code == 403


# ---- the figures' cache (reporting.versions): kept while reporting's read model is unchanged -----------------
# Last in the module: it publishes an event the ground truth of the tests above does not hold.

def computed(platform, what: str) -> float:
    """How many times reporting has computed an answer (``what``: division, aggregate …) instead of finding it cached."""
    metrics = httpx.get(f"{platform.url('reporting')}/metrics", timeout=30).text
    line = f'zhengdun_reporting_figures_computed_total{{what="{what}"}} '
    return next((float(row.split()[-1]) for row in metrics.splitlines() if row.startswith(line)), 0.0)


async def _sql(url: str, statement: str):
    import asyncpg

    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return await conn.fetchval(statement)
    finally:
        await conn.close()


def sql(platform, service: str, statement: str):
    return asyncio.run(_sql(platform.database_url(service), statement))


def test_every_table_reporting_answers_from_bumps_the_read_model_version_when_written(platform, world):
    from reporting.models import READ_MODEL_TABLES

    with_trigger = set(sql(platform, "reporting", "SELECT array_agg(c.relname::text) FROM pg_trigger t "
                                                  "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal "
                                                  "AND t.tgfoid = 'bump_read_model_version'::regproc"))
    assert with_trigger == {*READ_MODEL_TABLES, "divisions"}


def test_figures_stay_cached_through_other_databases_writes_and_change_right_after_an_event_is_projected(
        platform, world):
    county = "990104000000"   # in the campaign, not screened: an assessment there moves its figures
    past = {"date": "2021-06-30"}

    def figures(**params) -> dict:
        response = get(platform, f"/figures/{county}", **params)
        assert response.status_code == 200, response.text
        return response.json()

    before, today_before = figures(**past), figures()
    runs = computed(platform, "division")
    assert figures(**past) == before and figures() == today_before
    assert computed(platform, "division") == runs                       # answered from the cache

    # A write to another service's database on the same server: every snapshot of the server changes (the key
    # the cache had before), reporting's read model does not.
    snapshot = sql(platform, "reporting", "SELECT pg_current_snapshot()::text")
    assert sql(platform, "screening", "WITH w AS (UPDATE platform_clock SET updated_at = now() RETURNING 1) "
                                      "SELECT count(*) FROM w") == 1
    assert sql(platform, "reporting", "SELECT pg_current_snapshot()::text") != snapshot
    assert figures(**past) == before and figures() == today_before
    assert computed(platform, "division") == runs

    # An event reporting projects, dated in the past: the past date's figures and today's change as soon as it
    # is applied (in reporting's inbox), without waiting for anything else.
    village = "990104101201"
    event = envelope("screening", village, scr.AssessmentRecorded(
        campaign_id=CAMPAIGN, round_id="r1", village_code=village, township_code=village[:9] + "000", findings=(),
        result=scr.AssessmentResult.NEITHER, assessed_on=date(2021, 6, 1), policy_version=1))

    async def send() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, enable_idempotence=True, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(platform.topic("screening"), event.model_dump_json().encode(),
                                         key=village.encode(),
                                         headers=[("content-type", STRUCTURED_CONTENT_TYPE.encode())])
        finally:
            await producer.stop()
    asyncio.run(send())
    wait_for(lambda: sql(platform, "reporting", f"SELECT count(*) FROM inbox WHERE event_id = '{event.id}'"),
             timeout=60, interval=0.2, what="reporting to apply the assessment")
    after, today_after = figures(**past), figures()
    assert after["figures"]["villages_screened"] == before["figures"]["villages_screened"] + 1
    assert today_after["figures"]["villages_screened"] == today_before["figures"]["villages_screened"] + 1
    assert computed(platform, "division") == runs + 2
    assert figures(**past) == after and computed(platform, "division") == runs + 2
