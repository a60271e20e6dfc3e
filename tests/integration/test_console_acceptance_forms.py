"""Every acceptance step clicked in the staff console (issue 18), in a real browser against a platform of
its own: one village is brought through the APIs to the point where it may apply; then each person in
turn finds the step in their to-do list, opens it and takes it in its form — the application signed by
the team leader and the village secretary (each reading what they sign, the scan of the signed paper
among it), the self-check, the township's preliminary with its report's original (a refused upload first)
and its principal's signature, the county group, the eight departments' opinions (each sees
only its own form), the county report with its original, the standing committee's approval, the county secretary's
signature (after reading the report to be signed), the survey, the notice with an objection refused and
then recorded and answered, the delisting and the post-evaluation. After each step the to-do item is
gone and the API holds what was typed. The tests run in order: each takes the acceptance from where the
previous one left it."""
from __future__ import annotations

import hashlib
import time
from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.support import console_acceptance as steps
from tests.support.console import api_get, chromium, gateway, login, png, set_clock, shot
from tests.support.console_acceptance import PDF, DEPARTMENTS, acceptance_tasks, assert_task_gone, open_from_tasks, pdf_file, png_file
from tests.support.platform import running_platform
from zhengdun_demo.api import Platform as Api
from zhengdun_demo.client import auth

expect.set_options(timeout=45_000)


@pytest.fixture(scope="module")
def site():
    """Its own platform (the scenario moves the clock), one village ready to apply, and the console."""
    with running_platform() as platform:
        api = Api(urls={s: platform.url(s) for s in platform.services}, topic_prefix=platform.topic_prefix)
        started = time.perf_counter()
        data = steps.campaign_until_acceptance(api)
        print(f"\nacceptance console test: campaign data in {time.perf_counter() - started:.0f} s")
        with gateway(platform) as url:
            shots = platform.log_dir / "screenshots"
            shots.mkdir(exist_ok=True)
            with chromium() as browser:
                yield {"platform": platform, "url": url, "browser": browser, "shots": shots, "api": api, **data}


def acceptance(site, user: str = "county_org") -> dict:
    return api_get(site, user, "acceptance", f"/acceptances/{site['acceptance_id']}")


def documents(site, kind: str) -> list[dict]:
    docs = api_get(site, "county_org", "acceptance", f"/acceptances/{site['acceptance_id']}/documents", size=200)["items"]
    return [d for d in docs if d["kind"] == kind]


def verified(site, document_id: str) -> dict:
    return api_get(site, "county_org", "acceptance", f"/documents/{document_id}/verify")


def stored_file(site, file_id: str) -> bytes:
    """The bytes the acceptance service keeps for one of its files."""
    response = httpx.get(f"{site['platform'].url('acceptance')}/acceptances/{site['acceptance_id']}/attachments/{file_id}",
                         headers=auth("county_org"), timeout=30)
    assert response.status_code == 200, response.text
    return response.content


def assert_files(site, refs: list[dict], *expected: tuple[str, bytes]) -> None:
    """The files a record or document names are exactly ``expected`` (name, bytes), stored with those bytes."""
    assert [r["filename"] for r in refs] == [name for name, _ in expected]
    for ref, (_, content) in zip(refs, expected):
        assert ref["sha256"] == hashlib.sha256(content).hexdigest() and stored_file(site, ref["file_id"]) == content


def record_files(site, step: str) -> list[list[str]]:
    """The file ids each record of ``step`` names (its request body)."""
    return [r["body"].get("attachments", []) for r in acceptance(site)["records"] if r["step"] == step]


def take(site, user: str, kind_label: str, name: str, step, *args, **kwargs):
    """One person's step: from their to-do list to the form; afterwards the item is gone from the list."""
    aid = site["acceptance_id"]
    assert any(t["kind_label"] == kind_label for t in acceptance_tasks(site, user, aid)), acceptance_tasks(site, user, aid)
    page = open_from_tasks(site, user, aid, kind_label)
    answer = step(page, *args, **kwargs)
    shot(site, page, f"acceptance-{name}")
    assert not any(t["kind_label"] == kind_label for t in acceptance_tasks(site, user, aid))
    assert_task_gone(page, aid, kind_label)
    page.context.close()
    return answer


def test_the_application_is_signed_by_both_each_reading_what_they_sign(site):
    statement = "本村整顿任务已全部完成，班子配齐建强，申请验收。"
    paper = "联名申请书签字页.png"
    shown = take(site, "team_leader", "联名签署验收申请", "01-application-team-leader", steps.sign_application, statement,
                 files=[png_file(paper)], shown_files=[paper])
    assert shown == statement
    after_one = acceptance(site)
    assert after_one["stage"] == "ready" and list(after_one["state"]["application_signers"]) == ["work_team_leader"]
    # The secretary reads the very statement the team leader signed, and signs the same document.
    shown = take(site, "village_secretary", "联名签署验收申请", "02-application-secretary", steps.sign_application,
                 shoot=lambda page: shot(site, page, "acceptance-02-application-secretary-reads"), shown_files=[paper])
    assert shown == statement
    after = acceptance(site)
    assert after["stage"] == "applied"
    [doc] = documents(site, "application")
    assert doc["content"]["statement"] == statement
    # The scan of the signed paper: named in the signed content, in the team leader's record, stored as sent.
    assert_files(site, doc["content"]["attachments"], (paper, png()))
    assert record_files(site, "application") == [[doc["content"]["attachments"][0]["file_id"]], []]
    assert after["state"]["attachments"]["application"] == doc["content"]["attachments"]
    check = verified(site, doc["document_id"])
    assert check["valid"] and sorted(s["role"] for s in check["signatures"]) == ["village_secretary", "work_team_leader"]


def test_self_check_then_the_townships_preliminary_signed_by_its_principal(site):
    scores = {"A1": 22, "B1": 21, "C1": 20, "D1": 23}
    take(site, "team_leader", "村级自查", "03-self-check", steps.self_check, scores)
    state = acceptance(site)["state"]
    assert state["self_check"]["scores"] == {k: str(v) for k, v in scores.items()} and state["self_check"]["total"] == "86"

    report = "经初验，该村整顿任务完成，同意摘帽。"
    # An empty scan first: the service's reason beside the upload, the typed input kept; then the real one.
    original = "乡镇初验报告（盖章原件）.pdf"
    take(site, "township_org", "乡镇初验", "04-preliminary", steps.preliminary, ["乡镇纪委书记", "组织委员"],
         ["乡镇党委书记", "乡镇长"], "党委集体研究，同意摘帽", report, files=[pdf_file(original)],
         refused=(pdf_file("空白扫描件.pdf", b""), "佐证材料文件为空"),
         shoot=lambda page: shot(site, page, "acceptance-04-preliminary-upload-refused"))
    [doc] = documents(site, "preliminary_report")
    content = doc["content"]
    assert_files(site, content["attachments"], (original, PDF))         # the refused file is nowhere
    assert record_files(site, "preliminary") == [[content["attachments"][0]["file_id"]]]
    assert content["inspection_group"] == ["乡镇纪委书记", "组织委员"] and content["report"] == report
    assert content["meeting"]["attendees"] == ["乡镇党委书记", "乡镇长"] and content["meeting"]["held_on"] == "2020-09-16"
    assert acceptance(site)["stage"] == "preliminary_recorded"

    take(site, "township_principal", "乡镇初验签字盖章", "05-preliminary-sign", steps.sign_report, "preliminary", report,
         shown_files=[original])
    assert acceptance(site)["stage"] == "preliminary_passed"
    check = verified(site, doc["document_id"])
    assert check["valid"] and [s["role"] for s in check["signatures"]] == ["township_principal"] and len(check["seals"]) == 1


def test_county_acceptance_with_each_departments_own_opinion(site):
    aid = site["acceptance_id"]
    take(site, "county_org", "组成县级验收组", "06-county-group", steps.county_group, "赵副书记", "县委副书记", ["组织部干部", "纪委干部"])
    county = acceptance(site)["state"]["county"]
    assert county["group"]["leader"]["name"] == "赵副书记" and county["group"]["leader"]["rank"] == "county"
    assert county["group"]["members"] == ["组织部干部", "纪委干部"] and sorted(county["departments"]) == sorted(DEPARTMENTS)

    # The county's clerk has no opinion to give and no report to write while opinions are missing.
    clerk = login(site, "county_org", f"/acceptance/{aid}")
    expect(clerk.locator("[data-test=no-step]")).to_be_visible()
    expect(clerk.locator("[data-test^=step-]")).to_have_count(0)
    clerk.context.close()

    for number, (department, label) in enumerate(DEPARTMENTS.items()):
        opinion = f"{label}：经审查未发现问题，同意通过验收。"
        take(site, f"review_{department}", "联审部门出具意见", f"07-opinion-{number}-{department}", steps.give_opinion, label, opinion)
        given = acceptance(site)["state"]["county"]["opinions"][department]
        assert given["agrees"] is True and given["opinion"] == opinion
        if number == 0:
            # Done: that department has nothing left here, while the others still see their own form.
            page = login(site, f"review_{department}", f"/acceptance/{aid}")
            expect(page.locator("[data-test^=step-]")).to_have_count(0)
            page.context.close()
    assert len(documents(site, "review_opinion")) == len(DEPARTMENTS)

    original = "县级验收报告（原件）.pdf"
    county_pdf = PDF + "县级验收".encode()        # a file of its own, told apart from the township's by its bytes

    def report_and_download(page):
        steps.county_report(page, "经县级验收，该村整顿达标。", 88, files=[pdf_file(original, county_pdf)])
        # On the acceptance page the report's record names its original, and the download gives its bytes.
        assert steps.download_attachment(page, original) == county_pdf

    take(site, "county_org", "县级验收报告", "08-county-report", report_and_download)
    report = acceptance(site)["state"]["county"]["report"]
    assert report["text"] == "经县级验收，该村整顿达标。" and float(report["score"]) == 88
    assert_files(site, report["attachments"], (original, county_pdf))
    assert record_files(site, "county_report") == [[report["attachments"][0]["file_id"]]]
    take(site, "county_committee", "县委常委会审定验收结果", "09-county-approve", steps.county_approve, "县委常委会审定通过")
    assert acceptance(site)["state"]["county"]["approval"]["minutes"] == "县委常委会审定通过"


def test_only_the_county_secretary_sees_the_sign_button_and_signs_what_was_shown(site):
    aid = site["acceptance_id"]
    for user in ("team_member", "county_org", "county_committee", "review_audit"):
        page = login(site, user, f"/acceptance/{aid}")
        expect(page.locator("[data-test=acceptance-stage]")).to_have_text("县委常委会已审定")
        expect(page.locator("[data-test=step-county_sign]")).to_have_count(0)
        expect(page.locator("[data-test^=step-]")).to_have_count(0)
        if user == "team_member":
            shot(site, page, "acceptance-10-team-member-no-sign-button")
        page.context.close()

    content = api_get(site, "county_secretary", "acceptance", f"/acceptances/{aid}/county/sign/content")
    digest = take(site, "county_secretary", "县委书记签字盖章", "11-county-sign", steps.sign_report, "county", "经县级验收，该村整顿达标。",
                  shoot=lambda page: shot(site, page, "acceptance-11-county-secretary-reads"), shown_files=["县级验收报告（原件）.pdf"])
    assert digest == content["content_sha256"]
    assert acceptance(site)["stage"] == "county_passed"
    [doc] = documents(site, "county_acceptance_report")
    check = verified(site, doc["document_id"])
    assert check["valid"] and [s["role"] for s in check["signatures"]] == ["county_secretary"]
    assert check["signatures"][0]["content_sha256"] == digest and len(check["seals"]) == 1
    assert doc["content"]["report"]["attachments"] == content["content"]["report"]["attachments"]      # signed with its file


def test_survey_notice_with_an_objection_answered_and_delisting(site):
    aid = site["acceptance_id"]
    take(site, "county_org", "群众满意度测评", "12-survey", steps.survey, 120, 108)
    after = acceptance(site)
    assert after["stage"] == "accepted" and after["state"]["survey"]["respondents"] == 120
    assert after["state"]["survey"]["satisfied"] == 108

    # The city's and the province's spot checks: drawn from their to-do lists; where the village is chosen,
    # its finding recorded on its page (from the to-do list again).
    for level, user in (("city", "city_org"), ("province", "province_org")):
        page, draw = steps.draw_spot_check(site, user, site["campaign_id"])
        shot(site, page, f"acceptance-12-{level}-draw")
        page.context.close()
        assert draw["population"] == [steps.VILLAGE]
        if steps.VILLAGE in draw["chosen"]:
            take(site, user, "验收抽查：记录结论", f"12-{level}-spot-check", steps.record_spot_check, "抽查属实")
            assert acceptance(site)["state"]["spot_checks"][level]["result"] == "passed"

    place = "村务公开栏及乡镇政府公示栏"
    take(site, "township_org", "公示验收结果", "13-notice", steps.publish_notice, place)
    notice = acceptance(site)["state"]["notice"]
    assert notice["place"] == place and notice["started_on"] == "2020-09-16"

    # An objection dated before the notice began: the service refuses it beside the date; nothing saved.
    page = login(site, "township_org", f"/acceptance/{aid}")
    content = "有群众反映村务公开不及时"
    dialog = steps.open_objection_form(page, date(2020, 9, 15), content)
    dialog.locator("[data-test=form-submit]").click()
    expect(dialog.locator("[data-test=objection-raised-on-item] .el-form-item__error")).to_contain_text("早于公示开始日期")
    expect(dialog.locator("textarea[data-test=objection-content]")).to_have_value(content)     # the input is kept
    shot(site, page, "acceptance-14-objection-refused")
    assert acceptance(site)["state"]["notice"]["objections"] == []
    dialog.locator(".el-dialog__headerbtn").click()
    steps.record_objection(page, date(2020, 9, 16), content)
    expect(page.locator("[data-test=objections-table]")).to_contain_text(content)
    page.context.close()
    [objection] = acceptance(site)["state"]["notice"]["objections"]
    assert objection["content"] == content and objection["raised_on"] == "2020-09-16" and not objection["answer"]

    answer = "经核实，村务已按月公开，已向反映人说明"
    take(site, "township_org", "答复公示期间的异议", "15-answer", steps.answer_objection, content, answer)
    [objection] = acceptance(site)["state"]["notice"]["objections"]
    assert objection["answer"] == answer and objection["answered_on"] == "2020-09-16"

    # During the notice the county cannot delist yet: the service's reason above the form.
    page = open_from_tasks(site, "county_org", aid, "公示期满销号")
    dialog = steps.open_delist_form(page)
    dialog.locator("[data-test=form-submit]").click()
    expect(dialog.locator("[data-test=form-refusal]")).to_contain_text("公示期至")
    shot(site, page, "acceptance-16-delist-refused-during-notice")
    page.context.close()
    assert acceptance(site)["stage"] == "noticed"

    ends = date.fromisoformat(notice["ends_on"])
    set_clock(site, ends)
    take(site, "county_org", "公示期满销号", "17-delist", steps.delist, "异议已答复，不成立")
    after = acceptance(site)
    assert after["stage"] == "delisted" and after["state"]["delisted_on"] == ends.isoformat()


def test_the_townships_post_evaluation(site):
    due = date.fromisoformat(acceptance(site)["state"]["post_evaluation_due"])
    # The day before it falls due: not yet in the to-do list, and the service refuses it from the page.
    set_clock(site, due - timedelta(days=1))
    assert not any(t["kind_label"] == "后评估" for t in acceptance_tasks(site, "township_org", site["acceptance_id"]))
    page = login(site, "township_org", f"/acceptance/{site['acceptance_id']}")
    page.click("[data-test=step-post_evaluation]")
    dialog = page.locator(".el-dialog[data-test=post-evaluation-form]")
    dialog.locator("[data-test=form-submit]").click()
    expect(dialog.locator("[data-test=form-refusal]")).to_contain_text("尚不能评估")
    page.context.close()
    assert acceptance(site)["stage"] == "delisted"
    set_clock(site, due)
    take(site, "township_org", "后评估", "18-post-evaluation", steps.post_evaluate, "整顿成效巩固，班子运转正常")
    after = acceptance(site)
    assert after["stage"] == "post_evaluated"
    page = login(site, "county_org", f"/acceptance/{site['acceptance_id']}")
    expect(page.locator("[data-test=acceptance-stage]")).to_have_text("已后评估")
    shot(site, page, "acceptance-19-ladder-complete")
    page.context.close()
