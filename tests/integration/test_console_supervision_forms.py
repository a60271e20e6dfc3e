"""Supervision and user management as forms in the staff console (issue 18), in a real browser against a
platform of its own: the county organization department records this month's planned inspection from its
to-do list (with a photo as evidence); the city's supervision group follows up a demand of its inspection;
the county standing committee holds a township cadre to account — refused beside 依据 while a ground is
unknown, nothing saved — and evaluates a contact leader at the county's study of a village in continued
rectification; a township clerk sees only the form it may use (五到位) and records it; the standing committee
records 四统一 (its per-village analysis refused beside 涉及的村 while a village lies outside the county) and
the county organization department 五统一; and the township's organization staff see each user's roles and
create, disable, move and restore a user of one of its villages. Every write is checked through
the services' APIs; screenshots are kept in the run's folder."""
from __future__ import annotations

import time
import uuid
from urllib.parse import unquote

import httpx
import pytest
from playwright.sync_api import expect

from tests.support import console_supervision as steps_ui
from tests.integration.test_bulk_users import xlsx
from tests.integration.test_identity import keycloak_admin
from tests.support.campaign import campaign_until_cases_open
from tests.support.console import api_get, chromium, gateway, login, shot
from tests.support.platform import running_platform
from zhengdun_demo.api import Platform as Api
from zhengdun_demo.client import auth

CITY, COUNTY, TOWNSHIP = "990100000000", "990102000000", "990102101000"
VILLAGE, VILLAGE2, VILLAGE3 = "990102101201", "990102101202", "990102101203"
TODAY = "2021-06-08"      # continued rectification: the concentrated phase ended on 31 May 2021
expect.set_options(timeout=45_000)


def campaign_in_continued_rectification(api: Api) -> dict:
    """One county of two townships taken through screening by the realm's demo users (as in
    test_console_browser), the case of VILLAGE given its contact leader, the clock moved past the
    concentrated phase (every case continues), the county's study of VILLAGE, a monthly inspection plan of
    the county, and one inspection of the township by the city's supervision group (a finding, a demand)."""
    opened = campaign_until_cases_open(api)
    cid, cases, people = opened["campaign_id"], opened["cases"], opened["people"]
    api.put("county_org", "casework", f"/cases/{cases[VILLAGE]}/contact-leader", {"leader": {
        "name": "王联系", "post": "县委常委", "rank": "county", "unit": COUNTY, "user_id": people.get("contact_leader")},
        "assigned_on": "2020-08-22"})

    api.set_clock(TODAY, wait=300)
    api.wait(lambda: api.get("county_org", "casework", f"/cases/{cases[VILLAGE]}")["phase"] == "continued", "continued phase", 180)
    api.post("county_committee", "casework", f"/cases/{cases[VILLAGE]}/continued/study", {
        "studied_on": TODAY, "meeting": "县委常委会专题研究", "conclusion": "转入持续整顿，挂牌督办"})
    plan = api.post("county_org", "supervision", "/inspection-plans", {
        "unit_code": COUNTY, "title": "县委组织部每月定期督导", "kind": "scheduled", "day_from": 1, "starts_on": "2021-06-01"})
    inspection = api.post("supervisor", "supervision", "/inspections", {
        "kind": "unannounced", "unit_code": TOWNSHIP, "inspected_on": "2021-06-03", "inspectors": ["市委督导组"],
        "findings": [{"text": "联系领导未按月到村走访", "village_code": VILLAGE}],
        "demands": [{"text": "补齐走访记录并说明情况", "deadline": "2021-06-20"}]})
    api.settle()
    return {"campaign_id": cid, "case_id": cases[VILLAGE], "plan_id": plan["plan_id"], "inspection": inspection}


@pytest.fixture(scope="module")
def site():
    with running_platform() as platform:
        api = Api(urls={s: platform.url(s) for s in platform.services}, topic_prefix=platform.topic_prefix)
        started = time.perf_counter()
        data = campaign_in_continued_rectification(api)
        print(f"\nsupervision forms: data in {time.perf_counter() - started:.0f} s")
        with gateway(platform) as url:
            shots = platform.log_dir / "screenshots"
            shots.mkdir(exist_ok=True)
            with chromium() as browser:
                yield {"platform": platform, "url": url, "browser": browser, "shots": shots, "api": api, **data}


def tasks_of(site, user: str) -> list[dict]:
    return api_get(site, user, "supervision", "/tasks", size=200)["items"]


def test_county_records_the_planned_inspection_from_its_to_do_list_with_a_photo(site):
    assert any(t["kind"] == "supervision.inspection" for t in tasks_of(site, "county_org"))
    page = login(site, "county_org")
    steps_ui.open_task(page, site, "本月定期督导")
    form = steps_ui.fill_inspection(page, unit=TOWNSHIP, inspectors=["李县组", "组织科干部"], finding="村务公开栏两月未更新",
                                    village=VILLAGE2, demand="一周内更新村务公开栏", deadline="2021年6月30日",
                                    photo="督导现场.png")
    expect(form.locator("[data-test=inspection-plan]")).to_contain_text("县委组织部每月定期督导")
    shot(site, page, "supervision-01-inspection-form")
    steps_ui.save(page, form, "已记录督导检查")
    expect(page.locator("[data-test=inspections-table]")).to_contain_text("组织科干部")
    shot(site, page, "supervision-02-inspection-saved")

    found = [i for i in api_get(site, "county_org", "supervision", "/inspections", size=100)["items"]
             if i["plan_id"] == site["plan_id"]]
    assert len(found) == 1
    saved = found[0]
    assert saved["kind"] == "scheduled" and saved["unit_code"] == TOWNSHIP and saved["inspected_on"] == TODAY
    assert saved["inspectors"] == ["李县组", "组织科干部"]
    assert [(f["text"], f["village_code"]) for f in saved["findings"]] == [("村务公开栏两月未更新", VILLAGE2)]
    assert [(d["text"], d["deadline"]) for d in saved["demands"]] == [("一周内更新村务公开栏", "2021-06-30")]
    assert [a["filename"] for a in saved["attachments"]] == ["督导现场.png"]
    # The month's inspection is done: gone from the to-do list; its demand is now one to follow up.
    kinds = [t["kind"] for t in tasks_of(site, "county_org")]
    assert "supervision.inspection" not in kinds and "supervision.follow_up" in kinds
    assert not any("本月定期督导" in row for row in steps_ui.task_texts(page, site))
    page.context.close()


def test_supervision_group_follows_up_its_demand_from_the_to_do_list(site):
    inspection = site["inspection"]
    demand = inspection["demands"][0]
    assert any(t["kind"] == "supervision.follow_up" and demand["demand_id"] in t["task_id"] for t in tasks_of(site, "supervisor"))
    page = login(site, "supervisor")
    steps_ui.open_task(page, site, "补齐走访记录")
    expect(steps_ui.dialog(page, "跟踪落实整改要求").locator("[data-test=follow-up-demand]")).to_contain_text("补齐走访记录并说明情况")
    shot(site, page, "supervision-03-follow-up-form")
    steps_ui.follow_up(page, note="走访记录已补齐，联系领导作出书面说明")
    shot(site, page, "supervision-04-follow-up-saved")

    after = [i for i in api_get(site, "supervisor", "supervision", "/inspections", size=100)["items"]
             if i["inspection_id"] == inspection["inspection_id"]][0]
    assert after["demands"][0]["done_on"] == TODAY
    assert after["follow_ups"][-1]["met"] is True and after["follow_ups"][-1]["note"] == "走访记录已补齐，联系领导作出书面说明"
    assert not any(demand["demand_id"] in t["task_id"] for t in tasks_of(site, "supervisor"))
    page.context.close()


def test_standing_committee_holds_to_account_refused_beside_its_grounds_until_they_are_known(site):
    finding = site["inspection"]["findings"][0]
    before = api_get(site, "county_committee", "supervision", "/accountability")["total"]
    page = login(site, "county_committee", "/supervision/accountability")
    page.click("[data-test=add-accountability]")
    form = steps_ui.fill_accountability(page, unit=TOWNSHIP, person="冯某", post="乡镇党委组织委员", grounds=["F-000000000000"],
                                        reason="督导发现联系领导未按月到村走访，乡镇督促不力", decided_by="县委常委会")
    form.locator("[data-test=form-submit]").click()
    grounds = steps_ui.item(form, "依据")
    expect(grounds.locator(".el-form-item__error")).to_contain_text("以下依据不存在")
    expect(form.locator("input[data-test=accountability-person]")).to_have_value("冯某")          # the input is kept
    shot(site, page, "supervision-05-accountability-refused")
    assert api_get(site, "county_committee", "supervision", "/accountability")["total"] == before     # nothing saved

    form.locator("[data-test=accountability-grounds] .el-tag .el-tag__close").first.click()
    steps_ui.choose(form, "accountability-grounds", "督导发现（2021-06-03）：联系领导未按月到村走访")   # the finding, from the list
    form.locator(".el-dialog__title").click()
    expect(grounds.locator(".el-form-item__error")).to_have_count(0)
    steps_ui.save(page, form, "已记录问责决定")
    expect(page.locator("[data-test=accountability-table]")).to_contain_text("冯某")
    shot(site, page, "supervision-06-accountability-saved")
    items = api_get(site, "county_committee", "supervision", "/accountability")["items"]
    assert len(items) == before + 1
    decided = [a for a in items if a["person"] == "冯某"][0]
    assert decided["grounds"] == [finding["finding_id"]] and decided["kind"] == "talk" and decided["subject_code"] == TOWNSHIP
    assert decided["decided_by"] == "县委常委会" and decided["decided_on"] == TODAY
    page.context.close()


def test_standing_committee_evaluates_the_contact_leader_at_the_county_study(site):
    mine = [t for t in tasks_of(site, "county_committee") if t["kind"] == "supervision.evaluation" and "王联系" in t["title"]]
    assert len(mine) == 1
    page = login(site, "county_committee")
    steps_ui.open_task(page, site, "王联系")
    form = steps_ui.dialog(page, "持续整顿评价")
    expect(form.locator("input[data-test=evaluation-person]")).to_have_value("王联系")
    shot(site, page, "supervision-07-evaluation-form")
    steps_ui.record_evaluation(page, grade="称职", comment="按月到村走访，推动解决问题较好")
    shot(site, page, "supervision-08-evaluation-saved")

    book = api_get(site, "county_committee", "casework", f"/cases/{site['case_id']}")
    evaluations = api_get(site, "county_committee", "supervision", "/evaluations", role="contact_leader")["items"]
    assert [(e["person"], e["grade"], e["subject_code"], e["study_id"]) for e in evaluations] == [
        ("王联系", "competent", VILLAGE, book["continued"]["study"]["study_id"])]
    assert not any(t["task_id"] == mine[0]["task_id"] for t in tasks_of(site, "county_committee"))
    page.context.close()


def test_township_clerk_sees_only_the_forms_it_may_use_and_records_five_in_place(site):
    page = login(site, "township_org", "/supervision/inspections")
    expect(page.locator("[data-test=inspections-table]")).to_be_visible()
    expect(page.locator("[data-test=add-inspection]")).to_have_count(0)
    page.goto(site["url"] + "/supervision/accountability")
    expect(page.locator("[data-test=accountability-table]")).to_be_visible()
    expect(page.locator("[data-test=add-accountability]")).to_have_count(0)
    page.goto(site["url"] + "/supervision/evaluations")
    expect(page.locator("[data-test=evaluations-table]")).to_be_visible()
    expect(page.locator("[data-test=add-evaluation]")).to_have_count(0)
    # The services hold the same line.
    refused = httpx.post(site["platform"].url("supervision") + "/inspections", headers=auth("township_org"), json={
        "kind": "unannounced", "unit_code": VILLAGE, "inspected_on": TODAY, "inspectors": ["镇组"]})
    assert refused.status_code == 403

    page.goto(site["url"] + "/supervision/campaign-records")
    expect(page.locator("[data-test=add-campaign-record]")).to_have_text("记录五到位")
    page.click("[data-test=add-campaign-record]")
    form = steps_ui.dialog(page, "记录五到位")
    form.locator("[data-test=record-kind]").click()
    options = page.locator(".el-select-dropdown__item:visible")
    expect(options).to_have_count(5)          # only the township's 五到位, none of the county's 四统一/五统一
    expect(page.locator(".el-select-group__title:visible")).to_have_text(["五到位（乡镇党委）"])
    form.locator(".el-dialog__title").click()
    form.locator("button").filter(has_text="取消").click()
    steps_ui.record_campaign_record(page, site, kind="整顿工作队全部派驻到位", attendees=["镇党委书记", "组织委员"],
                                    content="各村整顿工作队已全部派驻到村，逐村明确任务")
    expect(page.locator("[data-test=campaign-records-table]")).to_contain_text("各村整顿工作队已全部派驻到村")
    shot(site, page, "supervision-09-five-in-place")
    records = api_get(site, "township_org", "supervision", "/campaign-records")["items"]
    assert [(r["kind"], r["unit_code"], r["attendees"], r["held_on"]) for r in records] == [
        ("teams_in_place", TOWNSHIP, ["镇党委书记", "组织委员"], TODAY)]
    page.context.close()


def test_township_staff_create_disable_and_move_a_user_of_a_village(site):
    # A township principal manages no users: no menu entry.
    principal = login(site, "township_principal")
    expect(principal.locator("[data-test=nav-tasks]")).to_be_visible()
    expect(principal.locator("[data-test=nav-users]")).to_have_count(0)
    principal.context.close()

    page = login(site, "township_org")
    page.click("[data-test=nav-users]")
    expect(page.locator("[data-test=users-table]")).to_be_visible()
    listed = api_get(site, "township_org", "screening", "/users", size=20)
    expect(page.locator(".el-pagination__total")).to_contain_text(str(listed["total"]))
    expect(page.locator("[data-test=users-table] .el-table__body tr")).to_have_count(len(listed["items"]))
    first, last = listed["items"][0]["username"], listed["items"][-1]["username"]
    expect(page.locator("[data-test=users-table] .el-table__body tr").first).to_contain_text(first)
    expect(page.locator("[data-test=users-table] .el-table__body tr").last).to_contain_text(last)
    shot(site, page, "users-01-list")
    # Each user's roles in Chinese, as the list answers them (the level role follows the unit, not shown). Found by
    # login name: Keycloak is shared, and other runs' accounts of this township may fill the first page.
    roles = {name: api_get(site, "township_org", "screening", "/users", username=name)["items"][0]["roles"]
             for name in ("team_leader", "township_org")}
    assert "work_team_leader" in roles["team_leader"] and {"org_staff", "township_committee"} <= set(roles["township_org"])
    steps_ui.find_user(page, "team_leader")
    expect(page.locator("[data-test=user-roles-team_leader]")).to_have_text("整顿工作队队长")
    steps_ui.find_user(page, "township_org")
    expect(page.locator("[data-test=user-roles-township_org] .el-tag")).to_have_text(["组织部门工作人员", "乡镇党委"])

    # A login name already taken: refused beside 登录名, the input kept, nobody created; then corrected.
    form = steps_ui.fill_user(page, unit=VILLAGE2, username="team_leader", family_name="林", given_name="队员",
                              role="整顿工作队队员", password="demo-pass-2021")
    form.locator("[data-test=form-submit]").click()
    expect(steps_ui.item(form, "登录名").locator(".el-form-item__error")).to_contain_text("用户名 team_leader 已存在")
    expect(form.locator("input[data-test=user-given-name]")).to_have_value("队员")
    shot(site, page, "users-02-refused-duplicate")
    assert [u["unit"] for u in api_get(site, "township_org", "screening", "/users", username="team_leader")["items"]] == [VILLAGE]

    username = f"zd-team-{uuid.uuid4().hex[:8]}"
    form.locator("input[data-test=user-username]").fill(username)
    steps_ui.save(page, form, "已创建用户")
    created = api_get(site, "township_org", "screening", "/users", username=username)["items"]
    assert len(created) == 1 and created[0]["unit"] == VILLAGE2 and created[0]["enabled"] is True
    assert "work_team_member" in created[0]["roles"] and created[0]["family_name"] == "林"
    shot(site, page, "users-03-created")

    steps_ui.disable_user(page, username)
    assert api_get(site, "township_org", "screening", "/users", username=username)["items"][0]["enabled"] is False
    steps_ui.move_user(page, username, VILLAGE3)
    moved = api_get(site, "township_org", "screening", "/users", username=username)["items"][0]
    assert moved["unit"] == VILLAGE3 and moved["enabled"] is False
    shot(site, page, "users-04-moved")

    # Restored: the account may log in again, still in the village it was moved to, with its role.
    steps_ui.enable_user(page, username)
    expect(page.locator(f"[data-test=user-roles-{username}]")).to_have_text("整顿工作队队员")
    restored = api_get(site, "township_org", "screening", "/users", username=username)["items"][0]
    assert restored["enabled"] is True and restored["unit"] == VILLAGE3 and "work_team_member" in restored["roles"]
    shot(site, page, "users-05-restored")
    page.context.close()


def test_township_staff_open_their_villages_accounts_from_a_spreadsheet(site):
    """批量开设账号: a file with a role nobody has is refused beside its row and column, nothing made; the
    corrected file makes both accounts, which the list then shows with their roles in Chinese."""
    page = login(site, "township_org")
    page.click("[data-test=nav-users]")
    card = page.locator("[data-test=users-import]")
    expect(card).to_be_visible()
    template = page.locator("[data-test=users-template]").get_attribute("href")
    header, example = unquote(template.split(",", 1)[1]).lstrip("\ufeff").strip().split("\r\n")
    assert header.split(",") == ["登录名", "姓", "名", "所属单位", "角色", "初始密码", "电子邮箱"]
    assert example.split(",")[4] == "整顿工作队队长"      # a township opens its villages' accounts

    tag = uuid.uuid4().hex[:8]
    secretary, member = f"sheet-sec-{tag}", f"sheet-mem-{tag}"
    columns = ["登录名", "姓", "名", "所属单位", "角色", "初始密码", "电子邮箱"]
    wrong = [columns, [secretary, "周", "书记", VILLAGE2, "村长", "initial-Passw0rd", None],
             [member, "吴", "队员", VILLAGE3, "整顿工作队队员", "initial-Passw0rd", None]]
    right = [columns, wrong[1][:4] + ["村党组织书记"] + wrong[1][5:], wrong[2]]
    upload = card.locator(".el-upload__input")
    try:
        upload.set_input_files({"name": "村级账号.xlsx", "buffer": xlsx(wrong),
                                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
        expect(page.locator("[data-test=users-refusal]")).to_be_visible()
        errors = page.locator("[data-test=users-errors] .el-table__body tr")
        expect(errors).to_have_count(1)
        expect(errors.first).to_contain_text("2")
        expect(errors.first).to_contain_text("角色")
        expect(errors.first).to_contain_text("村长")
        assert api_get(site, "township_org", "screening", "/users", username=secretary)["items"] == []
        shot(site, page, "users-06-import-refused")

        upload.set_input_files({"name": "村级账号.xlsx", "buffer": xlsx(right),
                                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
        expect(page.locator("[data-test=users-result]")).to_contain_text("新建 2 个账号，已存在 0 个")
        made = {name: api_get(site, "township_org", "screening", "/users", username=name)["items"] for name in (secretary, member)}
        assert [(u["unit"], "village_secretary" in u["roles"]) for u in made[secretary]] == [(VILLAGE2, True)]
        assert [(u["unit"], "work_team_member" in u["roles"]) for u in made[member]] == [(VILLAGE3, True)]
        page.locator("input[data-test=users-username]").fill(secretary)
        page.locator("input[data-test=users-username]").press("Enter")
        expect(page.locator(f"[data-test=user-roles-{secretary}]")).to_have_text("村党组织书记")
        expect(page.locator("[data-test=users-table] .el-table__body tr")).to_have_count(1)
        expect(page.locator(".el-loading-mask:visible")).to_have_count(0)     # the shot shows the list, not its reload
        shot(site, page, "users-07-imported")
    finally:   # Keycloak is shared by every run
        admin = keycloak_admin()
        for user in admin.get_users({"search": f"sheet-*-{tag}", "max": 10}):
            admin.delete_user(user["id"])
        page.context.close()


def test_county_makes_an_inspection_plan_whose_month_appears_in_its_to_do_list(site):
    page = login(site, "county_org")
    steps_ui.make_plan(page, site, title="月末专项督导")
    expect(page.locator(".el-table").filter(has_text="月末专项督导").first).to_be_visible()      # the plans table
    shot(site, page, "supervision-10-plan-saved")
    plans = [p for p in api_get(site, "county_org", "supervision", "/inspection-plans", size=100)["items"] if p["title"] == "月末专项督导"]
    assert [(p["unit_code"], p["kind"], p["day_from"], p["day_to"], p["starts_on"], p["ends_on"]) for p in plans] == [
        (COUNTY, "scheduled", 25, None, TODAY, None)]
    assert any("月末专项督导" in row for row in steps_ui.task_texts(page, site))
    page.context.close()


def test_standing_committee_records_its_village_analysis_of_four_unified(site):
    page = login(site, "county_committee")
    outside = "990103101201"      # a village of the other county
    form = steps_ui.fill_campaign_record(page, site, kind="逐村剖析、制定整顿工作意见", attendees=["县委书记", "县委常委"],
                                         content="逐村剖析软弱涣散成因，一村一策制定整顿工作意见", villages=(VILLAGE, outside))
    form.locator("[data-test=form-submit]").click()
    villages = steps_ui.item(form, "涉及的村")
    expect(villages.locator(".el-form-item__error")).to_contain_text(f"以下村不在 {COUNTY}：{outside}")
    expect(form.locator("textarea[data-test=record-content]")).to_have_value("逐村剖析软弱涣散成因，一村一策制定整顿工作意见")
    shot(site, page, "supervision-11-four-unified-refused")
    assert api_get(site, "county_committee", "supervision", "/campaign-records", kind="county_analysis")["total"] == 0   # nothing saved

    form.locator("[data-test=record-villages] .el-tag").filter(has_text=outside).locator(".el-tag__close").click()
    steps_ui.save(page, form, "已记录")
    expect(page.locator("[data-test=campaign-records-table]")).to_contain_text("一村一策制定整顿工作意见")
    shot(site, page, "supervision-12-four-unified")
    records = api_get(site, "county_committee", "supervision", "/campaign-records", kind="county_analysis")["items"]
    assert [(r["kind"], r["group"], r["unit_code"], r["attendees"], r["village_codes"], r["held_on"]) for r in records] == [
        ("county_analysis", "four_unified", COUNTY, ["县委书记", "县委常委"], [VILLAGE], TODAY)]
    page.context.close()


def test_county_organization_department_records_five_unified_training(site):
    page = login(site, "county_org")
    page.goto(site["url"] + "/supervision/campaign-records")
    expect(page.locator("[data-test=add-campaign-record]")).to_have_text("记录五统一")   # not the committee's 四统一
    steps_ui.record_campaign_record(page, site, kind="统一开展培训", attendees=["各村整顿工作队队员"],
                                    content="集中培训整顿工作队，讲解问题清单和工作台账")
    expect(page.locator("[data-test=campaign-records-table]")).to_contain_text("集中培训整顿工作队")
    shot(site, page, "supervision-13-five-unified")
    records = api_get(site, "county_org", "supervision", "/campaign-records", kind="unified_training")["items"]
    assert [(r["group"], r["unit_code"], r["attendees"], r["content"], r["held_on"]) for r in records] == [
        ("five_unified", COUNTY, ["各村整顿工作队队员"], "集中培训整顿工作队，讲解问题清单和工作台账", TODAY)]
    page.context.close()
