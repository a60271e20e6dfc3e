"""Who is told what and when: reminders, the escalation ladder, the robots' message shape, backoff."""
from datetime import date, timedelta

from supervision.delivery import MAX_BACKOFF_SECONDS, backoff, robot_message
from supervision.domain import notices
from supervision.domain.notices import Kind
from supervision.models import NotificationRow


def measure(**kw) -> notices.OpenMeasure:
    base = dict(measure_id="M1", campaign_id="C1", village_code="990102101201", title="建强班子", responsible="李四",
                responsible_user_id="u-1", deadline=date(2020, 10, 10))
    base.update(kw)
    return notices.OpenMeasure(**base)


def test_a_reminder_from_n_days_before_the_deadline_until_it_to_the_person_and_township():
    assert notices.reminders([measure()], 3, date(2020, 10, 6)) == []
    [reminder] = notices.reminders([measure()], 3, date(2020, 10, 7))
    assert reminder.key == "reminder:M1" and reminder.kind is Kind.REMINDER
    assert reminder.user_id == "u-1" and reminder.unit_code == "990102101000" and "3 天" in reminder.title
    # A day missed (platform down) is caught up while the deadline has not passed; the key keeps it to one.
    assert notices.reminders([measure()], 3, date(2020, 10, 10))[0].key == "reminder:M1"
    assert notices.reminders([measure()], 3, date(2020, 10, 11)) == []


def test_someone_without_an_account_is_named_as_such_and_reached_through_the_unit():
    [reminder] = notices.reminders([measure(responsible_user_id=None)], 3, date(2020, 10, 8))
    assert reminder.user_id is None and "（无平台账号）" in reminder.body


def test_the_ladder_circulates_then_asks_for_a_talk_at_the_unit_above():
    alert = notices.OpenAlert("A1", "C1", "整改措施逾期未完成", "990102101000", date(2020, 10, 11))
    assert notices.escalations([alert], 7, date(2020, 10, 17)) == []
    [circulate] = notices.escalations([alert], 7, date(2020, 10, 18))
    assert circulate.key == "escalation:circulate:A1" and circulate.unit_code == "990102000000"
    assert "通报" in circulate.title and circulate.user_id is None
    steps = notices.escalations([alert], 7, date(2020, 10, 11) + timedelta(days=14))
    assert [n.key for n in steps] == ["escalation:circulate:A1", "escalation:talk:A1"]


def test_robot_messages_have_the_wecom_and_dingtalk_text_shape():
    row = NotificationRow(notification_id="n-1", kind="alert", title="【预警】x", body="正文")
    wecom = robot_message(row, "wecom")
    assert wecom["msgtype"] == "text" and wecom["text"]["content"].startswith("【预警】x\n正文") and "n-1" in wecom["text"]["content"]
    assert robot_message(row, "dingtalk")["at"] == {"isAtAll": False}


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
    assert backoff(40).total_seconds() == MAX_BACKOFF_SECONDS
