"""Headline-style lines, titles and short debunks become claims; headings without a verb do not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from spacy.language import Language

from services.extract.claims import extract_claims
from services.extract.headline import is_debunk, is_title_case, lexicon, misread_verb, recase
from shared.schemas import Claim, ClaimKind, StoredArticle
from tests.extract.conftest import ArticleFactory


def _assertions(claims: list[Claim]) -> list[Claim]:
    return [c for c in claims if c.kind is ClaimKind.assertion]


@pytest.mark.parametrize(
    ("headline", "negated"),
    [
        ("Lebanon detains wife and son of Al-Baghdadi", False),
        ("Bodies found in Mexico town where students vanished", False),
        ("Christian Bale Is Steve Jobs", False),
        ("Seth Rogen to Appear as Woz in Sony's Steve Jobs Film", False),
        ("Macaulay Culkin is dead", False),
        # A verbless denial: headlines drop the copula, not the "not".
        ("Islamic State Leader al-Baghdadi Not Dead", True),
        ("Missing Mexico students not among 28 bodies found in mass grave", True),
        ("No gender segregation on Saudi flights", True),
        ("Homeland Security: No ISIL fighters on U.S. border", True),
        # The tagger reads the verb as a plural noun after a noun.
        ("Italian fisherman catches monstrous 280-pound catfish", False),
        ("Bali spider burrows under Aussie's chest", False),
    ],
)
def test_a_headline_with_a_verb_or_a_denial_is_a_claim(
    nlp: Language, make_article: ArticleFactory, headline: str, negated: bool
) -> None:
    claims = _assertions(extract_claims(nlp=nlp, article=make_article(headline)).claims)
    assert [c.text for c in claims] == [headline]
    assert claims[0].modality.negated is negated


@pytest.mark.parametrize(
    "line",
    [
        "The week in pictures from Ottawa",  # no verb
        "Macaulay Culkin Dead? Fans Freak Out",  # a question
        "More to come",  # no subject
        "The Daily Mail added:",  # introduces a quote
        "Apple Watch sales",  # a plural noun with nothing after it
    ],
)
def test_a_heading_without_a_claim_stays_out(
    nlp: Language, make_article: ArticleFactory, line: str
) -> None:
    assert _assertions(extract_claims(nlp=nlp, article=make_article(line)).claims) == []


def test_title_case_is_recased_without_moving_offsets(nlp: Language) -> None:
    line = "Time Capsule from Paul Revere and Samuel Adams Discovered in Boston"
    assert is_title_case(line)
    assert not is_title_case("Time capsule from Paul Revere found in Boston")
    recased = recase(line, lexicon(nlp))
    assert recased == "Time Capsule from Paul Revere and Samuel Adams discovered in Boston"
    assert len(recased) == len(line)


def test_title_case_headline_keeps_its_names(nlp: Language, make_article: ArticleFactory) -> None:
    line = "Time Capsule from Paul Revere and Samuel Adams Discovered in Boston"
    claims = _assertions(extract_claims(nlp=nlp, article=make_article(line)).claims)
    assert len(claims) == 1
    names = {e.text: e.label for e in claims[0].entities}
    # The text is the article's own, capitals and all; "Discovered" is no longer in a name.
    assert claims[0].text == line
    assert names.get("Samuel Adams") == "PERSON"
    assert names.get("Boston") == "GPE"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Obama Orders Fed To Adopt Euro Currency.", "Obama Orders Fed"),
        ("Abu Bakr al-Baghdadi Reportedly Killed In Airstrike.", "Abu Bakr al-Baghdadi"),
    ],
)
def test_a_name_the_tagger_runs_into_a_title_case_line_ends_where_the_headline_starts(
    nlp: Language, line: str, name: str
) -> None:
    lex = lexicon(nlp)
    assert lex.name_length(name) == len(name)
    assert line[: lex.name_length(line.rstrip("."))] == name
    assert lex.name_length("Adopt Euro Currency Reportedly") == len("Adopt Euro Currency")
    assert lex.name_length("Department of Homeland Security") == len(
        "Department of Homeland Security"
    )


def test_a_title_case_sentence_keeps_its_event_words_out_of_names(
    nlp: Language, make_article: ArticleFactory
) -> None:
    line = "Texas Turkey Farm Contaminated With Ebola, Over 250,000 Holiday Turkeys Infected."
    claims = _assertions(extract_claims(nlp=nlp, article=make_article(line)).claims)
    assert claims
    named = " ".join(e.text for e in claims[0].entities)
    assert "Contaminated" not in named and "Infected" not in named


@pytest.mark.parametrize(
    ("line", "verb"),
    [
        ("Italian fisherman catches monstrous 280-pound catfish", True),
        ("Airport worker strips naked at security scanner", True),
        ("Apple Watch sales", False),  # nothing after the plural noun
        ("Apple Watch sales fell in March", False),  # the root is the real verb
        ("Four new NHL expansion cities in the works", False),  # "cities" is no verb
    ],
)
def test_a_verb_read_as_a_plural_noun_is_a_verb(nlp: Language, line: str, verb: bool) -> None:
    assert misread_verb(next(iter(nlp(line).sents)), lexicon(nlp).verbs) is verb


def test_the_title_is_read_with_its_own_offsets(nlp: Language) -> None:
    title = "Apple delays the launch of its watch until April"
    article = StoredArticle(
        article_id="t1",
        title=title,
        body="Suppliers in Taiwan began assembling the device on Monday, two people said.",
        source="Wire",
        published_at=datetime(2015, 1, 5, tzinfo=UTC),
        received_at=datetime(2015, 1, 5, tzinfo=UTC),
    )
    claims = _assertions(extract_claims(nlp=nlp, article=article).claims)
    in_title = [c for c in claims if c.section == "title"]
    assert [c.text for c in in_title] == [title]
    assert title[in_title[0].start : in_title[0].end] == title
    for entity in in_title[0].entities:
        assert title[entity.start : entity.end] == entity.text
    assert any(c.section == "body" for c in claims)
    assert len({c.claim_id for c in claims}) == len(claims)


def test_a_title_the_body_repeats_is_read_once(nlp: Language) -> None:
    title = "Lebanon detains wife and son of Al-Baghdadi"
    article = StoredArticle(
        article_id="t2",
        title=title,
        body=f"{title}\n\nThe army said the woman was held at a checkpoint in the north.",
        source="Wire",
        received_at=datetime(2014, 12, 2, tzinfo=UTC),
    )
    claims = _assertions(extract_claims(nlp=nlp, article=article).claims)
    assert all(c.section == "body" for c in claims)
    assert sum(c.text == title for c in claims) == 1


@pytest.mark.parametrize(
    ("text", "asserted"),
    [
        ("The third breast story is a hoax.", "The third breast story is a hoax."),
        ("Police said the report was false.", "the report was false"),
        ("The photo of the shark is fake.", "The photo of the shark is fake."),
    ],
)
def test_a_short_debunk_is_a_claim_marked_as_one(
    nlp: Language, make_article: ArticleFactory, text: str, asserted: str
) -> None:
    claims = _assertions(extract_claims(nlp=nlp, article=make_article(text)).claims)
    assert [c.text for c in claims] == [asserted]
    assert claims[0].modality.debunk


def test_a_hoax_in_the_subject_is_no_debunk(nlp: Language, make_article: ArticleFactory) -> None:
    body = "A hoax caller phoned police in Leeds on Monday and reported a fire at 12 schools."
    claims = _assertions(extract_claims(nlp=nlp, article=make_article(body)).claims)
    assert claims and not any(c.modality.debunk for c in claims)


def test_a_short_english_headline_is_read_as_english(
    nlp: Language, make_article: ArticleFactory
) -> None:
    # langdetect alone calls this Afrikaans or Danish.
    line = "Justin Bieber saves man from bear attack"
    extraction = extract_claims(nlp=nlp, article=make_article(line))
    assert extraction.language == "en"
    assert [c.text for c in _assertions(extraction.claims)] == [line]


@pytest.mark.parametrize("line", ["Fidel Castro has died", "Kim Jong Un drinks cobra wine"])
def test_names_do_not_make_a_short_english_line_foreign(
    nlp: Language, make_article: ArticleFactory, line: str
) -> None:
    # langdetect calls "Fidel Castro has died" Spanish; the names are no language's words.
    extraction = extract_claims(nlp=nlp, article=make_article(line))
    assert extraction.language == "en"
    assert [c.text for c in _assertions(extraction.claims)] == [line]


def test_a_short_foreign_line_with_names_stays_foreign(
    nlp: Language, make_article: ArticleFactory
) -> None:
    extraction = extract_claims(
        nlp=nlp, article=make_article("Fidel Castro ha muerto en La Habana")
    )
    assert extraction.language != "en"
    assert extraction.claims == []


def test_a_title_its_lede_restates_is_not_read_again(nlp: Language) -> None:
    article = StoredArticle(
        article_id="t3",
        title="Dornholm council approves eastern tram extension",
        body="Dornholm city council on Tuesday approved a 4.2-kilometre extension of the tram "
        "network to the eastern suburbs, ending two years of argument over the route.",
        source="Wire",
        received_at=datetime(2025, 3, 11, tzinfo=UTC),
    )
    claims = extract_claims(nlp=nlp, article=article).claims
    assert claims and all(c.section == "body" for c in claims)


@pytest.mark.parametrize(
    "headline",
    [
        "Apple is buying Path.",  # scored low by the debate-trained model
        "Missing Mexican students not found in mass grave.",  # a headline's participle
        "Third breast likely a hoax.",  # a verbless debunk
    ],
)
def test_the_lede_that_restates_the_title_is_a_claim(nlp: Language, headline: str) -> None:
    article = StoredArticle(
        article_id="t4",
        title=headline.rstrip("."),
        body=headline,
        source="Wire",
        received_at=datetime(2015, 1, 5, tzinfo=UTC),
    )
    assert [c.text for c in _assertions(extract_claims(nlp=nlp, article=article).claims)] == [
        headline
    ]


def test_a_verbless_sentence_is_no_claim_outside_a_lede(
    nlp: Language, make_article: ArticleFactory
) -> None:
    body = "Apple is buying Path, people familiar with the talks said. Third breast likely a hoax."
    texts = [c.text for c in extract_claims(nlp=nlp, article=make_article(body)).claims]
    assert "Third breast likely a hoax." not in texts


@pytest.mark.parametrize(
    ("text", "debunk"),
    [
        ("Rumor: Apple to hold event this month to unveil a new MacBook Air.", False),
        ("Wildest Apple Watch rumor yet: 100,000 apps at launch.", False),
        ("The Apple Watch rumor is fake.", True),
        ("Comcast says reports that it cuts off Tor users are inaccurate.", True),
    ],
)
def test_calling_something_a_rumour_is_no_debunk(nlp: Language, text: str, debunk: bool) -> None:
    assert any(is_debunk(sent) for sent in nlp(text).sents) is debunk


@pytest.mark.parametrize(
    "line", ["Not a good week for Apple shares", "No comment", "Apple Watch: not yet"]
)
def test_a_verbless_line_without_a_denied_subject_is_no_claim(
    nlp: Language, make_article: ArticleFactory, line: str
) -> None:
    assert extract_claims(nlp=nlp, article=make_article(line)).claims == []
