"""Which lists one screening runs against, and at which thresholds (``--lists``, ``--exclude-lists``,
``--threshold``, ``--source-threshold``; ``lists=``, ``exclude_lists=``, ``threshold=`` and
``source_thresholds=`` of the library calls).

Entities are consolidated across lists, so a selection works on an entity's member entries (its
``list_refs``, such as ``us_ofac_sdn:6366;un_sc:QDe.004``):

* the screened sources are ``lists`` (default: every source) less ``exclude_lists``;
* an entity is screened when at least one of its member entries is on a screened source; all its
  names and addresses are compared (an alias that only OFAC gives still finds the party the UN
  lists: they are one party), and its ``list_refs`` cite only the entries on screened sources;
* the threshold of a source is, first found: its ``source_thresholds`` value, the run's
  ``threshold``, its configured per-source threshold, the configured default. An entity's
  threshold is the lowest of its screened sources' (the most sensitive list decides).

The selection is applied to the list side before candidates are ranked, identically on the SQL
path (``sql/select_lists.sql``) and the Python lookup path (:func:`screening.match.lookup.select_side`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

from .model import ScreenConfig
from ..sources import SOURCE_NAMES


@dataclass(frozen=True)
class Selection:
    """The lists and thresholds of one run, validated (made by :func:`make_selection`)."""

    lists: tuple[str, ...] | None = None          # as asked; None: every list
    exclude_lists: tuple[str, ...] = ()
    threshold: float | None = None                # the global threshold given for the run
    source_thresholds: tuple[tuple[str, float], ...] = ()  # (source, threshold) given for the run

    @property
    def sources(self) -> frozenset[str] | None:
        """The screened sources; None when no list is left out (nothing to filter)."""
        if self.lists is None and not self.exclude_lists:
            return None
        return frozenset(self.lists or SOURCE_NAMES) - frozenset(self.exclude_lists)

    def config(self, base: ScreenConfig) -> ScreenConfig:
        """The thresholds of this run over the configured ones: a given global threshold replaces
        the default and every configured per-source one; a given per-source one beats both."""
        per_source = {} if self.threshold is not None else dict(base.per_source)
        per_source.update(self.source_thresholds)
        return ScreenConfig(threshold=base.threshold if self.threshold is None else self.threshold,
                            per_source=per_source)

    def as_dict(self, active: Iterable[str]) -> dict:
        """The selection as asked and the active sources it screened against (for the context)."""
        sources = self.sources
        return {"lists": list(self.lists) if self.lists is not None else None,
                "exclude_lists": list(self.exclude_lists),
                "screened": sorted(s for s in active if sources is None or s in sources)}

    def describe(self) -> list[str]:
        """What a summary line says about the run's lists and thresholds (nothing when default)."""
        parts = []
        if self.lists is not None:
            parts.append("lists: " + ", ".join(s for s in self.lists if s not in self.exclude_lists))
        elif self.exclude_lists:
            parts.append("lists: all but " + ", ".join(self.exclude_lists))
        if self.threshold is not None:
            parts.append(f"threshold: {self.threshold:g}")
        if self.source_thresholds:
            parts.append("source thresholds: " + ", ".join(f"{s}={t:g}" for s, t in self.source_thresholds))
        return parts


def select_refs(list_refs: str, sources: frozenset[str]) -> str:
    """The refs of ``list_refs`` on the given sources, in their order ('' when none)."""
    return ";".join(ref for ref in list_refs.split(";") if ref and ref.split(":", 1)[0] in sources)


def parse_sources(value: str | Iterable[str] | None, what: str = "") -> tuple[str, ...] | None:
    """Source names from ``"us_ofac_sdn,un_sc"`` or an iterable of names, checked against the
    known sources (ValueError naming them, prefixed with ``what``); None when not given."""
    if value is None:
        return None
    prefix = f"{what}: " if what else ""
    names = [n.strip() for n in (value.split(",") if isinstance(value, str) else value)]
    if not names or not all(names):
        raise ValueError(f"{prefix}an empty source name in {value!r}; known sources: {', '.join(SOURCE_NAMES)}")
    unknown = [n for n in names if n not in SOURCE_NAMES]
    if unknown:
        raise ValueError(f"{prefix}unknown source {', '.join(map(repr, unknown))}; "
                         f"known sources: {', '.join(SOURCE_NAMES)}")
    return tuple(dict.fromkeys(names))


def parse_threshold(value: object, what: str = "threshold") -> float:
    """A threshold between 0 and 1 (ValueError saying what is wrong)."""
    try:
        number = float(value)  # type: ignore[arg-type] - str, int or float
    except (TypeError, ValueError):
        raise ValueError(f"{what}: {value!r} is not a number between 0 and 1") from None
    if not 0.0 <= number <= 1.0 or math.isnan(number):
        raise ValueError(f"{what}: {value!r} is not between 0 and 1")
    return number


def parse_source_threshold(text: str) -> tuple[str, float]:
    """``SOURCE=T`` (``us_csl=0.8``) as (source, threshold); ValueError naming the bad part."""
    source, sep, value = text.partition("=")
    if not sep or not source.strip() or not value.strip():
        raise ValueError(f"{text!r} is not SOURCE=T, such as us_csl=0.8")
    name = parse_sources([source], repr(text))[0]  # type: ignore[index] - one name
    return name, parse_threshold(value.strip(), repr(text))


def make_selection(lists: str | Iterable[str] | None = None, exclude_lists: str | Iterable[str] | None = None,
                   threshold: float | None = None,
                   source_thresholds: Mapping[str, float] | Iterable[str] | None = None) -> Selection:
    """A checked :class:`Selection` (ValueError for an unknown source, a threshold outside 0..1, a
    selection leaving no list, a source threshold for a list not screened or given twice).

    ``lists`` and ``exclude_lists``: names, or one comma-separated string; ``source_thresholds``:
    {source: threshold}, or ``SOURCE=T`` strings. Both lists options together: the exclusion
    applies to the listed ones."""
    chosen = parse_sources(lists, "lists")
    excluded = parse_sources(exclude_lists or None, "exclude_lists") or ()  # none given: nothing left out
    if (chosen is not None or excluded) and not frozenset(chosen or SOURCE_NAMES) - frozenset(excluded):
        raise ValueError(f"excluding {', '.join(excluded)} leaves no list to screen")
    pairs = _source_threshold_pairs(source_thresholds)
    seen: set[str] = set()
    for source, _ in pairs:
        if source in seen:
            raise ValueError(f"two source thresholds for {source}")
        seen.add(source)
        if source in excluded or (chosen is not None and source not in chosen):
            raise ValueError(f"a source threshold for {source}, which is not among the lists screened")
    return Selection(lists=chosen, exclude_lists=excluded,
                     threshold=None if threshold is None else parse_threshold(threshold),
                     source_thresholds=tuple(pairs))


def _source_threshold_pairs(given: Mapping[str, float] | Iterable[str] | None) -> list[tuple[str, float]]:
    if not given:
        return []
    if isinstance(given, Mapping):
        return [(parse_sources([s], f"source_thresholds[{s!r}]")[0],  # type: ignore[index] - one name
                 parse_threshold(t, f"source_thresholds[{s!r}]")) for s, t in given.items()]
    if isinstance(given, str):
        given = [given]
    return [parse_source_threshold(text) for text in given]
