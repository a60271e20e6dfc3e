"""One village's whole life by clicking, in a real browser (issue 18): no API call changes anything (the
API is read to check, and the platform's clock is moved as the demo moves it); everything is done in the
staff console by the people who would do it, each logging in as themself and finding the step in their
to-do list (我的待办) first where the platform lists it:

the province imports its division registry (a file with an error refused row by row first) → the city
opens the campaign and sets its acceptance standard → the township assesses its villages in one
table, meets, notices and submits → the county draws, visits and its standing committee decides → the case
opens → the county stations the team and names the contact leader → the work team draws up the three lists
→ two months of the contact leader's visits and the team's progress with an uploaded photo, the measure
completed → the application signed by the team leader and the village secretary → the township's and the
county's acceptance with every department's opinion, signed and sealed → survey → notice → delisting.

After each step its to-do item is gone, and the county's home page shows reporting's figures as they move
(screened, listed, in rectification, accepted, delisted). The journey's clicks and time, per step and in
all, are printed and kept beside the screenshots (village-life.json). The tests run in order: each takes the
village from where the previous one left it."""
from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.support import console_acceptance as acc
from tests.support import console_casework as cw
from tests.support import console_screening as scr
from tests.support.console import api_get, chromium, gateway, login, option_of, png, shot
from tests.support.platform import running_platform
from zhengdun_demo.api import Platform as Api
from zhengdun_demo.synthetic import generate_province, to_csv

CITY, COUNTY, TOWNSHIP = "990100000000", "990102000000", "990102101000"
VILLAGE = "990102101201"     # the realm's team_leader, team_member and village_secretary work here
CAMPAIGN_NAME = "示范市软弱涣散村党组织整顿"
expect.set_options(timeout=45_000)
JOURNEY: dict = {"steps": [], "campaign_id": None, "case_id": None, "acceptance_id": None}


@pytest.fixture(scope="module")
def site():
    """A platform of its own on 2020-07-01, the console in front of it, a browser that counts every click,
    and the registry file of one county of one township of eight villages for the province to import."""
    with running_platform() as platform:
        api = Api(urls={s: platform.url(s) for s in platform.services}, topic_prefix=platform.topic_prefix)
        api.set_clock("2020-07-01")
        rows = generate_province(cities=1, counties_per_city=1, townships_per_county=1, villages_per_township=8)
        clicks = {"count": 0}

        def count_clicks(context: BrowserContext) -> None:
            context.expose_binding("__zdClicked", lambda _source: clicks.__setitem__("count", clicks["count"] + 1))
            context.add_init_script("document.addEventListener('click', () => window.__zdClicked(), true)")

        with gateway(platform) as url:
            shots = platform.log_dir / "screenshots"
            shots.mkdir(exist_ok=True)
            with chromium() as browser:
                yield {"platform": platform, "url": url, "browser": browser, "shots": shots, "api": api, "rows": rows,
                       "names": {r.code: r.name for r in rows}, "clicks": clicks, "on_context": count_clicks}
        report = platform.log_dir / "village-life.json"
        report.write_text(json.dumps(JOURNEY, ensure_ascii=False, indent=1))
        print(f"\nvillage life: {summary()}  ({report})")


# ------------------------------------------------------------------ the journey's bookkeeping


def summary() -> str:
    steps = JOURNEY["steps"]
    if not steps:
        return "no step taken"
    slowest = max(steps, key=lambda s: s["seconds"])
    return (f"{len(steps)} steps, {sum(s['clicks'] for s in steps)} clicks, {sum(s['seconds'] for s in steps):.0f} s "
            f"in the browser; slowest step: {slowest['step']} ({slowest['user']}, {slowest['seconds']:.1f} s); "
            f"slowest to-do list: {max(s['tasks_seconds'] for s in steps):.1f} s")


def take(site, user: str, kind_label: str, unit_name: str, name: str, act) -> object:
    """One person's step: log in, find it in the to-do list (its 事项 and unit), open it, take it with ``act``
    (on the page the to-do item leads to); then the item is gone from the list. Its clicks and time are kept."""
    clicks_before, started = site["clicks"]["count"], time.perf_counter()
    page = login(site, user, "/tasks")
    listed = time.perf_counter()
    row = task_row(page, kind_label, unit_name)
    expect(row).to_have_count(1)
    tasks_seconds = time.perf_counter() - listed
    row.locator("[data-test=task-open]").click()
    answer = act(page)
    shot(site, page, f"life-{name}")
    expect(task_row(page, kind_label, unit_name, reload=True)).to_have_count(0)
    JOURNEY["steps"].append({"step": kind_label, "user": user, "clicks": site["clicks"]["count"] - clicks_before,
                             "seconds": round(time.perf_counter() - started, 1), "tasks_seconds": round(tasks_seconds, 1)})
    page.context.close()
    return answer


def task_row(page: Page, kind_label: str, unit_name: str, *, reload: bool = False):
    if reload:
        page.goto(re.sub(r"(https?://[^/]+).*", r"\1/tasks", page.url))
    expect(page.locator("[data-test=tasks-summary]")).to_be_visible()
    return page.locator("[data-test=tasks-table] .el-table__body tr").filter(
        has=page.locator("td:nth-child(2)", has_text=re.compile(f"^{re.escape(kind_label)}$"))).filter(has_text=unit_name)


def waited(what: str, check, timeout: float = 180):
    """Poll ``check`` (the services catching up) until it answers something true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def home_shows(site, expected: dict[str, int], name: str) -> None:
    """The county's home page: once reporting's figures hold ``expected``, its cards show exactly them."""
    figures = waited(f"figures {expected}", lambda: (f := api_get(site, "county_org", "reporting", f"/figures/{COUNTY}")["figures"])
                     and all(f[k] == v for k, v in expected.items()) and f)
    page = login(site, "county_org", "/")
    expect(page.locator("[data-test=card-listed]")).to_be_visible()
    expect(page.locator("[data-test=syncing]")).to_have_count(0, timeout=60_000)
    cards = {"screened": "villages_screened", "listed": "listed", "accepted": "acceptances_passed", "delisted": "delisted"}
    for card, figure in cards.items():
        expect(page.locator(f"[data-test=card-{card}] [data-test=card-value]")).to_have_text(str(figures[figure]))
    rectifying = sum(figures["cases_by_phase"].get(p, 0) for p in ("concentrated", "continued", "ready_for_acceptance"))
    expect(page.locator("[data-test=card-cases] [data-test=card-value]")).to_have_text(str(rectifying))
    shot(site, page, f"life-home-{name}")
    page.context.close()


def case_book(site, user: str = "county_org") -> dict:
    return api_get(site, user, "casework", f"/cases/{JOURNEY['case_id']}")


# ------------------------------------------------------------------ the village's life


def test_the_province_imports_its_division_registry(site):
    """A file with a duplicate row is refused row by row and nothing is imported; the corrected file is
    imported with its upload's progress, and the page says 数据同步中 until every service has the tree."""
    csv = to_csv(site["rows"])
    lines = csv.rstrip("\n").split("\n")
    clicks_before, started = site["clicks"]["count"], time.perf_counter()
    page = login(site, "province_org", "/divisions")
    chooser = page.locator("[data-test=registry-upload] input[type=file]")
    chooser.set_input_files({"name": "区划（有误）.csv", "mimeType": "text/csv",
                             "buffer": "\n".join([*lines, lines[-1]]).encode() + b"\n"})
    expect(page.locator("[data-test=registry-refusal]")).to_be_visible()
    expect(page.locator("[data-test=registry-errors] .el-table__body tr")).to_contain_text(["区划代码重复"])
    shot(site, page, "life-00-registry-refused")
    assert api_get(site, "province_org", "screening", "/divisions/summary")["total"] == 0      # nothing imported
    chooser.set_input_files({"name": "区划.csv", "mimeType": "text/csv", "buffer": csv.encode()})
    expect(page.locator("[data-test=registry-result]")).to_contain_text(f"共 {len(site['rows'])} 行：新增 {len(site['rows'])}")
    expect(page.locator("[data-test=registry-synced]")).to_be_visible(timeout=120_000)
    expect(page.locator("[data-test=registry-refusal]")).to_have_count(0)
    shot(site, page, "life-00-registry-imported")
    JOURNEY["steps"].append({"step": "导入行政区划", "user": "province_org", "clicks": site["clicks"]["count"] - clicks_before,
                             "seconds": round(time.perf_counter() - started, 1), "tasks_seconds": 0})
    page.context.close()
    tree = api_get(site, "province_org", "screening", "/divisions/summary")
    assert tree["total"] == len(site["rows"])
    assert all(api_get(site, "province_org", s, "/divisions/summary") == tree
               for s in ("casework", "supervision", "acceptance", "reporting"))


def test_the_city_opens_the_campaign_and_sets_its_acceptance_standard(site):
    clicks_before, started = site["clicks"]["count"], time.perf_counter()
    page = login(site, "city_org", "/screening")
    page.click("[data-test=open-campaign]")
    form = scr.dialog(page, "启动整顿工作")
    expect(form.locator("input[data-test=campaign-area]")).to_have_value(CITY)      # the city's own area
    form.locator("input[data-test=campaign-name]").fill(CAMPAIGN_NAME)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    scr.saved(page, f"已启动整顿工作“{CAMPAIGN_NAME}”")
    expect(page).to_have_url(re.compile(r"/screening/[^/]+$"))
    JOURNEY["campaign_id"] = page.url.rsplit("/", 1)[1]
    expect(page.locator("[data-test=standard-missing]")).to_be_visible()
    shot(site, page, "life-01-campaign-opened")
    JOURNEY["steps"].append({"step": "启动整顿工作", "user": "city_org", "clicks": site["clicks"]["count"] - clicks_before,
                             "seconds": round(time.perf_counter() - started, 1), "tasks_seconds": 0})
    page.context.close()
    campaign = api_get(site, "city_org", "screening", f"/campaigns/{JOURNEY['campaign_id']}")
    assert campaign["name"] == CAMPAIGN_NAME and campaign["area_code"] == CITY and campaign["opened_on"] == "2020-07-01"

    def set_standard(page: Page) -> None:
        expect(page).to_have_url(f"{site['url']}/screening/{JOURNEY['campaign_id']}")
        page.click("[data-test=set-standard]")
        form = page.locator(".el-dialog[data-test=standard-form]")
        expect(form).to_be_visible()
        expect(form.locator("[data-test=standard-items] .el-table__body tr")).to_have_count(4)   # one per heading
        form.locator("[data-test=form-submit]").click()
        expect(form).to_be_hidden()
        scr.saved(page, "验收标准已制定，第 1 版")
        expect(page.locator("[data-test=standard-table] .el-table__body tr")).to_have_count(4)

    waited("the standard's to-do item", lambda: any(t["kind"] == "acceptance.standard" for t in api_get(
        site, "city_org", "acceptance", "/tasks", size=100)["items"]), 60)
    take(site, "city_org", "制定验收标准", site["names"][CITY], "02-standard", set_standard)
    standard = api_get(site, "city_org", "acceptance", f"/campaigns/{JOURNEY['campaign_id']}/standard")
    assert [i["code"] for i in standard["items"]] == ["A1", "B1", "C1", "D1"] and float(standard["pass_mark"]) == 80


def test_the_township_assesses_meets_notices_and_submits(site):
    township = site["names"][TOWNSHIP]
    villages = sorted(code for code in site["names"] if code.startswith(TOWNSHIP[:9]) and code != TOWNSHIP)
    assert VILLAGE in villages and len(villages) == 8
    scr.set_clock(site, "2020-08-10")

    def assess(page: Page) -> None:
        expect(page.locator("[data-test=assessment-table]")).to_be_visible()
        scr.mark_village(page, VILLAGE, "软弱涣散", {"secretary_incompetent": "走访党员群众：书记长期不在村、不履职"})
        page.click("[data-test=assess-rest-neither]")
        scr.save_assessments(page, 8)
    take(site, "township_org", "逐村排查研判", township, "03-assessed", assess)
    take(site, "township_org", "乡镇党委会集体研究", township, "04-meeting", lambda page: scr.record_meeting(
        page, "2020-08-10", "党委书记、乡镇长、组织委员、纪委书记", "对照十条标准逐村研判，集体研究确定名单"))
    take(site, "township_org", "名单公示", township, "05-notice", lambda page: scr.record_notice(page, "2020-08-10", "2020-08-14"))
    scr.set_clock(site, "2020-08-15")
    take(site, "township_org", "分两类上报名单", township, "06-submitted", scr.submit_list)
    status = api_get(site, "township_org", "screening", f"/campaigns/{JOURNEY['campaign_id']}/rounds/R1/townships/{TOWNSHIP}")
    assert status["status"] == "submitted" and [x["village_code"] for x in status["weak_and_lax"]] == [VILLAGE]
    home_shows(site, {"villages_screened": 8, "listed": 0}, "screened")


def test_the_county_checks_and_its_standing_committee_decides_then_the_case_opens(site):
    county, township = site["names"][COUNTY], site["names"][TOWNSHIP]
    scr.set_clock(site, "2020-08-19")
    take(site, "county_org", "县级随机抽查", township, "07-sample", lambda page: scr.draw_sample(page, TOWNSHIP))
    take(site, "county_org", "实地走访核查", township, "08-site-visits", lambda page: scr.record_site_visits(page, TOWNSHIP))
    scr.set_clock(site, "2020-08-20")

    def confirm(page: Page) -> None:
        form = scr.confirm_list(page, "县委常委会〔2020〕8号")
        expect(form).to_be_hidden()
        scr.saved(page, "名单已确定")
    take(site, "county_committee", "县委常委会研究确定名单", county, "09-confirmed", confirm)
    cases = waited("the case", lambda: api_get(site, "county_org", "casework", "/cases", size=10)["items"])
    assert [c["village_code"] for c in cases] == [VILLAGE] and cases[0]["designated_on"] == "2020-08-20"
    JOURNEY["case_id"] = cases[0]["case_id"]
    home_shows(site, {"listed": 1}, "listed")


def test_the_county_stations_the_team_and_names_the_contact_leader(site):
    village = site["names"][VILLAGE]
    scr.set_clock(site, "2020-08-22")
    take(site, "county_org", "选派工作队", village, "10-team", lambda page: cw.assign_team(
        page, "卫队长", ["蒋队员"], ["乡镇干部甲"], leader_post="县委组织部干部（工作队队长）"))
    take(site, "county_org", "明确联系分包县级领导", village, "11-contact-leader", lambda page: cw.assign_contact_leader(page, "王联系"))
    book = case_book(site)
    assert book["team"]["leader"]["name"] == "卫队长" and book["team"]["leader"]["user_id"]
    assert book["contact_leader"]["name"] == "王联系" and book["contact_leader"]["user_id"]


def test_the_team_draws_up_the_three_lists(site):
    scr.set_clock(site, "2020-09-02")

    def plan(page: Page) -> None:
        expect(page.locator("[data-test=three-lists]")).to_be_visible()
        page.click("[data-test=add-problem]")
        form = scr.dialog(page, "新增问题（问题清单）")
        form.locator("input[data-test=problem-title]").fill("村党组织书记不胜任现职")
        form.locator("textarea[data-test=problem-detail]").fill("书记长期不在村，组织生活不正常")
        form.locator("[data-test=form-submit]").click()
        expect(form).to_be_hidden()
        scr.saved(page, "已新增问题")
        page.click("[data-test=add-task]")
        form = scr.dialog(page, "新增任务（任务清单）")
        scr.choose(page, form.locator("[data-test=task-problem]"), "村党组织书记不胜任现职")
        form.locator("input[data-test=task-title]").fill("选优配强村党组织书记")
        form.locator("[data-test=form-submit]").click()
        expect(form).to_be_hidden()
        scr.saved(page, "已新增任务")
        page.click("[data-test=add-measure]")
        form = scr.dialog(page, "新增整改措施（责任清单）")
        scr.choose(page, form.locator("[data-test=measure-task]"), "选优配强村党组织书记")
        form.locator("input[data-test=measure-title-input]").fill("按程序调整村党组织书记，每月召开组织生活会")
        form.locator("input[data-test=measure-responsible]").fill("乡镇组织委员")
        deadline = form.locator("[data-test=measure-deadline-item] input").first
        deadline.click()
        deadline.fill("2020年10月31日")
        deadline.press("Enter")
        form.locator("[data-test=form-submit]").click()
        expect(form).to_be_hidden()
        scr.saved(page, "已新增整改措施")
    take(site, "team_leader", "制定三张清单", site["names"][VILLAGE], "12-three-lists", plan)
    book = case_book(site)
    assert [m["title"] for m in book["measures"]] == ["按程序调整村党组织书记，每月召开组织生活会"]
    assert book["measures"][0]["deadline"] == "2020-10-31"


def choose_in(page: Page, form, field: str, name: str, *, typed: bool) -> None:
    """One name in a multiple select: typed (a new entry or a filter) or picked from the list, until its tag
    shows. On a loaded machine a selection made while the dropdown is still opening can be lost: the person
    (and the test) then simply does it again."""
    box = form.locator(f"[data-test={field}]")
    tag = box.locator(".el-tag").filter(has_text=name)
    for attempt in range(3):
        box.click()
        if typed:
            query = box.locator("input").first
            expect(query).to_be_focused()
            query.fill("")                            # what a lost attempt left typed
            page.keyboard.type(name)
        option = option_of(box, name)
        expect(option).to_be_visible()
        option.click()
        form.locator(".el-dialog__title").click()     # closes the dropdown (Escape would close the dialog)
        try:
            expect(tag).to_have_count(1, timeout=5_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def visit(page: Page, problem: str, notes: str) -> None:
    """The contact leader's visit with the 三必须: talks with the team, the cadres and key persons, a problem pushed."""
    page.click("[data-test=add-visit]")
    form = scr.dialog(page, "记录联系领导到村走访")
    for field, name in (("visit-team", "卫队长"), ("visit-cadres", "张主任"), ("visit-key-persons", "老党员刘某"),
                        ("visit-problems", problem)):
        choose_in(page, form, field, name, typed=field != "visit-problems")
    expect(form.locator("[data-test=visit-musts]")).to_have_count(0)         # all three musts met
    form.locator("textarea[data-test=visit-notes]").fill(notes)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    scr.saved(page, "已记录走访")


def progress(page: Page, status: str, narrative: str, photo: str) -> None:
    """The team leader's progress on the one measure, with a photo dropped into the form."""
    page.locator("[data-test=add-progress]").first.click()
    form = page.locator(".el-dialog").filter(has_text="填报整改进展")
    expect(form).to_be_visible()
    form.locator("[data-test=progress-status] label").filter(has_text=status).click()
    form.locator("textarea[data-test=progress-narrative]").fill(narrative)
    form.locator(".el-upload__input").set_input_files({"name": photo, "mimeType": "image/png", "buffer": png()})
    expect(form.locator(".el-upload-list__item.is-success")).to_have_count(1)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    scr.saved(page, "已填报进展")


def test_two_months_of_visits_and_progress_with_photos_complete_the_measure(site):
    village, problem = site["names"][VILLAGE], "村党组织书记不胜任现职"
    scr.set_clock(site, "2020-09-08")
    # The month's minimum is two visits: the item stays (1 of 2) after the first and goes with the second.
    clicks_before, started = site["clicks"]["count"], time.perf_counter()
    page = login(site, "contact_leader", "/tasks")
    row = task_row(page, "联系领导到村走访", village)
    expect(row).to_have_count(1)
    row.locator("[data-test=task-open]").click()
    visit(page, problem, "与工作队、村“两委”座谈，督促书记调整")
    expect(task_row(page, "联系领导到村走访", village, reload=True)).to_contain_text("1/2")
    JOURNEY["steps"].append({"step": "联系领导到村走访（本月第1次）", "user": "contact_leader", "clicks": site["clicks"]["count"] - clicks_before,
                             "seconds": round(time.perf_counter() - started, 1), "tasks_seconds": 0})
    page.context.close()
    scr.set_clock(site, "2020-09-10")
    take(site, "contact_leader", "联系领导到村走访", village, "13-visits-september",
         lambda page: visit(page, problem, "走访老党员，听取对书记人选的意见"))
    # A measure planned this month is not yet due for an update (no to-do item): the team leader reports
    # September's progress from the case book itself.
    scr.set_clock(site, "2020-09-15")
    clicks_before, started = site["clicks"]["count"], time.perf_counter()
    page = login(site, "team_leader", f"/cases/{JOURNEY['case_id']}")
    progress(page, "推进中", "召开党员大会推选书记人选，现场照片附后", "党员大会.png")
    shot(site, page, "life-14-progress-september")
    JOURNEY["steps"].append({"step": "填报整改进展（九月）", "user": "team_leader", "clicks": site["clicks"]["count"] - clicks_before,
                             "seconds": round(time.perf_counter() - started, 1), "tasks_seconds": 0})
    page.context.close()
    scr.set_clock(site, "2020-10-15")
    take(site, "team_leader", "本月更新整改进展", village, "15-progress-october", lambda page: progress(
        page, "已完成", "新书记已到任，组织生活会按月召开，照片附后", "组织生活会.png"))
    book = case_book(site)
    assert book["measures"][0]["status"] == "completed"
    assert [len(p["evidence"]) for p in book["progress"]] == [1, 1]
    assert sum(v["counts_toward_minimum"] for v in book["visits"]) == 2
    home_shows(site, {"listed": 1, "measures_overdue": 0}, "rectifying")


def test_the_application_and_the_townships_and_countys_acceptance(site):
    village = site["names"][VILLAGE]
    found = waited("the acceptance", lambda: api_get(site, "county_org", "acceptance", "/acceptances", village=VILLAGE)["items"])
    JOURNEY["acceptance_id"] = found[0]["acceptance_id"]
    scr.set_clock(site, "2020-10-16")
    statement = "本村整顿任务已全部完成，班子配齐建强，申请验收。"
    assert take(site, "team_leader", "联名签署验收申请", village, "16-application-leader",
                lambda page: acc.sign_application(page, statement)) == statement
    assert take(site, "village_secretary", "联名签署验收申请", village, "17-application-secretary", acc.sign_application) == statement
    take(site, "team_leader", "村级自查", village, "18-self-check",
         lambda page: acc.self_check(page, {"A1": 22, "B1": 21, "C1": 20, "D1": 23}))
    report = "经初验，该村整顿任务完成，同意摘帽。"
    take(site, "township_org", "乡镇初验", village, "19-preliminary", lambda page: acc.preliminary(
        page, ["乡镇纪委书记", "组织委员"], ["乡镇党委书记", "乡镇长"], "党委集体研究，同意摘帽", report))
    take(site, "township_principal", "乡镇初验签字盖章", village, "20-preliminary-signed",
         lambda page: acc.sign_report(page, "preliminary", report))
    take(site, "county_org", "组成县级验收组", village, "21-county-group",
         lambda page: acc.county_group(page, "赵副书记", "县委副书记", ["组织部干部", "纪委干部"]))
    for department, label in acc.DEPARTMENTS.items():
        take(site, f"review_{department}", "联审部门出具意见", village, f"22-opinion-{department}",
             lambda page, label=label: acc.give_opinion(page, label, f"{label}：经审查未发现问题，同意通过验收。"))
    take(site, "county_org", "县级验收报告", village, "23-county-report",
         lambda page: acc.county_report(page, "经县级验收，该村整顿达标。", 88))
    take(site, "county_committee", "县委常委会审定验收结果", village, "24-county-approved",
         lambda page: acc.county_approve(page, "县委常委会审定通过"))
    take(site, "county_secretary", "县委书记签字盖章", village, "25-county-signed",
         lambda page: acc.sign_report(page, "county", "经县级验收，该村整顿达标。"))
    assert api_get(site, "county_org", "acceptance", f"/acceptances/{JOURNEY['acceptance_id']}")["stage"] == "county_passed"


def test_survey_notice_and_delisting(site):
    village, aid = site["names"][VILLAGE], JOURNEY["acceptance_id"]
    take(site, "county_org", "群众满意度测评", village, "26-survey", lambda page: acc.survey(page, 120, 108))
    home_shows(site, {"acceptances_passed": 1}, "accepted")
    # The city's and the province's spot checks of the accepted village: drawn from their to-do lists; the
    # village is the only one accepted, so each draw takes it and its finding is recorded.
    for level, user in (("city", "city_org"), ("province", "province_org")):
        clicks_before, started = site["clicks"]["count"], time.perf_counter()
        page, draw = acc.draw_spot_check(site, user, JOURNEY["campaign_id"])
        JOURNEY["steps"].append({"step": "验收抽查：抽取样本", "user": user, "clicks": site["clicks"]["count"] - clicks_before,
                                 "seconds": round(time.perf_counter() - started, 1), "tasks_seconds": 0})
        page.context.close()
        if VILLAGE in draw["chosen"]:
            take(site, user, "验收抽查：记录结论", village, f"27-{level}-spot-check", lambda page: acc.record_spot_check(page, "抽查属实"))
    take(site, "township_org", "公示验收结果", village, "28-notice", lambda page: acc.publish_notice(page, "村务公开栏及乡镇政府公示栏"))
    notice = api_get(site, "county_org", "acceptance", f"/acceptances/{aid}")["state"]["notice"]
    scr.set_clock(site, notice["ends_on"])
    take(site, "county_org", "公示期满销号", village, "29-delisted", lambda page: acc.delist(page, "公示期间无异议"))
    after = api_get(site, "county_org", "acceptance", f"/acceptances/{aid}")
    assert after["stage"] == "delisted" and after["state"]["delisted_on"] == notice["ends_on"]
    home_shows(site, {"delisted": 1, "acceptances_passed": 1}, "delisted")
    steps = JOURNEY["steps"]
    assert len(steps) >= 30 and all(s["clicks"] > 0 for s in steps), steps
    print(f"\n{summary()}")
