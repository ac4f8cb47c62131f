"""Query filters. Unknown and empty values are refused with 400 and the
parameter named, rather than ignored: a typo in `status` should not look like
an empty list, nor `status=` like the unfiltered one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters


class StrictFilterSet(filters.FilterSet):
    """A parameter left out means "any"; one sent empty is an error."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        # FilterSet.__init__ puts an empty QueryDict in place of no data; the
        # stubs keep the None it was given.
        assert self.data is not None
        for name in self.filters:
            if self.data.get(name) == "":
                self.form.add_error(name, _("Leave the parameter out instead of sending it empty."))
                valid = False
        return valid
