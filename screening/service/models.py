"""The request and response models of the service: they validate input (a 422 with a JSON
``detail`` naming the field) and make the OpenAPI document that clients and the fuzz tests use."""
from __future__ import annotations

from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

Scalar = Union[str, int, float]
PropertyValue = Union[Scalar, list[Optional[Scalar]], None]


class EntityQuery(BaseModel):
    """A FollowTheMoney entity to match: its schema and properties (a value or a list of values)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")
    id: Optional[str] = Field(None, max_length=200,
                              description="The customer's id: analysts' decisions on its hits apply (without "
                                          "it, decisions made on the same screened fields do)")
    schema_: str = Field(alias="schema", min_length=1, examples=["Person"])
    properties: dict[str, PropertyValue] = Field(default_factory=dict,
                                                 examples=[{"name": ["Vladimir Putin"], "birthDate": "1952-10-07"}])


class MatchRequest(BaseModel):
    """``POST /match/{dataset}``: queries keyed by the client (echoed back), at most 100."""

    model_config = ConfigDict(extra="ignore")
    queries: dict[str, EntityQuery]
    weights: dict[str, float] = Field(default_factory=dict, description="Accepted for compatibility; ignored.")
    config: dict[str, Any] = Field(default_factory=dict, description="Accepted for compatibility; ignored.")


class FeatureExplanation(BaseModel):
    score: float
    detail: Optional[str] = None


class Entity(BaseModel):
    """A consolidated listed party as a FollowTheMoney entity."""

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str]
    target: bool
    first_seen: Optional[str]
    last_seen: Optional[str]
    last_change: Optional[str]


class ScoredEntity(Entity):
    score: float
    match: bool
    explanations: dict[str, FeatureExplanation]
    status: Optional[str] = Field(None, description="hit | cleared (an analyst's standing decision clears it) | "
                                                    "no_hit (under the threshold)")
    decision_id: Optional[int] = None
    decision_note: Optional[str] = Field(None, description="The decision standing, or why a decided hit is raised again")


class Total(BaseModel):
    value: int
    relation: str


class QueryEcho(BaseModel):
    id: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]


class QueryResponse(BaseModel):
    status: int
    results: list[ScoredEntity]
    total: Total
    query: QueryEcho


class MatchResponse(BaseModel):
    responses: dict[str, QueryResponse]
    limit: int


class SearchEntity(Entity):
    score: float


class SearchResponse(BaseModel):
    results: list[SearchEntity]
    total: Total
    limit: int
    offset: int


class Member(BaseModel):
    model_config = ConfigDict(extra="allow")
    ref: str
    source: str
    source_id: str


class EntityDetail(Entity):
    """An entity with its list entries (members) and why each was merged."""

    members: list[Member] = Field(default_factory=list)


class Dataset(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str
    title: str
    version: str
    updated_at: Optional[str]
    index_version: str
    index_current: bool


class Catalog(BaseModel):
    datasets: list[Dataset]
    current: list[str]
    outdated: list[str]
    index_stale: bool


class Algorithm(BaseModel):
    name: str
    description: str
    docs: str


class Algorithms(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class Health(BaseModel):
    status: str


class Error(BaseModel):
    detail: Any


class CheckRequest(BaseModel):
    """``POST /check``: one party, as ``screening check`` takes it."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=1000, examples=["Channel Rich Electronics Co Ltd"])
    country: Optional[str] = Field(None, max_length=200)
    address: Optional[str] = Field(None, max_length=2000)
    dob: Optional[str] = Field(None, max_length=40)
    type: Optional[str] = Field(None, pattern="^(person|organization|vessel|aircraft)$")
    id: Optional[str] = Field(None, max_length=200,
                              description="The customer's id: analysts' decisions on its hits apply (without "
                                          "it, decisions made on the same screened fields do)")
    threshold: Optional[float] = Field(None, ge=0, le=1)
    lists: Optional[list[str]] = None
    exclude_lists: Optional[list[str]] = None
    source_thresholds: Optional[dict[str, float]] = None


class CheckHit(BaseModel):
    model_config = ConfigDict(extra="allow")
    entity_id: str
    score: float
    list_refs: str
    matched_name: Optional[str]
    match_kind: str
    explanation: dict[str, Any]
    status: Optional[str] = Field(None, description="hit | cleared (an analyst's standing decision clears it)")
    decision_id: Optional[int] = None
    decision_note: Optional[str] = None


class CheckResponse(BaseModel):
    """The same as ``screening check --json``."""

    model_config = ConfigDict(extra="allow")
    row: int
    input_id: str
    status: str
    hits: list[CheckHit]
    error: Optional[str]
    context: dict[str, Any]
    run_id: Optional[int] = Field(None, description="Always null: a service lookup is not recorded as a run")
