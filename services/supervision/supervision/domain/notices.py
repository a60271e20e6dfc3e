"""Who is told what, and when: plain functions from deadlines, alerts and events to notices.

The seeds' supervision ladder is remind → circulate → talk (提醒、通报、约谈): a reminder goes to
the responsible person ``reminder_days_before_deadline`` days before a measure's deadline; when
the deadline passes the alert is notified to the person and the unit answering for it; an alert
still open ``escalation_days`` after it was raised is circulated to the unit above, and after
twice that delay the unit above is asked to hold a talk. Each notice has a deterministic ``key``
(kind, what it is about, the recipient), so the same notice is never created twice, whatever the
redelivery or the number of clock events.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from zhengdun.divisions import parent_code, township_of


class Kind(StrEnum):
    REMINDER = "reminder"
    ALERT = "alert"
    ESCALATION = "escalation"
    LIST_RETURNED = "list_returned"
    SIGNATURE_AWAITED = "signature_awaited"
    ACCEPTANCE_FAILED = "acceptance_failed"
    SPOT_CHECK_REVOKED = "spot_check_revoked"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.REMINDER: "到期提醒", Kind.ALERT: "逾期预警", Kind.ESCALATION: "督办升级",
    Kind.LIST_RETURNED: "名单退回", Kind.SIGNATURE_AWAITED: "待签署", Kind.ACCEPTANCE_FAILED: "验收未通过",
    Kind.SPOT_CHECK_REVOKED: "抽查撤销验收",
}

# The ladder after an alert: (step, multiple of the policy's escalation delay, label).
LADDER = (("circulate", 1, "通报"), ("talk", 2, "约谈"))


@dataclass(frozen=True)
class Notice:
    key: str
    kind: Kind
    unit_code: str                     # the unit told (its group robot, its members' inbox when no person)
    title: str
    body: str
    user_id: str | None = None         # the person told, where they have a platform account
    campaign_id: str | None = None
    reference: str | None = None       # what it is about (measure id, alert id, event id)


@dataclass(frozen=True)
class OpenMeasure:
    measure_id: str
    campaign_id: str
    village_code: str
    title: str
    responsible: str
    responsible_user_id: str | None
    deadline: date


@dataclass(frozen=True)
class OpenAlert:
    alert_id: str
    campaign_id: str
    label: str
    subject_code: str
    raised_on: date


def reminders(measures: list[OpenMeasure], reminder_days: int, today: date) -> list[Notice]:
    """Measures not completed whose deadline is at most ``reminder_days`` away (and not passed):
    one reminder each, to the responsible person and the township answering for the measure.
    A window rather than one day, so a day the platform was down is caught up, once."""
    notices = []
    for m in measures:
        if not (m.deadline - timedelta(days=reminder_days) <= today <= m.deadline):
            continue
        days = (m.deadline - today).days
        when = "今天到期" if days == 0 else f"还有 {days} 天到期"
        who = m.responsible if m.responsible_user_id else f"{m.responsible}（无平台账号）"
        notices.append(Notice(
            f"{Kind.REMINDER}:{m.measure_id}", Kind.REMINDER, township_of(m.village_code),
            f"【到期提醒】整改措施「{m.title}」{when}",
            f"责任人：{who}；完成时限：{m.deadline.isoformat()}；村：{m.village_code}。请按期完成并录入进展。",
            user_id=m.responsible_user_id, campaign_id=m.campaign_id, reference=m.measure_id))
    return notices


def alert_notice(alert_id: str, campaign_id: str, label: str, subject_code: str, subject_person: str | None,
                 subject_user_id: str | None, due_on: date | None, village_code: str | None) -> Notice:
    where = f"村：{village_code}；" if village_code else ""
    due = f"期限：{due_on.isoformat()}；" if due_on else ""
    person = f"责任人：{subject_person}；" if subject_person else ""
    return Notice(f"{Kind.ALERT}:{alert_id}", Kind.ALERT, subject_code, f"【预警】{label}",
                  f"{person}{where}{due}责任单位：{subject_code}。请尽快整改并说明情况。",
                  user_id=subject_user_id, campaign_id=campaign_id, reference=alert_id)


def escalations(alerts: list[OpenAlert], escalation_days: int, today: date) -> list[Notice]:
    """Every rung of the ladder an open alert has reached by today, addressed to the unit above
    the one answering for it (keys make each rung happen once)."""
    notices = []
    for a in alerts:
        above = parent_code(a.subject_code)
        if above is None:
            continue
        for step, times, label in LADDER:
            if today < a.raised_on + timedelta(days=escalation_days * times):
                break
            notices.append(Notice(
                f"{Kind.ESCALATION}:{step}:{a.alert_id}", Kind.ESCALATION, above,
                f"【督办·{label}】{a.label}",
                f"预警自 {a.raised_on.isoformat()} 起仍未解除（责任单位 {a.subject_code}）。"
                f"按督导程序（提醒→通报→约谈），请上级单位{label}。",
                campaign_id=a.campaign_id, reference=a.alert_id))
    return notices


def list_returned(event_id: str, campaign_id: str, township_code: str, reasons: tuple[str, ...], returned_on: date) -> Notice:
    return Notice(f"{Kind.LIST_RETURNED}:{event_id}", Kind.LIST_RETURNED, township_code,
                  "【名单退回】县级党委组织部门退回了本乡镇的软弱涣散村党组织名单",
                  f"退回日期：{returned_on.isoformat()}；理由：{'；'.join(reasons) or '未注明'}。请重新研判后报送。",
                  campaign_id=campaign_id, reference=event_id)


def signature_awaited(event_id: str, campaign_id: str, village_code: str, township_code: str,
                      leader_name: str, leader_user_id: str | None) -> Notice:
    return Notice(f"{Kind.SIGNATURE_AWAITED}:{event_id}", Kind.SIGNATURE_AWAITED, township_code,
                  f"【待签署】村 {village_code} 整改措施已全部完成，验收申请待工作队队长签署",
                  f"请 {leader_name}{'' if leader_user_id else '（无平台账号）'} 登录平台签署验收申请。",
                  user_id=leader_user_id, campaign_id=campaign_id, reference=event_id)


def acceptance_failed(event_id: str, campaign_id: str, village_code: str, township_code: str, step: str,
                      reason: str, revokes: bool) -> Notice:
    kind = Kind.SPOT_CHECK_REVOKED if revokes else Kind.ACCEPTANCE_FAILED
    title = (f"【撤销验收】抽查未通过，村 {village_code} 的验收结论撤销" if revokes
             else f"【验收未通过】村 {village_code} 在「{step}」环节未通过验收")
    return Notice(f"{kind}:{event_id}", kind, township_code, title,
                  f"原因：{reason}。该村转入继续整顿，请组织整改后重新申请验收。",
                  campaign_id=campaign_id, reference=event_id)
