"""Integer serializer fields with the database's ranges, so a number no
column can hold is a 400 from validation, never an OverflowError (SQLite) or
DataError (PostgreSQL) from a query. Every integer a serializer reads has a
range; tests/api/test_integer_ranges.py walks every serializer to keep it so."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.api.parsers import MAX_DB_INT

# An IntegerField / PositiveIntegerField column: 32-bit on PostgreSQL.
MAX_DB_INT32 = 2**31 - 1


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A row's id (BigAutoField): 1 and up."""
    return serializers.IntegerField(min_value=1, max_value=MAX_DB_INT, **kwargs)


def count_field(**kwargs: Any) -> serializers.IntegerField:
    """A count, or a position in a list: 0 and up."""
    return serializers.IntegerField(min_value=0, max_value=MAX_DB_INT, **kwargs)


class BoundedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row by id, the id checked for range before any query."""

    min_value = 1
    max_value = MAX_DB_INT

    def to_internal_value(self, data: Any) -> Any:
        number = id_field().run_validation(data)
        return super().to_internal_value(number)
