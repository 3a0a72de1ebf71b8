"""Training the consolidation model on the active lists (benchmarks/train_consolidate_model.py)."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from .. import store
from .features import build_features, deterministic_links, scalar
from .model import splink_input, splink_settings
from .settings import MODEL_PATH, NAME_RULES

def train_model(db: str | Path | None = None, out: str | Path = MODEL_PATH, max_pairs: float = 2e6) -> dict:
    """Train the consolidation model on the active lists of ``db`` and save it as JSON at ``out``.

    u: random sampling; m: the deterministic UN-reference links as labelled matches;
    prior: twice the number of deterministic links over the number of possible pairs.
    """
    from splink import Linker

    con = store.connect(db)
    try:
        n = build_features(con)
        deterministic_links(con)
        labels = con.sql(store.sql("consolidate_reads.training_labels")).to_arrow_table()
        n_links = scalar(con, "consolidate_reads.evidence_link_count", {"name_rules": list(NAME_RULES)})
        mem, db_api, sdf = splink_input(con)
    finally:
        con.close()
    prior = min(0.5, 2 * n_links / (n * (n - 1) / 2))
    linker = Linker(sdf, splink_settings(prior), log_level=logging.WARNING)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=42)
    labels_sdf = db_api.register(labels, table_name="cons_labels")
    linker.training.estimate_m_from_pairwise_labels(labels_sdf)
    model = _smooth_m(linker.misc.save_model_to_json(None), labels.num_rows)
    model["consolidate_training"] = {"entries": n, "labels": labels.num_rows, "deterministic_links": n_links,
                                     "u_max_pairs": max_pairs, "seed": 42}
    Path(out).write_text(json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    mem.close()
    return model


# Levels the labels cannot show (the deterministic links behind them never hold such pairs), with
# the m value set by hand and why.
M_BY_HAND = {
    # two lists of one party often cite different documents of it (old / new passport, tax vs registration)
    ("document", "different document numbers"): 0.25,
    # an IMO number never changes with the owner or the name: two numbers, two ships
    ("imo", "different IMO numbers"): 0.002,
}


def _smooth_m(model: dict, n_labels: int, alpha: float = 1.0) -> dict:
    """Laplace-smooth the label-trained m values (a level no label hit is rare, not impossible),
    then apply ``M_BY_HAND``."""
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        counts = [(lv.get("m_probability") or 0.0) * n_labels for lv in levels]
        total = sum(counts) + alpha * len(levels)
        for lv, count in zip(levels, counts):
            lv["m_probability"] = (count + alpha) / total
            if lv.get("u_probability") is None:  # not met in the random sample: rarer than 1 in max_pairs
                lv["u_probability"] = 1e-7
        for lv in levels:
            hand = M_BY_HAND.get((comparison["output_column_name"], lv.get("label_for_charts")))
            if hand is not None:
                rest = 1.0 - lv["m_probability"]
                lv["m_probability"] = hand
                others = [o for o in levels if o is not lv]
                scale = (1.0 - hand) / rest if rest else 0.0
                for o in others:
                    o["m_probability"] *= scale
    return model
