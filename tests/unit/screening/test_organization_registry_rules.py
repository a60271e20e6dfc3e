"""The registry of 非公企业 and 社会组织 (seed 003 篇三): the USCC's check character, the codes the platform gives
them under their township, the import's rules, and which campaigns screen them."""
from datetime import date

import pytest

from screening.domain import Village, open_campaign
from screening.domain.campaign import check_kinds
from screening.domain.organizations import (AttachPoint, CodesExhausted, OrganizationRow, next_code,
                                            parse_organization_rows, plan_organization_import, uscc_check_character,
                                            uscc_problem)
from screening.domain.registry import Existing, ImportRow, RegistryImportRejected, plan_import
from screening.domain.shares import share_status
from zhengdun.roles import Level

COUNTY = "990102000000"
TOWNSHIP = "990102101000"
OTHER_TOWNSHIP = "990102102000"
COMMUNITY = "990102101001"
VILLAGE = "990102101201"
POINTS = {TOWNSHIP: AttachPoint(Level.TOWNSHIP, None), OTHER_TOWNSHIP: AttachPoint(Level.TOWNSHIP, None),
          COMMUNITY: AttachPoint(Level.VILLAGE, "社区"), VILLAGE: AttachPoint(Level.VILLAGE, "行政村"),
          COUNTY: AttachPoint(Level.COUNTY, None)}
HEADER = ["统一社会信用代码", "名称", "类型", "所属乡镇（街道）代码"]


def uscc(first_17: str) -> str:
    return first_17 + uscc_check_character(first_17)


ENTERPRISE = uscc("91130102MA0000001")
SOCIETY = uscc("51130102MJ0000002")


# --- the check character (GB 32100-2015) ----------------------------------------------------------------------

@pytest.mark.parametrize("known", ["91350100M000100Y43", "91110000600037341L"])
def test_published_credit_codes_pass_the_check(known):
    assert uscc_problem(known) is None


def test_a_sum_divisible_by_31_gives_the_check_character_0_not_31():
    assert uscc_check_character("0" * 17) == "0"


def test_the_check_character_can_be_the_last_of_the_31_characters():
    # value 1 at weight 1: 31 − 1 = 30, the 31st character Y
    assert uscc_check_character("1" + "0" * 16) == "Y"


def test_a_wrong_check_character_names_the_right_one():
    assert "第18位应为 3" in uscc_problem("91350100M000100Y44")


@pytest.mark.parametrize("bad, says", [("91350100M000100Y4", "应为18位"), ("91350100M000100Y433", "应为18位"),
                                       ("91350100M000100I43", "不含I、O、Z、S、V"), ("91350100m000100Y43", "含有 m"),
                                       ("", "应为18位")])
def test_malformed_codes_are_refused_with_the_reason(bad, says):
    assert says in uscc_problem(bad)


# --- the codes given -------------------------------------------------------------------------------------------

def test_the_first_free_code_of_the_reserved_range_is_given():
    assert next_code(TOWNSHIP, set()) == "990102101600"
    assert next_code(TOWNSHIP, {"990102101600", "990102101602"}) == "990102101601"


def test_a_township_whose_400_codes_are_used_refuses_a_new_one():
    taken = {f"990102101{n:03d}" for n in range(600, 1000)}
    assert next_code(TOWNSHIP, taken - {"990102101999"}) == "990102101999"
    with pytest.raises(CodesExhausted) as refused:
        next_code(TOWNSHIP, taken)
    assert refused.value.code == "organization-codes-exhausted" and "600–999" in refused.value.message_zh


def test_the_division_import_refuses_a_village_code_of_the_reserved_range():
    existing = {TOWNSHIP: Existing("甲镇", COUNTY, None, 1)}
    assert plan_import([ImportRow(2, "990102101599", "某村", None, "行政村")], existing, importer_unit=COUNTY)
    with pytest.raises(RegistryImportRejected) as refused:
        plan_import([ImportRow(2, "990102101600", "某村", None, "行政村")], existing, importer_unit=COUNTY)
    assert refused.value.errors[0].field == "code" and "留作非公企业和社会组织" in refused.value.errors[0].message


# --- the import ------------------------------------------------------------------------------------------------

def plan(rows, *, codes=None, stored=None, taken=None, unit=COUNTY):
    return plan_organization_import(rows, codes=codes or {}, stored=stored or {}, attach_points=POINTS,
                                    taken=taken if taken is not None else {}, importer_unit=unit)


def row(n, code, name, kind, attached_to=TOWNSHIP):
    return OrganizationRow(n, code, name, kind, attached_to)


def test_new_organizations_get_consecutive_codes_under_their_township_with_their_kind():
    result = plan([row(2, ENTERPRISE, "甲公司", "非公企业"), row(3, SOCIETY, "乙协会", "社会组织", COMMUNITY)],
                  taken={TOWNSHIP: {"990102101600"}})
    assert result.assigned == {ENTERPRISE: "990102101601", SOCIETY: "990102101602"}
    assert [(c.code, c.parent_code, c.kind, c.level, c.revision) for c in result.changes] == [
        ("990102101601", TOWNSHIP, "非公企业", Level.VILLAGE, 1), ("990102101602", TOWNSHIP, "社会组织", Level.VILLAGE, 1)]


def test_the_same_file_again_changes_nothing_and_a_rename_keeps_the_code():
    codes = {ENTERPRISE: "990102101600"}
    stored = {"990102101600": Existing("甲公司", TOWNSHIP, "非公企业", 1)}
    again = plan([row(2, ENTERPRISE, "甲公司", "非公企业")], codes=codes, stored=stored)
    assert (again.assigned, again.changes) == ({}, [])
    renamed = plan([row(2, ENTERPRISE, "甲有限公司", "非公企业")], codes=codes, stored=stored)
    assert renamed.assigned == {} and [(c.code, c.name, c.revision) for c in renamed.changes] == [
        ("990102101600", "甲有限公司", 2)]


def test_an_organization_cannot_move_to_another_township():
    with pytest.raises(RegistryImportRejected) as refused:
        plan([row(2, ENTERPRISE, "甲公司", "非公企业", OTHER_TOWNSHIP)], codes={ENTERPRISE: "990102101600"})
    assert "不能改挂" in refused.value.errors[0].message


def test_every_row_error_is_listed_and_nothing_is_planned():
    rows = [row(2, "91350100M000100Y44", "甲公司", "非公企业"), row(3, ENTERPRISE, "", "企业"),
            row(4, ENTERPRISE, "丙公司", "非公企业", VILLAGE), row(5, SOCIETY, "丁协会", "社会组织", "990102103000"),
            row(6, uscc("91130102MA0000009"), "戊公司", "非公企业", COUNTY),
            row(7, uscc("91130102MA0000010"), "己公司", "非公企业", "12345")]
    with pytest.raises(RegistryImportRejected) as refused:
        plan(rows)
    found = {(e.row, e.field) for e in refused.value.errors}
    assert found == {(2, "uscc"), (3, "name"), (3, "kind"), (4, "uscc"), (4, "attached_to"), (5, "attached_to"),
                     (6, "attached_to"), (7, "attached_to")}
    assert refused.value.code == "division-import-rejected"


def test_a_township_outside_the_importer_s_jurisdiction_is_refused():
    with pytest.raises(RegistryImportRejected) as refused:
        plan([row(2, ENTERPRISE, "甲公司", "非公企业")], unit="990103000000")
    assert "不在您的辖区" in refused.value.errors[0].message


def test_the_file_s_columns_are_read_by_their_chinese_headers_and_codes_upper_cased():
    rows = parse_organization_rows(HEADER, [[ENTERPRISE.lower(), " 甲公司 ", "非公企业", TOWNSHIP], ["", "", "", ""]])
    assert rows == [OrganizationRow(2, ENTERPRISE, "甲公司", "非公企业", TOWNSHIP)]
    with pytest.raises(RegistryImportRejected) as refused:
        parse_organization_rows(["统一社会信用代码", "名称"], [])
    assert {e.field for e in refused.value.errors} == {"kind", "attached_to"}


# --- which campaigns screen them -------------------------------------------------------------------------------

ORGANIZATIONS = [Village(VILLAGE, "甲村"), Village(COMMUNITY, "一社区", administrative=False, kind="社区"),
                 Village("990102101600", "甲公司", administrative=False, kind="非公企业"),
                 Village("990102101601", "乙协会", administrative=False, kind="社会组织")]


def test_a_campaign_naming_no_kinds_never_screens_enterprises_or_social_organizations():
    campaign, _ = open_campaign("c", "整顿", COUNTY, date(2014, 3, 1))
    covered = campaign.covered(ORGANIZATIONS)
    assert [v.kind for v in covered] == ["行政村", "社区"]
    assert share_status(COUNTY, [], covered, campaign.policy).administrative_villages == 1


def test_a_campaign_naming_all_four_kinds_screens_and_counts_them_all():
    campaign, _ = open_campaign("c", "整顿", COUNTY, date(2014, 3, 1),
                                organization_kinds=["社会组织", "非公企业", "社区", "行政村"])
    assert campaign.organization_kinds == ("行政村", "社区", "非公企业", "社会组织")
    covered = campaign.covered(ORGANIZATIONS)
    assert len(covered) == 4 and share_status(COUNTY, [], covered, campaign.policy).administrative_villages == 4


def test_the_refusal_of_an_unknown_kind_names_the_four_kinds():
    from zhengdun.refusals import Refusal
    with pytest.raises(Refusal) as refused:
        check_kinds(["机关"])
    assert "行政村、社区、非公企业、社会组织" in refused.value.message_zh
