"""The register tells the other services of a new secretary or phone, on its internal topic only (issue 22)."""
from __future__ import annotations

from datetime import date

from reporting.public import PUBLIC_MODELS, to_public
from screening.domain.cadres import Cadre, RegisterEntry, secretary_changed
from zhengdun.events import screening as scr
from zhengdun.events.base import spec_for

ENTRY = RegisterEntry("990102101201", "一村党支部", Cadre("张书记", "书记", "13800000001"),
                      (Cadre("李委员", "委员", "13800000002"),), date(2021, 1, 15), 3)


def test_the_first_revision_of_a_village_names_its_secretary():
    assert secretary_changed(ENTRY, None)


def test_a_new_name_or_a_new_phone_is_a_change_and_a_member_or_a_star_is_not():
    same = ENTRY.content()
    assert not secretary_changed(ENTRY, same)
    assert secretary_changed(ENTRY, same | {"secretary": {"name": "王书记", "post": "书记", "phone": "13800000001"}})
    assert secretary_changed(ENTRY, same | {"secretary": {"name": "张书记", "post": "书记", "phone": "13900000009"}})
    assert not secretary_changed(ENTRY, same | {"members": [], "star_rating": 5})


def test_the_secretary_event_is_internal_and_has_no_public_copy():
    recorded = scr.CadreSecretaryRecorded(village_code="990102101201", township_code="990102101000",
                                          county_code="990102000000", revision=2, secretary_name="张书记",
                                          secretary_phone="13800000001", recorded_on=date(2020, 9, 1))
    assert spec_for(recorded.event_type).public is False
    assert to_public(recorded) is None
    assert scr.CadreSecretaryRecorded not in PUBLIC_MODELS
