import json
from dataclasses import replace
from datetime import date

import pytest

from zhengdun.events.screening import ListCategory, TargetDesignated

from screening.domain import ActiveList, content_hash, file_county_list
from screening_helpers import COUNTY, TOWNSHIP_A, village
from zhengdun.refusals import Refusal


def active_list():
    return ActiveList("camp-1").apply_all(
        TargetDesignated(
            campaign_id="camp-1", round_id="r1", village_code=code, township_code=TOWNSHIP_A, county_code=COUNTY,
            category=ListCategory.LAGGING, decision_number="18号", designated_on=date(2020, 8, 20), policy_version=1)
        for code in (village(TOWNSHIP_A, 2), village(TOWNSHIP_A, 1), "130103001001"))


def test_filing_snapshots_the_county_and_rehashing_reproduces_it(campaign):
    filing, filed = file_county_list(campaign, COUNTY, active_list(), date(2020, 8, 31), date(2020, 8, 30))
    assert [e.village_code for e in filing.entries] == [village(TOWNSHIP_A, 1), village(TOWNSHIP_A, 2)]
    assert filed.content_hash == filing.content_hash and filed.entries == 2 and not filed.late
    assert filing.verify()
    assert content_hash(json.loads(filing.canonical_json())) == filing.content_hash


def test_same_content_gives_the_same_hash_and_a_change_breaks_it(campaign):
    one, _ = file_county_list(campaign, COUNTY, active_list(), date(2020, 8, 31), date(2020, 8, 30))
    two, _ = file_county_list(campaign, COUNTY, active_list(), date(2020, 8, 31), date(2020, 8, 30))
    assert one.content_hash == two.content_hash
    tampered = replace(one, entries=one.entries[:1])
    assert not tampered.verify()


def test_canonical_json_is_sorted_compact_and_keeps_chinese(campaign):
    filing, _ = file_county_list(campaign, COUNTY, active_list(), date(2020, 8, 31), date(2020, 8, 30))
    text = filing.canonical_json()
    assert text.startswith('{"campaign_id":"camp-1","county_code":')
    assert "18号" in text and " " not in text


def test_filing_dates_come_from_the_policy_and_late_is_marked(campaign):
    with pytest.raises(Refusal) as refused:
        file_county_list(campaign, COUNTY, active_list(), date(2020, 9, 30), date(2020, 9, 30))
    assert refused.value.code == "filing-date-unknown"
    _, on_day = file_county_list(campaign, COUNTY, active_list(), date(2021, 3, 31), date(2021, 3, 31))
    _, after = file_county_list(campaign, COUNTY, active_list(), date(2021, 3, 31), date(2021, 4, 1))
    assert (on_day.late, after.late) == (False, True)


def test_a_filing_date_is_filed_once(campaign):
    first, _ = file_county_list(campaign, COUNTY, active_list(), date(2020, 8, 31), date(2020, 8, 30))
    with pytest.raises(Refusal) as refused:
        file_county_list(campaign, COUNTY, active_list(), date(2020, 8, 31), date(2020, 8, 31), [first])
    assert refused.value.code == "already-filed"
    _, next_one = file_county_list(campaign, COUNTY, active_list(), date(2021, 3, 31), date(2021, 3, 30), [first])
    assert next_one.filing_date == date(2021, 3, 31)
