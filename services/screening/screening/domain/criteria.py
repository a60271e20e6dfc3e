"""Criteria catalogs (认定标准) and the default lagging-ranking rule.

The catalog is data of a campaign: seed 000 §二(一) is the default; a campaign may bring
its own, e.g. seed 001's.
"""
from __future__ import annotations

from zhengdun.events.screening import Criterion

# Seed 000 §二(一), the ten situations; any one of them makes a village weak and lax.
SEED_000_CRITERIA: tuple[Criterion, ...] = (
    Criterion(code="election_overdue", label="未按期完成村“两委”换届选举"),
    Criterion(code="conflict_village_unresolved",
              label="换届前被列为矛盾问题多发村,换届后问题依然存在、村情不稳"),
    Criterion(code="secretary_missing_or_team_incomplete",
              label="没有选出村党组织书记,村“两委”班子不健全,或书记非本村选出"),
    Criterion(code="secretary_incompetent", label="村党组织书记不胜任现职、工作不在状态、严重影响班子战斗力"),
    Criterion(code="vote_buying_disunity", label="换届拉票贿选反映较多,换届后班子不团结、相互告状"),
    Criterion(code="organized_crime_or_village_tyrant",
              label="村干部涉黑涉恶或存在“村霸”问题,村内治安环境较差"),
    Criterion(code="illegal_religion", label="非法宗教问题突出,利用宗教干预公共事务"),
    Criterion(code="committees_inactive", label="村“两委”不作为、慢作为、乱作为,群众意见较大"),
    Criterion(code="affairs_not_disclosed", label="村务财务不公开,民主管理混乱,信访矛盾集中"),
    Criterion(code="other", label="其他应纳入软弱涣散村党组织集中整顿的情形", requires_reason=True),
)

# Seed 001 §一, a variant catalog (后进基层党组织 of an earlier campaign).
SEED_001_CRITERIA: tuple[Criterion, ...] = (
    Criterion(code="team_incomplete_or_stalled", label="班子配备不齐、书记缺职、工作处于停滞状态"),
    Criterion(code="secretary_incompetent", label="党组织书记不胜任现职、工作不在状态"),
    Criterion(code="team_disunited", label="班子不团结、内耗严重、工作不能正常开展"),
    Criterion(code="institutions_nominal", label="组织制度形同虚设、不开展党组织活动"),
    Criterion(code="other", label="其他情形", requires_reason=True),
)

DEFAULT_LAGGING_RULE = (
    "按照“倒排”原则,由县乡党委明确认定标准,结合“逐村观摩、整乡推进”活动和星级支部创建等工作,"
    "将排名落后的村党组织纳入整顿(种子文件000 §二(二))"
)
