"""Outlets known to publish satire or invented news.

A made-up story from a satire site is picked up by outlets that take it at face value and
rewrite it without citing anyone, so by the count of origins it looks like a report
echoed a few times. Fact-checkers start from where a story first appeared; crosscheck does
the same for the outlets listed here. Being carried by one of them confirms nothing, and
it counts against a claim that no independent origin confirms (``scoring``).

The built-in list holds sites that call themselves satire, or that are widely documented
as publishing invented stories as news (for instance on Wikipedia's lists of satirical
news websites and of fake news websites). ``Settings.satire_outlets`` adds more.

A source is matched as written: a domain matches a listed domain and its subdomains
("www.theonion.com"); an outlet name ("The Onion") matches the listed names. Look-alike
domains of real outlets ("abcnews.com.co") are listed whole, so they never match the
real one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from services.verify.origins import normalise_outlet

__all__ = ["SATIRE_DOMAINS", "SATIRE_NAMES", "is_satire"]

_DOMAINS_TEXT = """
    theonion.com clickhole.com babylonbee.com thedailymash.co.uk newsthump.com
    waterfordwhispersnews.com thebeaverton.com duffelblog.com newsbiscuit.com thespoof.com
    dailysquib.co.uk reductress.com thehardtimes.net gomerblog.com burrardstreetjournal.com
    dailycurrant.com nationalreport.net empirenews.net huzlers.com worldnewsdailyreport.com
    theracketreport.com dailybuzzlive.com newslo.com christwire.org satiratribune.com
    thelastlineofdefense.org now8news.com react365.com mediamass.net civictribune.com
    empireherald.com abcnews.com.co cbsnews.com.co nbc.com.co usatoday.com.co
    denverguardian.com creambmp.com stuppid.com scrappleface.com
    """
SATIRE_DOMAINS = frozenset(_DOMAINS_TEXT.split())
SATIRE_NAMES = frozenset(
    {
        "The Onion",
        "ClickHole",
        "The Babylon Bee",
        "The Daily Mash",
        "NewsThump",
        "Waterford Whispers News",
        "The Beaverton",
        "Duffel Blog",
        "NewsBiscuit",
        "The Spoof",
        "Daily Squib",
        "Reductress",
        "The Hard Times",
        "Gomer Blog",
        "Burrard Street Journal",
        "The Daily Currant",
        "National Report",
        "Empire News",
        "Huzlers",
        "World News Daily Report",
        "The Racket Report",
        "Daily Buzz Live",
        "Christwire",
        "Satira Tribune",
        "The Last Line of Defense",
        "Now8News",
        "Civic Tribune",
        "Empire Herald",
        "ScrappleFace",
    }
)

_DOMAIN = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?([^/\s:?#]+\.[a-z]{2,})(?:[:/?#].*)?$")


def _host(source: str) -> str | None:
    """The host name ``source`` is written as, without "www.", or None for a name."""
    match = _DOMAIN.match(source.strip().lower())
    return match.group(1).removeprefix("www.") if match else None


@cache
def _listed(extra: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    domains = set(SATIRE_DOMAINS)
    names = {normalise_outlet(n) for n in SATIRE_NAMES}
    for entry in extra:
        host = _host(entry)
        if host is not None:
            domains.add(host)
        else:
            names.add(normalise_outlet(entry))
    return frozenset(domains), frozenset(names)


def is_satire(source: str, extra: Iterable[str] = ()) -> bool:
    """Whether ``source`` (a domain, a URL or an outlet's name) is a listed satire outlet;
    ``extra`` lists more, written the same ways."""
    return _is_satire(source, tuple(sorted(extra)))


@lru_cache(maxsize=4096)
def _is_satire(source: str, extra: tuple[str, ...]) -> bool:
    # Asked for every candidate of every claim, mostly about the same few hundred outlets.
    domains, names = _listed(extra)
    host = _host(source)
    if host is None:
        return normalise_outlet(source) in names
    parts = host.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts) - 1))
