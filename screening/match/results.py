"""What screening a customer gives: the hits of one row (:class:`Hit`) and the row's outcome
(:class:`RowResult`), in the one shape every writer and JSON output uses."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Hit:
    """One listed entity that a customer matches."""

    entity_id: str
    score: float
    list_refs: str
    matched_name: str | None
    match_kind: str            # name | address | name+address | identifier
    explanation: str           # in words
    waterfall: list[dict]      # the same for machines: one dict per comparison, prior and total
    ofac_score: int | None = None  # OFAC's reference score of the customer name vs matched_name (0..100)

    def explanation_data(self) -> dict:
        """The explanation as data, in the one shape every JSON output uses (check --json, screen's
        JSON lines): its words and its waterfall."""
        return {"text": self.explanation, "waterfall": self.waterfall}

    def as_dict(self) -> dict:
        return {"entity_id": self.entity_id, "score": self.score, "list_refs": self.list_refs,
                "matched_name": self.matched_name, "match_kind": self.match_kind,
                "ofac_score": self.ofac_score, "explanation": self.explanation_data()}


@dataclass(slots=True)
class RowResult:
    """The outcome for one input row: hits, no hit, or an error with its reason."""

    row: int                   # 0-based position in the input
    input_id: str
    status: str                # hit | no_hit | error
    hits: list[Hit] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict:
        return {"row": self.row, "input_id": self.input_id, "status": self.status,
                "hits": [hit.as_dict() for hit in self.hits], "error": self.error}
