"""Resolve time expressions against the publication date.

News is mostly past tense, so a bare weekday or month means the latest one on or
before publication unless the sentence is about the future.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from services.extract.quantities import NUMBER_WORDS
from shared.schemas import TimeRef

__all__ = ["resolve_time"]

_MONTHS = (
    {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
    | {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
    | {"sept": 9}
)
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
# "a week ago", "two days later": small counts, spelled out.
_NUMBERS = {"a": 1, "an": 1} | {word: n for word, n in NUMBER_WORDS.items() if 1 <= n <= 12}
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_LEAD = re.compile(
    r"^(?:on|in|since|by|until|from|during|through|as of|the|of|early on|last|this)\s+"
)
_PART_OF_DAY = re.compile(r"\s+(?:morning|afternoon|evening|night)$")
_MONTH_DAY = re.compile(rf"^{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?$")
_DAY_MONTH = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?$")
_PHASE_MONTH = re.compile(
    rf"^(early|mid|late|the end of|the beginning of|the start of|end of)[-\s]+{_MONTH}(?:,?\s+(\d{{4}}))?$"
)
_MONTH_YEAR = re.compile(rf"^{_MONTH}(?:,?\s+(\d{{4}}))?$")
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3})0s$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_AGO = re.compile(r"^(\w+)\s+(day|week|month|year)s?\s+ago$")
_PAST_N = re.compile(r"^(?:the\s+)?(?:past|last)\s+(\w+)\s+(day|week|month|year)s?$")
_RELATIVE = re.compile(r"^(last|this|next|earlier this|later this)\s+(week|month|year)$")
_WEEKDAY = re.compile(
    r"^(last|this|next|on|past)?\s*(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?$"
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _infer_year(month: int, day: int, published: date, future: bool) -> int:
    year = published.year
    try:
        candidate = date(year, month, day)
    except ValueError:
        return year
    if not future and candidate > published + timedelta(days=7):
        return year - 1
    if future and candidate < published - timedelta(days=7):
        return year + 1
    return year


def _weekday(word: str, modifier: str | None, published: date, future: bool) -> date:
    target = _WEEKDAYS[word]
    back = (published.weekday() - target) % 7
    if modifier == "next" or (future and modifier not in {"last", "past"}):
        ahead = (target - published.weekday()) % 7 or 7
        return published + timedelta(days=ahead)
    if modifier == "last" and back == 0:
        back = 7
    return published - timedelta(days=back)


def _ref(text: str, start: date, end: date, resolution: str) -> TimeRef:
    return TimeRef(text=text, start=start, end=end, resolution=resolution)  # type: ignore[arg-type]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


def resolve_time(text: str, *, published: date, future: bool = False) -> TimeRef | None:
    """A ``TimeRef`` for one expression ("Friday", "late May", "September 2015"), or None."""
    raw = " ".join(text.split())
    low = raw.lower().strip(" ,.;")
    if not low or len(low) > 60:
        return None
    iso = _ISO.match(low)
    if iso:
        day = _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        return _ref(raw, day, day, "day") if day else None
    if low in {"today", "this morning", "this afternoon", "this evening", "tonight"}:
        return _ref(raw, published, published, "day")
    if low in {"yesterday", "last night", "yesterday morning", "yesterday afternoon"}:
        day = published - timedelta(days=1)
        return _ref(raw, day, day, "day")
    if low == "tomorrow":
        day = published + timedelta(days=1)
        return _ref(raw, day, day, "day")
    relative = _RELATIVE.match(low)
    if relative:
        return _relative(raw, relative.group(1), relative.group(2), published)
    ago = _AGO.match(low)
    if ago:
        return _ago(raw, ago.group(1), ago.group(2), published)
    past = _PAST_N.match(low)
    if past:
        n = _count(past.group(1))
        if n is None:
            return None
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[past.group(2)] * n
        return _ref(raw, published - timedelta(days=days), published, "range")
    low = _PART_OF_DAY.sub("", low)
    weekday = _WEEKDAY.match(low)
    if weekday:
        day = _weekday(weekday.group(2), weekday.group(1), published, future)
        return _ref(raw, day, day, "day")
    low = _LEAD.sub("", low)
    return _calendar(raw, low, published, future)


def _calendar(raw: str, low: str, published: date, future: bool) -> TimeRef | None:
    match = _MONTH_DAY.match(low)
    if match:
        month, day_n = _MONTHS[match.group(1)[:3]], int(match.group(2))
        year = (
            int(match.group(3)) if match.group(3) else _infer_year(month, day_n, published, future)
        )
        day = _safe_date(year, month, day_n)
        return _ref(raw, day, day, "day") if day else None
    match = _DAY_MONTH.match(low)
    if match:
        month, day_n = _MONTHS[match.group(2)[:3]], int(match.group(1))
        year = (
            int(match.group(3)) if match.group(3) else _infer_year(month, day_n, published, future)
        )
        day = _safe_date(year, month, day_n)
        return _ref(raw, day, day, "day") if day else None
    match = _PHASE_MONTH.match(low)
    if match:
        month = _MONTHS[match.group(2)[:3]]
        year = int(match.group(3)) if match.group(3) else _infer_year(month, 1, published, future)
        last = _month_end(year, month)
        phase = match.group(1)
        if phase == "early" or "beginning" in phase or "start" in phase:
            return _ref(raw, date(year, month, 1), date(year, month, 10), "range")
        if phase == "mid":
            return _ref(raw, date(year, month, 11), date(year, month, 20), "range")
        return _ref(raw, date(year, month, 21), last, "range")
    match = _MONTH_YEAR.match(low)
    if match:
        month = _MONTHS[match.group(1)[:3]]
        year = int(match.group(2)) if match.group(2) else _infer_year(month, 1, published, future)
        return _ref(raw, date(year, month, 1), _month_end(year, month), "month")
    match = _YEAR.match(low)
    if match and 1800 <= int(match.group(1)) <= 2100:
        year = int(match.group(1))
        return _ref(raw, date(year, 1, 1), date(year, 12, 31), "year")
    match = _DECADE.match(low)
    if match:
        first = int(match.group(1)) * 10
        return _ref(raw, date(first, 1, 1), date(first + 9, 12, 31), "range")
    return None


def _relative(raw: str, which: str, unit: str, published: date) -> TimeRef:
    if unit == "week":
        monday = published - timedelta(days=published.weekday())
        if which == "last":
            start = monday - timedelta(days=7)
            return _ref(raw, start, start + timedelta(days=6), "range")
        if which == "next":
            start = monday + timedelta(days=7)
            return _ref(raw, start, start + timedelta(days=6), "range")
        return _ref(raw, monday, published, "range")
    if unit == "month":
        if which == "last":
            prev = published.replace(day=1) - timedelta(days=1)
            return _ref(raw, prev.replace(day=1), prev, "month")
        if which == "next":
            nxt = _month_end(published.year, published.month) + timedelta(days=1)
            return _ref(raw, nxt, _month_end(nxt.year, nxt.month), "month")
        if which == "earlier this":
            return _ref(raw, published.replace(day=1), published, "range")
        return _ref(
            raw, published.replace(day=1), _month_end(published.year, published.month), "month"
        )
    year = published.year - 1 if which == "last" else published.year + (which == "next")
    if which == "earlier this":
        return _ref(raw, date(year, 1, 1), published, "range")
    return _ref(raw, date(year, 1, 1), date(year, 12, 31), "year")


def _ago(raw: str, amount: str, unit: str, published: date) -> TimeRef | None:
    n = _count(amount)
    if n is None:
        return None
    if unit == "day":
        day = published - timedelta(days=n)
        return _ref(raw, day, day, "day")
    if unit == "week":
        centre = published - timedelta(days=7 * n)
        return _ref(raw, centre - timedelta(days=3), centre + timedelta(days=3), "range")
    if unit == "month":
        month_index = published.year * 12 + published.month - 1 - n
        year, month = divmod(month_index, 12)
        return _ref(raw, date(year, month + 1, 1), _month_end(year, month + 1), "month")
    return _ref(raw, date(published.year - n, 1, 1), date(published.year - n, 12, 31), "year")
