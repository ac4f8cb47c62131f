"""Units and numbers as copy writes them: unit families, and numbers in digits,
Chinese numerals and English words."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A figure is a number with a unit or a percentage. Each unit family compares in
# its base unit, so "1.1 kg" is supported by "1100 g", "30 l" by "30-litre"
# and "12 months" by "1 year"; a figure with another unit ("30 ml" against
# "30 l") or another value is not. Aliases are matched case-insensitively,
# longest first ("km/h" before "km", "min" before "m").
UNIT_FAMILIES: dict[str, dict[float, tuple[str, ...]]] = {
    "volume": {
        1: ("l", "liter", "liters", "litre", "litres", "ltr", "升", "公升"),
        0.001: ("ml", "milliliter", "milliliters", "millilitre", "millilitres", "毫升"),
        0.01: ("cl",),
        3.78541: ("gal", "gallon", "gallons"),
        0.0295735: ("fl oz",),
    },
    "mass": {
        1: ("g", "gram", "grams", "gramme", "grammes", "克"),
        0.001: ("mg", "milligram", "milligrams", "毫克"),
        1000: ("kg", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes", "公斤", "千克"),
        500: ("斤",),
        453.592: ("lb", "lbs", "pound", "pounds"),
        28.3495: ("oz", "ounce", "ounces"),
    },
    "length": {
        1: ("mm", "millimeter", "millimeters", "millimetre", "millimetres", "毫米"),
        10: ("cm", "centimeter", "centimeters", "centimetre", "centimetres", "厘米", "公分"),
        1000: ("m", "meter", "meters", "metre", "metres", "米"),
        1_000_000: ("km", "kilometer", "kilometers", "kilometre", "kilometres", "公里", "千米"),
        25.4: ("inch", "inches", "″", "英寸"),
        304.8: ("ft", "foot", "feet"),
        1_609_344: ("mile", "miles"),
    },
    "time": {
        1 / 3600: ("sec", "secs", "second", "seconds", "秒", "秒钟"),
        1 / 60: ("min", "mins", "minute", "minutes", "分钟"),
        1: ("h", "hr", "hrs", "hour", "hours", "小时", "个小时"),
        24: ("day", "days", "天"),
        168: ("week", "weeks", "周", "星期", "个星期"),
        8766 / 12: ("month", "months", "月", "个月"),
        8766: ("year", "years", "yr", "yrs", "年"),
    },
    "percent": {1: ("%", "％", "percent", "per cent")},
    "celsius": {1: ("°c", "℃", "celsius", "degrees celsius")},
    "fahrenheit": {1: ("°f", "℉", "fahrenheit", "degrees fahrenheit")},
    "degree": {1: ("°", "degree", "degrees", "度")},
    "kelvin": {1: ("k", "kelvin")},
    "charge": {1: ("mah", "毫安时", "毫安")},
    "energy": {1: ("wh",), 1000: ("kwh",)},
    "power": {1: ("w", "watt", "watts", "瓦"), 1000: ("kw",)},
    "voltage": {1: ("v", "volt", "volts", "伏")},
    "frequency": {1: ("hz",), 1000: ("khz",), 1_000_000: ("mhz",), 1_000_000_000: ("ghz",)},
    "data": {1: ("mb",), 1000: ("gb",), 1_000_000: ("tb",)},
    "light": {1: ("lm", "lumen", "lumens", "流明")},
    "loudness": {1: ("db", "decibel", "decibels", "分贝")},
    "speed": {1: ("km/h", "kph"), 1.609344: ("mph",)},
    "yarn": {1: ("denier",)},
    "multiple": {1: ("times", "倍")},
    "eur": {1: ("€", "eur", "euro", "euros")},
    "usd": {1: ("$", "usd", "dollar", "dollars")},
    "gbp": {1: ("£", "gbp")},
    "cny": {1: ("¥", "￥", "元", "rmb", "cny", "yuan")},
}
UNIT_OF = {
    alias: (family, factor)
    for family, factors in UNIT_FAMILIES.items()
    for factor, aliases in factors.items()
    for alias in aliases
}
CURRENCY_SIGNS = "$€£¥￥"

# 10,000 and 1.1 and 1,5 (a decimal comma); digits, then Chinese numerals,
# then a few English number words. "one" and a lone 一 are left out: "one day",
# "一天" and "一年四季" are idioms more often than figures.
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_CHINESE_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CHINESE_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMBER = "(?!一(?![零〇一二两三四五六七八九十百千万]))[零〇一二两三四五六七八九十百千万]+"
WORD_NUMBERS = {
    word: n
    for n, word in enumerate("two three four five six seven eight nine ten eleven twelve".split(), start=2)
} | {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}


def alternation(aliases: Iterable[str]) -> str:
    return "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))


def number_value(number: str) -> float:
    if number[0].isdigit():
        # "10,000" has a thousands separator; "1,5" a decimal comma.
        thousands = re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", number)
        return float(number.replace(",", "") if thousands else number.replace(",", "."))
    if number.lower() in WORD_NUMBERS:
        return WORD_NUMBERS[number.lower()]
    return chinese_number_value(number)


def chinese_number_value(number: str) -> int:
    """十二 -> 12, 三百 -> 300, 两千五百 -> 2500, 一万 -> 10000."""
    total = section = digit = 0
    for char in number:
        if char in _CHINESE_DIGITS:
            digit = _CHINESE_DIGITS[char]
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        else:
            section += (digit or 1) * _CHINESE_MULTIPLIERS[char]
            digit = 0
    return total + section + digit
