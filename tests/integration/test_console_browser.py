"""The staff console in a real browser (Debian's chromium, headless, driven by Playwright) against a
platform of its own behind its own gateway: a real Keycloak login, the home page's figures against
reporting's API (today and a past date), the drill-down from county to township to a listed village's
case book, the ledger and a circular downloaded and opened, a township that cannot reach another
township's village, and logout ending the Keycloak session. Screenshots of every page are kept in the
run's folder (.local/test-logs/<run>/screenshots)."""
from __future__ import annotations

import gzip
import io
import re
import subprocess
import time
from datetime import date

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support.campaign import STAFF, campaign_until_cases_open
from tests.support.console import CONSOLE, api_get, chromium, gateway, login, option_of, png, shot
from tests.support.console_supervision import names
from tests.support.platform import SERVICES, running_platform
from zhengdun_demo import casework_steps as cw
from zhengdun_demo.api import Platform as Api
from zhengdun_demo.client import auth

CITY, COUNTY, TOWNSHIP, OTHER_TOWNSHIP = "990100000000", "990102000000", "990102101000", "990102102000"
VILLAGE = "990102101201"     # the realm's team_leader and village_secretary work here
PAST = "2020-08-12"          # screening under way: villages assessed, nobody listed yet
# Generous waits: on a loaded 2-core machine a page with its charts takes seconds (nothing is timed here).
expect.set_options(timeout=45_000)


def campaign_until_first_progress(api: Api) -> dict:
    """One county of two townships of eight villages, taken from screening to the first month of
    rectification through the APIs by the realm's own demo users (no users to create): each township
    lists three villages, the county checks and decides, teams and a contact leader are assigned, the
    townships plan, the contact leader visits and the team reports progress with a photo and a PDF."""
    opened = campaign_until_cases_open(api)
    cid, cases, people = opened["campaign_id"], opened["cases"], opened["people"]
    for village, case_id in cases.items():
        leader = {"name": "卫队长" if village == VILLAGE else f"队长{village[-3:]}", "post": "县委组织部干部（工作队队长）",
                  "rank": "section", "unit": village, "user_id": people.get("team_leader") if village == VILLAGE else None}
        api.put("county_org", "casework", f"/cases/{case_id}/team", {
            "leader": leader, "members": [{"name": "乡镇干部甲", "post": "乡镇干部"}, {"name": "县直干部乙", "post": "县直部门干部"}],
            "stationed_on": "2020-08-22"})
        api.put("county_org", "casework", f"/cases/{case_id}/contact-leader", {"leader": {
            "name": "王联系", "post": "县委常委", "rank": "county", "unit": COUNTY, "user_id": people.get("contact_leader")},
            "assigned_on": "2020-08-22"})
    api.set_clock("2020-09-02")
    measures = {}
    for village, case_id in cases.items():
        planner = STAFF[village[:9] + "000"]
        problems, measure_ids = cw.plan_case(api, planner, case_id, (), [date(2020, 12, 31), date(2021, 3, 31)], date(2020, 9, 2))
        measures[village] = (problems, measure_ids)
    api.set_clock("2020-09-08")
    cw.visit(api, "contact_leader", cases[VILLAGE], date(2020, 9, 8), measures[VILLAGE][0][:1])
    api.set_clock("2020-09-15")
    photo = api.call("team_leader", "POST", "casework", f"/cases/{cases[VILLAGE]}/evidence",
                     files={"file": ("现场照片.png", png(), "image/png")}).json()
    pdf = api.call("team_leader", "POST", "casework", f"/cases/{cases[VILLAGE]}/evidence",
                   files={"file": ("整改佐证.pdf", cw.EVIDENCE_PDF, "application/pdf")}).json()
    api.post("team_leader", "casework", f"/cases/{cases[VILLAGE]}/measures/{measures[VILLAGE][1][0]}/progress", {
        "status": "in_progress", "narrative": "召开党员大会，现场照片附后", "evidence_ids": [photo["file_id"], pdf["file_id"]],
        "progress_on": "2020-09-15"})
    api.set_clock("2020-09-16")       # every service has read every event before the browser looks
    return {"campaign_id": cid, "case_id": cases[VILLAGE]}


@pytest.fixture(scope="module")
def site():
    """Its own platform (the scenario moves the clock), the campaign up to the first month of
    rectification, and a gateway serving the console in front of it."""
    with running_platform() as platform:
        api = Api(urls={s: platform.url(s) for s in platform.services}, topic_prefix=platform.topic_prefix)
        started = time.perf_counter()
        data = campaign_until_first_progress(api)
        print(f"\nconsole test: campaign data in {time.perf_counter() - started:.0f} s")
        with gateway(platform) as url:
            shots = platform.log_dir / "screenshots"
            shots.mkdir(exist_ok=True)
            with chromium() as browser:
                yield {"platform": platform, "url": url, "browser": browser, "shots": shots, "village": VILLAGE, **data}


def card(page: Page, key: str) -> int:
    return int(page.locator(f"[data-test=card-{key}] [data-test=card-value]").inner_text())


def assert_cards_equal(page: Page, figures: dict) -> None:
    rectifying = sum(figures["cases_by_phase"].get(p, 0) for p in ("concentrated", "continued", "ready_for_acceptance"))
    expected = {"in_campaign": figures["villages_in_campaign"], "screened": figures["villages_screened"],
                "listed": figures["listed"], "cases": rectifying, "overdue": figures["measures_overdue"],
                "visits": figures["visits_compliant"], "alerts_open": figures["alerts_open"],
                "accepted": figures["acceptances_passed"], "delisted": figures["delisted"],
                "transformed": figures["transformed"]}
    assert {k: card(page, k) for k in expected} == expected


def test_county_home_drill_down_case_book_and_downloads(site):
    page = login(site, "county_org")
    expect(page).to_have_url(f"{site['url']}/figures/{COUNTY}")
    expect(page.locator("[data-test=card-listed]")).to_be_visible(timeout=30_000)
    truth = api_get(site, "county_org", "reporting", f"/figures/{COUNTY}")
    assert truth["figures"]["listed"] > 0 and truth["figures"]["villages_screened"] > 0
    expect(page.locator("[data-test=as-of-shown]")).to_have_text("2020年9月16日")
    assert_cards_equal(page, truth["figures"])
    assert page.locator("[data-test=user-name]").inner_text() == "李县组"
    shot(site, page, "01-home-county")

    # County → township (the children table) → the township's listed villages → one village.
    page.click(f"[data-test=children-table] [data-test=div-{TOWNSHIP}]")
    expect(page).to_have_url(f"{site['url']}/figures/{TOWNSHIP}")
    township = api_get(site, "county_org", "reporting", f"/figures/{TOWNSHIP}")["figures"]
    expect(page.locator("[data-test=card-listed] [data-test=card-value]")).to_have_text(str(township["listed"]))
    shot(site, page, "02-township")
    page.click("[data-test=card-listed]")
    expect(page.locator("[data-test=drill-table]")).to_be_visible()
    listed = api_get(site, "county_org", "reporting", f"/figures/{TOWNSHIP}/villages", figure="listed")
    rows = page.locator("[data-test=drill-table] .el-table__body tr")
    expect(rows).to_have_count(listed["total"])
    shot(site, page, "03-drill-listed")
    page.click(f"[data-test=drill-table] [data-test=div-{site['village']}]")
    expect(page).to_have_url(f"{site['url']}/villages/{site['village']}")
    shot(site, page, "04-village")
    page.click("[data-test=open-case]")
    expect(page).to_have_url(f"{site['url']}/cases/{site['case_id']}")

    # The case book: its measures as the API has them, the photo inline, the PDF viewable.
    book = api_get(site, "county_org", "casework", f"/cases/{site['case_id']}")
    measures = page.locator("[data-test=three-lists] [data-test=measure-title]")
    expect(measures).to_have_count(len(book["measures"]))
    assert sorted(measures.all_inner_texts()) == sorted(m["title"] for m in book["measures"])
    expect(page.locator("[data-test=evidence-image] img")).to_be_visible(timeout=20_000)
    expect(page.locator("[data-test=evidence-pdf]")).to_be_visible()
    shot(site, page, "05-case-book")

    # The ledger as xlsx: a real workbook naming the village.
    with page.expect_download() as download:
        page.click("[data-test=export-ledger]")
    ledger = download.value.path().read_bytes()
    from openpyxl import load_workbook
    workbook = load_workbook(io.BytesIO(ledger))
    text = " ".join(str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert book["village_name"] in text

    # A PDF circular of the county from the reports page.
    page.click("[data-test=nav-reports]")
    page.click("[data-test=report-kind] >> text=季度通报")
    page.click("[data-test=report-quarter]")
    page.click(".el-select-dropdown__item >> text=2020年第三季度")
    with page.expect_download() as download:
        page.click("[data-test=download-pdf]")
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    words = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "通报" in words
    expect(page.locator("[data-test=report-message]")).to_contain_text("已下载")
    shot(site, page, "06-reports")
    page.context.close()


def test_a_past_date_shows_that_dates_figures(site):
    page = login(site, "county_org")
    expect(page.locator("[data-test=card-listed]")).to_be_visible(timeout=30_000)
    picker = page.locator("[data-test=as-of] input")
    picker.click()
    picker.fill("2020年8月12日")
    picker.press("Enter")
    expect(page).to_have_url(f"{site['url']}/figures/{COUNTY}?date={PAST}")
    expect(page.locator("[data-test=as-of-shown]")).to_have_text("2020年8月12日")
    past = api_get(site, "county_org", "reporting", f"/figures/{COUNTY}", date=PAST)["figures"]
    now = api_get(site, "county_org", "reporting", f"/figures/{COUNTY}")["figures"]
    assert past["listed"] != now["listed"]        # the date changes what is shown
    assert_cards_equal(page, past)
    shot(site, page, "07-home-past-date")
    page.context.close()


def test_township_sees_only_its_township(site):
    page = login(site, "township_org")
    expect(page).to_have_url(f"{site['url']}/figures/{TOWNSHIP}")
    expect(page.locator("[data-test=card-listed]")).to_be_visible(timeout=30_000)
    shot(site, page, "08-home-township")
    other = f"{OTHER_TOWNSHIP[:9]}201"
    assert httpx.get(f"{site['platform'].url('casework')}/divisions/{other}", headers=auth("township_org"),
                     timeout=10).status_code == 403      # the service refuses it too
    for path in (f"/villages/{other}", f"/figures/{OTHER_TOWNSHIP}", f"/figures/{COUNTY}"):
        page.goto(site["url"] + path)
        expect(page.locator("[data-test=forbidden]")).to_be_visible()
        expect(page.locator("[data-test=forbidden]")).to_contain_text("无权查看")
    shot(site, page, "09-forbidden")
    page.goto(f"{site['url']}/cases")
    expect(page.locator("[data-test=cases-table] .el-table__body tr").first).to_be_visible()
    codes = page.locator("[data-test=cases-table] .el-table__body tr td:first-child").all_inner_texts()
    assert codes and all(c.startswith(TOWNSHIP[:9]) for c in codes)
    shot(site, page, "10-cases-township")
    page.context.close()


def test_every_reading_page_renders_and_logout_ends_the_session(site):
    page = login(site, "city_org")
    campaign = site["campaign_id"]
    pages = {
        "11-divisions": "/divisions", "12-campaigns": "/screening", "13-campaign": f"/screening/{campaign}",
        "14-township-round": f"/screening/{campaign}/rounds/R1/townships/{TOWNSHIP}",
        "15-county-list": f"/screening/{campaign}/rounds/R1/counties/{COUNTY}",
        "16-targets": f"/screening/{campaign}/targets", "17-cases": "/cases", "18-alerts": "/supervision/alerts",
        "19-inspections": "/supervision/inspections", "20-accountability": "/supervision/accountability",
        "21-evaluations": "/supervision/evaluations", "22-journal": f"/supervision/journal/{site['village']}",
        "23-acceptances": "/acceptance", "24-reports": "/reports",
    }
    for name, path in pages.items():
        page.goto(site["url"] + path)
        expect(page.locator(".page-title").first).to_be_visible()
        expect(page.locator(".el-loading-mask:visible")).to_have_count(0)
        assert page.locator(".el-alert--error").count() == 0, f"{path}: {page.locator('.el-alert--error').first.inner_text()}"
        shot(site, page, name)
    expect(page.locator("[data-test=journal-verification]")).to_have_count(0)   # left the journal page
    # The township round shows its committee meeting and public notice (the site's campaign recorded both).
    page.goto(site["url"] + pages["14-township-round"])
    expect(page.locator("[data-test=round-meeting] .el-descriptions")).to_be_visible()
    expect(page.locator("[data-test=round-notice]")).to_contain_text("公示期")
    page.goto(f"{site['url']}/supervision/journal/{site['village']}")
    expect(page.locator("[data-test=journal-verification]")).to_contain_text("核验通过")
    page.click("[data-test=logout]")
    page.wait_for_selector("#username", timeout=60_000)      # back at Keycloak's login: the session ended
    page.goto(site["url"] + "/cases")
    page.wait_for_selector("#username", timeout=60_000)
    page.context.close()

    ops = login(site, "ops")
    expect(ops).to_have_url(f"{site['url']}/operations")
    expect(ops.locator("[data-test=platform-clock]")).to_contain_text("2020年9月16日")
    expect(ops.locator("[data-test=health-table] .el-tag--success")).to_have_count(5)
    expect(ops.locator("[data-test=metrics-table] .el-table__body tr").first).to_be_visible()
    shot(site, ops, "25-operations")
    ops.context.close()


def test_my_to_do_list_merges_the_steps_every_service_waits_for(site):
    """The to-do list shows, most urgent first, what the five services' GET /tasks say waits on the user."""
    totals = {user: sum(api_get(site, user, s, "/tasks", size=500)["total"] for s in SERVICES)
              for user in ("team_leader", "county_org", "township_org")}
    user = max(totals, key=totals.get)
    assert totals[user] > 0, totals        # a month into rectification somebody has steps waiting
    page = login(site, user, "/tasks")
    expect(page.locator("[data-test=tasks-summary]")).to_contain_text(f"共 {totals[user]} 项")
    rows = page.locator("[data-test=tasks-table] .el-table__body tr")
    expect(rows).to_have_count(min(totals[user], 50))
    ranks = [RANKS.index(text) for text in rows.locator("td:first-child").all_inner_texts()]
    assert ranks == sorted(ranks)          # the most urgent first, across the services
    shot(site, page, "26-tasks")
    rows.first.locator("[data-test=task-open]").click()
    expect(page.locator(".page-title").first).to_be_visible()
    expect(page.locator("[data-test=forbidden]")).to_have_count(0)   # the task's page is within reach
    page.context.close()


RANKS = ["已逾期", "今日到期", "即将到期", "待办", "无时限"]


def test_bundle_size_and_first_paint_of_the_county_home(site):
    """Measured and printed, not asserted (speed belongs to `make bench`)."""
    assets = [p for p in (CONSOLE / "dist" / "assets").iterdir() if p.suffix in (".js", ".css")]
    total = sum(len(gzip.compress(p.read_bytes(), 9)) for p in assets)
    page = login(site, "county_org")
    expect(page.locator("[data-test=card-listed]")).to_be_visible(timeout=30_000)
    started = time.perf_counter()
    page.goto(f"{site['url']}/figures/{COUNTY}")       # logged in: the home page alone
    expect(page.locator("[data-test=card-listed] [data-test=card-value]")).to_be_visible(timeout=30_000)
    figures_shown = time.perf_counter() - started
    paint = page.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
    loaded = page.evaluate("() => performance.getEntriesByType('resource').filter(r => r.name.includes('/assets/'))"
                           ".reduce((s, r) => s + (r.transferSize || 0), 0)")
    print(f"\nconsole: bundle {total / 1024:.0f} KiB gzip ({len(assets)} files); county home: first contentful paint "
          f"{paint:.0f} ms, figures shown after {figures_shown * 1000:.0f} ms, {loaded / 1024:.0f} KiB of assets transferred; "
          f"screenshots in {site['shots']}")
    assert paint is not None and total > 0
    page.context.close()


def test_team_leader_plans_a_measure_and_records_progress_in_the_case_book(site):
    """Issue 18's first forms: the work-team leader adds a measure on the case book — refused beside the
    deadline while it has none, nothing saved — then with the deadline; then reports progress with a photo
    uploaded through the form. A county reader sees the same book without the buttons."""
    case_id = site["case_id"]
    path = f"/cases/{case_id}"
    reader = login(site, "county_org", path)
    expect(reader.locator("[data-test=three-lists]")).to_be_visible()
    expect(reader.locator("[data-test=progress-measure]").first).to_be_visible()
    for button in ("add-problem", "add-task", "add-measure", "add-progress"):
        expect(reader.locator(f"[data-test={button}]")).to_have_count(0)
    shot(site, reader, "27-case-book-reader-no-forms")
    reader.context.close()

    before = api_get(site, "team_leader", "casework", path)
    page = login(site, "team_leader", path)
    named, synced = [], []   # 数据同步中: the events each write named, and reporting's answers about them
    page.on("response", lambda r: named.append(r.headers["x-zhengdun-events"])
            if r.request.method == "POST" and "x-zhengdun-events" in r.headers else None)
    page.on("response", lambda r: synced.append(r) if "/api/reporting/sync?" in r.url and r.ok else None)
    expect(page.locator("[data-test=three-lists]")).to_be_visible()
    expect(page.locator("[data-test=add-problem]")).to_be_visible()
    expect(page.locator("[data-test=add-task]")).to_be_visible()
    page.click("[data-test=add-measure]")
    dialog = page.locator(".el-dialog").filter(has_text="新增整改措施")
    expect(dialog).to_be_visible()
    task = before["tasks"][0]
    dialog.locator("[data-test=measure-task]").click()
    option_of(dialog.locator("[data-test=measure-task]"), task["title"]).click()
    title = "措施3：每月召开组织生活会并公开会议记录"
    dialog.locator("input[data-test=measure-title-input]").fill(title)
    dialog.locator("input[data-test=measure-responsible]").fill("卫队长")
    dialog.locator("[data-test=form-submit]").click()
    expect(dialog.locator("[data-test=measure-deadline-item] .el-form-item__error")).to_have_text("请填写完成时限")
    expect(dialog.locator("input[data-test=measure-title-input]")).to_have_value(title)     # the input is kept
    shot(site, page, "28-measure-refused-without-deadline")
    assert len(api_get(site, "team_leader", "casework", path)["measures"]) == len(before["measures"])   # nothing saved

    deadline = dialog.locator("[data-test=measure-deadline-item] input").first
    deadline.click()
    deadline.fill("2020年12月31日")
    deadline.press("Enter")
    expect(dialog.locator("[data-test=measure-deadline-item] .el-form-item__error")).to_have_count(0)
    dialog.locator("[data-test=form-submit]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".el-message").filter(has_text="已新增整改措施")).to_be_visible()
    expect(page.locator("[data-test=three-lists] [data-test=measure-title]").filter(has_text=title)).to_have_count(1)
    after = api_get(site, "team_leader", "casework", path)
    added = [m for m in after["measures"] if m["title"] == title]
    assert len(after["measures"]) == len(before["measures"]) + 1 and len(added) == 1
    assert added[0]["deadline"] == "2020-12-31" and added[0]["responsible"] == "卫队长" and added[0]["task_id"] == task["task_id"]
    shot(site, page, "29-measure-saved")

    # Progress on the new measure with a photo dropped into the form.
    item = page.locator(".el-collapse-item").filter(has=page.locator("[data-test=progress-measure]", has_text=title))
    item.locator("[data-test=add-progress]").click()
    form = page.locator(".el-dialog").filter(has_text="填报整改进展")
    expect(form).to_be_visible()
    form.locator("textarea[data-test=progress-narrative]").fill("制定组织生活会制度，首次会议已召开，照片附后")
    form.locator(".el-upload__input").set_input_files({"name": "组织生活会.png", "mimeType": "image/png", "buffer": png()})
    expect(form.locator(".el-upload-list__item.is-success")).to_have_count(1)
    expect(form.locator(".el-upload-list__item-thumbnail")).to_be_visible()     # the image previewed
    shot(site, page, "30-progress-with-photo")
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    expect(page.locator(".el-message").filter(has_text="已填报进展")).to_be_visible()
    expect(item.locator("[data-test=evidence-image] img")).to_be_visible(timeout=20_000)
    expect(item).to_contain_text("组织生活会.png")
    reported = [p for p in api_get(site, "team_leader", "casework", path)["progress"] if p["measure_id"] == added[0]["measure_id"]]
    assert len(reported) == 1 and reported[0]["status"] == "in_progress"
    assert [e["filename"] for e in reported[0]["evidence"]] == ["组织生活会.png"]
    shot(site, page, "31-progress-saved")
    # Both writes named their events through the gateway; the console asked reporting until they were in
    # its figures, and then the 数据同步中 tag was gone.
    assert any("zhengdun.casework.measure.planned.v1" in n for n in named), named
    assert any("zhengdun.casework.progress.recorded.v1" in n for n in named), named
    expect(page.locator("[data-test=syncing]")).to_have_count(0, timeout=60_000)
    assert synced and synced[-1].json()["caught_up"] is True, [r.url for r in synced]
    page.context.close()


def test_contact_leader_records_a_visit_with_the_three_musts_in_the_case_book(site):
    """The contact leader's visit as a form: the 三必须 said live (a visit short of them would be kept but
    not counted), then a full visit saved; the book counts it. A county clerk sees no such button."""
    path = f"/cases/{site['case_id']}"
    reader = login(site, "county_org", path)
    expect(reader.locator("[data-test=three-lists]")).to_be_visible()
    expect(reader.locator("[data-test=add-visit]")).to_have_count(0)
    reader.context.close()

    before = api_get(site, "contact_leader", "casework", path)
    page = login(site, "contact_leader", path)
    page.click("[data-test=add-visit]")
    dialog = page.locator(".el-dialog").filter(has_text="记录联系领导到村走访")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-test=visit-musts]")).to_contain_text("与整顿工作队员谈话")

    names(dialog, "visit-team", "卫队长")
    names(dialog, "visit-cadres", "张主任")
    names(dialog, "visit-key-persons", "老党员刘某")
    expect(dialog.locator("[data-test=visit-musts]")).to_have_text(re.compile("尚缺“三必须”：推动解决问题"))
    shot(site, page, "32-visit-short-of-the-three-musts")
    problem = before["problems"][0]
    dialog.locator("[data-test=visit-problems]").click()
    option_of(dialog.locator("[data-test=visit-problems]"), problem["title"]).click()
    expect(dialog.locator("[data-test=visit-musts]")).to_have_count(0)
    dialog.locator("textarea[data-test=visit-notes]").fill("与工作队、村“两委”座谈，督促落实问题整改")
    dialog.locator("[data-test=form-submit]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".el-message").filter(has_text="已记录走访")).to_be_visible()
    shot(site, page, "33-visit-saved")

    after = api_get(site, "contact_leader", "casework", path)["visits"]
    added = [v for v in after if v not in before["visits"]]
    assert len(added) == 1, added
    assert added[0]["team_members"] == ["卫队长"] and added[0]["village_cadres"] == ["张主任"]
    assert added[0]["key_persons"] == ["老党员刘某"] and added[0]["problems_pushed"] == [problem["problem_id"]]
    assert added[0]["counts_toward_minimum"] is True
    page.context.close()
