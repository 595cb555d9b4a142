"""Unit tests of the pure pieces: canonical keys, quantities, times, modality, boilerplate, language."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from services.extract.boilerplate import is_boilerplate_block, opinion_cues
from services.extract.canonical import entity_key
from services.extract.language import detect_language
from services.extract.modality import find_hedges
from services.extract.quantities import find_quantities, parse_number
from services.extract.segment import mask_markup, split_blocks
from services.extract.times import resolve_time

PUBLISHED = date(2017, 6, 16)  # a Friday


@pytest.mark.parametrize(
    ("a", "b", "label"),
    [
        ("Abu al-Khadji al-Mysri", "Emir of Raqqa Abu al-Haji al-Masri", "PERSON"),
        ("Ibrahim al-Naef al-Khadj", "Emir Ibrahim al-Naef al-Hajj", "PERSON"),
        ("Suleiman al-Shauah", "Suleiman al-Sawah", "PERSON"),
        ("Abu Bakr al-Baghdadi", "Ibrahim Abu-Bakr al-Baghdadi", "PERSON"),
        ("ISIS leader Abu Bakr al-Baghdadi", "Abu al-Baghdadi", "PERSON"),
        ("al-Baghdadi", "Abu Bakr al-Baghdadi", "PERSON"),
        ("The Russian Defense Ministry", "the Russian Defence Ministry", "ORG"),
        ("Russia's Ministry of Defence", "Russian Defense Ministry", "ORG"),
        ("ISIS", "IS", "ORG"),
        ("ISIL", "the Islamic State", "ORG"),
        ("Islamic State group", "Daesh", "ORG"),
        ("Muammar Gaddafi", "Qaddafi", "PERSON"),
        ("Kadhafi", "Gadhafi", "PERSON"),
        ("Volodymyr Zelensky", "Zelenskyy", "PERSON"),
        ("Zelenskiy", "President Zelensky", "PERSON"),
        ("Mohammed Rahimi", "Muhammad Rahimi", "PERSON"),
        ("Mohamed", "Muhammad", "PERSON"),
        ("Raqqa", "al-Raqqa", "GPE"),
        ("U.S.", "the United States", "GPE"),
        ("Gorbachev", "Gorbatschow", "PERSON"),
    ],
)
def test_transliteration_variants_share_a_key(a: str, b: str, label: str) -> None:
    assert entity_key(a, label) == entity_key(b, label) != ""


def test_different_names_keep_different_keys() -> None:
    assert entity_key("al-Masri", "PERSON") != entity_key("al-Hajj", "PERSON")
    assert entity_key("Russian Defense Ministry", "ORG") != entity_key(
        "Russian Foreign Ministry", "ORG"
    )
    assert entity_key("Emir", "PERSON") == ""


@pytest.mark.parametrize(
    ("text", "value", "approximate", "comparator", "noun"),
    [
        ("Officials said about 30 mid-level militant leaders died.", 30, True, "eq", "leader"),
        ("In this strike there were over 300 ISIS fighters killed.", 300, False, "gt", "fighter"),
        ("Rescuers found fourteen survivors.", 14, False, "eq", "survivor"),
        ("Two dozen villages were cut off.", 24, False, "eq", "village"),
        ("The storm left 1.2 million homes without power.", 1_200_000, False, "eq", "home"),
        ("The company agreed to pay $3 billion for the stake.", 3e9, False, "eq", "dollar"),
        ("The toll rose to 41 dead on Sunday.", 41, False, "eq", "dead"),
        ("At least 12 people were hurt.", 12, False, "ge", "people"),
        ("Up to 500 homes may be affected.", 500, False, "le", "home"),
        ("Sales grew 12 percent last year.", 12, False, "eq", "percent"),
    ],
)
def test_quantities(
    nlp: Language, text: str, value: float, approximate: bool, comparator: str, noun: str
) -> None:
    found = [f.quantity for f in find_quantities(nlp(text)[:])]
    assert any(
        q.value == value
        and q.approximate == approximate
        and q.comparator == comparator
        and q.noun == noun
        for q in found
    ), found


def test_dates_and_identifiers_are_not_quantities(nlp: Language) -> None:
    doc = nlp("On May 28, 2017 the Su-34 hit Berth 7 and the panel voted 2-1.")
    assert find_quantities(doc[:]) == []


def test_number_words() -> None:
    assert parse_number(["twenty", "-", "five"]) == 25
    assert parse_number(["two", "hundred", "thousand"]) == 200_000
    assert parse_number(["3bn"]) == 3e9
    assert parse_number(["banana"]) is None


@pytest.mark.parametrize(
    ("text", "start", "end", "resolution"),
    [
        ("Friday", "2017-06-16", "2017-06-16", "day"),
        ("Monday", "2017-06-12", "2017-06-12", "day"),
        ("last Friday", "2017-06-09", "2017-06-09", "day"),
        ("May 28", "2017-05-28", "2017-05-28", "day"),
        ("28 May", "2017-05-28", "2017-05-28", "day"),
        ("late May", "2017-05-21", "2017-05-31", "range"),
        ("early March", "2017-03-01", "2017-03-10", "range"),
        ("September 2015", "2015-09-01", "2015-09-30", "month"),
        ("2015", "2015-01-01", "2015-12-31", "year"),
        ("yesterday", "2017-06-15", "2017-06-15", "day"),
        ("last week", "2017-06-05", "2017-06-11", "range"),
        ("last month", "2017-05-01", "2017-05-31", "month"),
        ("December", "2016-12-01", "2016-12-31", "month"),
        ("July 5, 2014", "2014-07-05", "2014-07-05", "day"),
        ("three days ago", "2017-06-13", "2017-06-13", "day"),
    ],
)
def test_times(text: str, start: str, end: str, resolution: str) -> None:
    ref = resolve_time(text, published=PUBLISHED)
    assert ref is not None
    assert (ref.start.isoformat(), ref.end.isoformat(), ref.resolution) == (start, end, resolution)


def test_future_weekday_goes_forward() -> None:
    ref = resolve_time("Monday", published=PUBLISHED, future=True)
    assert ref is not None and ref.start == date(2017, 6, 19)
    assert resolve_time("the other day", published=PUBLISHED) is None


@pytest.mark.parametrize(
    ("text", "hedges"),
    [
        ("Russia says it may have killed the leader.", ["may have"]),
        ("If confirmed, it would mark a success.", ["if confirmed"]),
        ("information that is being verified through various channels", ["being verified"]),
        ("He was reportedly present.", ["reportedly"]),
        ("The image purports to show him.", ["purports"]),
        ("The strike on May 28 killed him.", []),
        ("The unconfirmed report spread.", ["unconfirmed"]),
    ],
)
def test_hedges(text: str, hedges: list[str]) -> None:
    assert find_hedges(text) == hedges


@pytest.mark.parametrize(
    "line",
    [
        " date 2017-06-16 World",
        "Associated Press",
        "Updated: 4:04 AM ET | Originally published: 3:50 AM ET",
        "This file image made from video posted on a militant website July 5, 2014, purports to show "
        "the leader of the Islamic State group, Abu Bakr al-Baghdadi. AP",
        "Leave a Reply",
        "Your email address will not be published.",
        "Our Privacy Policy has been updated to support the latest regulations.Click to learn more.\u00d7",
        "By Dana Okafor",
        "Share this article",
        "Photo: Residents wade through a flooded street. (Northline/Jana Petrov)",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate_block(line)


def test_news_sentence_is_not_boilerplate() -> None:
    assert not is_boilerplate_block("The ministry said the strike came as IS leaders gathered.")
    assert opinion_cues("It looks like Russia is ALL-IN with regards to helping the battle.")


def test_blocks_keep_offsets_and_hide_markup() -> None:
    body = "<p>Title line</p>\n\nFirst para goes\non here.\n\n<div>Second.</div>"
    masked = mask_markup(body)
    assert len(masked) == len(body) and "<" not in masked
    blocks = split_blocks(masked)
    assert [b.text for b in blocks] == [masked[b.start : b.end] for b in blocks]
    assert blocks[1].text == "First para goes\non here."


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "Le gouvernement a annoncé vendredi que le président se rendra à Marseille la semaine "
            "prochaine pour inaugurer un nouvel hôpital, selon un communiqué.",
            "fr",
        ),
        (
            "El ministerio de Defensa dijo el viernes que un ataque aéreo mató al líder del grupo "
            "cerca de Raqqa, según un comunicado oficial.",
            "es",
        ),
        (
            "The ministry said on Friday that the strike killed the leader of the group near Raqqa, "
            "according to a statement released in Moscow.",
            "en",
        ),
        ("", "und"),
    ],
)
def test_language(text: str, code: str) -> None:
    assert detect_language(text) == code
