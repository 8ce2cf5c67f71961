"""Dates in news text: the publication date (a dateline) and event dates relative to it.

Expressions are found with a pattern ("on Wednesday", "Sept. 10", "10 September 2025",
"July 17 last year", "yesterday", "overnight", "last week", "at the weekend", "three days
after", "Christmas Eve") and parsed by ``dateparser`` relative
to the publication date, preferring the past. A weekday equal to the publication's weekday
means that day ("on Friday" in a Friday story), as news writes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_LAST_YEAR = r"\s+last\s+year"
# "three days ago", "a day earlier", and a follow-up's "A week after the drone fell near X":
# the day the report counts back to from its publication.
_COUNT = r"an?|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}"
_HOLIDAYS = {"christmas eve": (12, 24), "christmas day": (12, 25), "new years eve": (12, 31),
             "new years day": (1, 1), "boxing day": (12, 26)}
DATE_RE = re.compile(
    rf"\b(?:(?:on|last|early|late)\s+)?(?P<wd>{_WEEKDAYS})"
    r"(?:\s+(?:night|morning|evening|afternoon))?\b"
    rf"|\b(?P<md>(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}}|{_LAST_YEAR})?)\b"
    rf"|\b(?P<dm>\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?(?:,?\s+\d{{4}}|{_LAST_YEAR})?)\b"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b"
    r"|\b(?P<rel>yesterday|today|tonight|last night|overnight|last week|earlier this week)\b"
    r"|\b(?P<weekend>(?:at|over|during) the weekend|(?:last|this) weekend)\b"
    rf"|\b(?P<ago>(?P<n>{_COUNT})\s+(?P<unit>days?|weeks?)\s+(?P<how>ago|earlier|after)"
    rf"(?:\s+(?:on\s+)?(?P<agowd>{_WEEKDAYS}))?)\b"
    r"|\b(?P<holiday>christmas eve|christmas day|new year['’]?s eve|new year['’]?s day|"
    r"boxing day)\b",
    re.IGNORECASE,
)
_DATELINE_CHARS = 200


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a text and the day it means (None when it cannot be placed)."""

    start: int
    end: int
    text: str
    day: dt.date | None


def find_dates(text: str, published: dt.date | None, start: int = 0,
               end: int | None = None) -> list[DateMention]:
    """The date expressions in ``text[start:end]`` resolved against the publication date."""
    out = []
    for m in DATE_RE.finditer(text, start, len(text) if end is None else end):
        out.append(DateMention(m.start(), m.end(), m.group(0), resolve(m, published)))
    return out


def resolve(match: re.Match, published: dt.date | None) -> dt.date | None:
    """The day one matched expression means."""
    import dateparser

    text = match.group(0)
    if match.group("iso"):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    if match.group("ago"):
        if match.group("how").lower() == "after" and match.group("agowd"):
            return None  # "two days after Monday": counts from a day, not the publication
        return _ago(match, published)
    if match.group("holiday"):
        if published is None:
            return None
        month, day = _HOLIDAYS[re.sub("['’]", "", match.group("holiday").lower())]
        when = dt.date(published.year, month, day)
        return when if when <= published else when.replace(year=published.year - 1)
    last_year = re.search(_LAST_YEAR + "$", text, re.I)
    if last_year:
        if published is None:
            return None
        text = f"{text[:last_year.start()]} {published.year - 1}"
    if match.group("weekend"):
        # Its Saturday (the night to Sunday is within a day of it): the weekend of a story
        # published on it, else the last one before publication.
        if published is None:
            return None
        back = (published.weekday() - 5) % 7
        if match.group("weekend").lower().startswith("last") and back < 2:
            back += 7
        return published - dt.timedelta(days=back)
    has_year = bool(re.search(r"\d{4}", text))
    if published is None and not has_year:
        return None  # "on Wednesday" needs a reference date
    base = dt.datetime.combine(published or dt.date.today(), dt.time(12))
    if match.group("wd"):
        weekday = match.group("wd").lower()
        if published is not None and published.strftime("%A").lower() == weekday \
                and not text.lower().startswith("last"):
            return published
        text = weekday
    elif match.group("rel"):
        rel = match.group("rel").lower()
        if rel in ("today", "tonight", "overnight"):
            return published
        if rel == "earlier this week":
            return None
    parsed = dateparser.parse(
        text.replace(".", ""), languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past",
                  "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False},
    )
    return parsed.date() if parsed else None


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _ago(match: re.Match, published: dt.date | None) -> dt.date | None:
    """"two days ago", "a week ago Monday" (the Monday of the week before), "a day earlier",
    "three days after" (the report's own day is that long after the incident)."""
    if published is None:
        return None
    word = match.group("n").lower()
    n = _NUMBERS.get(word) or int(word)
    days = n * (7 if match.group("unit").lower().startswith("week") else 1)
    day = published - dt.timedelta(days=days)
    weekday = match.group("agowd")
    if weekday:
        want = _WEEKDAYS.split("|").index(weekday.lower())
        day -= dt.timedelta(days=(day.weekday() - want) % 7)
    return day


def dateline(text: str) -> dt.date | None:
    """A full date (with its year) at the head of an article: "WARSAW, Sept. 12, 2025 -"."""
    for m in DATE_RE.finditer(text, 0, min(len(text), _DATELINE_CHARS)):
        if (m.group("md") or m.group("dm") or m.group("iso")) and re.search(r"\d{4}", m.group(0)):
            return resolve(m, None)
    return None
