"""The casework forms of the case book in a real browser (issue 18): the county's organization department
finds "选派工作队" in its to-do list and stations the team and names the contact leader by clicking; a change
of contact leader or team without the county's decision is refused beside the field and changes nothing, and
with the decision it is made; the first secretary and a pairing; the first secretary changed (a reason, a date
not before the designation); the township's organization staff staff a village of their own township from their
to-do list (not one of the other township); the team leader's two-monthly progress report
(a second one for the same period refused); and continued rectification: the standing committee's study, the
county secretary's 挂牌督办 (someone else named is refused beside the field) and the second review.

The tests share one campaign and run in order (the team the first one stations reports in the second)."""
from __future__ import annotations

import time
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.support import console_casework as cw
from tests.support.campaign import campaign_until_cases_open
from tests.support.console import api_get, chromium, gateway, login, option_of, set_clock, shot
from tests.support.platform import running_platform
from zhengdun_demo.api import Platform as Api
from zhengdun_demo.client import auth

CITY, COUNTY, TOWNSHIP, OTHER_TOWNSHIP = "990100000000", "990102000000", "990102101000", "990102102000"
VILLAGE = "990102101201"     # the realm's team_leader and team_member work here
expect.set_options(timeout=45_000)


def cases_open(api: Api) -> dict:
    """The common start up to the county's decision: six cases open, no team and no contact leader yet
    (this module assigns them in the browser)."""
    opened = campaign_until_cases_open(api)
    return {**opened, "case_id": opened["cases"][VILLAGE]}


@pytest.fixture(scope="module")
def site():
    with running_platform() as platform:
        api = Api(urls={s: platform.url(s) for s in platform.services}, topic_prefix=platform.topic_prefix)
        started = time.perf_counter()
        data = cases_open(api)
        print(f"\ncasework forms: campaign data in {time.perf_counter() - started:.0f} s")
        with gateway(platform) as url:
            shots = platform.log_dir / "screenshots"
            shots.mkdir(exist_ok=True)
            with chromium() as browser:
                yield {"platform": platform, "api": api, "url": url, "browser": browser, "shots": shots, "village": VILLAGE, **data}


def book(site, user: str = "county_org") -> dict:
    return api_get(site, user, "casework", f"/cases/{site['case_id']}")


def entries(site, kind: str) -> list[dict]:
    history = api_get(site, "county_org", "casework", f"/cases/{site['case_id']}/ledger")["history"]
    return [e for e in history if e["kind"] == kind]


def test_county_assigns_team_and_contact_leader_and_a_change_needs_the_countys_decision(site):
    people, url = site["people"], site["url"]
    name = book(site)["village_name"]
    page = login(site, "county_org", "/tasks")
    cw.open_task(page, url, "选派工作队", name)
    shot(site, page, "casework-01-case-book-before-team")

    cw.assign_team(page, "卫队长", ["蒋队员"], ["乡镇干部甲"], leader_post="县委组织部干部（工作队队长）")
    expect(page.locator("[data-test=team-leader-name]")).to_contain_text("卫队长")
    team = book(site)["team"]
    assert team["leader"]["user_id"] == people["team_leader"] and team["leader"]["rank"] == "section"
    assert team["stationed_on"] == "2020-08-22"
    assert sorted(m["name"] for m in team["members"]) == ["乡镇干部甲", "蒋队员"]
    assert [m.get("user_id") for m in team["members"] if m["name"] == "蒋队员"] == [people["team_member"]]
    shot(site, page, "casework-02-team-stationed")

    cw.assign_contact_leader(page, "王联系")
    expect(page.locator("[data-test=contact-leader-name]")).to_contain_text("王联系")
    leader = book(site)["contact_leader"]
    assert leader["user_id"] == people["contact_leader"] and leader["rank"] == "county" and leader["post"] == "县委常委"

    # Both steps are gone from the to-do list; the other villages' remain.
    for label in ("选派工作队", "明确联系分包县级领导"):
        expect(cw.task_rows(page, url, label, name)).to_have_count(0)
    expect(page.locator(cw.ROW).filter(has_text="选派工作队")).to_have_count(5)
    shot(site, page, "casework-03-tasks-after-staffing")

    # A change of contact leader without the county's decision: refused beside 决定文号, nothing changes.
    page.goto(f"{url}/cases/{site['case_id']}")
    form = cw.assign_contact_leader(page, "李副县长", typed=True, post="副县长", change=("王联系同志工作调整", None),
                                    expect_saved=False)
    expect(form.locator("[data-test=decision-item] .el-form-item__error")).to_contain_text("县委常委会或县委组织部的决定")
    expect(form.locator("input[data-test=contact-leader-post]")).to_have_value("副县长")      # the input is kept
    shot(site, page, "casework-04-change-refused-without-decision")
    assert book(site)["contact_leader"]["user_id"] == people["contact_leader"]
    assert len(entries(site, "contact_leader_assigned")) == 1

    # With the decision it is made, and the ledger keeps the decision.
    form.locator("input[data-test=decision-reference]").fill("县委组通〔2020〕15号")
    cw.fill_date(form, "decision-date-item", "2020年8月21日")
    cw.save(page, form, "已调整联系领导")
    expect(page.locator("[data-test=contact-leader-name]")).to_contain_text("李副县长")
    leader = book(site)["contact_leader"]
    assert leader["name"] == "李副县长" and leader["post"] == "副县长" and not leader.get("user_id")
    changed = entries(site, "contact_leader_assigned")
    assert len(changed) == 2 and changed[-1]["data"]["decision"] == {"reference": "县委组通〔2020〕15号", "decided_on": "2020-08-21"}
    assert changed[-1]["data"]["change_reason"] == "王联系同志工作调整"
    shot(site, page, "casework-05-contact-leader-changed")

    # The team changed the same way: refused without the decision, made with it (new members, the same leader).
    form = cw.assign_team(page, "卫队长", typed_members=["县直干部乙", "乡镇干部丙"], leader_post="县委组织部干部（工作队队长）",
                          change=("充实工作力量", None), expect_saved=False)
    expect(form.locator("[data-test=decision-item] .el-form-item__error")).to_contain_text("县委常委会或县委组织部的决定")
    assert sorted(m["name"] for m in book(site)["team"]["members"]) == ["乡镇干部甲", "蒋队员"]
    form.locator("input[data-test=decision-reference]").fill("县委组通〔2020〕16号")
    cw.fill_date(form, "decision-date-item", "2020年8月22日")
    cw.save(page, form, "已调整工作队")
    team = book(site)["team"]
    assert team["leader"]["user_id"] == people["team_leader"]
    assert sorted(m["name"] for m in team["members"]) == ["乡镇干部丙", "县直干部乙"]
    assert entries(site, "team_stationed")[-1]["data"]["decision"] == {"reference": "县委组通〔2020〕16号", "decided_on": "2020-08-22"}

    # The first secretary and a pairing with an excellent secretary of another village.
    cw.appoint_first_secretary(page, "赵一书", "县直部门干部")
    expect(page.locator("[data-test=case-village]")).to_be_visible()
    partner = site["villages"][OTHER_TOWNSHIP][6]
    cw.pair_secretary(page, "钱优秀", partner)
    detail = book(site)
    assert detail["first_secretary"]["name"] == "赵一书" and detail["first_secretary"]["post"] == "县直部门干部"
    assert [(p["secretary"]["name"], p["secretary_village_code"], p["paired_on"]) for p in detail["pairings"]] == \
        [("钱优秀", partner, "2020-08-22")]
    # The same secretary again: the service's refusal above the form, nothing saved.
    form = cw.pair_secretary(page, "钱优秀", partner, expect_saved=False)
    expect(form.locator("[data-test=form-refusal]")).to_contain_text("已与本村结对")
    assert len(book(site)["pairings"]) == 1
    shot(site, page, "casework-06-pairing-refused-twice")
    page.context.close()


def test_county_changes_the_first_secretary_with_a_reason_and_a_date_after_designation(site):
    page = login(site, "county_org", f"/cases/{site['case_id']}")
    expect(page.locator("[data-test=case-village]")).to_be_visible()
    # A change without its reason: refused beside 调整理由, nothing changed.
    form = cw.change_first_secretary(page, "孙二书", "市直部门干部", "", expect_saved=False)
    expect(cw.error_beside(form, "调整理由")).to_contain_text("调整须说明理由")
    assert book(site)["first_secretary"]["name"] == "赵一书"
    # A date before the village was designated: the service's reason beside 选派日期, nothing changed.
    form.locator("input[data-test=change-reason]").fill("赵一书同志调回原单位")
    cw.labelled_date(form, "选派日期", "2020年8月19日")
    cw.save(page, form, None, expect_saved=False)
    expect(cw.error_beside(form, "选派日期")).to_contain_text("选派日期早于确定为整顿对象的日期 2020-08-20")
    expect(form.locator("input[data-test=change-reason]")).to_have_value("赵一书同志调回原单位")     # the input is kept
    shot(site, page, "casework-12-first-secretary-change-refused")
    assert book(site)["first_secretary"]["name"] == "赵一书" and len(entries(site, "first_secretary_appointed")) == 1

    cw.labelled_date(form, "选派日期", "2020年8月22日")
    cw.save(page, form, "已选派第一书记")
    detail = book(site)
    assert (detail["first_secretary"]["name"], detail["first_secretary"]["post"]) == ("孙二书", "市直部门干部")
    changed = entries(site, "first_secretary_appointed")
    assert len(changed) == 2 and changed[-1]["data"]["change_reason"] == "赵一书同志调回原单位"
    shot(site, page, "casework-13-first-secretary-changed")
    page.context.close()


def test_township_stations_the_team_and_names_the_contact_leader_of_a_village_in_its_township(site):
    """The township's organization staff may staff its own villages (case.staff at township level), from its
    to-do list; not a village of the other township."""
    url, api = site["url"], site["api"]
    mine, theirs = site["villages"][TOWNSHIP][1], site["villages"][OTHER_TOWNSHIP][0]
    case_id = site["cases"][mine]
    name = api_get(site, "township_org", "casework", f"/cases/{case_id}")["village_name"]
    page = login(site, "township_org", "/tasks")
    # Its township's two villages still without a team; none of the other township's.
    expect(page.locator(cw.ROW).filter(has_text="选派工作队")).to_have_count(2)
    cw.open_task(page, url, "选派工作队", name)
    expect(page.locator("[data-test=appoint-first-secretary]")).to_be_visible()

    # Stationed before the village was designated: refused beside 驻村日期, nothing saved.
    form = cw.assign_team(page, "周镇干", typed_leader=True, typed_members=["吴村干", "郑县干"], leader_post="乡镇党委副书记",
                          stationed_on="2020年8月19日", expect_saved=False)
    expect(cw.error_beside(form, "驻村日期")).to_contain_text("驻村日期早于确定为整顿对象的日期 2020-08-20")
    expect(form.locator("input[data-test=team-leader-post]")).to_have_value("乡镇党委副书记")
    shot(site, page, "casework-14-township-team-refused")
    assert api_get(site, "township_org", "casework", f"/cases/{case_id}")["team"] is None

    cw.labelled_date(form, "驻村日期", "2020年8月22日")
    cw.save(page, form, "已选派工作队")
    expect(page.locator("[data-test=team-leader-name]")).to_contain_text("周镇干")
    cw.assign_contact_leader(page, "王联系", typed=True, post="县委常委")
    expect(page.locator("[data-test=contact-leader-name]")).to_contain_text("王联系")
    detail = api_get(site, "township_org", "casework", f"/cases/{case_id}")
    team = detail["team"]
    assert (team["leader"]["name"], team["leader"]["post"], team["leader"]["rank"], team["stationed_on"]) == \
        ("周镇干", "乡镇党委副书记", "section", "2020-08-22")
    assert sorted(m["name"] for m in team["members"]) == ["吴村干", "郑县干"]
    assert (detail["contact_leader"]["name"], detail["contact_leader"]["rank"]) == ("王联系", "county")
    stationed = api_get(site, "township_org", "casework", f"/cases/{case_id}/ledger")["history"]
    assert [(e["actor"]["user_id"], e["actor"]["division_code"]) for e in stationed
            if e["kind"] in ("team_stationed", "contact_leader_assigned")] == [(site["people"]["township_org"], TOWNSHIP)] * 2
    for label in ("选派工作队", "明确联系分包县级领导"):
        expect(cw.task_rows(page, url, label, name)).to_have_count(0)
    expect(page.locator(cw.ROW).filter(has_text="选派工作队")).to_have_count(1)      # the township's other village
    shot(site, page, "casework-15-township-staffed")
    page.context.close()

    # A village of the other township is not its to staff: the service refuses, nothing changes.
    refused = httpx.put(site["platform"].url("casework") + f"/cases/{site['cases'][theirs]}/team", headers=auth("township_org"),
                        json={"leader": {"name": "周镇干", "rank": "section"}, "members": [{"name": "吴村干"}, {"name": "郑县干"}],
                              "stationed_on": "2020-08-22"})
    assert refused.status_code == 403, refused.text
    assert api.get("county_org", "casework", f"/cases/{site['cases'][theirs]}")["team"] is None


def test_team_leader_files_the_two_monthly_progress_report(site):
    # The first two-month period (September–October) ends in 11 days: the report is in the team's to-do list.
    set_clock(site, "2020-10-20")
    name = book(site)["village_name"]
    page = login(site, "team_leader", "/tasks")
    cw.open_task(page, site["url"], "报送整顿进展", name)
    expect(page.locator("[data-test=progress-reports-card]")).to_be_visible()
    for button in ("station-team", "assign-contact-leader", "add-pairing"):      # staffing is the county's
        expect(page.locator(f"[data-test={button}]")).to_have_count(0)
    summary = "本期制定问题清单，召开党员大会，整改按计划推进"
    cw.file_progress_report(page, summary)
    expect(page.locator("[data-test=progress-reports]")).to_contain_text(summary)
    reports = book(site, "team_leader")["progress_reports"]
    assert [(r["period_start"], r["period_end"], r["filed_on"], r["summary"]) for r in reports] == \
        [("2020-09-01", "2020-10-31", "2020-10-20", summary)]
    shot(site, page, "casework-07-progress-report")

    # The same period again: the service says it is reported; the text stays; nothing saved.
    form = cw.file_progress_report(page, "重复报送", expect_saved=False)
    expect(form.locator("[data-test=form-refusal]")).to_contain_text("已报送")
    expect(form.locator("textarea[data-test=report-summary]")).to_have_value("重复报送")
    assert len(book(site, "team_leader")["progress_reports"]) == 1
    shot(site, page, "casework-08-progress-report-refused")
    expect(cw.task_rows(page, site["url"], "报送整顿进展", name)).to_have_count(0)
    page.context.close()


def test_continued_rectification_study_supervision_and_second_review(site):
    api, url, people = site["api"], site["url"], site["people"]
    phases = api.get("county_org", "screening", f"/campaigns/{site['campaign_id']}")["phases"]
    ends = next(p["ends_on"] for p in phases if p["phase"] == "concentrated")
    starts = date.fromisoformat(ends) + timedelta(days=1)
    set_clock(site, starts.isoformat())
    api.wait(lambda: book(site)["phase"] == "continued", "the case in continued rectification")
    name = book(site)["village_name"]

    page = login(site, "county_committee", "/tasks")
    cw.open_task(page, url, "持续整顿：县委研究", name)
    expect(page.locator("[data-test=continued-card]")).to_be_visible()
    cw.record_study(page, "县委常委会第12次会议", "继续整顿，县委书记挂牌督办")
    study = book(site)["continued"]["study"]
    assert study["meeting"] == "县委常委会第12次会议" and study["studied_on"] == starts.isoformat()
    expect(cw.task_rows(page, url, "持续整顿：县委研究", name)).to_have_count(0)
    page.context.close()

    page = login(site, "county_secretary", "/tasks")
    cw.open_task(page, url, "持续整顿：挂牌督办", name)
    shot(site, page, "casework-09-continued")
    # Someone other than the county secretary named: refused beside 督办人, nothing saved.
    form = cw.assign_supervision(page, "2021年7月31日", typed_supervisor="刘县长", post="县长", expect_saved=False)
    expect(form.locator("[data-test=supervisor-item] .el-form-item__error")).to_contain_text("县委书记")
    assert book(site)["continued"]["supervision"] is None
    shot(site, page, "casework-10-supervision-refused")
    cw.pick(page, form, "supervisor", "郑书记")
    form.locator("input[data-test=supervisor-post]").fill("县委书记")
    cw.save(page, form, "已挂牌督办")
    supervision = book(site)["continued"]["supervision"]
    assert supervision["supervisor"]["user_id"] == people["county_secretary"] and supervision["deadline"] == "2021-07-31"
    expect(cw.task_rows(page, url, "持续整顿：挂牌督办", name)).to_have_count(0)

    cw.open_task(page, url, "持续整顿：二次研判", name)
    cw.second_review(page, "督办期间仍未完成，由县委书记直接联系")
    detail = book(site)
    assert detail["continued"]["second_review"]["conclusion"] == "督办期间仍未完成，由县委书记直接联系"
    assert detail["direct_county_secretary"] is True and detail["contact_leader"]["user_id"] == people["county_secretary"]
    expect(cw.task_rows(page, url, "持续整顿：二次研判", name)).to_have_count(0)
    shot(site, page, "casework-11-second-review")
    page.context.close()


def test_county_pairs_an_excellent_secretary_with_listed_villages_and_the_target_is_shown(site):
    """结对帮带 (seed 002): the secretary paired from the case book has one village, 未达目标 on the county's list;
    the county adds a second village on the pairing page and the flag goes; two more would make four, refused
    above the form with nothing saved; the township reads the list and may not pair."""
    partner = site["villages"][OTHER_TOWNSHIP][6]
    others = [c for c in api_get(site, "county_org", "casework", "/cases", size=50)["items"] if c["village_code"] != VILLAGE]
    page = login(site, "county_org")
    page.click("[data-test=nav-pairings]")
    row = page.locator("[data-test=pairings-table] .el-table__body tr").filter(has_text="钱优秀")
    expect(row).to_have_count(1)
    expect(page.locator(f"[data-test=below-target-{partner}]")).to_be_visible()
    shot(site, page, "pairings-01-below-target")

    def pair(villages: list[dict], *, saved: bool):
        page.click("[data-test=pairing-add]")
        form = page.locator(".el-dialog").filter(has_text="优秀书记结对帮带")
        form.locator("[data-test=pairing-secretary-village]").click()
        page.keyboard.type(partner)
        option_of(form.locator("[data-test=pairing-secretary-village]"), partner).click()
        # A multiple select stays open after a pick (a second click on it would close it): open it once, pick each.
        chosen = form.locator("[data-test=pairing-villages]")
        chosen.click()
        for village in villages:
            option_of(chosen, village["village_code"]).click()
        page.keyboard.press("Escape")
        form.locator("input[data-test=pairing-secretary-name]").fill("钱优秀")
        return cw.save(page, form, "已安排钱优秀" if saved else None, saved)

    # Without a name: the register has no secretary of that village, so the service asks for it beside the field.
    page.click("[data-test=pairing-add]")
    form = page.locator(".el-dialog").filter(has_text="优秀书记结对帮带")
    form.locator("[data-test=pairing-secretary-village]").click()
    page.keyboard.type(partner)
    option_of(form.locator("[data-test=pairing-secretary-village]"), partner).click()
    form.locator("[data-test=pairing-villages]").click()
    option_of(form.locator("[data-test=pairing-villages]"), others[0]["village_code"]).click()
    page.keyboard.press("Escape")
    cw.save(page, form, None, False)
    expect(form.locator(".el-form-item__error")).to_contain_text("请填写书记姓名")
    form.locator("[data-test=form-submit]").locator("xpath=preceding-sibling::button").click()     # 取消
    expect(form).to_be_hidden()

    pair(others[:1], saved=True)
    expect(page.locator(f"[data-test=below-target-{partner}]")).to_have_count(0)
    expect(row).to_contain_text("2 / 3")
    listed = api_get(site, "county_org", "casework", "/pairings", below_target="false")["items"]
    assert [(p["secretary"]["name"], sorted(v["village_code"] for v in p["villages"])) for p in listed] == \
        [("钱优秀", sorted([VILLAGE, others[0]["village_code"]]))]
    shot(site, page, "pairings-02-target-met")

    form = pair(others[1:3], saved=False)
    expect(form.locator("[data-test=form-refusal]")).to_contain_text("3")
    assert api_get(site, "county_org", "casework", "/pairings")["items"][0]["active_villages"] == 2   # nothing saved
    shot(site, page, "pairings-03-refused-four")
    page.context.close()

    township = login(site, "township_org")
    township.click("[data-test=nav-pairings]")
    expect(township.locator("[data-test=pairings-table] .el-table__body tr").filter(has_text="钱优秀")).to_have_count(1)
    expect(township.locator("[data-test=pairing-add]")).to_have_count(0)
    township.context.close()
