"""Near-copy detection and origin keys; the measured similarities behind the threshold."""

from __future__ import annotations

import itertools

import numpy as np

from services.verify.origins import (
    NUM_PERM,
    CopyProbe,
    estimated_jaccard,
    group_near_copies,
    merge_speakers,
    normalise_outlet,
    signature,
)
from tests.verify.factories import SCENARIOS, article

THRESHOLD = 0.6


def bodies(scenario: str) -> dict[str, str]:
    return {
        p.stem: article(scenario, p.stem).body or "" for p in (SCENARIOS / scenario).glob("*.json")
    }


def test_wire_copies_are_near_copies_and_independent_reports_are_not() -> None:
    wire = [signature(b) for b in bodies("wire_republished").values()]
    for a, b in itertools.combinations(wire, 2):
        assert estimated_jaccard(a, b) >= 0.75  # measured 0.81-0.91
    independent = [signature(b) for b in bodies("three_independent").values()]
    for a, b in itertools.combinations(independent, 2):
        assert estimated_jaccard(a, b) < 0.1  # measured 0.01-0.02


def test_a_trimmed_copy_with_a_new_headline_sentence_stays_above_the_threshold() -> None:
    text = bodies("wire_republished")["01_meridian_wire"]
    paragraphs = text.split("\n\n")
    edited = "\n\n".join(["Calvera's central bank lifted rates on Thursday.", *paragraphs[1:]])
    assert estimated_jaccard(signature(text), signature(edited)) >= THRESHOLD


def test_16_bit_slots_estimate_as_whole_slots_do() -> None:
    text = bodies("wire_republished")["01_meridian_wire"]
    other = bodies("three_independent")["01_northern_ledger"]
    for a, b in ((text, text.replace("Thursday", "Friday")), (text, other)):
        whole = float(np.count_nonzero(signature(a) == signature(b))) / NUM_PERM
        assert abs(estimated_jaccard(signature(a), signature(b)) - whole) <= 2 / NUM_PERM


def test_grouping_is_single_linkage_and_named_by_the_earliest() -> None:
    base = "the quick brown fox jumps over the lazy dog near the quiet river bank today"
    probes = {
        "late": CopyProbe(window=signature(base)),
        "early": CopyProbe(window=signature(base + " indeed")),
        "other": CopyProbe(
            window=signature("completely different words about a council tram vote")
        ),
    }
    groups = group_near_copies(probes, order=["early", "late", "other"], threshold=THRESHOLD)
    assert groups == {"early": "early", "late": "early", "other": "other"}
    shuffled = dict(reversed(list(probes.items())))
    assert (
        group_near_copies(shuffled, order=["early", "late", "other"], threshold=THRESHOLD) == groups
    )


def test_article_signatures_are_only_compared_with_article_signatures() -> None:
    body = bodies("wire_republished")["01_meridian_wire"]
    window = body.split("\n\n")[0]
    probes = {
        "a": CopyProbe(window=signature(window), article=signature(body)),
        "b": CopyProbe(window=signature(window)),
    }
    assert group_near_copies(probes, order=["a", "b"], threshold=THRESHOLD)["b"] == "a"


def test_outlet_and_speaker_spellings() -> None:
    assert normalise_outlet("The Guardian") == normalise_outlet("www.guardian.com") == "guardian"
    merged = merge_speakers(["russian_defense_ministry", "russian_defence_ministry", "nato"])
    assert merged["russian_defence_ministry"] == merged["russian_defense_ministry"]
    assert merged["nato"] == "nato"


def test_a_title_or_surname_alone_is_the_one_speaker_it_belongs_to() -> None:
    surfaces = {
        "per:pope": ["Pope"],
        "per:pope_francis": ["Pope Francis"],
        "per:earnest": ["Earnest"],
        "per:josh_earnest": ["Josh Earnest"],
        "org:vatican": ["the Vatican"],
    }
    merged = merge_speakers(surfaces, surfaces=surfaces)
    assert merged["per:pope"] == merged["per:pope_francis"]
    assert merged["per:earnest"] == merged["per:josh_earnest"]
    assert len(set(merged.values())) == 3


def test_one_name_the_tagger_typed_two_ways_is_one_speaker() -> None:
    surfaces = {"per:nasa": ["Nasa"], "org:nasa": ["NASA", "Nasa"], "org:esa": ["ESA"]}
    merged = merge_speakers(surfaces, surfaces=surfaces)
    assert merged["per:nasa"] == merged["org:nasa"] != merged["org:esa"]


def test_a_shorter_form_of_one_longer_name_is_that_speaker() -> None:
    surfaces = {
        "per:gop_rep": ["GOP Rep"],
        "per:rep_hunter": ["Rep. Duncan Hunter"],
        "per:hunter": ["GOP Rep. Duncan Hunter"],
        "org:nypd": ["New York Police"],
        "org:police_scotland": ["Police Scotland"],
        "org:city_police": ["City Police"],
    }
    merged = merge_speakers(surfaces, surfaces=surfaces)
    assert merged["per:gop_rep"] == merged["per:rep_hunter"] == merged["per:hunter"]
    # "City Police" is in neither longer name; two longer names are two speakers.
    assert len({merged[k] for k in surfaces}) == 4


def test_a_surname_two_people_share_merges_with_neither() -> None:
    surfaces = {
        "per:culkin": ["Culkin"],
        "per:macaulay_culkin": ["Macaulay Culkin"],
        "per:kieran_culkin": ["Kieran Culkin"],
    }
    merged = merge_speakers(surfaces, surfaces=surfaces)
    assert len(set(merged.values())) == 3
