"""Figures: a number with a unit, a price or a percentage, as values that compare across units."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generation.guardrails.text import CJK
from generation.guardrails.units import (
    CHINESE_NUMBER,
    CURRENCY_SIGNS,
    NUMBER,
    UNIT_OF,
    WORD_NUMBERS,
    alternation,
    number_value,
)

# Figures compare after conversion, to this many significant digits.
FIGURE_PRECISION = 6

_CJK_UNIT = re.compile(f"^[{CJK}]")
_ANY_UNIT = alternation(UNIT_OF)
_LATIN_UNIT = alternation(a for a in UNIT_OF if a.isascii() and a[0].isalpha())
# After a Chinese numeral these are words, not units: 四周 "all around", 三月 "March".
_NOT_UNITS_AFTER_NUMERALS = frozenset({"周", "月"})
_CHINESE_UNIT = alternation(a for a in UNIT_OF if _CJK_UNIT.match(a) and a not in _NOT_UNITS_AFTER_NUMERALS)
_RANGE = r"\s*(?:-|–|—|~|～|to|至|到)\s*"
FIGURE_RE = re.compile(
    # 30 l, 30-litre, 20-30 L, 5-year, 30升, 3个小时, 1.1 kg, 10,000 mm
    f"(?<![A-Za-z0-9.,])(?P<number>{NUMBER})(?:{_RANGE}(?P<number2>{NUMBER}))?"
    f"\\s?-?\\s?(?:个)?(?P<unit>{_ANY_UNIT})(?![A-Za-z])"
    # 三十升, 十二小时, 两个月
    f"|(?P<chinese>{CHINESE_NUMBER})(?:个)?(?P<chinese_unit>{_CHINESE_UNIT})"
    # two-year, twelve hours
    f"|\\b(?P<word>{alternation(WORD_NUMBERS)})[\\s-](?P<word_unit>{_LATIN_UNIT})(?![A-Za-z])"
    # $49, € 120
    f"|(?P<sign>[{re.escape(CURRENCY_SIGNS)}])\\s?(?P<price>{NUMBER})"
    # 百分之三十
    f"|百分之(?P<percent>{NUMBER}|{CHINESE_NUMBER})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    text: str
    # (unit family, value in the family's base unit), one per end of a range.
    keys: frozenset[tuple[str, float]]


def find_figures(text: str) -> list[Figure]:
    figures = []
    for match in FIGURE_RE.finditer(text):
        groups = {name: value for name, value in match.groupdict().items() if value}
        if "sign" in groups:
            numbers, unit = [groups["price"]], groups["sign"]
        elif "percent" in groups:
            numbers, unit = [groups["percent"]], "%"
        else:
            unit = groups.get("unit") or groups.get("chinese_unit") or groups["word_unit"]
            first = groups.get("number") or groups.get("chinese") or groups["word"]
            numbers = [first, *([groups["number2"]] if "number2" in groups else [])]
        family, factor = UNIT_OF[unit.lower()]
        keys = frozenset((family, float(f"{number_value(n) * factor:.{FIGURE_PRECISION}g}")) for n in numbers)
        figures.append(Figure(match.group(0).strip(), keys))
    return figures
