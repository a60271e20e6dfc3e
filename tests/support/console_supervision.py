"""Browser steps of supervision and user management in the staff console, one step a function: each takes a
logged-in Playwright page (and what the step needs), does the clicks a person does, and waits for the
console's answer. A test (or a later "whole village life" test) strings them together and checks the
services through their APIs."""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.support.console import option_of, png


# --- generic bits of Element Plus -----------------------------------------------------------------

def open_task(page: Page, site, text: str) -> None:
    """The person's to-do list first: the item whose row says ``text``, clicked through to its page."""
    page.goto(site["url"] + "/tasks")
    row = page.locator("[data-test=tasks-table] .el-table__body tr").filter(has_text=text).first
    expect(row).to_be_visible()
    row.locator("[data-test=task-open]").click()


def task_texts(page: Page, site) -> list[str]:
    page.goto(site["url"] + "/tasks")
    expect(page.locator("[data-test=tasks-summary]")).to_be_visible()
    return page.locator("[data-test=tasks-table] .el-table__body tr").all_inner_texts()


def dialog(page: Page, title: str) -> Locator:
    found = page.locator(".el-dialog:visible").filter(has=page.locator(".el-dialog__title", has_text=title))
    expect(found).to_be_visible()
    return found


def item(form: Locator, label: str) -> Locator:
    """The form item of a label (its input and the message beside it)."""
    return form.locator(".el-form-item").filter(has=form.page.locator(".el-form-item__label", has_text=re.compile(rf"^\s*{label}\s*$")))


def names(form: Locator, field: str, *values: str) -> None:
    """Names typed into a select that takes new entries, each picked from the dropdown as a person does."""
    page = form.page
    for value in values:
        select = form.locator(f"[data-test={field}]")
        select.click()
        page.keyboard.type(value)
        option_of(select, value).click()
        expect(form.locator(f"[data-test={field}] .el-tag").filter(has_text=value)).to_have_count(1)
        form.locator(".el-dialog__title").click()   # closes the dropdown (Escape would close the dialog)


def choose(form: Locator, field: str, option: str) -> None:
    select = form.locator(f"[data-test={field}]")
    select.click()
    option_of(select, option).click()


def day(picker: Locator, text: str) -> None:
    """A date typed as the picker shows it (2021年6月30日)."""
    picker.click()
    picker.fill(text)
    picker.press("Enter")


def radio(form: Locator, field: str, label: str) -> None:
    form.locator(f"[data-test={field}] .el-radio").filter(has_text=re.compile(rf"^\s*{label}\s*$")).click()


def save(page: Page, form: Locator, message: str) -> None:
    form.locator("[data-test=form-submit]").click()
    expect(form).to_be_hidden()
    expect(page.locator(".el-message").filter(has_text=message).first).to_be_visible()


def attach(form: Locator, filename: str) -> None:
    form.locator(".el-upload__input").set_input_files({"name": filename, "mimeType": "image/png", "buffer": png()})
    expect(form.locator(".el-upload-list__item.is-success")).to_have_count(1)


# --- supervision ------------------------------------------------------------------------------------

def fill_inspection(page: Page, *, unit: str, inspectors: list[str], finding: str, village: str | None, demand: str,
                    deadline: str, photo: str | None) -> Locator:
    """The inspection form (opened by the to-do item or the 记录督导检查 button) filled in, not yet saved."""
    form = dialog(page, "记录督导检查")
    form.locator("input[data-test=inspection-unit]").fill(unit)
    names(form, "inspection-inspectors", *inspectors)
    form.locator("[data-test=add-finding]").click()
    form.locator("input[data-test=finding-text]").last.fill(finding)
    if village:
        form.locator("input[data-test=finding-village]").last.fill(village)
    form.locator("[data-test=add-demand]").click()
    form.locator("input[data-test=demand-text]").last.fill(demand)
    day(form.locator("[data-test=inspection-demand]").last.locator(".el-date-editor input"), deadline)
    if photo:
        attach(form, photo)
    return form


def follow_up(page: Page, *, note: str, met: bool = True) -> None:
    form = dialog(page, "跟踪落实整改要求")
    radio(form, "follow-up-met", "已落实" if met else "尚未落实")
    form.locator("textarea[data-test=follow-up-note]").fill(note)
    save(page, form, "已记录")


def fill_accountability(page: Page, *, unit: str, person: str, post: str, grounds: list[str], reason: str,
                        decided_by: str) -> Locator:
    """The accountability form filled in; ``grounds`` are option texts to pick or ids to type."""
    form = dialog(page, "决定问责")
    radio(form, "accountability-kind", "约谈")
    form.locator("input[data-test=accountability-unit]").fill(unit)
    form.locator("input[data-test=accountability-person]").fill(person)
    form.locator("input[data-test=accountability-post]").fill(post)
    names(form, "accountability-grounds", *grounds)
    form.locator("textarea[data-test=accountability-reason]").fill(reason)
    form.locator("input[data-test=accountability-decided-by]").fill(decided_by)
    return form


def record_evaluation(page: Page, *, grade: str, comment: str) -> None:
    """The evaluation form opened from the to-do item: its village, study and person are filled in already."""
    form = dialog(page, "持续整顿评价")
    expect(form.locator("[data-test=evaluation-study]")).to_be_visible()
    radio(form, "evaluation-grade", grade)
    form.locator("textarea[data-test=evaluation-comment]").fill(comment)
    save(page, form, "已记录评价")


def fill_campaign_record(page: Page, site, *, kind: str, attendees: list[str], content: str, villages: tuple[str, ...] = ()) -> Locator:
    """The 四统一/五统一/五到位 form opened from the records page and filled in, not yet saved."""
    page.goto(site["url"] + "/supervision/campaign-records")
    page.click("[data-test=add-campaign-record]")
    form = dialog(page, "记录")
    choose(form, "record-kind", kind)
    names(form, "record-attendees", *attendees)
    form.locator("textarea[data-test=record-content]").fill(content)
    names(form, "record-villages", *villages)
    return form


def record_campaign_record(page: Page, site, *, kind: str, attendees: list[str], content: str, villages: tuple[str, ...] = ()) -> None:
    form = fill_campaign_record(page, site, kind=kind, attendees=attendees, content=content, villages=villages)
    save(page, form, "已记录")


# --- users of subordinate units ------------------------------------------------------------------------

def find_user(page: Page, username: str) -> Locator:
    box = page.locator("input[data-test=users-username]")
    box.fill(username)
    box.press("Enter")
    row = page.locator("[data-test=users-table] .el-table__body tr").filter(has_text=username)
    expect(row).to_have_count(1)
    return row


def create_user(page: Page, *, unit: str, username: str, family_name: str, given_name: str, role: str, password: str) -> None:
    form = fill_user(page, unit=unit, username=username, family_name=family_name, given_name=given_name, role=role,
                     password=password)
    save(page, form, "已创建用户")


def fill_user(page: Page, *, unit: str, username: str, family_name: str, given_name: str, role: str, password: str) -> Locator:
    """The new-user form opened and filled in, not yet saved."""
    page.click("[data-test=add-user]")
    form = dialog(page, "新建下级单位用户")
    form.locator("input[data-test=user-unit]").fill(unit)
    form.locator("input[data-test=user-unit]").press("Tab")
    form.locator("input[data-test=user-username]").fill(username)
    form.locator("input[data-test=user-family-name]").fill(family_name)
    form.locator("input[data-test=user-given-name]").fill(given_name)
    choose(form, "user-roles", role)
    form.locator(".el-dialog__title").click()
    form.locator("input[data-test=user-password]").fill(password)
    return form


def disable_user(page: Page, username: str) -> None:
    _switch_user(page, username, "disable", "停用", "已停用")


def enable_user(page: Page, username: str) -> None:
    """A disabled account restored (恢复) from the users page."""
    _switch_user(page, username, "enable", "恢复", "启用")


def _switch_user(page: Page, username: str, button: str, verb: str, state: str) -> None:
    """Disable or restore an account: its button, the confirmation, the message, the new state in the table."""
    find_user(page, username)
    page.click(f"[data-test={button}-{username}]")
    page.locator(".el-message-box .el-button--primary").filter(has_text=verb).click()
    expect(page.locator(".el-message").filter(has_text=f"已{verb}").first).to_be_visible()
    expect(page.locator(f"[data-test=user-state-{username}]")).to_have_text(state)


def move_user(page: Page, username: str, unit: str) -> None:
    find_user(page, username)
    page.click(f"[data-test=move-{username}]")
    form = dialog(page, "调整")
    form.locator("input[data-test=move-unit]").fill(unit)
    save(page, form, "已将")


def make_plan(page: Page, site, *, title: str) -> None:
    """A monthly inspection plan of the caller's unit (from the 25th to the month's end, from today)."""
    page.goto(site["url"] + "/supervision/inspections")
    page.click("[data-test=add-plan]")
    form = dialog(page, "制定督导计划")
    form.locator("input[data-test=plan-title]").fill(title)
    save(page, form, "已制定督导计划")
