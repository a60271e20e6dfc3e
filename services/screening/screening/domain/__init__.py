"""Screening (排查认定): the rules, as plain Python a service layer calls.

Every operation takes the current state and returns the new state with the event payloads
to publish (models of ``zhengdun.events.screening``); refusals raise a ``zhengdun.refusals.Refusal``
with a stable ``code``.
"""
from screening.domain.active_list import ActiveList, ActiveTarget
from screening.domain.assessment import (
    Assessment,
    AssessmentInput,
    Village,
    assess_village,
    criteria_met,
)
from screening.domain.campaign import Campaign, PolicyVersion, default_phases, open_campaign, revise_policy
from screening.domain.consistency import (
    ConsistencyFlag,
    FlagKind,
    TownshipCount,
    share_far_below_county,
    taking_turns,
    unlisted_unchanged,
)
from screening.domain.county_review import Confirmation, CountyList, CountyListStatus, ListEntry
from screening.domain.criteria import DEFAULT_LAGGING_RULE, SEED_000_CRITERIA, SEED_001_CRITERIA
from screening.domain.filing import Filing, FilingEntry, canonical_json, content_hash, file_county_list
from screening.domain.shares import ShareStatus, share_status
from screening.domain.spot_check import (
    FindingInput,
    SampleSecret,
    current_samples,
    draw_city_samples,
    record_city_spot_check,
    verify_drawn,
)
from screening.domain.township import (
    CarryOver,
    CarryOverReason,
    Objection,
    PublicNotice,
    TownshipRound,
    TownshipRoundStatus,
    propose_carry_over,
)
