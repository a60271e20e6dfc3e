"""The roles of the realm `zhengdun`, with their Chinese labels.

Level roles mirror the administrative tree; functional roles say what a person does.
A user's *level* is also implied by the division code of their unit; the level role
is what Keycloak puts in the token, so both must agree (the realm file keeps them so).
"""
from enum import StrEnum


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def role(self) -> str:
        """The realm role carried by users of this level, e.g. ``level_county``."""
        return f"level_{self.value}"


LEVEL_LABELS = {
    Level.PROVINCE: "省",
    Level.CITY: "市",
    Level.COUNTY: "县",
    Level.TOWNSHIP: "乡镇",
    Level.VILLAGE: "村",
}

# From the top down; a level's index is its depth in the tree.
LEVELS_TOP_DOWN = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]


class Role(StrEnum):
    """Functional realm roles (domain.md §1)."""

    ORG_STAFF = "org_staff"                        # 组织部门工作人员 (at the level of their unit)
    STANDING_COMMITTEE = "standing_committee"      # 县委常委会 (records its decisions)
    COUNTY_SECRETARY = "county_secretary"          # 县委主要负责同志 (signs county acceptance)
    CONTACT_LEADER = "contact_leader"              # 联系分包县级领导干部
    TOWNSHIP_COMMITTEE = "township_committee"      # 乡镇党委
    TOWNSHIP_PRINCIPAL = "township_principal"      # 乡镇党委主要负责同志 (signs preliminary acceptance)
    WORK_TEAM_LEADER = "work_team_leader"          # 整顿工作队队长
    WORK_TEAM_MEMBER = "work_team_member"          # 整顿工作队队员
    VILLAGE_SECRETARY = "village_secretary"        # 村党组织书记
    SUPERVISION_GROUP = "supervision_group"        # 督导组
    REVIEW_DEPARTMENT = "review_department"        # 联合审查部门 (which one: a REVIEW_* role below)
    OPERATIONS = "operations"                      # 运维 (health, metrics, dead letters)
    EXTERNAL_SUBSCRIBER = "external_subscriber"    # 外部平台 (machine client, events only)

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ORG_STAFF: "组织部门工作人员",
    Role.STANDING_COMMITTEE: "县委常委会",
    Role.COUNTY_SECRETARY: "县委书记",
    Role.CONTACT_LEADER: "联系分包县级领导",
    Role.TOWNSHIP_COMMITTEE: "乡镇党委",
    Role.TOWNSHIP_PRINCIPAL: "乡镇党委书记",
    Role.WORK_TEAM_LEADER: "整顿工作队队长",
    Role.WORK_TEAM_MEMBER: "整顿工作队队员",
    Role.VILLAGE_SECRETARY: "村党组织书记",
    Role.SUPERVISION_GROUP: "督导组",
    Role.REVIEW_DEPARTMENT: "联合审查部门",
    Role.OPERATIONS: "运维人员",
    Role.EXTERNAL_SUBSCRIBER: "外部平台",
}


class ReviewDepartment(StrEnum):
    """The departments that join the county's joint acceptance review (domain.md §1).

    Each is a realm role ``review_<value>``, composite of ``review_department``.
    """

    DISCIPLINE = "discipline"
    POLITICAL_LEGAL = "political_legal"
    PUBLIC_SECURITY = "public_security"
    UNITED_FRONT = "united_front"
    ETHNIC_RELIGIOUS = "ethnic_religious"
    FAMILY_PLANNING = "family_planning"
    AGRICULTURAL_ECONOMY = "agricultural_economy"
    AUDIT = "audit"

    @property
    def role(self) -> str:
        return f"review_{self.value}"

    @property
    def label(self) -> str:
        return REVIEW_DEPARTMENT_LABELS[self]


REVIEW_DEPARTMENT_LABELS = {
    ReviewDepartment.DISCIPLINE: "纪检机关",
    ReviewDepartment.POLITICAL_LEGAL: "政法",
    ReviewDepartment.PUBLIC_SECURITY: "公安",
    ReviewDepartment.UNITED_FRONT: "统战",
    ReviewDepartment.ETHNIC_RELIGIOUS: "民宗",
    ReviewDepartment.FAMILY_PLANNING: "计生",
    ReviewDepartment.AGRICULTURAL_ECONOMY: "农经",
    ReviewDepartment.AUDIT: "审计",
}
