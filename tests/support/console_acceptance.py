"""The acceptance ladder in the staff console, one function per step, for the browser tests.

Each step function takes the page of the person who acts (already on the acceptance's page, usually
reached from their to-do list with ``open_from_tasks``), clicks through the step's form as a person
does and waits for the console's success message. ``campaign_until_acceptance`` brings one village to
the point where it may apply, through the APIs (zhengdun_demo's steps), for a browser test's site.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urljoin

from playwright.sync_api import Page, expect

from tests.support.campaign import campaign_until_cases_open
from tests.support.console import api_get, login, png
from zhengdun_demo import acceptance_steps as acc
from zhengdun_demo import casework_steps as cw
from zhengdun_demo.api import Platform as Api

CITY, COUNTY, TOWNSHIP, OTHER_TOWNSHIP = "990100000000", "990102000000", "990102101000", "990102102000"
VILLAGE = "990102101201"     # the realm's team_leader, team_member and village_secretary work here
# The realm's review-department users and their departments' labels (zhengdun.roles.ReviewDepartment).
DEPARTMENTS = {"discipline": "纪检机关", "political_legal": "政法", "public_security": "公安", "united_front": "统战",
               "ethnic_religious": "民宗", "family_planning": "计生", "agricultural_economy": "农经", "audit": "审计"}


# ------------------------------------------------------------------ data through the APIs


def campaign_until_acceptance(api: Api) -> dict:
    """One county of two townships (as tests/integration/test_console_browser.py builds it): screening lists
    six villages, the county decides, VILLAGE gets its team (the realm's team_leader) and contact leader,
    the township plans one measure, the team completes it with evidence; the case is ready, the city sets
    the acceptance standard and the acceptance of VILLAGE opens (stage 待申请)."""
    opened = campaign_until_cases_open(api)
    cid, cases, people = opened["campaign_id"], opened["cases"], opened["people"]
    case_id = cases[VILLAGE]

    api.set_clock("2020-08-22")
    api.put("county_org", "casework", f"/cases/{case_id}/team", {
        "leader": {"name": "卫队长", "post": "县委组织部干部（工作队队长）", "rank": "section", "unit": VILLAGE,
                   "user_id": people.get("team_leader")},
        "members": [{"name": "蒋队员", "post": "乡镇干部", "user_id": people.get("team_member")},
                    {"name": "县直干部乙", "post": "县直部门干部"}],
        "stationed_on": "2020-08-22"})
    api.put("county_org", "casework", f"/cases/{case_id}/contact-leader", {"leader": {
        "name": "王联系", "post": "县委常委", "rank": "county", "unit": COUNTY, "user_id": people.get("contact_leader")},
        "assigned_on": "2020-08-22"})
    api.set_clock("2020-09-02")
    _, measures = cw.plan_case(api, "township_org", case_id, (), [date(2020, 12, 31)], date(2020, 9, 2))
    api.set_clock("2020-09-15")
    cw.progress(api, "team_leader", case_id, measures[0], date(2020, 9, 15), complete=True)
    api.put("city_org", "acceptance", f"/campaigns/{cid}/standard", acc.STANDARD)
    api.wait(lambda: acc.acceptance_of(api, "county_org", VILLAGE).get("stage") == "ready", "the acceptance opened", 180)
    api.set_clock("2020-09-16")       # every service has read every event before the browser looks
    return {"campaign_id": cid, "case_id": case_id,
            "acceptance_id": acc.acceptance_of(api, "county_org", VILLAGE)["acceptance_id"]}


def draw_spot_check(site, user: str, campaign_id: str) -> tuple[Page, dict]:
    """The city's (province's) draw from its to-do list: the draws page with the county and campaign filled
    in, the seed as the form proposes it. Returns the page and the draw as the API recorded it."""
    page = login(site, user, "/tasks")
    row = page.locator("[data-test=tasks-table] .el-table__body tr").filter(
        has=page.locator("td:nth-child(2)", has_text=re.compile("^验收抽查：抽取样本$")))
    expect(row).to_have_count(1)
    row.locator("[data-test=task-open]").click()
    expect(page).to_have_url(re.compile(r"/acceptance/spot-checks\?county=" + COUNTY))
    page.click("[data-test=step-draw]")
    dialog = _dialog(page, "draw-form")
    _saved(page, dialog, "已抽取")
    level = "province" if user.startswith("province") else "city"
    # A province reads the cities' draws below it too: its own are those of its level.
    draws = [d for d in api_get(site, user, "acceptance", "/spot-checks", county=COUNTY)["items"] if d["level"] == level]
    assert len(draws) == 1 and draws[0]["campaign_id"] == campaign_id
    expect(page.locator("[data-test=draws-table] .el-table__body tr").filter(has_text=draws[0]["seed"])).to_have_count(1)
    return page, draws[0]


def record_spot_check(page: Page, findings: str) -> None:
    page.click("[data-test=step-spot_check]")
    dialog = _dialog(page, "spot-check-form")
    dialog.locator("textarea[data-test=spot-check-findings]").fill(findings)
    _saved(page, dialog, "已记录抽查结论")


def acceptance_tasks(site, user: str, acceptance_id: str) -> list[dict]:
    """The user's to-do items (acceptance's GET /tasks) about this acceptance."""
    items = api_get(site, user, "acceptance", "/tasks", size=500)["items"]
    return [t for t in items if f"/acceptances/{acceptance_id}/" in t["action"]["path"] + "/"]


# ------------------------------------------------------------------ files to upload

# A minimal PDF: the service checks a file's type by its first bytes.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_file(name: str, content: bytes = PDF) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def png_file(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": png()}


# ------------------------------------------------------------------ the browser


def task_row(page: Page, acceptance_id: str, kind_label: str, *, reload: bool = True):
    """The to-do list's row of this step (its 事项 exactly) on this acceptance, paging on until it is shown."""
    if reload:
        page.goto(urljoin(page.url, "/tasks"))
    expect(page.locator("[data-test=tasks-summary]")).to_be_visible()      # every service answered
    rows = page.locator("[data-test=tasks-table] .el-table__body tr")
    while True:
        row = rows.filter(has=page.locator("td:nth-child(2)", has_text=re.compile(f"^{re.escape(kind_label)}$"))) \
            .filter(has=page.locator(f'a[href="/acceptance/{acceptance_id}"]'))
        if row.count():
            return row.first
        following = page.locator(".el-pagination .btn-next")
        if not following.count() or following.is_disabled():
            return row
        following.click()


def open_from_tasks(site, user: str, acceptance_id: str, kind_label: str) -> Page:
    """Log in, find the step in the to-do list, open it: the acceptance's page."""
    page = login(site, user, "/tasks")
    row = task_row(page, acceptance_id, kind_label, reload=False)
    expect(row).to_have_count(1)
    row.locator("[data-test=task-open]").click()
    expect(page).to_have_url(f"{site['url']}/acceptance/{acceptance_id}")
    expect(page.locator("[data-test=acceptance-actions]")).to_be_visible()
    return page


def assert_task_gone(page: Page, acceptance_id: str, kind_label: str) -> None:
    """Back in the to-do list, the step's row is gone."""
    expect(task_row(page, acceptance_id, kind_label)).to_have_count(0)


def _dialog(page: Page, test_id: str):
    dialog = page.locator(f".el-dialog[data-test={test_id}]")
    expect(dialog).to_be_visible()
    return dialog


def _saved(page: Page, dialog, message: str) -> None:
    dialog.locator("[data-test=form-submit]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".el-message").filter(has_text=message)).to_be_visible()


def attach(dialog, item_test: str, payload: dict) -> None:
    """One file chosen in the form's upload field (its form item ``item_test``); waits until it is stored."""
    item = dialog.locator(f"[data-test={item_test}]")
    done = item.locator(".el-upload-list__item.is-success")
    before = done.count()
    item.locator(".el-upload__input").set_input_files(payload)
    expect(done).to_have_count(before + 1)


def attach_refused(dialog, item_test: str, payload: dict, reason: str) -> None:
    """A file the service refuses: its reason beside the upload field, and the file not in the list."""
    item = dialog.locator(f"[data-test={item_test}]")
    item.locator(".el-upload__input").set_input_files(payload)
    expect(item.locator(".el-form-item__error")).to_contain_text(reason)
    expect(item.locator(".el-upload-list__item").filter(has_text=payload["name"])).to_have_count(0)


def expect_files_shown(dialog, names) -> None:
    """The files named in the content to be signed, by name (none: none listed)."""
    shown = dialog.locator("[data-test=sign-content] [data-test=attachment-name]")
    if names:
        expect(shown).to_have_text(list(names))
    else:
        expect(shown).to_have_count(0)


def download_attachment(page: Page, filename: str) -> bytes:
    """The first download link of ``filename`` on the page, clicked: the bytes the browser got."""
    with page.expect_download() as download:
        page.locator("[data-test=attachment]").filter(has_text=filename).first.locator("[data-test=attachment-download]").click()
    with open(download.value.path(), "rb") as got:
        return got.read()


def _pick_date(dialog, item_test: str, day: date) -> None:
    field = dialog.locator(f"[data-test={item_test}] input").first
    field.click()
    field.fill(f"{day.year}年{day.month}月{day.day}日")
    field.press("Enter")


def _names(page: Page, dialog, test_id: str, names: list[str]) -> None:
    """Names typed into a select that takes new entries, each picked from the dropdown; the dropdown is
    closed once, after the last (closing it between names loses the next name's typing)."""
    for name in names:
        box = dialog.locator(f"[data-test={test_id}]")
        box.click()
        expect(box.locator("input").first).to_be_focused()      # on a loaded machine keys typed earlier are lost
        page.keyboard.type(name)
        expect(page.locator(".el-select-dropdown__item:visible").filter(has_text=re.compile(f"^{re.escape(name)}$"))).to_have_count(1)
        page.keyboard.press("Enter")                            # default-first-option: the typed name
        expect(box.locator(".el-tag").filter(has_text=name)).to_have_count(1)
    dialog.locator(".el-dialog__title").click()     # closes the dropdown (Escape would close the dialog)


def sign_application(page: Page, statement: str | None = None, shoot=None, files=(), shown_files=()) -> str:
    """The first signer writes the statement and attaches ``files`` (the signed paper application); the
    second reads it. Both see the content before confirming, its files by name (``shown_files``); returns
    the statement the page showed as to be signed."""
    page.click("[data-test=step-application]")
    dialog = _dialog(page, "application-form")
    if statement is not None:
        dialog.locator("textarea[data-test=application-statement]").fill(statement)
    for payload in files:
        attach(dialog, "application-attachments-item", payload)
    expect_files_shown(dialog, shown_files)
    shown = dialog.locator("[data-test=sign-content-statement]")
    if statement is not None:
        expect(shown).to_have_text(statement)
    else:
        expect(shown).not_to_have_text("—")
    text = shown.inner_text()
    if shoot:
        shoot(page)             # the content to be signed, as the signer sees it
    dialog.locator("[data-test=sign-confirm]").click()
    _saved(page, dialog, "签署验收申请")
    return text


def self_check(page: Page, scores: dict[str, int]) -> None:
    page.click("[data-test=step-self_check]")
    dialog = _dialog(page, "self-check-form")
    for code, score in scores.items():
        field = dialog.locator(f"[data-test=self-check-score-{code}] input")
        field.fill(str(score))
        field.press("Tab")
    expect(dialog.locator("[data-test=self-check-total]")).to_have_text(str(sum(scores.values())))
    _saved(page, dialog, "已提交村级自查")


def preliminary(page: Page, group: list[str], attendees: list[str], minutes: str, report: str, files=(),
                refused: tuple[dict, str] | None = None, shoot=None) -> None:
    """The township's preliminary with its report's originals (``files``). ``refused``: a file the service
    refuses first, and its reason, shown beside the upload while the form keeps what was typed (``shoot``
    then takes the page)."""
    page.click("[data-test=step-preliminary]")
    dialog = _dialog(page, "preliminary-form")
    _names(page, dialog, "preliminary-group", group)
    _names(page, dialog, "preliminary-attendees", attendees)
    dialog.locator("textarea[data-test=preliminary-minutes]").fill(minutes)
    dialog.locator("textarea[data-test=preliminary-report]").fill(report)
    if refused:
        attach_refused(dialog, "preliminary-attachments-item", *refused)
        expect(dialog.locator("textarea[data-test=preliminary-report]")).to_have_value(report)
        expect(dialog.locator("textarea[data-test=preliminary-minutes]")).to_have_value(minutes)
        expect(dialog.locator("[data-test=preliminary-group] .el-tag")).to_have_text(group)
        if shoot:
            shoot(page)
    for payload in files:
        attach(dialog, "preliminary-attachments-item", payload)
    _saved(page, dialog, "已记录乡镇初验")


def sign_report(page: Page, kind: str, expect_in_content: str, shoot=None, shown_files=()) -> str:
    """The township principal (kind "preliminary") or the county secretary ("county") reads the report
    that will be signed and sealed, its files by name (``shown_files``), confirms, signs. Returns the
    content's SHA-256 shown (county) or ''."""
    page.click(f"[data-test=step-{kind}_sign]")
    dialog = _dialog(page, f"{kind}-sign-form")
    expect(dialog.locator("[data-test=sign-content]")).to_contain_text(expect_in_content)
    expect_files_shown(dialog, shown_files)
    digest = dialog.locator("[data-test=sign-content-sha256]")
    shown = digest.inner_text().split("：")[-1].strip() if digest.count() else ""
    if shoot:
        shoot(page)
    dialog.locator("[data-test=form-submit]").click()          # not yet confirmed: the form says so
    expect(dialog.locator(".el-form-item__error").filter(has_text="勾选确认")).to_be_visible()
    dialog.locator("[data-test=sign-confirm]").click()
    _saved(page, dialog, "签字盖章")
    return shown


def county_group(page: Page, leader: str, post: str, members: list[str]) -> None:
    page.click("[data-test=step-county_group]")
    dialog = _dialog(page, "county-group-form")
    dialog.locator("input[data-test=group-leader-name]").fill(leader)
    dialog.locator("input[data-test=group-leader-post]").fill(post)
    _names(page, dialog, "group-members", members)
    _saved(page, dialog, "已组成县级验收组")


def give_opinion(page: Page, department_label: str, opinion: str) -> None:
    buttons = page.locator("[data-test=acceptance-actions] [data-test^=step-]")
    expect(buttons).to_have_count(1)                                   # its own opinion, nothing else
    expect(buttons).to_have_text(f"出具联审意见（{department_label}）")
    page.click("[data-test=step-opinion]")
    dialog = _dialog(page, "opinion-form")
    expect(dialog.locator("[data-test=opinion-department]")).to_have_text(department_label)
    dialog.locator("textarea[data-test=opinion-text]").fill(opinion)
    _saved(page, dialog, f"已出具{department_label}联审意见")


def county_report(page: Page, report: str, score: int, files=()) -> None:
    page.click("[data-test=step-county_report]")
    dialog = _dialog(page, "county-report-form")
    field = dialog.locator("[data-test=county-report-score] input")
    field.fill(str(score))
    field.press("Tab")
    dialog.locator("textarea[data-test=county-report-text]").fill(report)
    for payload in files:
        attach(dialog, "county-report-attachments-item", payload)
    _saved(page, dialog, "已出具县级验收报告")


def county_approve(page: Page, minutes: str) -> None:
    page.click("[data-test=step-county_approve]")
    dialog = _dialog(page, "county-approve-form")
    dialog.locator("textarea[data-test=approve-minutes]").fill(minutes)
    _saved(page, dialog, "县委常委会审定已记录")


def survey(page: Page, respondents: int, satisfied: int) -> None:
    page.click("[data-test=step-survey]")
    dialog = _dialog(page, "survey-form")
    for test_id, value in (("survey-respondents", respondents), ("survey-satisfied", satisfied)):
        field = dialog.locator(f"[data-test={test_id}] input")
        field.fill(str(value))
        field.press("Tab")
    expect(dialog.locator("[data-test=survey-rate]")).to_have_text(f"{100 * satisfied / respondents:.2f}%")
    _saved(page, dialog, "满意度测评已记录")


def publish_notice(page: Page, place: str) -> None:
    page.click("[data-test=step-notice]")
    dialog = _dialog(page, "notice-form")
    dialog.locator("input[data-test=notice-place]").fill(place)
    _saved(page, dialog, "已公示验收结果")


def open_objection_form(page: Page, raised_on: date, content: str):
    page.click("[data-test=step-objection]")
    dialog = _dialog(page, "objection-form")
    _pick_date(dialog, "objection-raised-on-item", raised_on)
    dialog.locator("textarea[data-test=objection-content]").fill(content)
    return dialog


def record_objection(page: Page, raised_on: date, content: str) -> None:
    _saved(page, open_objection_form(page, raised_on, content), "已记录公示异议")


def answer_objection(page: Page, content: str, answer: str) -> None:
    row = page.locator("[data-test=objections-table] .el-table__body tr").filter(has_text=content)
    row.locator("[data-test=answer-objection]").click()
    dialog = _dialog(page, "answer-form")
    expect(dialog.locator("[data-test=answer-objection]")).to_contain_text(content)
    dialog.locator("textarea[data-test=answer-text]").fill(answer)
    _saved(page, dialog, "已答复公示异议")
    expect(row.locator("[data-test=objection-answer]")).to_contain_text(answer)


def open_delist_form(page: Page):
    page.click("[data-test=step-delist]")
    return _dialog(page, "delist-form")


def delist(page: Page, handling: str) -> None:
    dialog = open_delist_form(page)
    dialog.locator("textarea[data-test=delist-objections]").fill(handling)
    _saved(page, dialog, "已销号")


def post_evaluate(page: Page, reason: str) -> None:
    page.click("[data-test=step-post_evaluation]")
    dialog = _dialog(page, "post-evaluation-form")
    dialog.locator("textarea[data-test=post-evaluation-reason]").fill(reason)
    _saved(page, dialog, "后评估已记录：巩固")


def stage_tag(page: Page) -> str:
    return page.locator("[data-test=acceptance-stage]").inner_text()

