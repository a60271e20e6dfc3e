"""Service layer of the acceptance service: use cases over a unit of work, calling the domain rules.

A step loads the acceptance row FOR UPDATE, rebuilds the domain aggregate, runs the step (which
raises before changing anything when refused), writes the new state, the step record, any signed
document, and the events — all in the caller's transaction.
"""
from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from decimal import Decimal
from typing import Any, Awaitable, Callable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from acceptance import printable
from acceptance.domain import policy as policy_rules
from acceptance.domain import signing
from acceptance.domain import standard as standard_rules
from zhengdun.refusals import OutOfOrder, RuleViolation
from acceptance.domain.process import Acceptance, Outcome, Person, Stage
from acceptance.domain.standard import Standard, StandardItem
from acceptance.models import (AcceptanceAttachment, AcceptanceRecord, AcceptanceRow, Campaign, Document,
                               PolicyVersionRow, Seal, SealKey, Signature, SpotCheckSample, StandardVersion)
from zhengdun import attachments, clock, printing
from zhengdun.divisions import city_of, level_of
from zhengdun.events.acceptance import (AcceptanceFailed, AcceptanceSampleDrawn, AcceptanceStep, AcceptanceStepPassed,
                                        PostEvaluated, VillageAccepted, VillageDelisted)
from zhengdun.events.base import Actor
from zhengdun.events.casework import CasePhase, CasePhaseChanged, CaseReadyForAcceptance
from zhengdun.events.screening import CampaignOpened, Policy, PolicyRevised
from zhengdun.registry import Division
from zhengdun.roles import Level
from zhengdun.settings import settings_for
from zhengdun.sampling import draw_sample

SERVICE = "acceptance"
SYSTEM = Actor.system(SERVICE)
Publish = Callable[..., Any]   # (payload, division_code, actor, campaign_id)


# ------------------------------------------------------------------ read model from screening and casework


async def keep_campaign(session: AsyncSession, opened: CampaignOpened) -> None:
    # A revision may have overtaken the opening (different partitions) and left the area blank: fill it in.
    await session.execute(insert(Campaign).values(campaign_id=opened.campaign_id, area_code=opened.area_code)
                          .on_conflict_do_update(index_elements=[Campaign.campaign_id], set_={"area_code": opened.area_code},
                                                 where=Campaign.area_code == ""))
    await keep_version(session, opened.campaign_id, opened.policy_version, opened.opened_on, opened.policy)


async def keep_policy(session: AsyncSession, revised: PolicyRevised) -> None:
    await session.execute(insert(Campaign).values(campaign_id=revised.campaign_id, area_code="")
                          .on_conflict_do_nothing())
    await keep_version(session, revised.campaign_id, revised.policy_version, revised.effective_on, revised.policy)


async def keep_version(session: AsyncSession, campaign_id: str, version: int, effective_on: date, policy: Policy) -> None:
    """Every version is kept as announced, none replaced: a step applies the one in force on its date."""
    await session.execute(insert(PolicyVersionRow).values(
        campaign_id=campaign_id, version=version, effective_on=effective_on, policy=policy.model_dump(mode="json"))
        .on_conflict_do_nothing())


async def policy_of(session: AsyncSession, campaign_id: str, day: date) -> Policy:
    return (await policy_version_of(session, campaign_id, day))[0]


async def policy_version_of(session: AsyncSession, campaign_id: str, day: date) -> tuple[Policy, int | None]:
    """The campaign's policy in force on ``day`` and its version (None: not known here yet, the seeds' defaults apply)."""
    rows = (await session.execute(select(PolicyVersionRow).where(PolicyVersionRow.campaign_id == campaign_id))).scalars()
    chosen = policy_rules.in_force([policy_rules.PolicyVersion(r.version, r.effective_on, r.policy) for r in rows], day)
    return (Policy.model_validate(chosen.policy), chosen.version) if chosen else (Policy(), None)


OPEN_STAGES = [s.value for s in Stage if s not in (Stage.FAILED, Stage.POST_EVALUATED)]


async def open_acceptance(session: AsyncSession, ready: CaseReadyForAcceptance) -> AcceptanceRow | None:
    """A case ready for acceptance opens a new round, unless one is already running."""
    rows = (await session.execute(select(AcceptanceRow).where(AcceptanceRow.case_id == ready.case_id)
                                  .order_by(AcceptanceRow.round.desc()).with_for_update())).scalars().all()
    if rows and rows[0].stage in OPEN_STAGES:
        return None
    rectifiers = {}
    for member in ready.team_members:
        if member.user_id:
            rectifiers[member.user_id] = "整顿工作队队员"
    if ready.team_leader.user_id:
        rectifiers[ready.team_leader.user_id] = "整顿工作队队长"
    if ready.contact_leader and ready.contact_leader.user_id:
        rectifiers[ready.contact_leader.user_id] = "联系分包县级领导"
    row = AcceptanceRow(acceptance_id=str(uuid.uuid4()), case_id=ready.case_id, campaign_id=ready.campaign_id,
                        village_code=ready.village_code, township_code=ready.township_code,
                        county_code=ready.county_code, round=(rows[0].round + 1) if rows else 1,
                        stage=Stage.READY.value, rectifiers=rectifiers, team_leader_user_id=ready.team_leader.user_id,
                        state={"team_leader": ready.team_leader.name}, ready_on=ready.ready_on,
                        updated_on=ready.ready_on)
    session.add(row)
    return row


async def note_case_phase(session: AsyncSession, changed: CasePhaseChanged, today: date) -> None:
    """Casework took the case back into rectification: an acceptance still before the county's decision stops."""
    if changed.phase not in (CasePhase.CONCENTRATED, CasePhase.CONTINUED):
        return
    early = [Stage.READY, Stage.APPLIED, Stage.SELF_CHECKED, Stage.PRELIMINARY_RECORDED]
    rows = (await session.execute(select(AcceptanceRow).where(AcceptanceRow.case_id == changed.case_id,
                                                              AcceptanceRow.stage.in_([s.value for s in early]))
                                  .with_for_update())).scalars().all()
    for row in rows:
        row.state = {**row.state, "failure": {"step": "case", "reason": f"案件退回整改：{changed.reason}",
                                              "failed_on": changed.changed_on.isoformat(), "revokes": False}}
        row.stage, row.updated_on = Stage.FAILED.value, today


# ------------------------------------------------------------------ aggregate ↔ row


def aggregate(row: AcceptanceRow) -> Acceptance:
    return Acceptance(row.acceptance_id, row.case_id, row.campaign_id, row.village_code, row.township_code,
                      row.county_code, rectifiers=dict(row.rectifiers), team_leader_user_id=row.team_leader_user_id,
                      stage=Stage(row.stage), state=copy.deepcopy(row.state))


def store(row: AcceptanceRow, acc: Acceptance, today: date) -> None:
    row.stage, row.state, row.updated_on = acc.stage.value, acc.state, today


async def load_for_update(session: AsyncSession, acceptance_id: str) -> AcceptanceRow | None:
    return (await session.execute(select(AcceptanceRow).where(AcceptanceRow.acceptance_id == acceptance_id)
                                  .with_for_update())).scalar_one_or_none()


def person_of(actor: Actor, role: str) -> Person:
    return Person(actor.user_id, actor.name, role, actor.division_code or "")


async def division_name(session: AsyncSession, code: str) -> str:
    return (await session.execute(select(Division.name).where(Division.code == code))).scalar_one_or_none() or code


# ------------------------------------------------------------------ documents, signatures, seals


async def new_document(session: AsyncSession, acceptance_id: str, kind: str, content: dict, today: date) -> Document:
    doc = Document(document_id=str(uuid.uuid4()), acceptance_id=acceptance_id, kind=kind,
                   content=signing.canonical_text(content), created_on=today)
    session.add(doc)
    await session.flush()
    return doc


async def county_report_content(session: AsyncSession, row: AcceptanceRow, acc: Acceptance) -> dict:
    """The county acceptance report exactly as the county secretary signs it (and may read it before signing):
    built from the state once the standing committee has approved, which signing does not change."""
    county = acc.state["county"]
    return {"kind": "county_acceptance_report", "title": "县级验收报告", "acceptance_id": row.acceptance_id,
            "case_id": row.case_id, "campaign_id": row.campaign_id, "village_code": row.village_code, "round": row.round,
            "village_name": await division_name(session, row.village_code),
            "county_code": row.county_code, "group": county["group"],
            "opinions": {d: {"agrees": o["agrees"], "opinion": o.get("opinion"), "document_id": o.get("document_id")}
                         for d, o in county["opinions"].items()},
            "report": county["report"], "passed": county["report_passed"],
            "approval": county["approval"] | {"approved": county["approved"]}, "filed_with": city_of(row.county_code),
            "preliminary_report": acc.state.get("documents", {}).get("preliminary_report")}


def sign(session: AsyncSession, doc: Document, person: Person, today: date) -> None:
    session.add(Signature(document_id=doc.document_id, user_id=person.user_id, name=person.name, role=person.role,
                          unit_code=person.unit_code, content_sha256=signing.digest(doc.content), signed_on=today))


def seal_passphrase() -> bytes:
    """Encrypts the units' private keys at rest; production sets ZD_SEAL_PASSPHRASE (a secret)."""
    return settings_for("acceptance").seal_passphrase.encode()


async def current_key(session: AsyncSession, unit_code: str) -> SealKey:
    key = (await session.execute(select(SealKey).where(SealKey.unit_code == unit_code, SealKey.retired_at.is_(None))
                                 .with_for_update())).scalar_one_or_none()
    if key is None:
        private, public = signing.new_key_pair(seal_passphrase())
        key = SealKey(key_id=str(uuid.uuid4()), unit_code=unit_code, private_pem=private, public_pem=public)
        session.add(key)
        await session.flush()
    return key


async def rotate_key(session: AsyncSession, unit_code: str) -> SealKey:
    old = (await session.execute(select(SealKey).where(SealKey.unit_code == unit_code, SealKey.retired_at.is_(None))
                                 .with_for_update())).scalar_one_or_none()
    if old is not None:
        old.retired_at = func.now()
        await session.flush()
    return await current_key(session, unit_code)


async def apply_seal(session: AsyncSession, doc: Document, unit_code: str, today: date) -> None:
    key = await current_key(session, unit_code)
    session.add(Seal(document_id=doc.document_id, unit_code=unit_code, key_id=key.key_id,
                     signature=signing.seal(key.private_pem, doc.content, seal_passphrase()), sealed_on=today))


async def verify(session: AsyncSession, doc: Document) -> dict:
    now = signing.digest(doc.content)
    signatures = (await session.execute(select(Signature).where(Signature.document_id == doc.document_id)
                                        .order_by(Signature.seq))).scalars().all()
    seals = (await session.execute(select(Seal).where(Seal.document_id == doc.document_id)
                                   .order_by(Seal.seq))).scalars().all()
    keys = {k.key_id: k for k in (await session.execute(
        select(SealKey).where(SealKey.key_id.in_([s.key_id for s in seals])))).scalars()}
    sig_views = [{"user_id": s.user_id, "name": s.name, "role": s.role, "unit_code": s.unit_code,
                  "signed_at": s.signed_at.isoformat(), "signed_on": s.signed_on.isoformat(),
                  "content_sha256": s.content_sha256, "valid": signing.signature_verifies(s.content_sha256, doc.content)}
                 for s in signatures]
    seal_views = [{"unit_code": s.unit_code, "key_id": s.key_id, "algorithm": signing.SEAL_ALGORITHM,
                   "sealed_at": s.sealed_at.isoformat(), "sealed_on": s.sealed_on.isoformat(),
                   "key_retired": keys[s.key_id].retired_at is not None if s.key_id in keys else None,
                   "valid": s.key_id in keys and signing.seal_verifies(keys[s.key_id].public_pem, doc.content, s.signature)}
                  for s in seals]
    return {"document_id": doc.document_id, "acceptance_id": doc.acceptance_id, "kind": doc.kind,
            "content_sha256": now, "signatures": sig_views, "seals": seal_views,
            "valid": bool(sig_views or seal_views) and all(v["valid"] for v in sig_views + seal_views)}


CHINA = timezone(timedelta(hours=8))   # the people who read the paper read Beijing time (no daylight saving)


async def document_pdf(session: AsyncSession, doc: Document, verify_path: str) -> tuple[bytes, str]:
    """The document as printable PDF with its signatures, seals and verification code; and its file name."""
    signatures = (await session.execute(select(Signature).where(Signature.document_id == doc.document_id)
                                        .order_by(Signature.seq))).scalars().all()
    seals = (await session.execute(select(Seal).where(Seal.document_id == doc.document_id)
                                   .order_by(Seal.seq))).scalars().all()
    units = {code: await division_name(session, code) for code in {s.unit_code for s in [*signatures, *seals]}}
    page = printable.printable(
        document_id=doc.document_id, kind=doc.kind, content=json.loads(doc.content),
        content_sha256=signing.digest(doc.content), created_on=doc.created_on, verify_path=verify_path,
        signatures=[printable.SignatureLine(s.name, s.role, units.get(s.unit_code) or s.unit_code,
                                            s.signed_at.astimezone(CHINA)) for s in signatures],
        seals=[printable.SealLine(units.get(s.unit_code) or s.unit_code, s.key_id, s.sealed_at.astimezone(CHINA)) for s in seals])
    return printing.to_pdf(page, author="整顿工作平台 评估验收"), f"{page.filename}.pdf"


# ------------------------------------------------------------------ running a step


@dataclass
class StepContext:
    session: AsyncSession
    row: AcceptanceRow
    acc: Acceptance
    actor: Actor
    today: date
    policy: Policy
    policy_version: int | None = None      # the version the step applied, kept on its record
    document_id: str | None = None

    def person(self, role: str) -> Person:
        return person_of(self.actor, role)

    def base_content(self, kind: str, title: str) -> dict:
        return {"kind": kind, "title": title, "acceptance_id": self.row.acceptance_id, "case_id": self.row.case_id,
                "campaign_id": self.row.campaign_id, "village_code": self.row.village_code, "round": self.row.round}


Step = Callable[[StepContext], Awaitable[Outcome]]


def village_ref(row: AcceptanceRow) -> dict:
    return dict(acceptance_id=row.acceptance_id, case_id=row.case_id, campaign_id=row.campaign_id,
                village_code=row.village_code, township_code=row.township_code, county_code=row.county_code)


def publish_outcome(publish: Publish, ctx: StepContext, outcome: Outcome) -> None:
    row, today, ref = ctx.row, ctx.today, village_ref(ctx.row)

    def out(payload):
        publish(payload, row.village_code, ctx.actor, row.campaign_id)

    if outcome.kind == "failed":
        out(AcceptanceFailed(**ref, step=AcceptanceStep(_event_step(outcome.step)), failed_on=today,
                             reason=outcome.reason, revokes_acceptance=outcome.revokes_acceptance))
        return
    if outcome.kind == "recorded":
        return
    if outcome.kind == "delisted":
        out(VillageDelisted(**ref, delisted_on=today, post_evaluation_due=date.fromisoformat(ctx.acc.state["post_evaluation_due"])))
        return
    out(AcceptanceStepPassed(**ref, step=AcceptanceStep(outcome.step), passed_on=today, document_id=ctx.document_id,
                             score=outcome.score))
    if outcome.kind == "accepted":
        out(VillageAccepted(**ref, accepted_on=today, satisfaction=outcome.score))
    elif outcome.kind == "post_evaluated":
        evaluation = ctx.acc.state["post_evaluation"]
        out(PostEvaluated(**ref, evaluated_on=today, relapsed=evaluation["relapsed"], reason=evaluation["reason"]))


def _event_step(step: str | None) -> str:
    return step if step in {s.value for s in AcceptanceStep} else AcceptanceStep.NOTICE.value


async def run_step(session: AsyncSession, row: AcceptanceRow, actor: Actor, today: date, publish: Publish,
                   step_name: str, body: dict, step: Step) -> Outcome:
    policy, version = await policy_version_of(session, row.campaign_id, today)
    ctx = StepContext(session, row, aggregate(row), actor, today, policy, version)
    outcome = await step(ctx)          # raises (nothing written) when refused
    store(row, ctx.acc, today)
    session.add(AcceptanceRecord(acceptance_id=row.acceptance_id, step=step_name, outcome=outcome.kind, body=body,
                                 actor=actor.model_dump(mode="json"), recorded_on=today, policy_version=version))
    publish_outcome(publish, ctx, outcome)
    return outcome


# ------------------------------------------------------------------ the standard


def standard_of(row: StandardVersion) -> Standard:
    return Standard(tuple(StandardItem(i["code"], i["heading"], i["title"], Decimal(i["max_score"]))
                          for i in row.standard["items"]), Decimal(row.standard["pass_mark"]), row.version)


async def standard_version(session: AsyncSession, campaign_id: str, version: int | None = None) -> StandardVersion | None:
    """The given version of the campaign's standard, or the newest (None: not set yet)."""
    query = select(StandardVersion).where(StandardVersion.campaign_id == campaign_id)
    query = query.where(StandardVersion.version == version) if version else query.order_by(StandardVersion.version.desc())
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def current_standard(session: AsyncSession, campaign_id: str) -> Standard | None:
    row = await standard_version(session, campaign_id)
    return standard_of(row) if row else None


async def set_standard(session: AsyncSession, campaign_id: str, items: list[dict], pass_mark: Decimal, actor: Actor,
                       today: date) -> StandardVersion:
    """The city sets (again) its standard: a new version beside the old ones; the caller holds the campaign's lock."""
    current = await standard_version(session, campaign_id)
    revised = standard_rules.revise_standard(standard_of(current) if current else None, items, pass_mark)
    if current is not None and revised.version == current.version:
        return current
    row = StandardVersion(campaign_id=campaign_id, version=revised.version, standard=standard_view(revised),
                          set_by=actor.model_dump(mode="json"), set_on=today)
    session.add(row)
    await session.flush()
    return row


def standard_view(standard: Standard) -> dict:
    return {"items": [{"code": i.code, "heading": i.heading, "title": i.title, "max_score": str(i.max_score)}
                      for i in standard.items], "pass_mark": str(standard.pass_mark), "total": str(standard.total)}


# ------------------------------------------------------------------ spot-check draws


async def draw_spot_check(session: AsyncSession, *, campaign_id: str, county_code: str, level: str, drawn_by: str,
                          seed: str, ratio: Decimal | None, actor: Actor, today: date, publish: Publish) -> SpotCheckSample:
    policy = await policy_of(session, campaign_id, today)
    minimum = policy.acceptance_spot_check_city_share if level == "city" else policy.acceptance_spot_check_province_share
    ratio = minimum if ratio is None else ratio
    if ratio < minimum:
        raise RuleViolation("ratio-below-policy", f"{'市' if level == 'city' else '省'}级抽查比例不得低于 {minimum:.0%}",
                            f"the {level} spot-check ratio must be at least {minimum}", minimum=str(minimum))
    rows = (await session.execute(select(AcceptanceRow).where(
        AcceptanceRow.campaign_id == campaign_id, AcceptanceRow.county_code == county_code,
        AcceptanceRow.stage == Stage.ACCEPTED.value).with_for_update())).scalars().all()
    pending = {r.village_code: r for r in rows if level not in (r.state.get("spot_checks") or {})}
    if not pending:
        raise OutOfOrder("nothing-to-draw", "该县暂无待抽查的已通过验收村", "no accepted village of this county awaits this draw",
                         county_code=county_code, level=level)
    sample = draw_sample(pending.keys(), seed, ratio=ratio)
    record = SpotCheckSample(sample_id=str(uuid.uuid4()), campaign_id=campaign_id, county_code=county_code, level=level,
                             drawn_by_code=drawn_by, algorithm=sample.algorithm, seed=seed, ratio=str(ratio),
                             population=list(sample.population), chosen=list(sample.chosen), drawn_on=today,
                             actor=actor.model_dump(mode="json"))
    session.add(record)
    for code, row in pending.items():
        acc = aggregate(row)
        acc.note_drawn(level, record.sample_id, code in sample.chosen)
        store(row, acc, today)
    publish(AcceptanceSampleDrawn(campaign_id=campaign_id, drawn_by_code=drawn_by, county_code=county_code, level=level,
                                  algorithm=sample.algorithm, seed=seed, ratio=ratio, population=sample.population,
                                  chosen=sample.chosen, drawn_on=today), county_code, actor, campaign_id)
    return record


def level_name(division_code: str) -> str:
    return {Level.CITY: "city", Level.PROVINCE: "province"}.get(level_of(division_code), "")


# ---------------------------------------------------------------------------------------------
# The to-do list (GET /tasks): the acceptances in the caller's reach at the stages the caller's roles
# move on, in one query; domain/tasks.py says which step is the caller's.
# ---------------------------------------------------------------------------------------------
from zhengdun.divisions import prefix_of  # noqa: E402
from acceptance.domain import tasks as task_rules  # noqa: E402


async def pending_tasks(session: AsyncSession, principal, today: date) -> list:
    if not principal.division_code or principal.level is None:
        return []
    caller = task_rules.Caller(principal.user_id, principal.division_code, principal.level, frozenset(principal.roles))
    without_standard = (await session.execute(select(Campaign.campaign_id, Campaign.area_code).where(
        Campaign.area_code == caller.unit,
        ~select(StandardVersion).where(StandardVersion.campaign_id == Campaign.campaign_id).exists()))).all()
    standards = task_rules.standards([(c, a) for c, a in without_standard], caller)
    stages = task_rules.stages_for(caller)
    if not stages:
        return standards
    rows = (await session.execute(select(AcceptanceRow).where(
        AcceptanceRow.village_code.startswith(prefix_of(caller.unit)),
        AcceptanceRow.stage.in_([s.value for s in stages])).order_by(AcceptanceRow.village_code))).scalars()
    rows = list(rows)
    windows = {cid: (await policy_of(session, cid, today)).acceptance_spot_check_window_days for cid in {r.campaign_id for r in rows}}
    views = [task_rules.AcceptanceView(r.acceptance_id, r.campaign_id, r.village_code, r.township_code, r.county_code,
                                       Stage(r.stage), r.team_leader_user_id, r.state or {}, windows[r.campaign_id])
             for r in rows]
    found = [step for view in views for step in task_rules.steps(view, caller, today)]
    return standards + found + task_rules.draws(views, caller)


# ------------------------------------------------------------------ evidence files (zhengdun.attachments)

ATTACHMENTS = "acceptance"


def _owner(row: AcceptanceRow) -> dict:
    return {"kind": ATTACHMENTS, "record_key": row.acceptance_id, "unit_code": row.village_code}


async def store_attachment(session: AsyncSession, row: AcceptanceRow, filename: str, content: bytes,
                           actor: Actor) -> AcceptanceAttachment:
    stored = attachments.stored(AcceptanceAttachment, filename, content, today=await clock.today(session),
                                actor=actor.model_dump(mode="json"), **_owner(row))
    session.add(stored)
    return stored


async def attachment_refs(ctx: StepContext, file_ids, field: str) -> list[dict]:
    """The references of ``file_ids``, each a file of this acceptance (else 422 naming ``field``), kept in
    the acceptance's state under the step's name."""
    return await attachments.resolve(ctx.session, AcceptanceAttachment, file_ids, field, "本次验收", **_owner(ctx.row))


def keep_attachments(ctx: StepContext, step: str, refs: list[dict]) -> None:
    if not refs:
        return
    kept = dict(ctx.acc.state.get("attachments", {}))
    known = {r["file_id"] for r in kept.get(step, [])}
    kept[step] = [*kept.get(step, []), *(r for r in refs if r["file_id"] not in known)]
    ctx.acc.state["attachments"] = kept


async def find_attachment(session: AsyncSession, row: AcceptanceRow, file_id: str) -> AcceptanceAttachment | None:
    return await attachments.find(session, AcceptanceAttachment, file_id, **_owner(row))
