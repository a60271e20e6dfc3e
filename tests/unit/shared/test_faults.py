"""The crash point a test names (ZD_FAULT) is read with the other settings and armed by the runtime."""
from zhengdun import faults
from zhengdun.settings import settings_for


def test_the_fault_is_a_setting(monkeypatch):
    monkeypatch.setenv("ZD_FAULT", "relay.after_publish@2")
    assert settings_for("casework").fault == "relay.after_publish@2"
    monkeypatch.delenv("ZD_FAULT")
    assert settings_for("casework").fault == ""


def test_an_armed_point_counts_only_its_own_passes():
    faults.arm("inbox.after_commit@3")
    try:
        faults.crash_point("relay.after_publish")
        faults.crash_point("inbox.after_commit")
        faults.crash_point("inbox.after_commit")
        assert faults._remaining == 1  # the next pass dies
    finally:
        faults.arm("")
    faults.crash_point("inbox.after_commit")  # disarmed: nothing happens
