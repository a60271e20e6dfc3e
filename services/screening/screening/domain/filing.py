"""Filing a county's list with the city (备案): an immutable snapshot with a content hash.

The hash is SHA-256 over a canonical JSON serialization (keys sorted, no whitespace,
UTF-8, dates as ISO strings, entries sorted by village code), so anybody holding the
snapshot can re-hash it and show it is exactly what was filed.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable

from zhengdun.events.screening import CountyListFiled, ListCategory

from screening.domain.active_list import ActiveList
from screening.domain.campaign import Campaign
from zhengdun.refusals import OutOfOrder, RuleViolation

HASH_ALGORITHM = "sha256-canonical-json-v1"


@dataclass(frozen=True)
class FilingEntry:
    village_code: str
    township_code: str
    category: ListCategory
    criteria_met: tuple[str, ...]
    designated_on: date
    decision_number: str | None


@dataclass(frozen=True)
class Filing:
    campaign_id: str
    county_code: str
    filing_date: date
    filed_on: date
    policy_version: int
    entries: tuple[FilingEntry, ...]
    content_hash: str

    def content(self) -> dict:
        return {
            "campaign_id": self.campaign_id,
            "county_code": self.county_code,
            "filing_date": self.filing_date.isoformat(),
            "filed_on": self.filed_on.isoformat(),
            "policy_version": self.policy_version,
            "entries": [
                {
                    "village_code": e.village_code,
                    "township_code": e.township_code,
                    "category": e.category.value,
                    "criteria_met": list(e.criteria_met),
                    "designated_on": e.designated_on.isoformat(),
                    "decision_number": e.decision_number,
                }
                for e in self.entries
            ],
        }

    def canonical_json(self) -> str:
        return canonical_json(self.content())

    def verify(self) -> bool:
        """True when the snapshot still hashes to the hash recorded at filing."""
        return content_hash(self.content()) == self.content_hash


def canonical_json(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def file_county_list(
    campaign: Campaign,
    county_code: str,
    active: ActiveList,
    filing_date: date,
    filed_on: date,
    earlier_filings: Iterable[Filing] = (),
) -> tuple[Filing, CountyListFiled]:
    """Snapshot the county's active targets for one of the policy's filing dates."""
    if filing_date not in campaign.policy.filing_dates:
        dates = ", ".join(d.isoformat() for d in campaign.policy.filing_dates)
        raise RuleViolation(
            "filing-date-unknown", f"{filing_date} 不是规定的备案时间节点({dates})",
            f"{filing_date} is not one of the campaign's filing dates ({dates})")
    if any(f.county_code == county_code and f.filing_date == filing_date for f in earlier_filings):
        raise OutOfOrder(
            "already-filed", f"本县 {filing_date} 节点的名单已备案,备案后不可更改",
            f"this county already filed its list for {filing_date}; a filing cannot be changed")
    entries = tuple(
        FilingEntry(t.village_code, t.township_code, t.category, t.criteria_met, t.designated_on, t.decision_number)
        for t in active.in_division(county_code).values()
    )
    draft = Filing(campaign.campaign_id, county_code, filing_date, filed_on, campaign.policy_version, entries, "")
    filing = replace(draft, content_hash=content_hash(draft.content()))
    filed = CountyListFiled(
        campaign_id=campaign.campaign_id, county_code=county_code, filing_date=filing_date, filed_on=filed_on,
        late=filed_on > filing_date, entries=len(entries), content_hash=filing.content_hash,
        hash_algorithm=HASH_ALGORITHM,
    )
    return filing, filed
