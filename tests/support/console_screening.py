"""Screening's steps in the staff console, one function a step: each takes a logged-in Playwright page
(and the ids it needs) and does the clicks a person would, on the page it is already on or reaches
through the to-do list. A later "whole village life" test strings them together."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import Locator, Page, expect

from tests.support.console import option_of, set_clock  # noqa: F401  (set_clock: the steps' callers move the clock through here)


def chinese_day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def fill_date(scope: Locator, label: str, iso: str) -> None:
    """Type a day into the date picker of the form item labelled ``label``."""
    field = scope.locator(".el-form-item").filter(has_text=label).locator("input").first
    field.click()
    field.fill(chinese_day(iso))
    field.press("Enter")


def task_rows(page: Page, kind: str) -> Locator:
    return page.locator("[data-test=tasks-table] .el-table__body tr").filter(has_text=kind)


def open_task(site, page: Page, kind: str) -> None:
    """From the to-do list (我的待办), open the first task of this kind (its label, e.g. 逐村排查研判)."""
    page.goto(site["url"] + "/tasks")
    rows = task_rows(page, kind)
    expect(rows.first).to_be_visible()
    rows.first.locator("[data-test=task-open]").click()


def dialog(page: Page, title: str) -> Locator:
    form = page.locator(".el-dialog").filter(has_text=title)
    expect(form).to_be_visible()
    return form


def saved(page: Page, text: str) -> None:
    expect(page.locator(".el-message").filter(has_text=text).first).to_be_visible()


MIME = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}


def choose_file(scope: Locator, name: str, content: bytes) -> None:
    """Choose one file in the upload area within ``scope`` (it goes up at once)."""
    scope.locator(".el-upload__input").set_input_files(
        {"name": name, "mimeType": MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream"), "buffer": content})


def attach(scope: Locator, name: str, content: bytes) -> None:
    """Choose one file in the upload area within ``scope`` and wait until the service has it."""
    done = scope.locator(".el-upload-list__item.is-success")
    before = done.count()
    choose_file(scope, name, content)
    expect(done).to_have_count(before + 1)


# ------------------------------------------------------------------------------- township


def mark_village(page: Page, village: str, result: str, met: dict[str, str] | None = None,
                 rank: tuple[int, int, str] | None = None, files: dict[str, tuple[str, bytes]] | None = None) -> None:
    """One row of the township table: the criteria met with their evidence (and a file, by criterion), the
    result (软弱涣散 / 后进 / 不列入), and a lagging village's rank, out of, basis."""
    for criterion, evidence in (met or {}).items():
        page.click(f"[data-test=assess-met-{village}-{criterion}]")
        if evidence:
            page.fill(f"textarea[data-test=assess-evidence-{village}-{criterion}]", evidence)
    for criterion, (name, content) in (files or {}).items():
        attach(page.locator(f"[data-test=assess-files-{village}-{criterion}]"), name, content)
    page.locator(f"[data-test=assess-result-{village}] label").filter(has_text=result).click()
    if rank:
        page.locator(f"[data-test=assess-rank-{village}] input, input[data-test=assess-rank-{village}]").first.fill(str(rank[0]))
        page.locator(f"[data-test=assess-out-of-{village}] input, input[data-test=assess-out-of-{village}]").first.fill(str(rank[1]))
        page.fill(f"input[data-test=assess-basis-{village}]", rank[2])


def save_assessments(page: Page, count: int) -> None:
    """Save the table's filled rows and wait for the success message."""
    page.click("[data-test=assess-save]")
    saved(page, f"已保存 {count} 个村的排查研判")


def fill_meeting(page: Page, held_on: str, attendees: str, minutes: str) -> Locator:
    """The meeting form opened and filled, not yet saved; the form."""
    page.click("[data-test=record-meeting]")
    form = dialog(page, "记录乡镇党委会集体研究")
    fill_date(form, "会议日期", held_on)
    form.locator("input[data-test=meeting-attendees]").fill(attendees)
    form.locator("textarea[data-test=meeting-minutes]").fill(minutes)
    return form


def save_meeting(page: Page, form: Locator, files: tuple[tuple[str, bytes], ...] = ()) -> None:
    """The minutes' files (original, photos) attached, then saved."""
    for name, content in files:
        attach(form.locator("[data-test=meeting-files-item]"), name, content)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "已记录乡镇党委会集体研究")


def record_meeting(page: Page, held_on: str, attendees: str, minutes: str, files: tuple[tuple[str, bytes], ...] = ()) -> None:
    save_meeting(page, fill_meeting(page, held_on, attendees, minutes), files)


def record_notice(page: Page, starts_on: str, ends_on: str, photos: tuple[tuple[str, bytes], ...] = ()) -> None:
    page.click("[data-test=record-notice]")
    form = dialog(page, "记录名单公示")
    fill_date(form, "公示开始", starts_on)
    fill_date(form, "公示结束", ends_on)
    for name, content in photos:
        attach(form.locator("[data-test=notice-files-item]"), name, content)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "已记录公示期")


def raise_objection(page: Page, content: str) -> None:
    page.click("[data-test=record-objection]")
    form = dialog(page, "记录公示期间的异议")
    form.locator("textarea[data-test=objection-content]").fill(content)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "已记录异议")


def answer_objection(page: Page, answer: str) -> None:
    page.locator("[data-test=answer-objection]").first.click()
    form = dialog(page, "答复异议")
    form.locator("textarea[data-test=answer-text]").fill(answer)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "已答复异议")


def try_submit(page: Page) -> Locator:
    """Open the submission form and send it; the form (still open when refused)."""
    page.click("[data-test=submit-list]")
    form = dialog(page, "分两类上报名单")
    form.locator("[data-test=form-submit]").click()
    return form


def submit_list(page: Page) -> None:
    form = try_submit(page)
    expect(form).to_be_hidden()
    saved(page, "名单已上报县委组织部")


# ------------------------------------------------------------------------------- county


def township_actions(page: Page, township: str) -> Locator:
    return page.locator(f"[data-test=township-actions-{township}]")


def draw_sample(page: Page, township: str, redraw_reason: str | None = None) -> None:
    """The county draws a township's check sample; again (重新抽样) with the reason given."""
    township_actions(page, township).locator("[data-test=draw-sample]").click()
    form = dialog(page, "随机抽取核查的村")
    if redraw_reason is not None:
        form.locator("input[data-test=sample-redraw-reason]").fill(redraw_reason)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "已抽取")


def return_list(page: Page, township: str, reasons: list[str]) -> None:
    """The county returns a township's list (退回), one reason a line."""
    township_actions(page, township).locator("[data-test=return-list]").click()
    form = dialog(page, "退回乡镇名单")
    form.locator("textarea[data-test=return-reasons]").fill("\n".join(reasons))
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "的名单")


def record_site_visits(page: Page, township: str, notes: dict[str, str] | None = None,
                       files: dict[str, tuple[str, bytes]] | None = None) -> None:
    """Every sampled village found as listed (属实), with the notes and files (by village) given."""
    township_actions(page, township).locator("[data-test=record-visits]").click()
    form = dialog(page, "实地走访核查")
    for village, note in (notes or {}).items():
        form.locator(f"input[data-test=visit-note-{village}]").fill(note)
    for village, (name, content) in (files or {}).items():
        attach(form.locator(f"[data-test=visit-files-{village}]"), name, content)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "的走访核查")


def choose(page: Page, select: Locator, option: str) -> None:
    select.click()
    option_of(select, option).click()


def adjust_add(page: Page, village_name: str, criterion_label: str, reason: str) -> None:
    """The county adds a village as weak and lax, with the criterion it meets and the reason."""
    page.click("[data-test=adjust-list]")
    form = dialog(page, "调整名单")
    choose(page, form.locator("[data-test=adjust-village]"), village_name)
    choose(page, form.locator("[data-test=adjust-criteria]"), criterion_label)
    page.keyboard.press("Escape")       # close the multi-select's dropdown, not the dialog
    form.locator("textarea[data-test=adjust-reason]").fill(reason)
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, f"已增列{village_name}")


def confirm_list(page: Page, decision_number: str) -> Locator:
    """The standing committee's decision; the form (still open when refused)."""
    page.click("[data-test=confirm-list]")
    form = dialog(page, "县委常委会研究确定名单")
    form.locator("input[data-test=confirm-number]").fill(decision_number)
    form.locator("[data-test=form-submit]").click()
    return form


# ------------------------------------------------------------------------------- city and filing


def draw_city_sample(page: Page) -> None:
    page.click("[data-test=city-sample]")
    form = dialog(page, "市级抽查：抽取样本")
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "已抽取市级抽查样本")


def record_city_findings(page: Page) -> None:
    """Every sampled village found as the county decided (属实)."""
    page.click("[data-test=city-findings]")
    form = dialog(page, "市级抽查：记录结果")
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "的市级抽查结果")


def file_list(page: Page) -> None:
    """The county files its list at the policy's next filing date."""
    page.click("[data-test=file-list]")
    form = dialog(page, "名单向市委组织部备案")
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    saved(page, "已备案")


# ------------------------------------------------------------------------------- campaigns


def try_open_campaign(page: Page, name: str, area_code: str | None = None) -> Locator:
    """On the campaigns page: the form filled and sent; the form (still open when refused)."""
    page.click("[data-test=open-campaign]")
    form = dialog(page, "启动整顿工作")
    form.locator("input[data-test=campaign-name]").fill(name)
    if area_code:
        form.locator("input[data-test=campaign-area]").fill(area_code)
    form.locator("[data-test=form-submit]").click()
    return form


def try_revise_policy(page: Page, min_share_percent: float, reason: str) -> Locator:
    page.click("[data-test=revise-policy]")
    form = dialog(page, "修订政策")
    share = form.locator("[data-test=policy-min-share] input, input[data-test=policy-min-share]").first
    share.fill(str(min_share_percent))
    share.press("Tab")
    form.locator("textarea[data-test=policy-reason]").fill(reason)
    form.locator("[data-test=form-submit]").click()
    return form
