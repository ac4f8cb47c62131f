"""The demo brands' FAQ and policy entries, which the assistant answers from."""

from __future__ import annotations

import pytest

from assistant import indexing
from assistant.models import Passage, Source
from demo import data as demo_data
from demo.sources import SOURCES, sources_seed
from tests.factories import BrandFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_every_demo_brand_has_published_entries_in_english_and_chinese():
    brands = {spec.slug: BrandFactory(slug=spec.slug, name=spec.name) for spec in demo_data.BRANDS}
    merchants = {slug: StaffFactory(brand=brand) for slug, brand in brands.items()}

    sources_seed(brands=brands, merchants=merchants)

    for brand in brands.values():
        entries = Source.objects.filter(brand=brand, is_published=True)
        assert entries.filter(kind=Source.Kind.FAQ).exists()
        assert entries.filter(kind=Source.Kind.POLICY).exists()
        assert all(e.body_en and e.body_zh and e.title_en and e.title_zh for e in entries)
    assert Source.objects.count() == len(SOURCES)


def test_the_assistant_indexes_each_entry_in_both_languages():
    brand = BrandFactory(slug="northpeak")
    sources_seed(brands={"northpeak": brand}, merchants={"northpeak": StaffFactory(brand=brand)})

    indexing.passages_sync(brand_id=brand.pk)

    languages = set(
        Passage.objects.filter(brand=brand, kind=Source.Kind.FAQ).values_list("language", flat=True)
    )
    assert languages == {"en", "zh-hans"}
