"""Claims as the extractor would produce them from the scenario articles and the seeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.verify.assess import CandidateEvidence, excerpt_around
from services.verify.origins import signature
from shared.schemas import Claim, ClaimKind, Quantity, TimeRef
from tests.verify.factories import article, claim, day, entity


@dataclass(frozen=True)
class Sourced:
    """A claim with the text of its article, as the task would load it."""

    claim: Claim
    body: str

    def candidate(self, *, with_signature: bool = True) -> CandidateEvidence:
        return CandidateEvidence(
            claim=self.claim,
            excerpt=excerpt_around(self.body, start=self.claim.start, end=self.claim.end),
            signature=signature(self.body) if with_signature else None,
        )


def from_article(scenario: str, name: str, snippet: str, claim_id: str, **kw: Any) -> Sourced:
    art = article(scenario, name)
    body = art.body or ""
    start = body.index(snippet)
    made = claim(
        claim_id,
        text=snippet,
        source=art.source,
        article_id=f"{scenario}/{name}",
        published=art.published_at.isoformat() if art.published_at else "2025-01-01T00:00:00",
        start=start,
        **kw,
    )
    return Sourced(claim=made, body=body)


DEPOT = entity("kestrel_valley_depot", "FAC", "Kestrel Valley chemical depot")
TUESDAY = day("2025-03-11", "Tuesday")


def three_independent() -> list[Sourced]:
    residents = [Quantity(text="about 400", value=400, approximate=True, noun="resident")]
    return [
        from_article(
            "three_independent",
            "01_northern_ledger",
            "A fire broke out at the Kestrel Valley chemical depot in Dornholm on Tuesday, "
            "forcing about 400 residents of nearby streets to leave their homes",
            "ti-1",
            entities=[DEPOT, entity("anja_weller", "PERSON", "Anja Weller")],
            places=["dornholm"],
            times=[TUESDAY],
            quantities=residents,
            speaker=("anja_weller", "Fire Chief Anja Weller"),
        ),
        from_article(
            "three_independent",
            "02_coastline_post",
            "Flames and thick smoke rose from the Kestrel Valley chemical depot in Dornholm on "
            "Tuesday afternoon, and around 400 people living near the site were evacuated.",
            "ti-2",
            entities=[DEPOT],
            places=["dornholm"],
            times=[TUESDAY],
            quantities=[Quantity(text="around 400", value=400, approximate=True, noun="people")],
        ),
        from_article(
            "three_independent",
            "03_dornholm_daily",
            "The fire at the depot on Tuesday led to the evacuation of roughly 400 residents.",
            "ti-3",
            entities=[DEPOT],
            places=["dornholm"],
            times=[TUESDAY],
            quantities=residents,
        ),
    ]


def unrelated_same_place_date() -> Sourced:
    return from_article(
        "unrelated_same_place_date",
        "01_dornholm_council",
        "Dornholm city council on Tuesday approved a 4.2-kilometre extension of the tram network "
        "to the eastern suburbs",
        "un-1",
        entities=[entity("dornholm_city_council", "ORG", "Dornholm city council")],
        places=["dornholm"],
        times=[TUESDAY],
    )


VALTRANE = entity("valtrane_logistics", "ORG", "Valtrane Logistics")


def report_then_denial() -> list[Sourced]:
    return [
        from_article(
            "report_then_denial",
            "01_harbour_times",
            "Shipping company Valtrane Logistics has laid off 600 workers at its container "
            "terminal in Port Elsin",
            "rd-1",
            entities=[VALTRANE, entity("dockworkers_union")],
            places=["port_elsin"],
            times=[day("2025-05-30", "the end of last week")],
            quantities=[Quantity(text="600", value=600, noun="worker")],
            speaker=("dockworkers_union", "two officials of the dockworkers' union"),
        ),
        from_article(
            "report_then_denial",
            "02_elsin_courier",
            "No layoffs have taken place at Port Elsin, and none are planned,",
            "rd-2",
            entities=[VALTRANE, entity("mira_castell", "PERSON", "Mira Castell")],
            places=["port_elsin"],
            speaker=("valtrane_logistics", "Valtrane Logistics"),
            negated=True,  # the extractor reads "No layoffs" as a negated clause
        ),
    ]


def wire_republished() -> list[Sourced]:
    snippet = (
        "The central bank of Calvera raised its main interest rate by half a percentage point "
        "to 6.25% on Thursday"
    )
    names = ["01_meridian_wire", "02_evening_standard_calvera", "03_daily_markets"]
    return [
        from_article(
            "wire_republished",
            name,
            snippet,
            f"wr-{i}",
            entities=[entity("central_bank_of_calvera", "ORG", "The central bank of Calvera")],
            places=["calvera"],
            times=[day("2025-05-08", "Thursday")],
            quantities=[Quantity(text="6.25%", value=6.25, noun="percent")],
        )
        for i, name in enumerate(names, start=1)
    ]


VARUN = entity("lake_varun", "LOC", "Lake Varun")


def conflicting_numbers() -> list[Sourced]:
    return [
        from_article(
            "conflicting_numbers",
            "01_lakeside_herald",
            "A passenger ferry capsized on Lake Varun on Friday afternoon, killing 14 people",
            "cn-1",
            entities=[VARUN, entity("morning_heron", "PRODUCT", "Morning Heron")],
            places=["lake_varun"],
            times=[day("2025-08-22", "Friday")],
            quantities=[Quantity(text="14", value=14, noun="people")],
            speaker=("regional_police", "the regional police"),
        ),
        from_article(
            "conflicting_numbers",
            "02_varun_today",
            "At least 41 people were killed when a ferry capsized on Lake Varun on Friday",
            "cn-2",
            entities=[VARUN, entity("morning_heron", "PRODUCT", "Morning Heron")],
            places=["lake_varun"],
            times=[day("2025-08-22", "Friday")],
            quantities=[Quantity(text="At least 41", value=41, comparator="ge", noun="people")],
            speaker=("district_officials", "district officials"),
        ),
    ]


# --- the seeds (DESIGN.md section 5), abridged to the sentences around the claim ---------

SEED_AP = (
    "The Russian Defense Ministry said Abu Bakr al-Baghdadi was killed in a Russian strike in "
    "late May along with other senior group commanders. If confirmed, it would mark a major "
    "military success for Russia. The ministry said the air raid on May 28 that targeted an ISIS "
    "meeting held on the southern outskirts of Raqqa in Syria also killed about 30 mid-level "
    "militant leaders and about 300 other fighters."
)
SEED_BLOG = (
    "Russian Su-34 aircraft and an Su-35 multirole fighter carried out airstrikes near the "
    "Islamic State stronghold of Raqqa in northern Syria on May 28, the ministry said. The "
    "strikes targeted a meeting of high-ranking Islamic State chiefs where al-Baghdadi was "
    "reportedly present. According to claims made by the Russian Defence Ministry, the Russian "
    "military killed ISIS leader Abu al-Baghdadi. In this strike there were over 300 ISIS "
    "fighters killed."
)
BAGHDADI = entity("abu_bakr_al_baghdadi", "PERSON", "Abu Bakr al-Baghdadi")
LATE_MAY = TimeRef(
    text="late May", start=day("2017-05-20").start, end=day("2017-05-31").start, resolution="range"
)


def _seed(body: str, snippet: str, claim_id: str, **kw: Any) -> Sourced:
    start = body.index(snippet)
    return Sourced(claim=claim(claim_id, text=snippet, start=start, **kw), body=body)


def seeds() -> dict[str, Sourced]:
    ap = dict(
        source="Associated Press", article_id="seed-ap", published="2017-06-16T03:50:00+00:00"
    )
    blog = dict(
        source="Conservative Daily Post",
        article_id="seed-blog",
        published="2017-06-16T14:00:00+00:00",
    )
    ministry_ap = ("russian_defense_ministry", "the Russian Defense Ministry")
    ministry_blog = ("russian_defence_ministry", "the Russian Defence Ministry")
    common = dict(places=["raqqa"], entities=[BAGHDADI, entity("russian_defense_ministry")])
    ap_text = "Abu Bakr al-Baghdadi was killed in a Russian strike in late May"
    blog_text = "the Russian military killed ISIS leader Abu al-Baghdadi"
    return {
        "ap_assertion": _seed(
            SEED_AP,
            ap_text,
            "seed-ap-a",
            speaker=ministry_ap,
            times=[LATE_MAY],
            hedges=["if confirmed"],
            **ap,
            **common,
            quantities=[
                Quantity(text="about 30", value=30, approximate=True, noun="leader"),
                Quantity(text="about 300", value=300, approximate=True, noun="fighter"),
            ],
        ),
        "ap_attribution": _seed(
            SEED_AP,
            "The Russian Defense Ministry said " + ap_text,
            "seed-ap-s",
            kind=ClaimKind.attribution,
            parent="seed-ap-a",
            speaker=ministry_ap,
            times=[LATE_MAY],
            **ap,
            **common,
        ),
        "blog_assertion": _seed(
            SEED_BLOG,
            blog_text,
            "seed-blog-a",
            speaker=ministry_blog,
            times=[day("2017-05-28", "May 28")],
            hedges=["reportedly", "according to claims"],
            quantities=[Quantity(text="over 300", value=300, comparator="gt", noun="fighter")],
            **blog,
            **common,
        ),
        "blog_attribution": _seed(
            SEED_BLOG,
            "According to claims made by the Russian Defence Ministry, " + blog_text,
            "seed-blog-s",
            kind=ClaimKind.attribution,
            parent="seed-blog-a",
            speaker=ministry_blog,
            times=[day("2017-05-28", "May 28")],
            **blog,
            **common,
        ),
    }
