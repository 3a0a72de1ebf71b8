"""Why a customer hit a listed entity: the model's comparisons one by one (a Splink waterfall),
as data and in words, with the labels of the model's levels."""
from __future__ import annotations

import math
from typing import Any

from .model import ELSE_LABELS, SAME_STREET_ADDRESS
from .customers import Customer

# the level of the address comparison that makes an address hit (a listed street address reused)
ADDRESS_HIT = ("address", SAME_STREET_ADDRESS)
HEADS = {"name": "name hit", "address": "ADDRESS HIT (listed address, name differs)",
         "name+address": "name and address hit"}


def level_labels(settings: Any) -> dict[tuple[str, int], str]:
    """(comparison, gamma) -> the label of that level in the model's settings."""
    labels = {}
    for comparison in settings.comparisons:
        for level in comparison.comparison_levels:
            label = level.label_for_charts
            if level._is_else_level:
                label = ELSE_LABELS.get(comparison.output_column_name, label)
            labels[(comparison.output_column_name, level.comparison_vector_value)] = label
    return labels


def level_of(labels: dict[tuple[str, int], str], comparison: str, label: str) -> int:
    """The gamma of a comparison's level found by its label (ValueError when the model has none)."""
    found = [gamma for (name, gamma), text in labels.items() if name == comparison and text == label]
    if len(found) != 1:
        raise ValueError(f"the model has no single {comparison} level labelled {label!r}")
    return found[0]


def prior_weight(settings: Any) -> float:
    """The match weight of the model's prior (the base rate of a match among candidates)."""
    p = settings._probability_two_random_records_match
    return math.log2(p / (1 - p))


def waterfall(rec: dict, cust: Customer, settings: Any, labels: dict[tuple[str, int], str]) -> list[dict]:
    """One step per comparison of a scored pair, between the prior and the total."""
    steps = [{"comparison": "prior", "customer_value": None, "list_value": None,
              "level": "base rate of a match among candidates", "match_weight": round(prior_weight(settings), 3)}]
    values = {
        "name": (cust.name, rec["matched_name"]),
        "legal_form": (rec["legal_form_r"], rec["legal_form_l"]),
        "country": (rec["country_r"], ", ".join(rec["countries_l"] or []) or None),
        "address": (cust.address, rec["matched_address"]),
        "dob": (cust.dob, ", ".join(str(y) for y in (rec["birth_dates_l"] or rec["birth_years_l"] or [])) or None),
        "entity_type": (rec["type_r"], rec["type_l"]),
    }
    for comparison in settings.comparisons:
        col = comparison.output_column_name
        gamma = rec[f"gamma_{col}"]
        cust_value, list_value = values[col]
        steps.append({"comparison": col, "customer_value": cust_value, "list_value": list_value,
                      "level": labels.get((col, gamma), str(gamma)), "gamma": gamma,
                      "match_weight": round(float(rec[f"mw_{col}"]), 3)})
    steps.append({"comparison": "total", "match_weight": round(float(rec["match_weight"]), 3),
                  "match_probability": round(float(rec["match_probability"]), 6),
                  "address_probability": round(float(rec["address_probability"]), 6)})
    return steps


def explain_in_words(steps: list[dict], kind: str, score: float) -> str:
    """One line a reviewer can read: which customer value met which list value, level and weight."""
    parts = []
    for step in steps:
        comparison = step["comparison"]
        if comparison in ("prior", "total") or step.get("gamma") == -1:
            continue
        weight = step["match_weight"]
        note = " (not counted for an address hit)" if comparison == "name" and kind == "address" else ""
        parts.append(f"{comparison}: {step['customer_value']!r} vs {step['list_value']!r} - {step['level']} "
                     f"({weight:+.1f}){note}")
    return f"{HEADS[kind]}, p={score:.3f}: " + "; ".join(parts)
