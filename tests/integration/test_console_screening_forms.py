"""Screening's write steps done in the staff console, in a real browser, by the people who take them:
the township committee assesses its whole township in one table, holds its meeting, notices the list,
answers an objection and submits (refused first while a village is unassessed: nothing saved), with
evidence files on a finding, the minutes and the notice (a file the service refuses shows its reason);
the county's organization department returns the list (退回: the township fixes it from its to-do list
and submits again), draws its samples, draws one again (重新抽样) and records its site visits with a file,
and the standing committee confirms the list; the cases then open in casework. Each person starts from their to-do list
(我的待办), and the step leaves it once done. The other township of the county goes through the API."""
from __future__ import annotations

import hashlib
import time
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.support import console_screening as ui
from tests.support.console import api_get, chromium, gateway, login, png, shot
from tests.support.platform import running_platform
from zhengdun_demo import screening_steps as steps
from zhengdun_demo.api import Platform as Api
from zhengdun_demo.client import auth
from zhengdun_demo.synthetic import generate_province, to_csv

CITY, COUNTY, TOWNSHIP, OTHER_TOWNSHIP = "990100000000", "990102000000", "990102101000", "990102102000"
expect.set_options(timeout=45_000)

# Evidence files as a person would upload them (the service checks the content against the name).
NOTES = "%PDF-1.4\n% 走访党员群众记录\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()
MINUTES = "%PDF-1.4\n% 党委会会议纪要原件\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()
VISIT = "%PDF-1.4\n% 县级实地走访核查记录\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()
PHOTO = png(80, 60)


def landed(site, user: str, files_path: str, ref: dict, name: str, content: bytes) -> None:
    """The record's file is the one uploaded: its name, size and SHA-256, and the same bytes downloaded."""
    assert (ref["filename"], ref["size"], ref["sha256"]) == (name, len(content), hashlib.sha256(content).hexdigest()), ref
    answer = httpx.get(f"{site['platform'].url('screening')}{files_path}/{ref['file_id']}", headers=auth(user), timeout=30)
    assert answer.status_code == 200 and answer.content == content, answer.text[:200]
    assert answer.headers["X-Content-SHA256"] == ref["sha256"]


def campaign_in_assessment(api: Api) -> dict:
    """One county of two townships of eight villages; the city opens the campaign; the other township
    (township2_org) assesses and submits through the API; the clock stands in the assessment period."""
    api.set_clock("2020-07-01")
    rows = generate_province(cities=1, counties_per_city=1, townships_per_county=2, villages_per_township=8)
    api.call("province_org", "POST", "screening", "/divisions/import",
             files={"file": ("divisions.csv", to_csv(rows).encode(), "text/csv")})
    expected = api.get("province_org", "screening", "/divisions/summary")
    api.wait(lambda: all(api.get("province_org", s, "/divisions/summary") == expected
                         for s in ("casework", "supervision", "acceptance", "reporting")), "division copies")
    cid = api.post("city_org", "screening", "/campaigns", {"name": "示范市软弱涣散村党组织整顿", "area_code": CITY,
                                                          "opened_on": "2020-07-01"})["campaign_id"]
    villages = {t: sorted(r.code for r in rows if r.parent_code == t) for t in (TOWNSHIP, OTHER_TOWNSHIP)}
    api.set_clock("2020-08-08")
    other = villages[OTHER_TOWNSHIP]
    api.post("township2_org", "screening", f"{steps.round_path(cid, OTHER_TOWNSHIP)}/assessments", {
        "assessed_on": "2020-08-08", "assessments": [steps.assessment(other[0], ("secretary_incompetent",), "weak_and_lax"),
                                                     steps.assessment(other[1], ("committees_inactive",), "weak_and_lax")]
        + [steps.assessment(x, (), "neither") for x in other[2:]]})
    steps.prepare_and_submit(api, "township2_org", cid, OTHER_TOWNSHIP, date(2020, 8, 5), (date(2020, 8, 6), date(2020, 8, 7)),
                             date(2020, 8, 8))
    api.set_clock("2020-08-10")
    return {"campaign_id": cid, "villages": villages[TOWNSHIP]}


@pytest.fixture(scope="module")
def site():
    with running_platform() as platform:
        api = Api(urls={s: platform.url(s) for s in platform.services}, topic_prefix=platform.topic_prefix)
        started = time.perf_counter()
        data = campaign_in_assessment(api)
        print(f"\nscreening forms: campaign data in {time.perf_counter() - started:.0f} s")
        with gateway(platform) as url:
            shots = platform.log_dir / "screenshots"
            shots.mkdir(exist_ok=True)
            with chromium() as browser:
                yield {"platform": platform, "url": url, "browser": browser, "shots": shots, "api": api, **data}


def round_path(site) -> str:
    return steps.round_path(site["campaign_id"], TOWNSHIP)


def test_township_assesses_its_villages_in_one_table_and_submits_its_list(site):
    v = site["villages"]
    path = round_path(site)
    page = login(site, "township_org", "/tasks")
    ui.open_task(site, page, "逐村排查研判")
    expect(page).to_have_url(f"{site['url']}/screening/{site['campaign_id']}/rounds/R1/townships/{TOWNSHIP}")
    expect(page.locator("[data-test=assessment-table]")).to_be_visible()
    expect(page.locator(f"[data-test=assess-result-{v[7]}]")).to_be_visible()
    shot(site, page, "screening-01-township-table")

    # A met criterion without its evidence is caught in the row, and nothing is sent.
    ui.mark_village(page, v[0], "软弱涣散", {"secretary_incompetent": ""})
    page.click("[data-test=assess-save]")
    expect(page.locator(f"[data-test=assess-error-{v[0]}]")).to_contain_text("须填写依据")
    expect(page.locator("[data-test=assess-refusal]")).to_be_visible()
    assert api_get(site, "township_org", "screening", path)["assessed"] == 0
    shot(site, page, "screening-02-row-refused")

    # Three villages first: two weak and lax with their evidence, one lagging with its ranking.
    page.fill(f"textarea[data-test=assess-evidence-{v[0]}-secretary_incompetent]", "走访党员群众：书记长期不在村、不履职")
    ui.attach(page.locator(f"[data-test=assess-files-{v[0]}-secretary_incompetent]"), "走访记录.pdf", NOTES)
    ui.mark_village(page, v[1], "软弱涣散", {"committees_inactive": "村两委半年未开会", "affairs_not_disclosed": "党务村务未公开"})
    ui.mark_village(page, v[2], "后进", rank=(8, 25, "星级支部评定：一星（倒排末位）"))
    ui.save_assessments(page, 3)
    status = api_get(site, "township_org", "screening", path)
    assert status["assessed"] == 3 and len(status["missing_village_codes"]) == 5
    assert [x["village_code"] for x in status["weak_and_lax"]] == [v[0], v[1]]
    assert [x["village_code"] for x in status["lagging"]] == [v[2]]
    assert sorted(status["weak_and_lax"][1]["criteria_met"]) == ["affairs_not_disclosed", "committees_inactive"]
    # The finding's file landed with it: the round names it by village, and it downloads the same.
    assert list(status["evidence"]) == [v[0]]
    (notes_id,) = status["evidence"][v[0]]
    files = f"{path}/attachments"
    landed(site, "county_org", files, status["files"][notes_id], "走访记录.pdf", NOTES)
    shot(site, page, "screening-03-three-saved")

    # The committee meets, the list is noticed; a submission now is refused: five villages unassessed.
    # A "PDF" that is not one is refused by the service: its reason beside the files, the rest kept, nothing saved.
    attendees = "党委书记、乡镇长、组织委员、纪委书记"
    form = ui.fill_meeting(page, "2020-08-10", attendees, "对照十条标准逐村研判，集体研究确定名单")
    ui.choose_file(form.locator("[data-test=meeting-files-item]"), "党委会纪要.pdf", b"this is a scanned page, not a PDF")
    expect(form.locator("[data-test=meeting-files-item] .el-form-item__error")).to_contain_text("文件内容不是 .pdf 格式")
    expect(form.locator("input[data-test=meeting-attendees]")).to_have_value(attendees)
    assert api_get(site, "township_org", "screening", path)["meeting"] is None
    shot(site, page, "screening-03b-file-refused")
    ui.save_meeting(page, form, (("党委会纪要.pdf", MINUTES),))
    ui.record_notice(page, "2020-08-10", "2020-08-14", (("公示照片.png", PHOTO),))
    form = ui.try_submit(page)
    refusal = form.locator("[data-test=form-refusal]")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("尚未排查")
    expect(refusal).to_contain_text(status["missing_village_codes"][0])
    shot(site, page, "screening-04-submission-refused")
    assert api_get(site, "township_org", "screening", path)["status"] == "screening"   # nothing saved
    form.locator("button").filter(has_text="取消").click()

    # The rest are neither: one click, then save with the progress shown.
    page.click("[data-test=assess-rest-neither]")
    ui.save_assessments(page, 5)
    status = api_get(site, "township_org", "screening", path)
    assert status["assessed"] == 8 and status["missing_village_codes"] == []
    assert status["meeting"]["attendees"] == ["党委书记", "乡镇长", "组织委员", "纪委书记"]
    assert status["notice"]["starts_on"] == "2020-08-10" and status["notice"]["ends_on"] == "2020-08-14"
    (minutes_id,) = status["meeting"]["attachments"]
    (photo_id,) = status["notice"]["photos"]
    landed(site, "township_org", files, status["files"][minutes_id], "党委会纪要.pdf", MINUTES)
    landed(site, "county_org", files, status["files"][photo_id], "公示照片.png", PHOTO)
    # The page shows the files by name where their records are; the minutes download from there, the same bytes.
    meeting = page.locator("[data-test=round-meeting]")
    expect(meeting).to_contain_text("党委会纪要.pdf")
    expect(page.locator("[data-test=round-notice]")).to_contain_text("公示照片.png")
    expect(page.locator(".el-card").filter(has_text="软弱涣散村党组织名单")).to_contain_text("走访记录.pdf")
    with page.expect_download() as got:
        meeting.locator(f"[data-test=screening-file-{minutes_id}]").click()
    assert got.value.suggested_filename == "党委会纪要.pdf" and Path(got.value.path()).read_bytes() == MINUTES
    shot(site, page, "screening-05a-files-shown")
    page.goto(site["url"] + "/tasks")
    expect(ui.task_rows(page, "分两类上报名单")).to_have_count(1)
    for gone in ("逐村排查研判", "乡镇党委会集体研究", "名单公示"):
        expect(ui.task_rows(page, gone)).to_have_count(0)
    shot(site, page, "screening-05-tasks-after-assessment")

    # An objection during the notice, answered two days later from the to-do list.
    page.go_back()
    expect(page.locator("[data-test=round-actions]")).to_be_visible()
    ui.raise_objection(page, "群众反映某村书记不胜任的情况是否属实")
    ui.set_clock(site, "2020-08-12")
    ui.open_task(site, page, "答复公示异议")
    ui.answer_objection(page, "经核查属实，已列入软弱涣散名单")
    objections = api_get(site, "township_org", "screening", path)["objections"]
    assert len(objections) == 1 and objections[0]["answer"] == "经核查属实，已列入软弱涣散名单"
    assert objections[0]["answered_on"] == "2020-08-12"

    # After the notice: submitted from the to-do list.
    ui.set_clock(site, "2020-08-15")
    ui.open_task(site, page, "分两类上报名单")
    ui.submit_list(page)
    status = api_get(site, "township_org", "screening", path)
    assert status["status"] == "submitted"
    expect(page.locator("[data-test=round-actions]")).to_have_count(0)
    shot(site, page, "screening-06-submitted")
    page.goto(site["url"] + "/tasks")
    expect(page.locator("[data-test=tasks-summary]")).to_be_visible()
    expect(ui.task_rows(page, "上报名单")).to_have_count(0)
    page.context.close()


def test_county_checks_adjusts_and_its_standing_committee_confirms_then_the_cases_open(site):
    cid = site["campaign_id"]
    v = site["villages"]
    base = f"/campaigns/{cid}/rounds/R1/counties/{COUNTY}"
    ui.set_clock(site, "2020-08-19")
    names = {d["code"]: d["name"] for d in api_get(site, "county_org", "casework", "/divisions", parent=TOWNSHIP, size=100)["items"]}
    criteria = {c["code"]: c["label"] for c in api_get(site, "county_org", "screening", f"/campaigns/{cid}")["criteria"]}

    page = login(site, "county_org", "/tasks")
    expect(ui.task_rows(page, "县级随机抽查")).to_have_count(2)     # both townships submitted
    ui.open_task(site, page, "县级随机抽查")
    expect(page).to_have_url(f"{site['url']}/screening/{cid}/rounds/R1/counties/{COUNTY}")
    expect(page.locator("[data-test=county-townships]")).to_be_visible()
    expect(page.locator("[data-test=confirm-list]")).to_have_count(0)        # the standing committee's, not hers
    shot(site, page, "screening-10-county-list")

    # The county returns the township's list (退回) with its reason: the township has it to do again.
    reason = "后进村倒排依据不完整，请补充星级评定的会议记录"
    ui.return_list(page, TOWNSHIP, [reason])
    assert api_get(site, "county_org", "screening", f"{base}/list")["townships"][TOWNSHIP] == "missing"
    assert api_get(site, "township_org", "screening", round_path(site))["status"] == "returned"
    shot(site, page, "screening-10a-returned")

    # The township finds it in its to-do list with the reason, fixes the lagging village's basis, submits again.
    township = login(site, "township_org", "/tasks")
    expect(ui.task_rows(township, "重新上报名单")).to_contain_text(reason)
    ui.open_task(site, township, "重新上报名单")
    expect(township.locator("[data-test=round-actions]")).to_be_visible()
    ui.mark_village(township, v[2], "后进", rank=(8, 25, "星级支部评定：一星（倒排末位），附评定会议记录"))
    ui.save_assessments(township, 1)
    ui.submit_list(township)
    status = api_get(site, "township_org", "screening", round_path(site))
    assert status["status"] == "submitted" and [x["village_code"] for x in status["lagging"]] == [v[2]]
    township.goto(site["url"] + "/tasks")
    expect(township.locator("[data-test=tasks-summary]")).to_be_visible()
    expect(ui.task_rows(township, "上报名单")).to_have_count(0)
    shot(site, township, "screening-10b-resubmitted")
    township.context.close()

    ui.open_task(site, page, "县级随机抽查")
    for township_code in (TOWNSHIP, OTHER_TOWNSHIP):
        ui.draw_sample(page, township_code)
    # Drawn again (重新抽样) with its reason: the later attempt is the one checked, the first stays on record.
    ui.draw_sample(page, TOWNSHIP, redraw_reason="抽样时误用了退回前的名单，重新抽取")
    expect(page.locator("body")).to_contain_text("重抽理由：抽样时误用了退回前的名单，重新抽取")
    listed = api_get(site, "county_org", "screening", f"{base}/list")
    attempts = {s["attempt"] for s in listed["samples"] if s["division_code"] == TOWNSHIP}
    assert attempts == {1, 2}, listed["samples"]
    assert all(s["redraw_reason"] == "抽样时误用了退回前的名单，重新抽取" for s in listed["samples"]
               if s["division_code"] == TOWNSHIP and s["attempt"] == 2)
    latest = {t: max(s["attempt"] for s in listed["samples"] if s["division_code"] == t) for t in (TOWNSHIP, OTHER_TOWNSHIP)}
    chosen = {t: sorted({x for s in listed["samples"] if s["division_code"] == t and s["attempt"] == latest[t] for x in s["chosen"]})
              for t in (TOWNSHIP, OTHER_TOWNSHIP)}
    assert all(chosen.values()), listed["samples"]
    shot(site, page, "screening-10c-redrawn")
    page.goto(site["url"] + "/tasks")
    expect(ui.task_rows(page, "县级随机抽查")).to_have_count(0)
    expect(ui.task_rows(page, "实地走访核查")).to_have_count(2)
    ui.open_task(site, page, "实地走访核查")
    visited = chosen[TOWNSHIP][0]
    ui.record_site_visits(page, TOWNSHIP, {visited: "走访党员群众、查阅会议记录，情况属实"}, {visited: ("走访核查记录.pdf", VISIT)})
    ui.record_site_visits(page, OTHER_TOWNSHIP, {chosen[OTHER_TOWNSHIP][0]: "走访党员群众、查阅会议记录，情况属实"})
    listed = api_get(site, "county_org", "screening", f"{base}/list")
    found = {f["village_code"]: f for c in listed["checks"] for f in c["findings"]}
    assert set(found) == set(chosen[TOWNSHIP]) | set(chosen[OTHER_TOWNSHIP])
    assert all(f["outcome"] == "confirmed" for f in found.values())
    assert found[visited]["note"] == "走访党员群众、查阅会议记录，情况属实"
    # The visit's file landed with its finding, and shows by name in the findings.
    (visit_id,) = found[visited]["attachments"]
    assert all(not f["attachments"] for code, f in found.items() if code != visited)
    landed(site, "county_org", f"{base}/attachments", listed["files"][visit_id], "走访核查记录.pdf", VISIT)
    expect(page.locator(".el-card").filter(has_text="实地核查与市级抽查结果")).to_contain_text("走访核查记录.pdf")
    shot(site, page, "screening-11-visits-recorded")

    # The county adds a village the township left out, with the criterion and the reason.
    ui.adjust_add(page, names[v[3]], criteria["election_overdue"], "核查发现该村已超期未换届，增列为软弱涣散")
    entries = {e["village_code"]: e for e in api_get(site, "county_org", "screening", f"{base}/list")["entries"]}
    assert entries[v[3]]["added_by_county"] and entries[v[3]]["criteria_met"] == ["election_overdue"]
    page.goto(site["url"] + "/tasks")
    expect(ui.task_rows(page, "实地走访核查")).to_have_count(0)
    page.context.close()

    # The standing committee decides from its to-do list; a blank decision number is asked for first.
    ui.set_clock(site, "2020-08-20")
    page = login(site, "county_committee", "/tasks")
    ui.open_task(site, page, "县委常委会研究确定名单")
    form = ui.confirm_list(page, "")
    expect(form.locator(".el-form-item").filter(has_text="决定文号").locator(".el-form-item__error")).to_have_text("请填写决定文号")
    assert api_get(site, "county_committee", "screening", f"{base}/list")["confirmation"] is None
    form.locator("input[data-test=confirm-number]").fill("县委常委会〔2020〕8号")
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    ui.saved(page, "名单已确定")
    confirmation = api_get(site, "county_committee", "screening", f"{base}/list")["confirmation"]
    assert confirmation["decision_number"] == "县委常委会〔2020〕8号" and confirmation["decided_on"] == "2020-08-20"
    expect(page.locator("[data-test=county-actions]")).to_have_count(0)
    shot(site, page, "screening-12-confirmed")
    page.goto(site["url"] + "/tasks")
    expect(page.locator("[data-test=tasks-summary]")).to_be_visible()
    expect(ui.task_rows(page, "县委常委会研究确定名单")).to_have_count(0)
    page.context.close()

    # The cases open in casework: the township's three, the other township's two and the county's one.
    api = site["api"]
    api.wait(lambda: api.get("county_org", "casework", "/cases", params={"size": 1})["total"] == 6, "six cases", 180)
    opened = {c["village_code"]: c for c in api.all_pages("county_org", "casework", "/cases")}
    assert {v[0], v[1], v[2], v[3]} <= set(opened)
    assert opened[v[3]]["category"] == "weak_and_lax" and opened[v[3]]["designated_on"] == "2020-08-20"
    assert opened[v[2]]["category"] == "lagging"


def test_city_spot_checks_the_confirmed_list_and_the_county_files_it(site):
    cid = site["campaign_id"]
    base = f"/campaigns/{cid}/rounds/R1/counties/{COUNTY}"
    ui.set_clock(site, "2020-08-25")
    page = login(site, "city_org", "/tasks")
    ui.open_task(site, page, "市级抽查：抽取样本")
    expect(page).to_have_url(f"{site['url']}/screening/{cid}/rounds/R1/counties/{COUNTY}")
    ui.draw_city_sample(page)
    samples = api_get(site, "city_org", "screening", f"{base}/list")["city_samples"]
    assert samples and any(s["chosen"] for s in samples)
    ui.open_task(site, page, "市级抽查：记录结果")
    ui.record_city_findings(page)
    checks = api_get(site, "city_org", "screening", f"{base}/list")["city_checks"]
    assert len(checks) == 1 and {f["village_code"] for f in checks[0]["findings"]} == {v for s in samples for v in s["chosen"]}
    page.goto(site["url"] + "/tasks")
    expect(page.locator("[data-test=tasks-summary]")).to_be_visible()
    expect(ui.task_rows(page, "市级抽查")).to_have_count(0)
    shot(site, page, "screening-20-city-checked")
    page.context.close()

    page = login(site, "county_org", "/tasks")
    ui.open_task(site, page, "名单向市委组织部备案")
    expect(page).to_have_url(f"{site['url']}/screening/{cid}/filings/{COUNTY}")
    ui.file_list(page)
    filings = api_get(site, "county_org", "screening", f"/campaigns/{cid}/counties/{COUNTY}/filings")["items"]
    assert len(filings) == 1 and filings[0]["filing_date"] == "2020-08-31" and filings[0]["verified"]
    assert len(filings[0]["content"]["entries"]) == 6
    expect(page.locator("[data-test=filing-verified]")).to_have_count(1)
    shot(site, page, "screening-21-filed")
    page.context.close()


def test_city_opens_a_campaign_and_revises_its_policy(site):
    before = api_get(site, "city_org", "screening", "/campaigns")["total"]
    page = login(site, "city_org", "/screening")
    # A village cannot be a campaign's area: the service's reason shows beside the area, nothing is opened,
    # the input stays.
    form = ui.try_open_campaign(page, "示范市后进村党组织整顿（第二批）", site["villages"][0])
    expect(form.locator(".el-form-item__error")).to_contain_text("乡镇级区划代码")
    expect(form.locator("input[data-test=campaign-name]")).to_have_value("示范市后进村党组织整顿（第二批）")
    assert api_get(site, "city_org", "screening", "/campaigns")["total"] == before
    shot(site, page, "screening-30-campaign-refused")
    form.locator("input[data-test=campaign-area]").fill(CITY)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    ui.saved(page, "已启动整顿工作")
    campaigns = api_get(site, "city_org", "screening", "/campaigns")["items"]
    opened = [c for c in campaigns if c["name"] == "示范市后进村党组织整顿（第二批）"]
    assert len(opened) == 1 and opened[0]["area_code"] == CITY and opened[0]["opened_on"] == "2020-08-25"
    expect(page).to_have_url(f"{site['url']}/screening/{opened[0]['campaign_id']}")

    # A revision without its reason is asked for it; then version 2 with the new minimum share.
    form = ui.try_revise_policy(page, 12, "")
    expect(form.locator(".el-form-item").filter(has_text="修订理由").locator(".el-form-item__error")).to_have_text("请填写修订理由")
    assert api_get(site, "city_org", "screening", f"/campaigns/{opened[0]['campaign_id']}")["policy_version"] == 1
    form.locator("textarea[data-test=policy-reason]").fill("市委组织部研究：最低比例提高到12%")
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    ui.saved(page, "政策已修订为第 2 版")
    revised = api_get(site, "city_org", "screening", f"/campaigns/{opened[0]['campaign_id']}")
    assert revised["policy_version"] == 2 and float(revised["policy"]["min_listed_share"]) == 0.12
    assert revised["policy_history"][-1]["reason"] == "市委组织部研究：最低比例提高到12%"
    shot(site, page, "screening-31-policy-revised")
    page.context.close()


def test_township_imports_and_edits_its_cadre_register_and_the_county_reads_it(site):
    """The township's clerk uploads the register: a file with a bad phone is refused row by row and nothing is
    stored; the corrected one lists both villages, the one elected in 2015 marked 逾期 (its term ended in 2020);
    an edit of the secretary's phone makes revision 2, and the history shows both. The county reads the same
    register, phones included, and may neither import nor edit."""
    first, second = site["villages"][:2]
    header = "区划代码,党组织名称,职务,姓名,联系电话,换届日期,星级"
    good = [header, f"{first},一村党支部,书记,张书记,13812345678,2015-01-10,二星",
            f"{first},,委员,王委员,0518-88881234,2015-01-10,2", f"{second},二村党总支,书记,赵书记,13912345678,2018-01-10,五星"]
    bad = [*good[:2], f"{first},,委员,王委员,12345,2015-01-10,2", good[3]]
    page = login(site, "township_org")
    page.click("[data-test=nav-cadres]")
    upload = page.locator("[data-test=cadres-upload] input[type=file]")
    upload.set_input_files({"name": "名册（有误）.csv", "mimeType": "text/csv", "buffer": ("\n".join(bad) + "\n").encode()})
    expect(page.locator("[data-test=cadres-refusal]")).to_be_visible()
    refused = page.locator("[data-test=cadres-errors] .el-table__body tr")
    expect(refused).to_have_count(1)
    expect(refused.first).to_contain_text("联系电话")      # the column as the file names it
    expect(refused.first.locator("td").first).to_have_text("3")
    shot(site, page, "cadres-01-refused")
    assert api_get(site, "township_org", "screening", "/cadres", under=TOWNSHIP)["total"] == 0     # nothing stored

    upload.set_input_files({"name": "名册.csv", "mimeType": "text/csv", "buffer": ("\n".join(good) + "\n").encode()})
    expect(page.locator("[data-test=cadres-result]")).to_contain_text("共 3 行、2 个村（社区）：新修订 2")
    rows = page.locator("[data-test=cadres-table] .el-table__body tr")
    expect(rows).to_have_count(2)
    expect(page.locator(f"[data-test=overdue-{first}]")).to_be_visible()
    expect(page.locator(f"[data-test=overdue-{second}]")).to_have_count(0)
    expect(page.locator("[data-test=cadres-table]")).to_contain_text("13812345678")
    shot(site, page, "cadres-02-imported")

    # Only the overdue ones, as a clerk looking for criterion 1 would ask.
    page.locator("[data-test=cadres-overdue]").click()
    page.locator(".el-select-dropdown__item").filter(has_text="换届逾期").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("张书记")

    page.click(f"[data-test=edit-{first}]")
    form = page.locator(".el-dialog").filter(has_text="修改名册")
    expect(form.locator("input[data-test=cadre-secretary-phone]")).to_have_value("13812345678")
    form.locator("input[data-test=cadre-secretary-phone]").fill("12345")
    form.locator("[data-test=form-submit]").click()
    expect(form.locator(".el-form-item__error")).to_contain_text("电话")        # refused beside the field, nothing saved
    assert api_get(site, "township_org", "screening", f"/cadres/{first}")["revision"] == 1
    form.locator("input[data-test=cadre-secretary-phone]").fill("13800001111")
    form.locator("input[data-test=cadre-reason]").fill("书记更换手机号")
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    expect(page.locator(".el-message").filter(has_text="第 2 次修订").first).to_be_visible()
    entry = api_get(site, "township_org", "screening", f"/cadres/{first}")
    assert (entry["revision"], entry["secretary"]["phone"], entry["reason"]) == (2, "13800001111", "书记更换手机号")
    assert [m["name"] for m in entry["members"]] == ["王委员"]        # the members the form showed were kept

    page.click(f"[data-test=revisions-{first}]")
    history = page.locator("[data-test=cadre-revisions] .el-table__body tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("书记更换手机号")
    shot(site, page, "cadres-03-revisions")
    page.context.close()

    county = login(site, "county_org")
    county.click("[data-test=nav-cadres]")
    expect(county.locator("[data-test=cadres-table] .el-table__body tr")).to_have_count(2)
    expect(county.locator("[data-test=cadres-table]")).to_contain_text("13800001111")
    expect(county.locator("[data-test=cadres-import]")).to_have_count(0)
    expect(county.locator(f"[data-test=edit-{first}]")).to_have_count(0)
    shot(site, county, "cadres-04-county-reads")
    county.context.close()
