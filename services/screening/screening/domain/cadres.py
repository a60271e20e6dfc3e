"""The register of organizations and cadres (村党组织和村“两委”干部名册), plain rules.

One entry per village-level organization (行政村或社区, its division code): the Party secretary (name,
phone), the other committee members (name, post, phone), the date of the last two-committee election
(村“两委”换届) and the star rating of the branch (星级支部, seed 000 §二(二), seed 003). Township staff keep it,
by importing a file (CSV/XLSX, one row per person) or editing one entry; every change is a new revision.

Choices (no seed gives them):
- the term is 5 years (村民委员会组织法 2018 §11, 中国共产党农村基层组织工作条例 2019 §19: 每届任期五年); an
  election is overdue the day after its fifth anniversary — that is criterion 1 of seed 000 (未按期完成换届);
- the star rating is 1–5 星, left blank when the branch is not rated;
- the secretary's phone is required (seed 001's summary table has that column), members' phones are optional.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from zhengdun.divisions import InvalidDivisionCode, is_within, level_of, validate_code
from zhengdun.refusals import RuleViolation
from zhengdun.roles import Level

from screening.domain.tables import RowError, TableRejected, columns_found, missing_columns_message, numbered_rows

TERM_YEARS = 5
# The trial Organic Law of Village Committees took effect then: no two-committee election is older.
EARLIEST_ELECTION = date(1988, 6, 1)
STARS = range(1, 6)
MAX_NAME = 30
MAX_POST = 30
MAX_ORGANIZATION_NAME = 100
MAX_MEMBERS = 30
MAX_ROWS = 20000

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
# "书记兼主任", "党总支书记" name the secretary; "副书记" does not.
SECRETARY_POSTS = ("党组织书记", "党支部书记", "党总支书记", "党委书记", "书记")
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
STAR_LABELS = {n: f"{'一二三四五'[n - 1]}星" for n in STARS}
UNRATED = "未评定"

# Accepted column headers (Chinese as township staff name them, or English).
COLUMNS = {
    "code": ("区划代码", {"区划代码", "村（社区）代码", "村(社区)代码", "统计用区划代码", "代码", "code"}),
    "organization_name": ("党组织名称", {"党组织名称", "村党组织名称", "organization_name"}),
    "post": ("职务", {"职务", "post"}),
    "name": ("姓名", {"姓名", "name"}),
    "phone": ("联系电话", {"联系电话", "电话", "手机", "手机号码", "phone"}),
    "last_election_on": ("换届日期", {"换届日期", "上次换届日期", "两委换届日期", "最近一次换届日期", "last_election_on"}),
    "star_rating": ("星级", {"星级", "星级评定", "star_rating"}),
}
REQUIRED_COLUMNS = ("code", "post", "name", "phone", "last_election_on")


class InvalidValue(ValueError):
    """One value that breaks a rule; the message (Chinese) says what to fix."""


@dataclass(frozen=True)
class Cadre:
    name: str
    post: str
    phone: str | None


@dataclass(frozen=True)
class RegisterEntry:
    village_code: str
    organization_name: str | None
    secretary: Cadre
    members: tuple[Cadre, ...]
    last_election_on: date
    star_rating: int | None

    @property
    def election_due_on(self) -> date:
        return election_due_on(self.last_election_on)

    def content(self) -> dict:
        """What a revision stores (and what tells an unchanged entry from a changed one)."""
        person = lambda c: {"name": c.name, "post": c.post, "phone": c.phone}  # noqa: E731
        return {"organization_name": self.organization_name, "secretary": person(self.secretary),
                "members": [person(m) for m in self.members], "last_election_on": self.last_election_on.isoformat(),
                "star_rating": self.star_rating}

    @classmethod
    def from_content(cls, village_code: str, content: Mapping) -> RegisterEntry:
        person = lambda c: Cadre(c["name"], c["post"], c["phone"])  # noqa: E731
        return cls(village_code, content["organization_name"], person(content["secretary"]),
                   tuple(person(m) for m in content["members"]), date.fromisoformat(content["last_election_on"]),
                   content["star_rating"])


# ------------------------------------------------------------------------------- one value


def normalize_phone(text: str | None, *, required: bool) -> str | None:
    """A mainland mobile (11 digits from 1[3-9], "+86" allowed) or a landline with its area code."""
    raw = re.sub(r"\s", "", text or "")
    if not raw:
        if required:
            raise InvalidValue("书记的联系电话必填")
        return None
    mobile = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", raw)
    if MOBILE.match(mobile):
        return mobile
    landline = re.sub(r"^[(（](0\d{2,3})[)）]", r"\1-", raw)
    if LANDLINE.match(landline):
        return landline
    raise InvalidValue(f"联系电话 {text} 格式不正确：手机号为 1 开头的 11 位数字，固定电话为区号加号码（如 0518-88881234）")


CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _printable(value: str, label: str) -> str:
    # A file may carry control characters (a NUL the database cannot even store): refuse them by name.
    if CONTROL.search(value):
        raise InvalidValue(f"{label}中含有不可见的控制字符")
    return value


def check_person_name(name: str | None) -> str:
    name = _printable((name or "").strip(), "姓名")
    if not name:
        raise InvalidValue("姓名为空")
    if len(name) > MAX_NAME:
        raise InvalidValue(f"姓名超过 {MAX_NAME} 个字符")
    return name


def check_post(post: str | None) -> str:
    post = _printable((post or "").strip(), "职务")
    if not post:
        raise InvalidValue("职务为空（书记、副书记、委员、村委会主任……）")
    if len(post) > MAX_POST:
        raise InvalidValue(f"职务超过 {MAX_POST} 个字符")
    return post


def is_secretary_post(post: str) -> bool:
    return post.startswith(SECRETARY_POSTS)


def check_organization_name(name: str | None) -> str | None:
    name = _printable((name or "").strip(), "党组织名称")
    if len(name) > MAX_ORGANIZATION_NAME:
        raise InvalidValue(f"党组织名称超过 {MAX_ORGANIZATION_NAME} 个字符")
    return name or None


def parse_date(text: str) -> date:
    """2021-01-15, 2021/1/15, 2021.1.15, 2021年1月15日 (a spreadsheet's date cell reads as "2021-01-15 00:00:00")."""
    found = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?", text.strip())
    if not found:
        raise InvalidValue(f"日期 {text} 格式不正确，应为 年-月-日（如 2021-01-15）")
    try:
        return date(*map(int, found.groups()))
    except ValueError:
        raise InvalidValue(f"日期 {text} 不存在") from None


def check_election_date(on: date, today: date) -> date:
    if on > today:
        raise InvalidValue(f"换届日期 {on.isoformat()} 晚于今天 {today.isoformat()}")
    if on < EARLIEST_ELECTION:
        raise InvalidValue(f"换届日期 {on.isoformat()} 早于村民委员会组织法（试行）施行日 {EARLIEST_ELECTION.isoformat()}")
    return on


def parse_star(text: str | None) -> int | None:
    """3, 3星, 三星, 三星级, ★★★; blank = not rated."""
    raw = (text or "").strip()
    if not raw or raw == UNRATED:
        return None
    if set(raw) == {"★"}:
        stars = len(raw)
    else:
        found = re.fullmatch(r"(\d|[一二两三四五])(?:星级?|级)?", raw)
        if not found:
            raise InvalidValue(f"星级 {raw} 无法识别，应为 1–5 星（如 3 或 三星），未评定的留空")
        stars = int(found.group(1)) if found.group(1).isdigit() else CHINESE_DIGITS[found.group(1)]
    return check_star(stars)


def check_star(stars: int | None) -> int | None:
    if stars is not None and stars not in STARS:
        raise InvalidValue(f"星级应为 1–5 星（未评定的留空），不能为 {stars}")
    return stars


def star_label(stars: int | None) -> str:
    return STAR_LABELS[stars] if stars else UNRATED


def check_village(code: str, *, registered: Mapping[str, str], unit: str) -> str:
    """A village-level division of the registry, inside the keeper's jurisdiction."""
    try:
        validate_code(code)
    except InvalidDivisionCode as exc:
        raise InvalidValue(str(exc)) from None
    if level_of(code) is not Level.VILLAGE:
        raise InvalidValue(f"{code} 不是村（社区）级区划代码")
    if not is_within(code, unit):
        raise InvalidValue(f"{code} 不在您的辖区 {unit} 内")
    if code not in registered:
        raise InvalidValue(f"区划名册中没有村（社区）{code}，请先导入区划")
    return code


# ------------------------------------------------------------------------------- the election's term


def election_due_on(last: date) -> date:
    """The fifth anniversary of the last election (a 29 February election falls due on 28 February)."""
    try:
        return last.replace(year=last.year + TERM_YEARS)
    except ValueError:
        return last.replace(year=last.year + TERM_YEARS, day=28)


def election_overdue(last: date, today: date) -> bool:
    return today > election_due_on(last)


def overdue_reason(last: date, today: date) -> str | None:
    """Why the entry suggests criterion 1 (未按期完成村“两委”换届选举), or None when the term is still running."""
    if not election_overdue(last, today):
        return None
    due = election_due_on(last)
    return (f"上次村“两委”换届为 {last.isoformat()}，每届任期 {TERM_YEARS} 年，应于 {due.isoformat()} 前完成换届，"
            f"截至 {today.isoformat()} 已逾期 {(today - due).days} 天")


ELECTION_CRITERION = "election_overdue"  # criterion 1 of seed 000's catalog (domain/criteria.py)


@dataclass(frozen=True)
class SuggestedFinding:
    village_code: str
    criterion_code: str
    criterion_label: str
    reason: str


def election_suggestions(last_elections: Mapping[str, date], today: date,
                         criterion_label: str | None) -> list[SuggestedFinding]:
    """The villages whose election is overdue, suggested for criterion 1 — when the campaign's catalog has it
    (``criterion_label`` None: a catalog without it, e.g. seed 001's, gets no suggestion)."""
    if criterion_label is None:
        return []
    return [SuggestedFinding(code, ELECTION_CRITERION, criterion_label, reason)
            for code, last in sorted(last_elections.items()) if (reason := overdue_reason(last, today))]


# ------------------------------------------------------------------------------- a whole entry (single edit)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class CadreEntryRejected(RuleViolation):
    def __init__(self, problems: list[FieldProblem]):
        super().__init__("cadre-entry-rejected", f"名册条目不符合规则，共 {len(problems)} 处，未保存",
                         f"register entry refused: {len(problems)} errors; nothing was saved",
                         errors=[{"field": p.field, "message": p.message} for p in problems])


def build_entry(village_code: str, *, organization_name: str | None, secretary_name: str, secretary_phone: str | None,
                members: list[tuple[str, str, str | None]], last_election_on: date, star_rating: int | None,
                registered: Mapping[str, str], unit: str, today: date, prefix: str = "body") -> RegisterEntry:
    """One entry from its fields (members as (name, post, phone)); every error at once, by field."""
    problems: list[FieldProblem] = []

    def checked(field: str, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except InvalidValue as exc:
            problems.append(FieldProblem(field, str(exc)))
            return None

    checked("path.code", check_village, village_code, registered=registered, unit=unit)
    org = checked(f"{prefix}.organization_name", check_organization_name, organization_name)
    name = checked(f"{prefix}.secretary.name", check_person_name, secretary_name)
    phone = checked(f"{prefix}.secretary.phone", normalize_phone, secretary_phone, required=True)
    if len(members) > MAX_MEMBERS:
        problems.append(FieldProblem(f"{prefix}.members", f"班子成员不能超过 {MAX_MEMBERS} 人"))
    people = []
    for i, (member_name, member_post, member_phone) in enumerate(members):
        field = f"{prefix}.members.{i}"
        person = Cadre(checked(f"{field}.name", check_person_name, member_name),
                       checked(f"{field}.post", check_post, member_post),
                       checked(f"{field}.phone", normalize_phone, member_phone, required=False))
        if person.post and is_secretary_post(person.post):
            problems.append(FieldProblem(f"{field}.post", "书记填在 secretary 中，班子成员中不能再有书记"))
        elif person.name and person.post and (person.name, person.post) in {(p.name, p.post) for p in people}:
            problems.append(FieldProblem(f"{field}.name", "与前面的班子成员重复（同一职务同一姓名）"))
        people.append(person)
    checked(f"{prefix}.last_election_on", check_election_date, last_election_on, today)
    checked(f"{prefix}.star_rating", check_star, star_rating)
    if problems:
        raise CadreEntryRejected(problems)
    return RegisterEntry(village_code, org, Cadre(name, "书记", phone), tuple(people), last_election_on, star_rating)


# ------------------------------------------------------------------------------- a file (one row per person)


class CadreImportRejected(TableRejected):
    def __init__(self, errors: list[RowError]):
        super().__init__("cadre-import-rejected", f"导入被拒绝，共 {len(errors)} 处错误；文件未导入，修正后重新上传",
                         f"file rejected: {len(errors)} errors; nothing was imported", errors, COLUMNS)


@dataclass(frozen=True)
class CadreRow:
    row: int
    cells: Mapping[str, str]

    def __getitem__(self, field: str) -> str:
        return self.cells.get(field, "")


def read_rows(header: list[str], rows: list[list[str]]) -> list[CadreRow]:
    """Rows as text, numbered as in the file (blank lines skipped); a required column missing refuses the file."""
    columns = columns_found(header, COLUMNS)
    missing = [f for f in REQUIRED_COLUMNS if f not in columns]
    if missing:
        raise CadreImportRejected([RowError(1, f, missing_columns_message(f, COLUMNS)) for f in missing])
    read = [CadreRow(row, cells) for row, cells in numbered_rows(rows, columns)]
    if len(read) > MAX_ROWS:
        raise CadreImportRejected([RowError(MAX_ROWS + 2, "code", f"一个文件最多 {MAX_ROWS} 行")])
    return read


def entries_from_rows(rows: list[CadreRow], *, registered: Mapping[str, str], unit: str, today: date) -> list[RegisterEntry]:
    """Every row checked; the rows of one village make its entry (one secretary row, the same election date and
    star rating wherever given). Any error refuses the whole file."""
    errors: list[RowError] = []
    by_village: dict[str, list[CadreRow]] = {}

    def checked(row: CadreRow, field: str, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except InvalidValue as exc:
            errors.append(RowError(row.row, field, str(exc)))
            return None

    people: dict[int, Cadre] = {}
    for row in rows:
        code = checked(row, "code", check_village, row["code"], registered=registered, unit=unit)
        name = checked(row, "name", check_person_name, row["name"])
        post = checked(row, "post", check_post, row["post"])
        phone = checked(row, "phone", normalize_phone, row["phone"], required=bool(post and is_secretary_post(post)))
        people[row.row] = Cadre(name or "", post or "", phone)
        if code:
            by_village.setdefault(code, []).append(row)

    entries = []
    for code, village_rows in by_village.items():
        first = village_rows[0]
        secretaries = [r for r in village_rows if people[r.row].post and is_secretary_post(people[r.row].post)]
        if not secretaries:
            errors.append(RowError(first.row, "post", f"{code} 没有书记：其中一行的职务应为“书记”"))
        for extra in secretaries[1:]:
            errors.append(RowError(extra.row, "post", f"{code} 只能有一名书记，第 {secretaries[0].row} 行已是书记"))
        seen: dict[tuple[str, str], int] = {}
        for r in village_rows:
            key = (people[r.row].name, people[r.row].post)
            if all(key) and key in seen:
                errors.append(RowError(r.row, "name", f"与第 {seen[key]} 行重复（同一村同一职务同一姓名）"))
            seen.setdefault(key, r.row)
        if len(village_rows) > MAX_MEMBERS + 1:
            errors.append(RowError(village_rows[MAX_MEMBERS + 1].row, "code", f"{code} 班子成员不能超过 {MAX_MEMBERS} 人"))
        election = _one_value(village_rows, "last_election_on", lambda text: check_election_date(parse_date(text), today),
                              errors, required=True)
        stars = _one_value(village_rows, "star_rating", parse_star, errors)
        organization = _one_value(village_rows, "organization_name", check_organization_name, errors)
        if secretaries and election is not None:
            members = tuple(people[r.row] for r in village_rows if r is not secretaries[0])
            entries.append(RegisterEntry(code, organization, people[secretaries[0].row], members, election, stars))
    if errors:
        raise CadreImportRejected(sorted(errors, key=lambda e: (e.row, e.field)))
    return entries


def _one_value(rows: list[CadreRow], field: str, parse, errors: list[RowError], *, required: bool = False):
    """A village's value that may be written on any of its rows (or each): parsed, and the same wherever given."""
    value, first_row, label = None, None, COLUMNS[field][0]
    for row in rows:
        if not row[field]:
            continue
        try:
            parsed = parse(row[field])
        except InvalidValue as exc:
            errors.append(RowError(row.row, field, str(exc)))
            continue
        if first_row is None:
            value, first_row = parsed, row.row
        elif parsed != value:
            errors.append(RowError(row.row, field, f"同一村的{label}应一致，与第 {first_row} 行不同"))
    if required and first_row is None and not any(e.field == field and e.row in {r.row for r in rows} for e in errors):
        errors.append(RowError(rows[0].row, field, f"{rows[0]['code']} 没有填写{label}"))
    return value


def secretary_changed(entry: RegisterEntry, previous: Mapping | None) -> bool:
    """Whether a new revision names another secretary or another phone for them than the previous revision (or is
    the village's first): only then does the register tell the other services (CadreSecretaryRecorded)."""
    if previous is None:
        return True
    before = previous["secretary"]
    return (before["name"], before["phone"]) != (entry.secretary.name, entry.secretary.phone)


def changed_entries(entries: list[RegisterEntry], current: Mapping[str, tuple[int, dict]]) -> list[tuple[RegisterEntry, int]]:
    """The entries that differ from their village's current revision, each with its new revision number."""
    changes = []
    for entry in entries:
        revision, content = current.get(entry.village_code, (0, None))
        if content != entry.content():
            changes.append((entry, revision + 1))
    return changes
