"""A township's special actions (seed 004) in the staff console, in a real browser against a platform of its own.
The data are the demo's own steps (zhengdun_demo.special_action_steps: two actions of 附件1 with pilot villages, a
quarter of 三会一课 with one branch committee meeting missed), so this also runs `make demo`'s new stage against the
real services. The township clerk records an item's progress with its evidence (a photo uploaded) and a meeting — refused beside
会议记录 while the minutes are blank (每会必记), nothing saved — sees the branches' compliance from reporting and
downloads 附件1 as xlsx and PDF; the county reads the same page without a write button. Last, the clerk opens a new
action through the form (one pilot village refused beside the field, then two saved), schedules its pilots' organization
life and records a monthly supervision rating each pilot. Every write is checked
through the services' APIs; screenshots are kept in the run's folder."""
from __future__ import annotations

import io
import re
import time
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.integration.helpers import load_demo_divisions, wait_for
from tests.support import console_supervision as ui
from tests.support.console_casework import labelled_date
from tests.support.console import api_get, chromium, gateway, login, option_of, png, shot
from tests.support.platform import running_platform
from zhengdun_demo import special_action_steps as special
from zhengdun_demo.api import Platform as Api

TOWNSHIP = "990102101000"                                     # township_org's township
VILLAGES = [f"990102101{n}" for n in range(211, 217)]         # three pilots, then three branches
TODAY = "2021-11-25"
expect.set_options(timeout=45_000)


@pytest.fixture(scope="module")
def site():
    with running_platform() as platform:
        load_demo_divisions(platform)
        api = Api(urls={s: platform.url(s) for s in platform.services}, topic_prefix=platform.topic_prefix)
        api.set_clock(TODAY)
        started = time.perf_counter()
        story = special.run(api, "township_org", TOWNSHIP, VILLAGES, date.fromisoformat(TODAY))
        api.settle()
        print(f"\nspecial actions: data in {time.perf_counter() - started:.0f} s")
        with gateway(platform) as url:
            shots = platform.log_dir / "screenshots"
            shots.mkdir(exist_ok=True)
            with chromium() as browser:
                yield {"platform": platform, "url": url, "browser": browser, "shots": shots, "api": api, "story": story}


def actions(site, user: str = "township_org") -> dict[str, dict]:
    found = api_get(site, user, "supervision", "/special-actions", unit=TOWNSHIP, size=100)["items"]
    return {a["name"]: a for a in found}


def meetings(site, **params) -> int:
    return api_get(site, "county_org", "supervision", "/org-life/meetings", unit=TOWNSHIP, size=1, **params)["total"]


def test_the_demo_steps_keep_two_actions_and_a_quarter_with_one_missed_meeting(site):
    story = site["story"]
    assert (story.items_done, story.items_total, story.meetings) == (2, 5, 23)
    assert special.summary(site["api"], "county_org", TOWNSHIP) == (
        f"2 special actions of township {TOWNSHIP}, 2/5 items done, 23 meetings recorded, 1 special-action alerts raised")
    [alert] = api_get(site, "county_org", "supervision", "/alerts", campaign=story.schedule_id, status="all")["items"]
    branch, kind, month = story.missed
    assert (alert["rule"], alert["village_code"], alert["status"]) == ("org_life_missing", branch, "open")
    assert alert["key"].endswith(f":{branch}:{kind}:{month}")
    assert {a["name"]: len(a["pilot_villages"]) for a in actions(site).values()} == {
        "村干部管理规范化专项行动": 3, "组织生活规范化专项行动": 3}


def open_page(site, user: str) -> Page:
    page = login(site, user, "/special-actions")
    expect(page.locator("[data-test=actions-table]")).to_contain_text("村干部管理规范化专项行动")
    expect(page.locator("[data-test=actions-table]")).to_contain_text("组织生活规范化专项行动")
    return page


def choose_action(page: Page, name: str) -> None:
    page.locator("[data-test=actions-table] .el-table__body tr").filter(has_text=name).first.click()
    expect(page.locator("[data-test=chosen-action]")).to_contain_text(name)


def compliance_row(page: Page, branch: str):
    return page.locator("[data-test=branch-compliance] .el-table__body tr").filter(
        has=page.locator(f"[data-test=div-{branch}]"))


def test_township_clerk_records_progress_and_a_meeting_and_sees_the_compliance(site):
    page = open_page(site, "township_org")
    shot(site, page, "special-actions-01-township")

    # --- an item's progress, done with its evidence -----------------------------------------------
    choose_action(page, "村干部管理规范化专项行动")
    cadres = actions(site)["村干部管理规范化专项行动"]
    training = next(i for i in cadres["items"] if i["project"] == "提升履职能力水平")
    assert training["status"] == "open" and training["records"] == 1
    page.click(f"[data-test=record-progress-{training['position']}]")
    form = ui.dialog(page, "记录进展")
    form.locator("textarea[data-test=progress-text]").fill("三个试点村村干部集中轮训均已完成")
    form.locator("[data-test=progress-done]").click()
    form.locator("[data-test=form-submit]").click()             # done without evidence: refused in the browser
    expect(ui.item(form, "佐证材料").locator(".el-form-item__error")).to_contain_text("佐证材料")
    form.locator("textarea[data-test=progress-evidence]").fill("轮训签到表、培训照片")
    ui.attach(form, "轮训照片.png")
    shot(site, page, "special-actions-02-progress-form")
    ui.save(page, form, "任务标记为已完成")
    expect(page.locator(f"[data-test=item-status-{training['position']}]")).to_have_text("已完成")
    done = next(i for i in actions(site)["村干部管理规范化专项行动"]["items"] if i["item_id"] == training["item_id"])
    assert (done["status"], done["done_on"], done["records"]) == ("done", TODAY, 2)
    progress = api_get(site, "county_org", "supervision", f"/special-actions/{cadres['action_id']}/progress",
                       item=training["item_id"])["items"]
    [record] = [p for p in progress if p["done"]]
    assert record["evidence"] == "轮训签到表、培训照片"
    assert [(f["filename"], f["size"]) for f in record["attachments"]] == [("轮训照片.png", len(png()))]
    file_id = record["attachments"][0]["file_id"]
    with page.expect_download() as got:                         # the photo, read back from the progress records
        page.click(f"[data-test=progress-file-{file_id}]")
    assert got.value.suggested_filename == "轮训照片.png" and got.value.path().read_bytes() == png()
    shot(site, page, "special-actions-03-item-done")

    # --- a meeting: refused beside 会议记录 without minutes (每会必记), then recorded ---------------------
    branch = site["story"].missed[0]
    before = meetings(site, kind="party_lecture")
    page.click("[data-test=add-meeting]")
    form = ui.dialog(page, "记录组织生活")
    ui.choose(form, "meeting-branch", branch)
    ui.choose(form, "meeting-kind", "党课")
    ui.names(form, "meeting-attendees", "支部书记", "党员甲")
    form.locator("input[data-test=meeting-topic]").fill("学习党章")
    form.locator("[data-test=form-submit]").click()
    expect(ui.item(form, "会议记录").locator(".el-form-item__error")).to_contain_text("每会必记")
    shot(site, page, "special-actions-04-minutes-refused")
    assert meetings(site, kind="party_lecture") == before
    form.locator("textarea[data-test=meeting-minutes]").fill("书记讲党课，学习党章第一章。")
    ui.save(page, form, "已记录组织生活")
    assert meetings(site, kind="party_lecture") == before + 1
    page.locator("[data-test=meetings-kind]").click()          # the township's lectures: the quarter's three and today's
    option_of(page.locator("[data-test=meetings-kind]"), "党课").click()
    expect(page.locator("[data-test=meetings-table] .el-table__body tr")).to_have_count(4)
    expect(page.locator("[data-test=meetings-table]")).to_contain_text("书记讲党课")

    # --- the branches' compliance from reporting: the missed meeting's branch counts its late lecture too ----
    expected = "党课 2"                                       # the quarter's lecture and today's
    def shown() -> bool:
        page.click("[data-test=compliance-refresh]")
        page.wait_for_load_state("networkidle")
        return expected in compliance_row(page, branch).inner_text()
    wait_for(shown, what="the compliance to count the new lecture")
    cells = compliance_row(page, branch).locator("td").all_inner_texts()
    assert cells[3].strip() == "1"                              # its missed committee meeting
    shot(site, page, "special-actions-05-compliance")

    # --- 附件1 as xlsx and PDF ----------------------------------------------------------------------
    with page.expect_download() as got:
        page.click("[data-test=task-table-xlsx]")
    sheet = openpyxl.load_workbook(io.BytesIO(got.value.path().read_bytes())).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "村干部管理规范化专项行动" in text and "提升履职能力水平" in text
    with page.expect_download() as got:
        page.click("[data-test=task-table-pdf]")
    assert got.value.path().read_bytes().startswith(b"%PDF")

    # --- the year-end appraisal of the platform's year (seed 004 附件2 六), one row per branch ---------------------
    with page.expect_download() as got:
        page.click("[data-test=appraisal-xlsx]")
    sheet = openpyxl.load_workbook(io.BytesIO(got.value.path().read_bytes())).active
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert "专项行动督导结果（村党组织书记年度考核）" in text and branch in text
    page.context.close()


def test_county_reads_the_page_without_write_buttons(site):
    page = open_page(site, "county_org")
    expect(page.locator("[data-test=read-only]")).to_be_visible()
    choose_action(page, "组织生活规范化专项行动")
    expect(page.locator("[data-test=task-table]")).to_contain_text("规范组织生活记实")
    expect(page.locator("[data-test=branch-compliance] .el-table__body tr")).to_have_count(3)
    expect(page.locator("[data-test=meetings-table]")).to_be_visible()
    expect(page.locator("[data-test^=record-progress-]")).to_have_count(0)
    expect(page.locator("[data-test=add-meeting]")).to_have_count(0)
    shot(site, page, "special-actions-06-county-read-only")
    page.context.close()


def pick(form, field: str, *options: str) -> None:
    """Options of a multiple select clicked one by one, the dropdown closed after each (as a person does)."""
    select = form.locator(f"[data-test={field}]")
    for option in options:
        select.click()
        option_of(select, option).click()    # its own dropdown's: the last one may still be closing (seen under load)
        expect(form.locator(f"[data-test={field}] .el-tag").filter(has_text=option)).to_have_count(1)
        form.locator(".el-dialog__title").click()


def test_township_clerk_opens_an_action_schedules_its_pilots_and_records_a_rated_supervision(site):
    name = "党建引领富民兴村专项行动"
    pilots = VILLAGES[3:5]
    page = open_page(site, "township_org")

    # --- 新建专项行动: one pilot village is refused beside the field (2-4), nothing saved; two are saved -------
    page.click("[data-test=add-action]")
    form = ui.dialog(page, "新建专项行动")
    form.locator("input[data-test=action-name]").fill(name)
    labelled_date(form, "结束日期", "2022年11月24日")
    pick(form, "action-pilots", pilots[0])
    row = form.locator("[data-test=action-item-1]")
    row.locator("input[data-test=item-project]").fill("发展壮大村级集体经济")
    row.locator("textarea[data-test=item-content]").fill("每个试点村培育一个增收项目")
    row.locator("textarea[data-test=item-requirement]").fill("年底前试点村集体经济收入均达到10万元以上")
    row.locator("input[data-test=item-time-node]").fill("12月底")
    due = row.get_by_placeholder("最迟完成日期")
    due.click()
    due.fill("2021年12月31日")
    due.press("Enter")
    row.locator("input[data-test=item-responsible]").fill("陆波")
    form.locator("[data-test=form-submit]").click()
    expect(ui.item(form, "试点样板村").locator(".el-form-item__error")).to_contain_text("2-4")
    shot(site, page, "special-actions-07-one-pilot-refused")
    assert name not in actions(site)
    pick(form, "action-pilots", pilots[1])
    ui.save(page, form, "已新建专项行动")
    expect(page.locator("[data-test=actions-table]")).to_contain_text(name)
    made = actions(site)[name]
    assert (made["township_code"], sorted(made["pilot_villages"]), made["ends_on"]) == (TOWNSHIP, pilots, "2022-11-24")
    [item] = made["items"]
    assert (item["project"], item["time_node"], item["due_on"], item["responsible_name"]) == (
        "发展壮大村级集体经济", "12月底", "2021-12-31", "陆波")
    shot(site, page, "special-actions-08-action-opened")

    # --- 组织生活计划 for the new pilots under the new action: 三会一课 by default, from today, long-term -------
    page.click("[data-test=add-schedule]")
    form = ui.dialog(page, "制定组织生活计划")
    pick(form, "schedule-branches", *pilots)
    ui.choose(form, "schedule-action", name)
    ui.save(page, form, "已制定组织生活计划")
    expect(page.locator("[data-test=schedules-table] .el-table__body tr")).to_have_count(2)
    [schedule] = [s for s in api_get(site, "county_org", "supervision", "/org-life/schedules", unit=TOWNSHIP)["items"]
                  if s["action_id"] == made["action_id"]]
    assert (sorted(schedule["branch_codes"]), schedule["kinds"], schedule["starts_on"], schedule["ends_on"]) == (
        pilots, list(special.KINDS), TODAY, None)

    # --- 专项督导: a monthly supervision (25th to the month's end) of the two pilots, rated 好 and 较好 --------
    page.click("[data-test=add-supervision]")
    form = ui.dialog(page, "记录专项督导")
    ui.choose(form, "supervision-mode", "定期督导")
    pick(form, "supervision-actions", name)
    pick(form, "supervision-branches", *pilots)
    for branch, rating in zip(pilots, ("好", "较好")):
        form.locator(f"[data-test=rating-{branch}] .el-radio-button").filter(
            has_text=re.compile(rf"^\s*{rating}\s*$")).click()
    ui.names(form, "supervision-inspectors", "组织委员")
    form.locator("textarea[data-test=supervision-findings]").fill("试点村增收项目已选定，台账齐全")
    shot(site, page, "special-actions-09-supervision-form")
    ui.save(page, form, "已记录专项督导")
    expect(page.locator(f"[data-test=supervision-result-{pilots[0]}]")).to_contain_text("好")
    expect(page.locator(f"[data-test=supervision-result-{pilots[1]}]")).to_contain_text("较好")
    [record] = api_get(site, "county_org", "supervision", "/special-action-supervisions", unit=TOWNSHIP)["items"]
    assert (record["mode"], record["held_on"], record["action_ids"], record["inspectors"]) == (
        "monthly", TODAY, [made["action_id"]], ["组织委员"])
    assert {r["branch_code"]: r["rating"] for r in record["results"]} == {pilots[0]: "good", pilots[1]: "fair"}
    shot(site, page, "special-actions-10-supervision-recorded")
    page.context.close()
