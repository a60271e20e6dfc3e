"""What the acceptance service answers: one model per response, so /openapi.json says it exactly."""
from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from acceptance.domain.process import Stage
from zhengdun.responses import JsonObject, Out


class AcceptanceSummary(Out):
    acceptance_id: str
    case_id: str
    campaign_id: str
    village_code: str
    village_name: str | None
    township_code: str
    county_code: str
    round: int
    stage: Stage
    stage_label: str
    ready_on: date
    updated_on: date


class DocumentRef(Out):
    document_id: str
    kind: str
    created_on: date


class AcceptanceOut(AcceptanceSummary):
    """A village's acceptance after a step: its stage, the state of every step, its documents."""
    state: JsonObject
    spot_check_levels: list[str] = Field(description="验收抽查的层级：city、province；县、乡镇开展的整顿为 county（县委组织部抽查）")
    documents: list[DocumentRef]


class StepRecordOut(Out):
    step: str
    outcome: str
    body: JsonObject
    actor: JsonObject
    recorded_on: date
    policy_version: int | None = None


class AcceptanceDetail(AcceptanceOut):
    records: list[StepRecordOut]


class DocumentOut(DocumentRef):
    """A document with its content as signed (canonical JSON; fields depend on ``kind``)."""
    content: JsonObject


class SignatureCheck(Out):
    user_id: str
    name: str
    role: str
    unit_code: str
    signed_at: str
    signed_on: date
    content_sha256: str
    valid: bool


class SealCheck(Out):
    unit_code: str
    key_id: str
    algorithm: str
    sealed_at: str
    sealed_on: date
    key_retired: bool | None
    valid: bool


class DocumentVerification(Out):
    document_id: str
    acceptance_id: str
    kind: str
    content_sha256: str
    signatures: list[SignatureCheck]
    seals: list[SealCheck]
    valid: bool


class StandardItemOut(Out):
    code: str
    heading: str
    title: str
    max_score: str


class StandardOut(Out):
    campaign_id: str
    version: int
    set_on: date | None = None
    items: list[StandardItemOut]
    pass_mark: str
    total: str


class SampleOut(BaseModel):
    sample_id: str
    campaign_id: str
    county_code: str
    level: str
    drawn_by_code: str
    algorithm: str
    seed: str
    ratio: str
    population: list[str]
    chosen: list[str]
    drawn_on: date


class KeyOut(BaseModel):
    key_id: str
    unit_code: str
    algorithm: str = "Ed25519"
    public_pem: str
    created_at: str
    retired_at: str | None


class SignContentOut(BaseModel):
    content: dict = Field(description="将要签字盖章的文书内容")
    canonical_text: str = Field(description="签名所覆盖的规范化文本（逐字）")
    content_sha256: str
