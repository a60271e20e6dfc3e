"""The documents the seeds name, in Chinese, as .xlsx (openpyxl) and printable PDF (reportlab).

Each document is first built as plain content (``Document``: title, header lines, tables,
notes) from the read model, then rendered by either writer, so both formats say the same.
The PDF (zhengdun.printing) embeds a CJK TrueType font from Debian's fonts-wqy-zenhei.
"""
from __future__ import annotations

import hashlib
import io
import json
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from reporting import figures as fig
from reporting import models as m
from reporting import service, special_actions
from reporting.domain import spot_checks as sc
from reporting.domain.figures import (
    CATEGORY_LABELS, PHASE_LABELS, RANKING_RULE, Figure, RankingRow, month_end, organization_words, parse_month,
    parse_quarter, percent,
    period_label, quarter_bounds, rank_counties, summary_period)
from zhengdun import printing
from zhengdun.divisions import SIGNIFICANT_DIGITS, ancestor_at, level_of, township_of
from zhengdun.events.screening import CheckOutcome, CheckStage
from zhengdun.printing import Document, Table
from zhengdun.problems import not_found, unprocessable
from zhengdun.reading import within_params
from zhengdun.roles import Level

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = printing.PDF
ALL = 100_000  # documents list every village of the division, no page


class Kind(StrEnum):
    FILING = "filing"              # 备案名单
    LEDGER = "ledger"              # 月度台账更新
    CIRCULAR = "circular"          # 季汇总通报 (period: the policy's ledger_summary_interval_months)
    RANKING = "ranking"            # 排名通报
    SUMMARY = "summary"            # 后进基层党组织情况汇总表
    SPOT_CHECK = "spot_check"      # 市级抽查认定情况通报 (names each falsification)
    TASK_TABLE = "task_table"      # 专项行动任务分解表 (seed 004 附件1)
    APPRAISAL = "special_action_appraisal"   # 专项行动督导结果年终考核表 (seed 004 附件2 六)


# The printable content and its PDF are shared with acceptance (zhengdun.printing); xlsx is reporting's own.
_fmt = printing.fmt


def cn_date(day: date) -> str:
    return _fmt(day)


# ---- content ---------------------------------------------------------------------------------

async def build(session: AsyncSession, kind: Kind, code: str, *, as_of: date, month: str | None, quarter: str | None,
                filing_date: date | None, prepared_by, personal: bool = False, year: int | None = None) -> Document:
    """``personal``: the caller may read the register's personal data (policy ``cadres.personal``): the summary
    table then shows the secretaries' phones, else its phone column stays empty."""
    name = await service.division_name(session, code) or code
    if kind is Kind.FILING:
        return await filing_list(session, code, name, filing_date)
    if kind is Kind.LEDGER:
        try:
            year, mon = parse_month(month) if month else (as_of.year, as_of.month)
        except ValueError:
            raise unprocessable("bad-month", f"month 须为 YYYY-MM 格式 (month must look like 2020-11): {month}") from None
        return await monthly_ledger(session, code, name, year, mon, as_of)
    if kind is Kind.CIRCULAR:
        # The period holding a month: the first month of ``quarter``, else ``month``, else the statistics day's.
        try:
            if quarter:
                year, q = parse_quarter(quarter)
                year, mon = quarter_bounds(year, q)[0].year, quarter_bounds(year, q)[0].month
            else:
                year, mon = parse_month(month) if month else (as_of.year, as_of.month)
        except ValueError:
            raise unprocessable("bad-quarter", f"quarter 须形如 2020Q4 (quarter must look like 2020Q4): {quarter}") from None
        interval, anchor_year = await fig.summary_terms(session, code, date(year, mon, 1))
        first, last = summary_period(interval, anchor_year, year, mon)
        return await quarterly_circular(session, code, name, first, last, as_of)
    if kind is Kind.RANKING:
        return await ranking_circular(session, code, name, as_of)
    if kind is Kind.SPOT_CHECK:
        return await spot_check_circular(session, code, name, as_of)
    if kind is Kind.TASK_TABLE:
        return await task_table(session, code, name, as_of)
    if kind is Kind.APPRAISAL:
        return await special_action_appraisal(session, code, name, year or as_of.year, as_of)
    return await summary_table(session, code, name, as_of, prepared_by, personal=personal)


async def filing_list(session: AsyncSession, code: str, name: str, filing_date: date | None) -> Document:
    """The county's list as filed with the city (备案): the active list on the filing day, re-hashed."""
    if level_of(code) is not Level.COUNTY:
        raise unprocessable("filing-needs-county", f"备案名单按县（市、区）生成，{code} 不是县级区划 (use a county code)")
    query = "SELECT * FROM rm_filing WHERE county_code = :c" + (" AND filing_date = :f" if filing_date else "") + \
            " ORDER BY filing_date DESC LIMIT 1"
    filing = (await session.execute(text(query), {"c": code, "f": filing_date})).mappings().first()
    if filing is None:
        raise not_found(f"{name} {'' if filing_date is None else filing_date} 的备案记录")
    entries = (await session.execute(text("""
        WITH des AS (SELECT DISTINCT ON (village_code) * FROM rm_designation
                     WHERE village_code BETWEEN :lo AND :hi AND designated_on <= :d
                     ORDER BY village_code, designated_on DESC, seq DESC),
             rem AS (SELECT DISTINCT ON (village_code) * FROM rm_removal
                     WHERE village_code BETWEEN :lo AND :hi AND removed_on <= :d
                     ORDER BY village_code, removed_on DESC, seq DESC)
        SELECT des.village_code, des.category, des.criteria, des.designated_on, des.decision_number,
               v.name AS village, v.kind, t.name AS township, v.parent_code AS township_code
        FROM des LEFT JOIN rem USING (village_code)
        LEFT JOIN divisions v ON v.code = des.village_code LEFT JOIN divisions t ON t.code = v.parent_code
        WHERE rem.village_code IS NULL OR (rem.removed_on, rem.seq) < (des.designated_on, des.seq)
        ORDER BY des.village_code"""), within_params(code) | {"d": filing["filed_on"]})).mappings().all()
    version = (await session.execute(text(
        "SELECT max(version) FROM rm_policy WHERE campaign_id = :c AND effective_on <= :d"),
        {"c": filing["campaign_id"], "d": filing["filed_on"]})).scalar_one_or_none() or 1
    content = {
        "campaign_id": filing["campaign_id"], "county_code": code, "filing_date": filing["filing_date"].isoformat(),
        "filed_on": filing["filed_on"].isoformat(), "policy_version": version,
        "entries": [{"village_code": e["village_code"], "township_code": township_of(e["village_code"]),
                     "category": e["category"], "criteria_met": list(e["criteria"]),
                     "designated_on": e["designated_on"].isoformat(), "decision_number": e["decision_number"]}
                    for e in entries],
    }
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                            .encode("utf-8")).hexdigest()
    labels = await fig.criteria_labels(session)
    rows = [[i, e["township"] or "", e["village"] or "", e["village_code"], CATEGORY_LABELS.get(e["category"], e["category"]),
             "；".join(labels.get(c, c) for c in e["criteria"]), cn_date(e["designated_on"]), e["decision_number"] or ""]
            for i, e in enumerate(entries, start=1)]
    weak = sum(1 for e in entries if e["category"] == "weak_and_lax")
    verified = "一致，名单与备案时相同" if digest == filing["content_hash"] else "不一致：下表依据统计库重建，与备案快照有出入，以筛查服务备案快照为准"
    column, word = organization_words(e["kind"] for e in entries)
    return Document(
        title=f"{name}软弱涣散和后进{word}党组织名单（备案）",
        filename=f"备案名单_{name}_{filing['filing_date']}",
        header=[f"报送单位：中共{name}委组织部　　报送：市委组织部",
                f"备案节点：{cn_date(filing['filing_date'])}　　报送日期：{cn_date(filing['filed_on'])}"
                f"{'（逾期报送）' if filing['late'] else ''}",
                f"共 {len(entries)} 个，其中软弱涣散 {weak} 个、后进 {len(entries) - weak} 个（备案记录条目数 {filing['entries']}）"],
        tables=[Table(["序号", "乡镇（街道）", column, "区划代码", "类别", "认定标准", "认定日期", "县委常委会决定文号"],
                      rows, [4, 10, 10, 11, 7, 30, 10, 14])],
        notes=[f"备案内容哈希（{filing['content_hash'][:16]}…，sha256-canonical-json-v1）核验：{verified}。",
               "名单一经备案不得更改；调整须在下一备案节点重新备案。"],
    )


async def monthly_ledger(session: AsyncSession, code: str, name: str, year: int, month: int, today: date) -> Document:
    """整改进度每月更新: each village's measures, completed, updated this month, overdue, and visits."""
    end = min(month_end(year, month), today)
    start = date(year, month, 1)
    policy = await fig.policy_for(session, code, end)
    total, villages = await fig.villages_behind(session, code, end, Figure.CASES, limit=ALL)
    stats = {r["village_code"]: r for r in (await session.execute(text("""
        WITH prog AS (""" + fig.MEASURE_STATUS + """),
             upd AS (SELECT DISTINCT measure_id FROM rm_progress
                     WHERE village_code BETWEEN :lo AND :hi AND recorded_on BETWEEN :s AND :d)
        SELECT ms.village_code, count(*) AS measures,
               count(*) FILTER (WHERE prog.status = 'completed') AS completed,
               count(upd.measure_id) AS updated,
               count(*) FILTER (WHERE prog.status IS DISTINCT FROM 'completed' AND upd.measure_id IS NULL) AS not_updated,
               count(*) FILTER (WHERE prog.status IS DISTINCT FROM 'completed' AND ms.deadline < :d) AS overdue
        FROM rm_measure ms LEFT JOIN prog USING (measure_id) LEFT JOIN upd USING (measure_id)
        WHERE ms.village_code BETWEEN :lo AND :hi AND ms.planned_on <= :d GROUP BY ms.village_code"""),
        within_params(code) | {"d": end, "s": start})).mappings().all()}
    leaders = await _contact_leaders(session, code, end)
    keys = ("measures", "completed", "updated", "not_updated", "overdue")
    rows, sums = [], dict.fromkeys(keys, 0)
    for i, v in enumerate(villages, start=1):
        s = stats.get(v["code"], dict.fromkeys(keys, 0))
        for key in keys:
            sums[key] += s[key]
        visits = v["qualifying_visits_this_month"]
        rows.append([i, v["township"] or "", v["name"] or v["code"], PHASE_LABELS.get(v["case_phase"], v["case_phase"]),
                     *(s[key] for key in keys),
                     "" if visits is None else f"{visits}/{policy.contact_leader_visits_per_month}",
                     leaders.get(v["code"], "")])
    rows.append(["合计", "", f"{total} 个村", "", *(sums[key] for key in keys), "", ""])
    return Document(
        title=f"{name}软弱涣散和后进村党组织整顿台账月度更新",
        filename=f"月度台账_{name}_{year}-{month:02d}",
        header=[f"{year}年{month}月　　统计截至：{cn_date(end)}　　填报单位：{name}"],
        tables=[Table(["序号", "乡镇（街道）", "村（社区）", "台账阶段", "整改措施", "已完成", "本月已更新", "本月未更新",
                       "逾期未完成", "本月合格到村/应到", "联系领导"], rows, [4, 10, 10, 8, 6, 6, 7, 7, 7, 9, 14])],
        notes=["依据：整改进度每月更新、每季汇总通报（方案 四、工作要求）。",
               f"本月未更新：尚未完成且本月无进展记录的措施；逾期未完成：整改时限早于统计日仍未完成；合格到村：与工作队员、村干部、重点对象谈话并推动解决至少 "
               f"{policy.problems_pushed_per_visit} 个问题，每月不少于 {policy.contact_leader_visits_per_month} 次。"],
    )


async def _contact_leaders(session: AsyncSession, code: str, day: date) -> dict[str, str]:
    rows = (await session.execute(text("""
        SELECT DISTINCT ON (village_code) village_code, name, post FROM rm_contact_leader
        WHERE village_code BETWEEN :lo AND :hi AND assigned_on <= :d
        ORDER BY village_code, assigned_on DESC, seq DESC"""),
        within_params(code) | {"d": day})).all()
    return {v: f"{n}（{p}）" if p else n for v, n, p in rows}


def _child_row(label: str, f: dict[str, Any], flows: dict[str, int]) -> list[Any]:
    phases = f["cases_by_phase"]
    return [label, f["listed"], f["listed_by_category"]["weak_and_lax"]["villages"],
            f["listed_by_category"]["lagging"]["villages"], phases.get("concentrated", 0), phases.get("continued", 0),
            phases.get("ready_for_acceptance", 0), f["measures_overdue"],
            percent(f["visits_compliant"], f["visits_due"]), f["alerts_open"], flows["acceptances_passed"], flows["acceptances_failed"], flows["delisted"],
            percent(f["transformed"], f["designated"])]


CIRCULAR_COLUMNS = ["单位", "在册对象", "软弱涣散", "后进", "集中整顿", "持续整顿", "待验收", "逾期措施", "联系领导到村达标率",
                    "未销号预警", "本期验收通过", "本期验收未通过", "本期销号", "转化率"]


async def quarterly_circular(session: AsyncSession, code: str, name: str, first: date, last: date, today: date
                             ) -> Document:
    """季汇总通报: the period's figures (``first``..``last``, the campaign's summary interval, calendar quarters by
    default) for the division and each unit below it."""
    end = min(last, today)
    label = period_label(first, last)
    if first > today:
        raise unprocessable("quarter-in-future", f"{label}尚未开始 (the period has not begun)")
    before = first - timedelta(days=1)
    # Both dates in one statement (its fixed work, e.g. the villages' entry days, done once), the division's and
    # its children's.
    on = await fig.figures_on(session, code, [before, end])
    whole, whole_before = on[end], on[before]
    flows = {k: whole[k] - whole_before[k] for k in fig.FLOWS}
    children_on = await fig.children_figures_on(session, code, [before, end])
    children, children_before = children_on[end], children_on[before]
    earlier = {c["code"]: c["figures"] for c in children_before}
    rows = []
    for child in children:
        prev = earlier[child["code"]]
        rows.append(_child_row(child["name"], child["figures"], {k: child["figures"][k] - prev[k] for k in fig.FLOWS}))
    rows.append(_child_row("合计", whole, flows))
    # Seed 003: the criterion shares are of the weak-and-lax villages; the lagging ones are counted apart.
    breakdown = "；".join(f"“{c['label']}”{c['villages']}个，占比{percent(c['villages'], c['out_of'])}"
                         for c in whole["listed_by_criterion"])
    weak_and_lax, lagging = (whole["listed_by_category"][k]["villages"] for k in ("weak_and_lax", "lagging"))
    lead = (f"截至{cn_date(end)}，{name}纳入整顿工作的行政村 {whole['villages_in_campaign']} 个，已排查 "
            f"{whole['villages_screened']} 个；在册整顿对象 {whole['listed']} 个"
            f"（占 {percent(whole['listed'], whole['villages_in_campaign'])}），其中软弱涣散 {weak_and_lax} 个"
            + (f"（{breakdown}）" if breakdown else "") + f"、后进 {lagging} 个。")
    progress = (f"本期验收通过 {flows['acceptances_passed']} 次、未通过 {flows['acceptances_failed']} 次，销号 {flows['delisted']} 个，"
                f"后评估反弹 {flows['relapsed']} 个；累计已转化 {whole['transformed']} 个，"
                f"转化率 {percent(whole['transformed'], whole['designated'])}。"
                f"整改措施逾期未完成 {whole['measures_overdue']} 项（涉及 {whole['villages_with_overdue_measures']} 个村），未销号预警 "
                f"{whole['alerts_open']} 条，本月联系领导到村达标率 {percent(whole['visits_compliant'], whole['visits_due'])}。")
    criteria_rows = [[i, c["label"], c["villages"], percent(c["villages"], c["out_of"])]
                     for i, c in enumerate(whole["listed_by_criterion"], 1)]
    return Document(
        title=f"关于{label}软弱涣散和后进村党组织整顿工作情况的通报",
        filename=f"季汇总通报_{name}_" + (f"{first.year}Q{first.month // 3 + 1}" if label.endswith("季度")
                                        else f"{first:%Y-%m}_{last:%Y-%m}"),
        header=[f"{name}　　统计期间：{cn_date(first)}至{cn_date(end)}"],
        paragraphs=[lead, progress],
        tables=[Table(CIRCULAR_COLUMNS, rows, [12, 6, 6, 5, 6, 6, 5, 6, 9, 6, 7, 8, 6, 6], heading="一、各单位整顿工作进展"),
                Table(["序号", "认定标准（问题类型）", "村数", "占软弱涣散村比例"], criteria_rows, [5, 40, 8, 10],
                      heading=f"二、在册软弱涣散村（{weak_and_lax} 个）按问题类型分布")],
        notes=["一个村可能同时符合多项认定标准，各项占比之和可能超过100%。",
               f"问题类型占比以在册软弱涣散村为基数；后进村（{lagging} 个）按排名倒排认定，另行统计，不计入该基数。",
               "比例均由村数直接计算，四舍五入保留一位小数。",
               f"“本期”指{label}（{cn_date(first)}至{cn_date(last)}，按整顿工作方案的汇总通报周期）；"
               "在册、阶段、逾期、预警为期末（或统计日）状态。"],
    )


async def _own_campaigns(session: AsyncSession, code: str) -> list[str]:
    """The campaigns ``code`` runs itself (a county's own campaign, seed 001)."""
    return list((await session.execute(select(m.Campaign.campaign_id).where(m.Campaign.area_code == code)
                                       .order_by(m.Campaign.opened_on))).scalars())


async def _circular_issuer(session: AsyncSession, code: str, slug: str, what: str) -> Level:
    """A circular is the city's (province's) over its counties, or a county's over its townships in a campaign the
    county runs itself (seed 001: 县委组织部…随机抽查、定期通报)."""
    level = level_of(code)
    if level in (Level.PROVINCE, Level.CITY) or (level is Level.COUNTY and await _own_campaigns(session, code)):
        return level
    raise unprocessable(slug, f"{what}由市（或省）对所辖县（市、区）发布，或由开展整顿工作的县对所辖乡镇发布；"
                              f"{code} 不是市级、省级区划，也不是开展整顿工作的县")


async def ranking_circular(session: AsyncSession, code: str, name: str, as_of: date) -> Document:
    """排名通报: counties ranked after acceptance, by the rule stated in the document; in a county's own campaign, the
    county ranks its townships."""
    by_county = await _circular_issuer(session, code, "ranking-needs-city", "排名通报") is Level.COUNTY
    units = "乡镇（街道）" if by_county else "县（市、区）"
    raw = await fig.aggregate(session, code, as_of,
                              digits=SIGNIFICANT_DIGITS[Level.TOWNSHIP if by_county else Level.COUNTY])
    names = await service.names(session, [r["code"] for r in raw])
    rows = [RankingRow(code=r["code"], name=names.get(r["code"], r["code"]),
                       designated=r["designated"], transformed=r["transformed"], accepted=r["accepted"],
                       failed=r["failed"], alerts_open=r["alerts_open"]) for r in raw if r["designated"] > 0]
    ranked = rank_counties(rows)
    table_rows = [[rank, r.name, r.designated, r.transformed, percent(r.transformed, r.designated), r.accepted, r.failed,
                   percent(r.accepted, r.accepted + r.failed), r.alerts_open] for rank, r in ranked]
    lead = ("根据整顿工作实施方案“县委组织部采取明察暗访、随机抽查、定期通报等方式，加强督促检查”的要求，现将各乡镇（街道）"
            "整顿工作情况排名通报如下。" if by_county else
            "根据整顿工作方案“市委组织部在整体验收结束后，要对各县（区）整顿情况进行排名通报”的要求，现将各县（市、区）"
            "整顿工作情况排名通报如下。")
    return Document(
        title=f"{name}关于各{units}软弱涣散和后进村党组织整顿工作情况的排名通报",
        filename=f"排名通报_{name}_{as_of}",
        header=[f"统计截至：{cn_date(as_of)}　　通报单位：{name}委组织部"],
        paragraphs=[lead, RANKING_RULE],
        tables=[Table(["名次", units, "累计认定", "已转化", "转化率", "验收通过", "验收未通过", "验收通过率", "未销号预警"],
                      table_rows, [5, 14, 8, 7, 8, 8, 9, 9, 9])],
        notes=[f"名次相同表示按排名规则各项指标均相同。未认定整顿对象的{units[:2]}不参加排名。"],
    )


async def spot_check_circular(session: AsyncSession, code: str, name: str, as_of: date) -> Document:
    """市级抽查认定情况通报: the counties the city checked, the villages and findings, and each falsification named
    with the county and township responsible (seed 000 §三(一)三是). In a county's own campaign the county's
    organization department checks the townships' lists itself (its site visits, seed 001 县委组织部抽查): the
    county's circular reads those, per township."""
    by_county = await _circular_issuer(session, code, "spot-check-needs-city", "抽查情况通报") is Level.COUNTY
    unit_level, units = (Level.TOWNSHIP, "乡镇（街道）") if by_county else (Level.COUNTY, "县（市、区）")
    # The county's circular is of its own campaigns only (its site visits in a city's campaign are the city's matter).
    own = "AND campaign_id = ANY(:c) " if by_county else ""
    params = within_params(code) | {"d": as_of, "c": await _own_campaigns(session, code) if by_county else [],
                                    "s": (CheckStage.COUNTY_REVIEW if by_county else CheckStage.CITY_SPOT_CHECK).value}
    checks = (await session.execute(text(
        "SELECT findings, checked_on FROM rm_spot_check WHERE stage = :s AND checked_code BETWEEN :lo AND :hi "
        f"AND checked_on <= :d {own}ORDER BY checked_on, event_id"), params)).all()
    checked = [sc.CheckedVillage(ancestor_at(f["village_code"], unit_level), f["village_code"], CheckOutcome(f["outcome"]),
                                 f.get("note", ""), checked_on)
               for findings, checked_on in checks for f in findings]
    found = sc.named_falsifications([sc.NamedFalsification(*row) for row in (await session.execute(text(
        "SELECT village_code, township_code, county_code, found_by_code, note, found_on FROM rm_falsification "
        f"WHERE village_code BETWEEN :lo AND :hi AND found_on <= :d {own}"), params)).all()])
    checked_units = sc.unit_results(checked)
    villages = sc.latest_per_village(checked)
    names = await service.names(session, sorted({v.village_code for v in villages} | {c.unit_code for c in checked_units}
                                               | {x for f in found for x in (f.village_code, f.township_code, f.county_code)}))
    n = names.get
    total = {o: sum(1 for v in villages if v.outcome is o) for o in CheckOutcome}
    rule = ("县委组织部采取明察暗访、随机抽查、定期通报等方式，加强督促检查" if by_county else
            "市委组织部按一定比例进行抽查认定，对抽查情况进行通报")
    lead = (f"按照整顿工作方案“{rule}”的要求，截至{cn_date(as_of)}，"
            f"{name}委组织部对 {len(checked_units)} 个{units}报送的名单进行了抽查，共抽查 {len(villages)} 个村，"
            f"其中认定属实 {total[CheckOutcome.CONFIRMED]} 个、有出入 {total[CheckOutcome.DISCREPANCY]} 个、"
            f"弄虚作假 {total[CheckOutcome.FALSIFIED]} 个。")
    accountability = (f"对排查认定中弄虚作假的，责成所在{'乡镇党委' if by_county else '县（市、区）委组织部和乡镇党委'}说明情况、"
                      f"立即纠正，并依规依纪对相关责任人作出处理。排查认定中发现弄虚作假 {len(found)} 起，逐一通报如下。"
                      if found else "本次抽查未发现弄虚作假问题。")

    def period(r: sc.UnitResult) -> str:
        last = "" if r.first_checked_on == r.last_checked_on else f"至{cn_date(r.last_checked_on)}"
        return cn_date(r.first_checked_on) + last

    return Document(
        title=f"{name}关于软弱涣散和后进村党组织排查认定抽查情况的通报",
        filename=f"抽查情况通报_{name}_{as_of}",
        header=[f"通报单位：{name}委组织部　　统计截至：{cn_date(as_of)}"],
        paragraphs=[lead, accountability],
        tables=[Table([units, "抽查日期", "抽查村数", "属实", "有出入", "弄虚作假"],
                      [[n(r.unit_code) or r.unit_code, period(r), r.villages, r.confirmed, r.discrepancy, r.falsified]
                       for r in checked_units] + [["合计", "", len(villages), total[CheckOutcome.CONFIRMED],
                                                   total[CheckOutcome.DISCREPANCY], total[CheckOutcome.FALSIFIED]]],
                      [14, 16, 8, 6, 6, 8], heading=f"一、各{units}抽查情况"),
                Table(["序号", units, "村", "区划代码", "抽查结论", "情况说明"],
                      [[i, n(v.unit_code) or v.unit_code, n(v.village_code) or v.village_code, v.village_code,
                        v.outcome.label, v.note] for i, v in enumerate(villages, 1)],
                      [5, 12, 14, 12, 8, 30], heading="二、抽查村明细"),
                Table(["序号", "村", "区划代码", "责任乡镇（党委）", "责任县（市、区）委组织部", "发现环节", "发现日期", "问题",
                       "处理要求"],
                      [[i, n(f.village_code) or f.village_code, f.village_code, n(f.township_code) or f.township_code,
                        n(f.county_code) or f.county_code, f.found_at, f.found_on, f.note, "依规依纪追责问责"]
                       for i, f in enumerate(found, 1)],
                      [4, 12, 11, 12, 12, 10, 10, 24, 10], heading="三、弄虚作假问题通报")],
        notes=["一个村多次抽查的，以最近一次抽查结论为准。",
               "弄虚作假问题由所在乡镇党委和县（市、区）委组织部承担责任，追责问责情况由督导问责工作跟踪。"],
    )


async def _register_secretaries(session: AsyncSession, codes: list[str], day: date) -> dict[str, tuple[str, str]]:
    """Each village's secretary (name, phone) in screening's register as recorded by ``day``."""
    if not codes:
        return {}
    rows = await session.execute(text("""
        SELECT DISTINCT ON (village_code) village_code, name, phone FROM rm_cadre_secretary
        WHERE village_code = ANY(:c) AND recorded_on <= :d ORDER BY village_code, revision DESC"""),
        {"c": codes, "d": day})
    return {v: (n, p) for v, n, p in rows.all()}


async def summary_table(session: AsyncSession, code: str, name: str, as_of: date, prepared_by, *,
                        personal: bool = False) -> Document:
    """Seed 001's 附件: 后进基层党组织情况汇总表, filled with what the events carry. The secretary is the register's
    (screening), else the village secretary's login; the phone is the register's, shown only when ``personal``."""
    _, villages = await fig.villages_behind(session, code, as_of, Figure.LISTED, limit=ALL)
    labels = await fig.criteria_labels(session)
    codes = [v["code"] for v in villages]
    secretaries = dict((await session.execute(text(
        "SELECT village_code, name FROM rm_secretary WHERE village_code = ANY(:c)"), {"c": codes})).all()) if codes else {}
    registered = await _register_secretaries(session, codes, as_of)
    secretaries.update({v: n for v, (n, _) in registered.items()})
    phones = {v: p for v, (_, p) in registered.items()} if personal else {}
    measures: dict[str, list[str]] = {}
    if codes:
        for village_code, title in (await session.execute(text("""
                SELECT ms.village_code, ms.title FROM rm_measure ms
                JOIN (SELECT DISTINCT ON (village_code) village_code, case_id FROM rm_case
                      WHERE village_code = ANY(:c) AND opened_on <= :d ORDER BY village_code, opened_on DESC, seq DESC) c
                  USING (case_id)
                WHERE ms.planned_on <= :d ORDER BY ms.village_code, ms.planned_on, ms.measure_id"""),
                {"c": codes, "d": as_of})).all():
            measures.setdefault(village_code, []).append(title)
    leaders = await _contact_leaders(session, code, as_of)
    rows = []
    for i, v in enumerate(villages, start=1):
        problems = "；".join(labels.get(c, c) for c in v["criteria"])
        rows.append([i, f"{v['name'] or v['code']}党组织", secretaries.get(v["code"], ""), phones.get(v["code"], ""),
                     f"{v['township'] or ''}党委", f"【{CATEGORY_LABELS.get(v['listed_category'], '')}】{problems}",
                     "；".join(f"{n}. {t}" for n, t in enumerate(measures.get(v["code"], []), start=1)),
                     leaders.get(v["code"], "")])
    preparer = getattr(prepared_by, "name", "") or ""
    return Document(
        title="后进基层党组织情况汇总表",
        filename=f"后进基层党组织情况汇总表_{name}_{as_of}",
        header=[f"填表单位：{name}　　　填报人及联系方式：{preparer}　　　填表日期：{cn_date(as_of)}"],
        tables=[Table(["序号", "后进基层党组织名称", "党组织书记姓名", "党组织书记联系电话", "上级党组织名称", "主要问题",
                       "整改措施", "联系领导"], rows, [4, 12, 8, 13, 10, 26, 27, 12])],
        notes=["表中为统计日在册的整顿对象（含软弱涣散、后进两类）；主要问题按认定标准列出，整改措施取自整顿台账。",
               "党组织书记姓名和联系电话取自村党组织和“两委”干部名册（乡镇维护）；名册中没有的村由填表单位填写。"
               if personal else "联系电话属个人信息，仅组织部门和乡镇党委可见，本表未列出。"],
    )


CN_NUMERALS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """一 … 十, 十一 … 九十九: the numbering of the actions in the seed's table."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, units = divmod(n, 10)
    return (CN_NUMERALS[tens - 1] if tens > 1 else "") + "十" + (CN_NUMERALS[units - 1] if units else "")


async def task_table(session: AsyncSession, code: str, name: str, as_of: date) -> Document:
    """Seed 004 附件1: 基层党组织建设专项行动任务分解表 — per action (一, 二, …) its items (1, 2, …) with 内容, 要求,
    时间节点, 责任人; 备注 says whether the item was done (with evidence) by the statistics day."""
    actions = await special_actions.action_progress(session, code, as_of)
    items: dict[str, list] = {a["action_id"]: [] for a in actions}
    done: dict[str, date] = {}
    if actions:
        ids = list(items)
        for item in (await session.execute(select(m.SpecialActionItem).where(m.SpecialActionItem.action_id.in_(ids))
                                           .order_by(m.SpecialActionItem.position))).scalars():
            items[item.action_id].append(item)
        done = dict((await session.execute(select(m.SpecialActionItemDone.item_id, m.SpecialActionItemDone.done_on).where(
            m.SpecialActionItemDone.action_id.in_(ids), m.SpecialActionItemDone.done_on <= as_of))).all())
    rows: list[list[Any]] = []
    for n, action in enumerate(actions, start=1):
        rows.append([cn_number(n), action["name"], "", "", "", "", f"试点样板村{action['pilots']}个"])
        for item in items[action["action_id"]]:
            remark = f"已完成（{cn_date(done[item.item_id])}）" if item.item_id in done else ""
            rows.append([item.position, "", item.project, item.requirement, item.time_node or cn_date(item.due_on),
                         item.responsible_name, remark])
    return Document(
        title="基层党组织建设专项行动任务分解表",
        filename=f"专项行动任务分解表_{name}_{as_of}",
        header=[f"单位：{name}　　　统计日期：{cn_date(as_of)}"],
        tables=[Table(["序号", "行动类别", "内容", "要求", "时间节点", "责任人", "备注"], rows, [5, 16, 22, 34, 10, 8, 12])],
        notes=["按乡镇制定的任务分解表列出；备注中的完成日期为附有佐证材料的进展记录日期。"],
    )


async def special_action_appraisal(session: AsyncSession, code: str, name: str, year: int, as_of: date) -> Document:
    """Seed 004 附件2 六: the supervision results of ``year`` per branch, for its secretary's annual appraisal (年终考核):
    the ratings by month and mode, the year-end rating, the organization life of the year and the items of the actions
    the branch pilots (done, overdue)."""
    if year > as_of.year:
        raise unprocessable("year-in-future", f"考核年度 {year} 尚未开始（统计日 {cn_date(as_of)}）")
    rows = await special_actions.appraisal(session, code, year, as_of)
    codes = [r["branch_code"] for r in rows]
    names = dict((await session.execute(text("SELECT code, name FROM divisions WHERE code = ANY(:c)"),
                                        {"c": codes})).all()) if codes else {}
    secretaries = dict((await session.execute(text(
        "SELECT village_code, name FROM rm_secretary WHERE village_code = ANY(:c)"), {"c": codes})).all()) if codes else {}
    secretaries.update({v: n for v, (n, _) in (await _register_secretaries(session, codes, as_of)).items()})
    table = [[i, names.get(r["branch_code"], r["branch_code"]), r["branch_code"], secretaries.get(r["branch_code"], ""),
              r["ratings"],
              r["year_end_rating"], r["meetings"], r["periods_missed"], r["periods_still_missing"],
              "、".join(r["actions"]), r["items_done"], r["items_overdue"]] for i, r in enumerate(rows, start=1)]
    return Document(
        title=f"{year}年度基层党组织建设专项行动督导结果（村党组织书记年度考核）",
        filename=f"专项行动督导结果年终考核_{name}_{year}",
        header=[f"单位：{name}　　　考核年度：{year}年　　　统计日期：{cn_date(as_of)}"],
        tables=[Table(["序号", "村（党组织）", "区划代码", "党组织书记", "督导评定（按月、方式）", "年终督导评定",
                       "组织生活记录次数", "未按规定开展期数", "仍未补开期数", "试点专项行动", "事项已完成", "事项逾期"],
                      table, [4, 12, 11, 8, 30, 8, 8, 8, 8, 22, 6, 6])],
        notes=["督导评定分好、较好、一般、差四档，依据镇党委督导方案（附件2）各方式督导的结果。",
               "未按规定开展期数为本年度内组织生活周期结束仍未开足的期数（每会必记）；仍未补开期数截至统计日。",
               "事项为该村作为试点样板村的专项行动任务分解表中的事项；逾期指时间节点已过而未附佐证完成。"],
    )


# ---- rendering -------------------------------------------------------------------------------

def render(document: Document, fmt: str) -> tuple[bytes, str]:
    return (to_xlsx(document), XLSX) if fmt == "xlsx" else (to_pdf(document), PDF)


async def document_file(session: AsyncSession, kind: Kind, code: str, fmt: str, *, day: date | None, month: str | None,
                        quarter: str | None, filing_date: date | None, prepared_by,
                        personal: bool = False, year: int | None = None) -> tuple[bytes, str, str]:
    """The document of ``kind`` for ``code`` as of ``day`` (default today), as a file: content, media type, name."""
    document = await build(session, kind, code, as_of=await service.as_of(session, day), month=month, quarter=quarter,
                           filing_date=filing_date, prepared_by=prepared_by, personal=personal, year=year)
    return *render(document, fmt), f"{document.filename}.{fmt}"


def to_xlsx(document: Document) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = document.title[:28].replace("/", "-")
    width = max((len(t.columns) for t in document.tables), default=1)
    thin = Side(style="thin")
    row = 1

    def line(value: str, *, bold: bool = False, size: int = 11, center: bool = False) -> None:
        nonlocal row
        ws.cell(row=row, column=1, value=value).font = Font(bold=bold, size=size)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center" if center else "left", wrap_text=True,
                                                         vertical="center")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        if len(value) > 60:
            ws.row_dimensions[row].height = 15 * (len(value) // 60 + 1)
        row += 1

    line(document.title, bold=True, size=16, center=True)
    for text_line in document.header:
        line(text_line)
    for paragraph in document.paragraphs:
        line(paragraph)
    for table in document.tables:
        row += 1
        if table.heading:
            line(table.heading, bold=True)
        for col, name in enumerate(table.columns, start=1):
            cell = ws.cell(row=row, column=col, value=name)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        row += 1
        for values in table.rows:
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col, value=value.isoformat() if isinstance(value, date) else value)
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            row += 1
    widest = max(document.tables, key=lambda t: len(t.columns)) if document.tables else None
    if widest:
        for col, w in enumerate(widest.widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = max(6, w * 1.6)
    row += 1
    for note in document.notes:
        line("注：" + note)
    ws.print_options.horizontalCentered = True
    ws.page_setup.orientation = "landscape" if document.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(document: Document) -> bytes:
    return printing.to_pdf(document, author="整顿工作平台 报送与通报")
