"""A township's special actions of seed 004's shape through the API: two actions from the task-decomposition table
(附件1) with three pilot villages each, progress with evidence, and a quarter of organization-life cadences for three
branches with one missed meeting: exactly one alert for that branch and month once the clock passes the month's end,
resolved when the meeting is recorded late."""
from __future__ import annotations

import io

import httpx
import openpyxl

from tests.integration.helpers import wait_for
from tests.integration.test_acceptance_flow import pdf_text
from tests.integration.test_supervision_support import alerts, set_clock
from zhengdun_demo.client import auth

TOWNSHIP = "990102101000"                                   # township_org's township
PILOTS = ["990102101211", "990102101212", "990102101213"]
BRANCHES = ["990102101221", "990102101222", "990102101223"]
MISSED_BRANCH = BRANCHES[1]


def post(platform, path: str, body: dict, user: str = "township_org") -> httpx.Response:
    return httpx.post(f"{platform.url('supervision')}{path}", json=body, headers=auth(user), timeout=10)


def get(platform, path: str, user: str = "township_org", status: int = 200, **params) -> dict:
    response = httpx.get(f"{platform.url('supervision')}{path}", params=params, headers=auth(user), timeout=10)
    assert response.status_code == status, response.text
    return response.json()


def created(response: httpx.Response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


def problem(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if code:
        assert response.json()["type"] == f"/problems/{code}"
    return response.json()


def item(project: str, requirement: str, due_on: str, time_node: str, responsible: str) -> dict:
    return {"project": project, "requirement": requirement, "due_on": due_on, "time_node": time_node,
            "responsible_name": responsible}


SERVICE_CENTRE = {
    "township_code": TOWNSHIP, "name": "党群服务中心提档升级专项行动", "starts_on": "2021-09-29", "ends_on": "2022-09-28",
    "pilot_villages": PILOTS,
    "items": [item("坚持为民服务宗旨", "每个村党群服务中心都设立便民服务大厅，背景墙统一设计样式，大门统一对外开设。",
                   "2021-11-30", "11月底", "徐金亮"),
              item("合理优化功能布局", "对村党群服务中心室内外功能布局进行系统优化调整。", "2021-10-31", "10月底", "徐金亮")]}
ORG_LIFE = {
    "township_code": TOWNSHIP, "name": "组织生活规范化专项行动", "starts_on": "2021-09-29", "ends_on": "2022-09-28",
    "pilot_villages": BRANCHES,
    "items": [item("严格落实党的组织生活制度", "三会一课、固定学习日、组织生活会和民主评议党员大会。", "2022-09-28", "全年", "曹立鑫"),
              item("规范组织生活记实", "每会必记、逐月整理、按季检查、全年归档。", "2022-09-28", "每月", "曹立鑫")]}

MONTHLY = ("branch_committee", "party_group")


def meetings_of(month: int) -> list[tuple[str, str, str]]:
    """(branch, kind, held_on) of one month's monthly meetings and fixed study days for every branch."""
    return [(b, k, f"2021-{month:02d}-{day:02d}") for b in BRANCHES
            for k, day in ((MONTHLY[0], 8), (MONTHLY[1], 15), ("study_day", 10), ("study_day", 20))]


# Owed in December (年底) and by the quarter's end: the life meeting, the democratic review, the mobile members' filing.
YEAR_END = (("life_meeting", 16), ("democratic_review", 17), ("mobile_member_filing", 18))


def year_end_of_2021() -> list[tuple[str, str, str]]:
    return [(b, k, f"2021-12-{day}") for b in BRANCHES for k, day in YEAR_END]


def record(platform, branch: str, kind: str, held_on: str) -> dict:
    return created(post(platform, "/org-life/meetings", {
        "branch_code": branch, "kind": kind, "held_on": held_on, "attendees": ["支部书记", "支部委员甲", "党员乙"],
        "minutes": f"{held_on} 会议记录", "topic": "学习贯彻"}))


def org_life_alerts(platform, schedule_id: str, user: str = "township_org") -> dict[str, dict]:
    found = alerts(platform, user, campaign=schedule_id, rule="org_life_missing")
    return {a["key"]: a for a in found["items"]}


def test_special_actions_and_organization_life_of_a_township(platform, demo):
    set_clock(platform, "2021-09-29")

    # --- the task-decomposition table, kept by the township --------------------------------
    problem(post(platform, "/special-actions", {**SERVICE_CENTRE, "pilot_villages": PILOTS[:1]}), 422, "pilot-count")
    problem(post(platform, "/special-actions", SERVICE_CENTRE, "township2_org"), 403)     # another township's table
    problem(post(platform, "/special-actions", SERVICE_CENTRE, "county_org"), 403)        # the county reads, not keeps
    centre = created(post(platform, "/special-actions", SERVICE_CENTRE))
    org_life = created(post(platform, "/special-actions", ORG_LIFE))
    assert centre["items_total"] == 2 and centre["items_done"] == 0 and centre["pilot_villages"] == PILOTS
    assert [i["time_node"] for i in centre["items"]] == ["11月底", "10月底"]

    # The township and the levels above read both; a neighbouring township sees neither.
    for user in ("township_org", "county_org", "city_org"):
        mine = get(platform, "/special-actions", user, unit=TOWNSHIP, size=500)
        assert {centre["action_id"], org_life["action_id"]} <= {a["action_id"] for a in mine["items"]}
    one_page = get(platform, "/special-actions", unit=TOWNSHIP, size=1)
    assert len(one_page["items"]) == 1 and one_page["total"] >= 2
    assert centre["action_id"] not in {a["action_id"] for a in get(platform, "/special-actions", "township2_org")["items"]}
    get(platform, f"/special-actions/{centre['action_id']}", "township2_org", status=404)

    # --- progress with evidence; an item is done only with it ---------------------------------
    hall = centre["items"][0]["item_id"]
    progress = f"/special-actions/{centre['action_id']}/items/{hall}/progress"
    created(post(platform, progress, {"recorded_on": "2021-09-29", "text": "已完成大厅选址", "village_code": PILOTS[0]}))
    problem(post(platform, progress, {"recorded_on": "2021-09-29", "text": "大厅已建成", "done": True}), 422,
            "evidence-required")
    problem(post(platform, progress, {"recorded_on": "2021-09-30", "text": "未来", "evidence": "x"}), 422, "date-in-future")
    problem(post(platform, progress, {"recorded_on": "2021-09-29", "text": "x", "village_code": "990102102201"}), 422,
            "village-outside-township")
    created(post(platform, progress, {"recorded_on": "2021-09-29", "text": "三个试点村便民服务大厅已建成", "done": True,
                                      "evidence": "验收照片、背景墙设计图"}))
    problem(post(platform, progress, {"recorded_on": "2021-09-29", "text": "再次", "done": True, "evidence": "x"}), 409,
            "item-already-done")
    assert get(platform, f"/special-actions/{centre['action_id']}/progress", "county_org", item=hall)["total"] == 2
    state = get(platform, f"/special-actions/{centre['action_id']}", "county_org")
    assert (state["items_done"], state["items"][0]["status"], state["items"][0]["done_on"]) == (1, "done", "2021-09-29")

    # --- a quarter of organization life: October and November recorded, one meeting missed -------
    set_clock(platform, "2021-11-30")
    layout = f"/special-actions/{centre['action_id']}/items/{centre['items'][1]['item_id']}/progress"
    overdue = alerts(platform, "township_org", campaign=centre["action_id"])["items"]
    assert [(a["rule"], a["due_on"], a["subject_person"], a["status"]) for a in overdue] == [
        ("special_action_item_overdue", "2021-10-31", "徐金亮", "open")]
    problem(post(platform, "/org-life/meetings", {"branch_code": BRANCHES[0], "kind": "party_lecture",
                                                  "held_on": "2021-10-12", "attendees": ["党员甲"]}), 422,
            "minutes-required")
    problem(post(platform, "/org-life/meetings", {"branch_code": BRANCHES[0], "kind": "study_day", "held_on": "2021-10-11",
                                                  "attendees": ["党员甲"], "minutes": "学习"}), 422, "not-a-fixed-day")
    problem(post(platform, "/org-life/meetings", {"branch_code": "990102102201", "kind": "party_lecture",
                                                  "held_on": "2021-10-12", "attendees": ["党员甲"], "minutes": "党课"}), 403)
    for branch in BRANCHES:
        record(platform, branch, "party_congress", "2021-10-25")
        record(platform, branch, "party_lecture", "2021-10-26")
    for branch, kind, held_on in meetings_of(10) + meetings_of(11):
        if (branch, kind, held_on[:7]) != (MISSED_BRANCH, "branch_committee", "2021-11"):
            record(platform, branch, kind, held_on)
    schedule = created(post(platform, "/org-life/schedules", {
        "township_code": TOWNSHIP, "branch_codes": BRANCHES, "starts_on": "2021-10-01", "ends_on": "2021-12-31",
        "action_id": org_life["action_id"]}))
    assert schedule["kind_labels"][:2] == ["党员大会", "支部委员会"]
    problem(post(platform, "/org-life/schedules", {"township_code": TOWNSHIP, "branch_codes": BRANCHES[:1],
                                                   "starts_on": "2021-12-01"}), 409, "branch-already-scheduled")
    assert org_life_alerts(platform, schedule["schedule_id"]) == {}          # November has not ended

    set_clock(platform, "2021-12-01")
    found = org_life_alerts(platform, schedule["schedule_id"])
    key = f"org_life_missing:{schedule['schedule_id']}:{MISSED_BRANCH}:branch_committee:2021-11-01"
    assert list(found) == [key]
    assert {k: found[key][k] for k in ("status", "subject_code", "subject_role", "village_code", "due_on", "raised_on")} == {
        "status": "open", "subject_code": TOWNSHIP, "subject_role": "township_committee", "village_code": MISSED_BRANCH,
        "due_on": "2021-11-30", "raised_on": "2021-12-01"}
    assert found[key]["label"] == "村党组织未按规定开展组织生活（每会必记）"
    assert key in {a["key"] for a in alerts(platform, "county_org", village=MISSED_BRANCH)["items"]}

    # December recorded as it happens; the quarter and the schedule end: still that one alert.
    for first, today in (("2021-12-01", "2021-12-10"), ("2021-12-11", "2021-12-20")):
        set_clock(platform, today)
        for branch, kind, held_on in meetings_of(12) + year_end_of_2021():
            if first <= held_on <= today:
                record(platform, branch, kind, held_on)
    set_clock(platform, "2021-12-31")
    set_clock(platform, "2022-01-01")
    assert list(org_life_alerts(platform, schedule["schedule_id"])) == [key]
    compliance = get(platform, f"/org-life/schedules/{schedule['schedule_id']}/compliance", "county_org")
    rows = {(r["branch_code"], r["kind"]): r for r in compliance["rows"]}
    assert (rows[(MISSED_BRANCH, "branch_committee")]["periods_due"],
            rows[(MISSED_BRANCH, "branch_committee")]["missed"]) == (3, ["2021-11-01"])
    assert rows[(BRANCHES[0], "party_congress")]["periods_met"] == 1 and rows[(BRANCHES[0], "study_day")]["periods_due"] == 6
    assert (rows[(BRANCHES[0], "life_meeting")]["periods_due"], rows[(BRANCHES[0], "life_meeting")]["periods_met"]) == (1, 1)
    assert (rows[(BRANCHES[0], "mobile_member_filing")]["periods_due"],
            rows[(BRANCHES[0], "mobile_member_filing")]["periods_met"]) == (1, 1)              # the fourth quarter
    assert rows[(BRANCHES[0], "mobile_member_report")]["periods_due"] == 0   # July–December not whole in the schedule

    # The missed committee meeting recorded late resolves its alert.
    record(platform, MISSED_BRANCH, "branch_committee", "2021-11-29")
    resolved = org_life_alerts(platform, schedule["schedule_id"])[key]
    assert (resolved["status"], resolved["resolved_on"]) == ("resolved", "2022-01-01")
    assert get(platform, "/org-life/meetings", "county_org", unit=MISSED_BRANCH, kind="branch_committee")["total"] == 3

    # The overdue layout item, done with evidence, resolves its alert too.
    created(post(platform, layout, {"recorded_on": "2022-01-01", "text": "功能布局优化完成", "done": True,
                                    "evidence": "功能室布局图"}))
    [done] = alerts(platform, "township_org", campaign=centre["action_id"])["items"]
    assert done["status"] == "resolved"

    # --- the supervision plan: monthly (25th to month end), tracking until done, year-end; monthly results ----------
    supervision = {"township_code": TOWNSHIP, "mode": "monthly", "held_on": "2021-12-25",
                   "action_ids": [centre["action_id"], org_life["action_id"]], "branch_codes": BRANCHES,
                   "inspectors": ["镇纪委书记", "党建办主任"], "findings": "组织生活记实基本规范",
                   "results": [{"branch_code": b, "rating": "good" if b != MISSED_BRANCH else "adequate",
                                "note": "11月支委会未按时记录" if b == MISSED_BRANCH else ""} for b in BRANCHES]}
    problem(post(platform, "/special-action-supervisions", {**supervision, "held_on": "2021-12-24"}), 422,
            "outside-monthly-window")
    problem(post(platform, "/special-action-supervisions", {**supervision, "action_ids": ["SA-unknown"]}), 422,
            "unknown-action")
    problem(post(platform, "/special-action-supervisions", supervision, "county_org"), 403)
    monthly = created(post(platform, "/special-action-supervisions", supervision))
    assert monthly["mode_label"] == "定期督导（每月25日至月底）"
    assert {r["branch_code"]: r["rating_label"] for r in monthly["results"]}[MISSED_BRANCH] == "一般"
    problem(post(platform, "/special-action-supervisions", {**supervision, "mode": "tracking", "item_id": hall,
                                                            "results": []}), 409, "tracking-after-done")
    created(post(platform, "/special-action-supervisions", {**supervision, "mode": "year_end", "held_on": "2021-12-28"}))
    december = get(platform, "/special-action-supervisions", "county_org", unit=TOWNSHIP, month="2021-12-01")
    assert sorted(s["mode"] for s in december["items"]) == ["monthly", "year_end"]
    assert get(platform, "/special-action-supervisions", "township2_org")["total"] == 0

    # --- reporting: per-action progress and per-branch organization life, from supervision's events -------------
    def reported(path: str, **params) -> dict:
        response = httpx.get(f"{platform.url('reporting')}{path}", params=params, headers=auth("county_org"), timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def branches_reported() -> dict[str, dict]:
        found = reported(f"/special-actions/{TOWNSHIP}/branches", size=500)["items"]
        return {b["branch_code"]: b for b in found if b["branch_code"] in BRANCHES}

    wait_for(lambda: len(branches_reported()) == 3 and branches_reported()[MISSED_BRANCH]["meetings"] == 17
             and branches_reported()[MISSED_BRANCH]["periods_missed"] == 1
             and branches_reported()[MISSED_BRANCH]["periods_still_missing"] == 0, what="reporting's branch figures")
    branches = branches_reported()
    assert [branches[b]["periods_missed"] for b in BRANCHES] == [0, 1, 0]
    assert branches[BRANCHES[0]]["meetings_by_kind"] == {"branch_committee": 3, "party_group": 3, "study_day": 6,
                                                         "party_congress": 1, "party_lecture": 1, "life_meeting": 1,
                                                         "democratic_review": 1, "mobile_member_filing": 1}
    # As of the first of December the late meeting was not yet recorded: the period was still missing.
    assert branches_reported_on(reported, "2021-12-01")[MISSED_BRANCH]["periods_still_missing"] == 1

    def actions_reported() -> dict[str, dict]:
        return {a["action_id"]: a for a in reported(f"/special-actions/{TOWNSHIP}")["actions"]}

    wait_for(lambda: actions_reported().get(centre["action_id"], {}).get("items_done") == 2, what="reporting's actions")
    actions = actions_reported()
    assert (actions[centre["action_id"]]["items"], actions[centre["action_id"]]["done_share"]) == (2, "1.0000")
    assert (actions[org_life["action_id"]]["items_done"], actions[org_life["action_id"]]["pilots"]) == (0, 3)
    on_october_1 = {a["action_id"]: a for a in reported(f"/special-actions/{TOWNSHIP}", date="2021-10-01")["actions"]}
    assert on_october_1[centre["action_id"]]["items_done"] == 1

    # The township's document of the task table (附件1), in the seed's columns, as xlsx and PDF.
    def document(fmt: str) -> httpx.Response:
        response = httpx.get(f"{platform.url('reporting')}/documents/{TOWNSHIP}/task_table",
                             params={"format": fmt, "date": "2022-01-01"}, headers=auth("township_org"), timeout=30)
        assert response.status_code == 200, response.text
        return response

    sheet = openpyxl.load_workbook(io.BytesIO(document("xlsx").content)).active
    cells = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(cells) if row[:7] == ("序号", "行动类别", "内容", "要求", "时间节点", "责任人", "备注"))
    body = [row[:7] for row in cells[header + 1:] if any(row)]
    first = next(i for i, row in enumerate(body) if row[1] == SERVICE_CENTRE["name"])
    assert body[first][6] == "试点样板村3个"
    assert body[first + 1][2:6] == ("坚持为民服务宗旨", SERVICE_CENTRE["items"][0]["requirement"], "11月底", "徐金亮")
    assert body[first + 1][6].startswith("已完成") and body[first + 2][4] == "10月底"
    assert SERVICE_CENTRE["name"] in {row[1] for row in body} and ORG_LIFE["name"] in {row[1] for row in body}
    pdf = document("pdf")
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"].startswith("application/pdf")

    # --- the year-end appraisal (附件2 六): each branch's ratings, organization life and pilot items of 2021 ---------
    secretary = httpx.put(f"{platform.url('screening')}/cadres/{MISSED_BRANCH}", headers=auth("township_org"), timeout=30,
                          json={"secretary": {"name": "马书记", "phone": "13800001111"}, "last_election_on": "2021-01-10"})
    assert secretary.status_code == 200, secretary.text
    appraisal_columns = ("序号", "村（党组织）", "区划代码", "党组织书记", "督导评定（按月、方式）", "年终督导评定",
                         "组织生活记录次数", "未按规定开展期数", "仍未补开期数", "试点专项行动", "事项已完成", "事项逾期")

    def appraisal(fmt: str, user: str = "township_org", status: int = 200, **params) -> httpx.Response:
        response = httpx.get(f"{platform.url('reporting')}/documents/{TOWNSHIP}/special_action_appraisal",
                             params={"format": fmt, "date": "2022-01-01", "year": 2021, **params},
                             headers=auth(user), timeout=30)
        assert response.status_code == status, response.text
        return response

    def appraisal_rows() -> dict[str, tuple]:
        cells = [tuple(row) for row in openpyxl.load_workbook(io.BytesIO(appraisal("xlsx").content)).active
                 .iter_rows(values_only=True)]
        header = next(i for i, row in enumerate(cells) if row[:12] == appraisal_columns)
        assert cells[0][0] == "2021年度基层党组织建设专项行动督导结果（村党组织书记年度考核）"
        return {row[2]: row[:12] for row in cells[header + 1:] if row[2] in BRANCHES + PILOTS}

    wait_for(lambda: len(appraisal_rows()) == 6 and appraisal_rows()[MISSED_BRANCH][3] == "马书记",
             what="the appraisal's branches and the register's secretary")
    rows = appraisal_rows()
    assert rows[MISSED_BRANCH][3:] == ("马书记", "12月 定期督导：一般；12月 年终督导：一般", "一般", 17, 1, 0,
                                       ORG_LIFE["name"], 0, 0)
    assert rows[BRANCHES[0]][4:9] == ("12月 定期督导：好；12月 年终督导：好", "好", 17, 0, 0)
    # The centre's pilots: the hall done in September; the layout due 10月底 was done only on 2022-01-01, so in 2021
    # it stayed overdue.
    assert rows[PILOTS[0]][4:] == (None, None, 0, 0, 0, SERVICE_CENTRE["name"], 1, 1)
    # As of the first of December no supervision had rated anyone and the missed period was still open (the late
    # meeting counts among the meetings by the day it was held, 11-29).
    early = {row[2]: row for row in (tuple(r) for r in openpyxl.load_workbook(io.BytesIO(
        appraisal("xlsx", date="2021-12-01").content)).active.iter_rows(values_only=True)) if row[2] == MISSED_BRANCH}
    assert early[MISSED_BRANCH][4:9] == (None, None, 10, 1, 1)     # October and November (the late one dated 11-29)
    appraisal("xlsx", year=2023, status=422)
    appraisal("xlsx", "township2_org", status=403)
    pdf = appraisal("pdf", "county_org")
    assert pdf.headers["content-type"].startswith("application/pdf")
    text = pdf_text(pdf.content)
    assert "村党组织书记年度考核" in text and "年终督导" in text and "马书记" in text


def branches_reported_on(reported, day: str) -> dict[str, dict]:
    found = reported(f"/special-actions/{TOWNSHIP}/branches", date=day, size=500)["items"]
    return {b["branch_code"]: b for b in found if b["branch_code"] in BRANCHES}
