"""The case book's casework steps as a person clicks them in the console (Playwright), one function a step,
for the casework form tests and a later whole-village-life test to string together.

Each takes a page already on the case book (``/cases/<id>``, logged in as someone who may take the step),
opens the step's form, fills it and presses 保存; ``expect_saved`` (default) waits for the dialog to close
and the success message, otherwise the dialog is left open (a refusal to look at) and returned.
People are picked from the platform's users by the label the picker shows (e.g. "卫队长"), or typed when
``typed`` (someone without a login)."""
from __future__ import annotations

from collections.abc import Iterable

from playwright.sync_api import Locator, Page, expect

ROW = "[data-test=tasks-table] .el-table__body tr"


def open_task(page: Page, site_url: str, kind_label: str, unit_name: str) -> None:
    """From the to-do list (我的待办): the row of this step and unit, then its 查看 link to the case book."""
    page.goto(site_url + "/tasks")
    row = page.locator(ROW).filter(has_text=kind_label).filter(has_text=unit_name)
    expect(row).to_have_count(1)
    row.locator("[data-test=task-open]").click()
    expect(page.locator("[data-test=case-village]")).to_have_text(unit_name)


def task_rows(page: Page, site_url: str, kind_label: str, unit_name: str) -> Locator:
    """The to-do rows of this step and unit (after a fresh load of the list)."""
    page.goto(site_url + "/tasks")
    expect(page.locator("[data-test=tasks-summary]")).to_be_visible()
    return page.locator(ROW).filter(has_text=kind_label).filter(has_text=unit_name)


def dialog(page: Page, title: str) -> Locator:
    form = page.locator(".el-dialog").filter(has_text=title)
    expect(form).to_be_visible()
    return form


def pick(page: Page, form: Locator, select: str, *names: str, typed: Iterable[str] = ()) -> None:
    """Choose platform users (by the name their option shows) and type names without a login into a person picker."""
    box = form.locator(f"[data-test={select}]")
    users = set(names)
    for name in [*names, *typed]:
        box.click()
        page.keyboard.type(name)        # filters the users; a name without a login becomes an option of its own
        option = page.locator(".el-select-dropdown__item:visible").filter(has_text=name)
        if name in users:               # the user's own option (it shows their role), once the users are loaded
            option = option.filter(has=page.locator(".muted"))
        expect(option.first).to_be_visible()
        page.keyboard.press("Enter")    # default-first-option: the first match, or the typed name
        expect(box).to_contain_text(name)
        form.locator(".el-dialog__title").click()     # closes the dropdown (Escape would close the dialog)


def fill_date(form: Locator, item: str, text: str) -> None:
    """A date picker by its form item's data-test, typed as a person would: 2020年8月22日."""
    box = form.locator(f"[data-test={item}] input").first
    box.click()
    box.fill(text)
    box.press("Enter")


def save(page: Page, form: Locator, message: str | None, expect_saved: bool = True) -> Locator:
    form.locator("[data-test=form-submit]").click()
    if expect_saved:
        expect(form).to_be_hidden()
        if message:
            expect(page.locator(".el-message").filter(has_text=message).first).to_be_visible()
    return form


def fill_change(form: Locator, reason: str, decision: tuple[str, str] | None) -> None:
    """A change's reason and, when given, the county's decision (reference, 2020年8月21日)."""
    form.locator("input[data-test=change-reason]").fill(reason)
    if decision:
        form.locator("input[data-test=decision-reference]").fill(decision[0])
        fill_date(form, "decision-date-item", decision[1])


def labelled_date(form: Locator, label: str, text: str) -> None:
    """A date picker found by its form item's label (驻村日期, 选派日期), typed: 2020年8月22日."""
    box = form.locator(".el-form-item").filter(has=form.page.locator(".el-form-item__label", has_text=label)).locator("input").first
    box.click()
    box.fill(text)
    box.press("Enter")


def error_beside(form: Locator, label: str) -> Locator:
    """The message shown beside the form item of this label."""
    return form.locator(".el-form-item").filter(has=form.page.locator(".el-form-item__label", has_text=label)).locator(".el-form-item__error")


def assign_team(page: Page, leader: str, members: Iterable[str] = (), typed_members: Iterable[str] = (), *,
                leader_post: str = "县委组织部干部", change: tuple[str, tuple[str, str] | None] | None = None,
                typed_leader: bool = False, stationed_on: str | None = None, expect_saved: bool = True) -> Locator:
    """选派工作队 (or, with ``change`` = (reason, decision or None), 调整工作队) on the case book; the leader a
    platform user, or a typed name when ``typed_leader``; ``stationed_on`` typed (default: today)."""
    page.click("[data-test=station-team]")
    form = dialog(page, "调整工作队" if change else "选派工作队")
    if change:   # a change starts from the team in place: clear its people first
        tags = form.locator("[data-test=team-members] .el-tag__close")
        while tags.count():
            tags.first.click()
    pick(page, form, "team-leader", *([] if typed_leader else [leader]), typed=[leader] if typed_leader else [])
    form.locator("input[data-test=team-leader-post]").fill(leader_post)
    pick(page, form, "team-members", *members, typed=typed_members)
    if stationed_on:
        labelled_date(form, "驻村日期", stationed_on)
    if change:
        fill_change(form, *change)
    return save(page, form, "已调整工作队" if change else "已选派工作队", expect_saved)


def assign_contact_leader(page: Page, leader: str, *, typed: bool = False, post: str = "县委常委",
                          change: tuple[str, tuple[str, str] | None] | None = None, expect_saved: bool = True) -> Locator:
    """明确联系分包县级领导 (or, with ``change``, 调整联系领导): a platform user, or a typed name."""
    page.click("[data-test=assign-contact-leader]")
    form = dialog(page, "调整联系分包县级领导" if change else "明确联系分包县级领导")
    if typed:
        pick(page, form, "contact-leader", typed=[leader])
    else:
        pick(page, form, "contact-leader", leader)
    form.locator("input[data-test=contact-leader-post]").fill(post)
    if change:
        fill_change(form, *change)
    return save(page, form, "已调整联系领导" if change else "已明确联系领导", expect_saved)


def appoint_first_secretary(page: Page, name: str, post: str, *, typed: bool = True) -> None:
    page.click("[data-test=appoint-first-secretary]")
    form = dialog(page, "第一书记")
    pick(page, form, "first-secretary", *([] if typed else [name]), typed=[name] if typed else [])
    form.locator("input[data-test=first-secretary-post]").fill(post)
    save(page, form, "已选派第一书记")


def change_first_secretary(page: Page, name: str, post: str, reason: str, *, appointed_on: str | None = None,
                           expect_saved: bool = True) -> Locator:
    """调整第一书记 (a first secretary is in place): the new one typed, the reason, ``appointed_on`` typed."""
    page.click("[data-test=appoint-first-secretary]")
    form = dialog(page, "调整第一书记")
    pick(page, form, "first-secretary", typed=[name])
    form.locator("input[data-test=first-secretary-post]").fill(post)
    form.locator("input[data-test=change-reason]").fill(reason)
    if appointed_on:
        labelled_date(form, "选派日期", appointed_on)
    return save(page, form, "已选派第一书记", expect_saved)


def pair_secretary(page: Page, name: str, village_code: str, *, expect_saved: bool = True) -> Locator:
    page.click("[data-test=add-pairing]")
    form = dialog(page, "结对帮扶")
    form.locator("input[data-test=pairing-secretary]").fill(name)
    form.locator("input[data-test=pairing-village]").fill(village_code)
    return save(page, form, f"已与{name}结对", expect_saved)


def file_progress_report(page: Page, summary: str, *, expect_saved: bool = True) -> Locator:
    """报送整顿进展 (the report of the period today falls in)."""
    page.click("[data-test=add-progress-report]")
    form = dialog(page, "报送整顿进展")
    form.locator("textarea[data-test=report-summary]").fill(summary)
    return save(page, form, "已报送整顿进展", expect_saved)


def record_study(page: Page, meeting: str, conclusion: str) -> None:
    page.click("[data-test=record-study]")
    form = dialog(page, "县委常委会逐村研究")
    form.locator("input[data-test=study-meeting]").fill(meeting)
    form.locator("textarea[data-test=study-conclusion]").fill(conclusion)
    save(page, form, "已记录县委研究")


def assign_supervision(page: Page, deadline: str, *, typed_supervisor: str | None = None, post: str = "县委书记",
                       expect_saved: bool = True) -> Locator:
    """挂牌督办: the county secretary acting names themself (the form's default), or ``typed_supervisor``."""
    page.click("[data-test=assign-supervision]")
    form = dialog(page, "挂牌督办")
    if typed_supervisor:   # replaces the default (one person)
        pick(page, form, "supervisor", typed=[typed_supervisor])
    form.locator("input[data-test=supervisor-post]").fill(post)
    fill_date(form, "supervision-deadline-item", deadline)
    return save(page, form, "已挂牌督办", expect_saved)


def second_review(page: Page, conclusion: str) -> None:
    """二次研判 (the county secretary the supervision named is the form's default)."""
    page.click("[data-test=second-review]")
    form = dialog(page, "二次研判")
    form.locator("textarea[data-test=second-review-conclusion]").fill(conclusion)
    save(page, form, "已记录二次研判")
