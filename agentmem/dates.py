"""Relative dates in what people say, resolved against when they said it.

"I went to the support group yesterday", said on 8 May 2023, is about 7 May 2023;
a fact stored as "yesterday" is wrong a day later. :func:`resolve_dates` finds the
relative expressions in a text ("yesterday", "last week", "two days ago", "next
month", "last Friday", "last weekend"...), resolves each against the session date
with ``dateparser`` (a maintained parser of natural-language dates, many languages),
and says how precise the result is, so :func:`render` writes "on 7 May 2023", "in the
week of 1 May 2023", "in June 2023" or "in 2022" rather than a false exact day.

Only expressions from a fixed list are resolved: free-text date search in
``dateparser`` also reads "may" or "march" in ordinary sentences as months.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

__all__ = ["ResolvedDate", "asks_about_time", "day_in_words", "month_in_words",
           "resolve_dates", "render", "rewrite_dates", "time_range"]

Precision = Literal["day", "week", "weekend", "month", "year"]

_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of)"
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# (pattern, precision) — longest first, so "last weekend" is not read as "last week".
_EXPRESSIONS: list[tuple[str, Precision]] = [
    (r"(?:last|this past|this) weekend", "weekend"),
    (r"next weekend", "weekend"),
    (rf"{_NUM} weeks? ago", "week"),
    (rf"{_NUM} months? ago", "month"),
    (rf"{_NUM} years? ago", "year"),
    (rf"{_NUM} days? ago", "day"),
    (r"(?:last|next|this) week", "week"),
    (r"(?:last|next|this) month", "month"),
    (r"(?:last|next|this) year", "year"),
    (rf"(?:last|this past|next|this) {_DAY}", "day"),
    (r"the day before yesterday", "day"),
    (r"yesterday|today|tonight|tomorrow|this morning|this evening|last night", "day"),
]
_FINDER = re.compile(r"\b(" + "|".join(p for p, _ in _EXPRESSIONS) + r")\b", re.IGNORECASE)
_WORDS = {"a": "1", "an": "1", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
          "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10", "a few": "3",
          "a couple of": "2"}


_MONTHS = ("january february march april may june july august september october november "
           "december").split()


def month_in_words(when: datetime) -> str:
    """The month and year in words ("May 2023"), English whatever the machine's locale."""
    return f"{_MONTHS[when.month - 1].title()} {when.year}"


def day_in_words(when: datetime) -> str:
    """The day in words ("8 May 2023"), as people write a date (and a model copies it)."""
    return f"{when.day} {month_in_words(when)}"


@dataclass(frozen=True)
class ResolvedDate:
    """One relative expression in a text and the date it means."""

    start: int
    end: int
    text: str
    when: datetime
    precision: Precision


def _precision(expression: str) -> Precision:
    for pattern, precision in _EXPRESSIONS:
        if re.fullmatch(pattern, expression, re.IGNORECASE):
            return precision
    return "day"


def _weekend(base: datetime, expression: str) -> datetime:
    # dateparser has no "weekend": the Saturday of the weekend meant.
    saturday = base - timedelta(days=(base.weekday() - 5) % 7)  # on or before base
    on_weekend = base.weekday() >= 5
    e = expression.lower()
    if e.startswith("next"):
        return saturday + timedelta(days=7)
    if e == "this weekend":
        return saturday if on_weekend else saturday + timedelta(days=7)
    return saturday - timedelta(days=7) if on_weekend else saturday  # last / this past


def _parse(expression: str, base: datetime) -> datetime | None:
    import dateparser

    text = expression.lower()
    for word, digit in sorted(_WORDS.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(rf"^{word}\b", digit, text)
    text = {"tonight": "today", "this evening": "today", "last night": "yesterday",
            "this past": "last"}.get(text, text).replace("this past ", "last ")
    future = text.startswith(("next", "tomorrow"))
    return dateparser.parse(text, languages=["en"], settings={
        "RELATIVE_BASE": base.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future" if future else "past",
        "RETURN_AS_TIMEZONE_AWARE": False})


def resolve_dates(text: str, base: datetime | None) -> list[ResolvedDate]:
    """The relative date expressions of ``text`` resolved against ``base`` (the time it was
    said). Without a base nothing can be resolved: the result is empty (the expressions
    stay as they are written)."""
    if base is None or not text:
        return []
    out = []
    for m in _FINDER.finditer(text):
        expression = m.group(0)
        precision = _precision(expression)
        when = (_weekend(base, expression) if precision == "weekend"
                else _parse(expression, base))
        if when is not None:
            out.append(ResolvedDate(m.start(), m.end(), expression,
                                    when.replace(tzinfo=base.tzinfo), precision))
    return out


def render(date: ResolvedDate) -> str:
    """The resolved date in words, as precise as the expression was."""
    w = date.when
    day = day_in_words(w)
    if date.precision == "day":
        return f"on {day}"
    if date.precision == "weekend":
        return f"on the weekend of {day}"
    if date.precision == "week":
        monday = w - timedelta(days=w.weekday())
        return f"in the week of {day_in_words(monday)}"
    if date.precision == "month":
        return f"in {month_in_words(w)}"
    return f"in {w.year}"


def rewrite_dates(text: str, base: datetime | None) -> tuple[str, datetime | None]:
    """``text`` with each relative date replaced by its resolved form, and the first
    resolved date (the event's time), or ``(text, None)`` when there is none."""
    found = resolve_dates(text, base)
    for d in reversed(found):
        before, words = text[:d.start], render(d)
        preposition = words.split(" ", 1)[0] + " "
        # "on last Friday" -> "on 5 May 2023"; "since last month" -> "since April 2023"
        if before.lower().endswith(preposition) or re.search(
                r"\b(since|from|until|till|before|after|by|during)\s+$", before, re.IGNORECASE):
            words = words[len(preposition):]
        text = before + words + text[d.end:]
    return text, (found[0].when if found else None)


_MONTH_YEAR = re.compile(rf"\b({'|'.join(_MONTHS)})\s+(\d{{4}})\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({'|'.join(_MONTHS)})\s+(\d{{4}})\b",
                             re.IGNORECASE)
_YEAR = re.compile(r"\b(?:in|during|of|since)\s+((?:19|20)\d{2})\b", re.IGNORECASE)


def _span(when: datetime, precision: Precision) -> tuple[datetime, datetime]:
    day = when.replace(hour=0, minute=0, second=0, microsecond=0)
    if precision == "day":
        return day, day + timedelta(days=1)
    if precision == "weekend":
        return day, day + timedelta(days=2)
    if precision == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=7)
    if precision == "month":
        first = day.replace(day=1)
        return first, (first + timedelta(days=32)).replace(day=1)
    first = day.replace(month=1, day=1)
    return first, first.replace(year=first.year + 1)


def time_range(text: str, now: datetime) -> tuple[datetime, datetime] | None:
    """The period a query asks about ("last week", "in May 2023", "on 7 May 2023", "in
    2022"), as [start, end), or None when it names none. Relative expressions count
    from ``now``."""
    now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    if m := _DAY_MONTH_YEAR.search(text):
        try:
            day = datetime(int(m.group(3)), _MONTHS.index(m.group(2).lower()) + 1,
                           int(m.group(1)), tzinfo=now.tzinfo)
        except ValueError:  # "31 February": no such day, so no period
            return None
        return _span(day, "day")
    if m := _MONTH_YEAR.search(text):
        month = datetime(int(m.group(2)), _MONTHS.index(m.group(1).lower()) + 1, 1,
                         tzinfo=now.tzinfo)
        return _span(month, "month")
    if m := _YEAR.search(text):
        return _span(datetime(int(m.group(1)), 1, 1, tzinfo=now.tzinfo), "year")
    found = resolve_dates(text, now)
    return _span(found[0].when, found[0].precision) if found else None


_ABOUT_TIME = re.compile(
    r"\b(?:when|what (?:year|month|day|date|time)|which (?:year|month|day|date)|date|dates|"
    r"how long|how (?:many|much) (?:days|weeks|months|years|time)|ago|since|until|"
    r"recently|lately|today|tonight|yesterday|tomorrow|weeks?|weekends?|months?|years?|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"(?:19|20)\d{2}|"
    + "|".join(_MONTHS) + r")\b", re.IGNORECASE)


def asks_about_time(question: str) -> bool:
    """Whether a question asks about time ("When did ...", "How long ...", "... last
    week?", "... in 2023?"): only then are dates worth showing a small answer model, which
    otherwise copies a date into answers about anything else."""
    return bool(_ABOUT_TIME.search(question))
