"""Pages of long lists whose cost does not grow with the table.

A list page never counts a million rows to print "1,000,000 customers": BoundedPaginator
counts at most LIMIT + 1 rows (an index scan that stops there) and, above LIMIT, says
"more than LIMIT" (`capped`); its pages go as far as LIMIT rows, so an OFFSET never walks
more than LIMIT index entries. Past that, the filters and the search narrow the list.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Rows a list counts and pages through; above this the count says "more than".
LIMIT = 10_000


class BoundedPaginator(Paginator):
    limit = LIMIT

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if not hasattr(qs, "query"):
            return super().count
        sql, params = qs.order_by().values("pk")[: self.limit + 1].query.sql_with_params()
        with connections[qs.db].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS bounded", params)
            return min(cursor.fetchone()[0], self.limit + 1)

    @property
    def capped(self) -> bool:
        """The list has more rows than it counts (and pages through)."""
        return self.count > self.limit

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return max(1, self.limit // self.per_page)
        return super().num_pages
