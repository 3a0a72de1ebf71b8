"""The lists and thresholds of one run (screening.match.selection), without a store."""
from __future__ import annotations

import pytest

from screening.match.model import ScreenConfig
from screening.match.selection import Selection, make_selection, parse_source_threshold, select_refs
from screening.sources import SOURCE_NAMES

CONFIGURED = ScreenConfig(threshold=0.5, per_source={"us_csl": 0.7, "un_sc": 0.4})


def test_threshold_precedence_source_given_then_global_given_then_configured():
    """per-source given > global given > per-source configured > global configured; an entity
    takes the lowest threshold of its sources."""
    plain = make_selection().config(CONFIGURED)
    assert (plain.for_refs("us_csl:1"), plain.for_refs("un_sc:x"), plain.for_refs("uk_ofsi:2")) == (0.7, 0.4, 0.5)
    # a given global threshold replaces the default and every configured per-source one
    given = make_selection(threshold=0.8).config(CONFIGURED)
    assert (given.for_refs("us_csl:1"), given.for_refs("un_sc:x"), given.for_refs("uk_ofsi:2")) == (0.8, 0.8, 0.8)
    # a given per-source threshold beats both, for its source only
    both = make_selection(threshold=0.8, source_thresholds={"us_csl": 0.95}).config(CONFIGURED)
    assert (both.for_refs("us_csl:1"), both.for_refs("un_sc:x")) == (0.95, 0.8)
    alone = make_selection(source_thresholds=["us_csl=0.95"]).config(CONFIGURED)
    assert (alone.for_refs("us_csl:1"), alone.for_refs("un_sc:x"), alone.for_refs("uk_ofsi:2")) == (0.95, 0.4, 0.5)
    # an entity on two sources: the most sensitive (lowest) decides
    assert alone.for_refs("un_sc:x;us_csl:1") == 0.4 and both.for_refs("uk_ofsi:2;us_csl:1") == 0.8
    assert CONFIGURED.per_source == {"us_csl": 0.7, "un_sc": 0.4}  # the configured ones are left as they were


def test_sources_lists_then_exclusions():
    assert make_selection().sources is None  # every list: nothing to filter
    assert make_selection(lists="us_csl, us_bis_dpl").sources == {"us_csl", "us_bis_dpl"}
    assert make_selection(lists=["us_csl", "us_bis_dpl"], exclude_lists="us_csl").sources == {"us_bis_dpl"}
    assert make_selection(exclude_lists=["us_csl"]).sources == set(SOURCE_NAMES) - {"us_csl"}
    assert make_selection(exclude_lists=[]).sources is None


def test_refs_of_the_selected_sources_keep_their_order():
    refs = "au_dfat:649;uk_ofsi:7612;un_sc:IQi.001;us_csl:7843;us_ofac_sdn:7843"
    assert select_refs(refs, frozenset({"us_ofac_sdn", "un_sc"})) == "un_sc:IQi.001;us_ofac_sdn:7843"
    assert select_refs(refs, frozenset({"us_bis_dpl"})) == ""
    # a source id holding a colon is cited whole
    assert select_refs("ca_sema:Russia|1, Part 2|26;us_csl:a:b", frozenset({"us_csl"})) == "us_csl:a:b"


@pytest.mark.parametrize("kwargs, message", [
    ({"lists": "us_csl,nope"}, "unknown source 'nope'; known sources: us_ofac_sdn, "),
    ({"lists": []}, "an empty source name"),
    ({"lists": "us_csl,"}, "an empty source name"),
    ({"exclude_lists": "uk_hmt"}, "unknown source 'uk_hmt'"),
    ({"lists": "us_csl", "exclude_lists": "us_csl"}, "excluding us_csl leaves no list to screen"),
    ({"exclude_lists": ",".join(SOURCE_NAMES)}, "leaves no list to screen"),
    ({"threshold": 1.5}, "not between 0 and 1"),
    ({"threshold": float("nan")}, "not between 0 and 1"),
    ({"source_thresholds": {"us_csl": -0.1}}, "source_thresholds['us_csl']: -0.1 is not between 0 and 1"),
    ({"source_thresholds": {"nope": 0.5}}, "unknown source 'nope'"),
    ({"source_thresholds": ["us_csl=0.5", "us_csl=0.6"]}, "two source thresholds for us_csl"),
    ({"lists": "us_csl", "source_thresholds": {"un_sc": 0.5}}, "un_sc, which is not among the lists screened"),
    ({"exclude_lists": "un_sc", "source_thresholds": {"un_sc": 0.5}}, "not among the lists screened"),
])
def test_bad_selections_say_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=None) as caught:
        make_selection(**kwargs)
    assert message in str(caught.value)


@pytest.mark.parametrize("text, message", [
    ("us_csl", "'us_csl' is not SOURCE=T, such as us_csl=0.8"),
    ("=0.5", "is not SOURCE=T"),
    ("us_csl=", "is not SOURCE=T"),
    ("us_csl=high", "'us_csl=high': 'high' is not a number between 0 and 1"),
    ("us_csl=1.01", "'us_csl=1.01': '1.01' is not between 0 and 1"),
    ("us_cls=0.5", "'us_cls=0.5': unknown source 'us_cls'"),
])
def test_bad_source_threshold_forms(text, message):
    with pytest.raises(ValueError) as caught:
        parse_source_threshold(text)
    assert message in str(caught.value)
    assert parse_source_threshold(" us_csl = 0.25") == ("us_csl", 0.25)


def test_description_for_the_summary_line():
    assert make_selection().describe() == []
    assert make_selection(lists="us_csl,us_bis_dpl", exclude_lists="us_csl", threshold=0.8,
                          source_thresholds={"us_bis_dpl": 0.9}).describe() == [
        "lists: us_bis_dpl", "threshold: 0.8", "source thresholds: us_bis_dpl=0.9"]
    assert make_selection(exclude_lists="ca_sema,au_dfat").describe() == ["lists: all but ca_sema, au_dfat"]
    assert Selection().as_dict(["un_sc", "us_csl"]) == {"lists": None, "exclude_lists": [],
                                                        "screened": ["un_sc", "us_csl"]}
