"""Prefetching relations that most rows have nothing in.

A detail page prefetches a dozen relations of one object; at national scale most of them (comments,
escalations, proposals, evidence...) are empty for most objects, yet each prefetch costs a query and its
compilation (2-4 ms of Python each on a 2-core machine, issue 15). A `Sparse` relation is read in two
steps from the same queryset, so the two cannot disagree about which rows count:

1. the parent's own query carries one EXISTS per relation (`annotate_sparse`);
2. `prefetch_sparse` prefetches the relation for the parents whose flag is true, and gives the others an
   empty result stored as Django's prefetch stores one (no query runs for them).

Templates and code then read `parent.<name>.all()` (or the `to_attr` list) exactly as with a plain prefetch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, Model, OuterRef, Prefetch, QuerySet, prefetch_related_objects


@dataclass(frozen=True)
class Sparse:
    """A relation `name` of `model`, as `queryset` lists it (its filters, joins and order)."""

    model: type[Model]
    name: str
    queryset: QuerySet
    to_attr: str | None = None

    @property
    def flag(self) -> str:
        """The annotation that says whether a parent has rows in this relation."""
        return f"has_{self.to_attr or self.name}"

    def exists(self) -> Exists:
        """EXISTS over the same queryset the prefetch reads, for the outer parent row."""
        field = self.model._meta.get_field(self.name)
        # A forward many-to-many: the other side's name for it; a reverse foreign key: the child's field.
        forward_many_to_many = field.many_to_many and not field.auto_created
        parent = field.related_query_name() if forward_many_to_many else field.field.name
        return Exists(self.queryset.filter(**{parent: OuterRef("pk")}).order_by().values("pk"))

    def prefetch(self) -> Prefetch:
        return Prefetch(self.name, queryset=self.queryset, to_attr=self.to_attr)

    def set_empty(self, parent: Model) -> None:
        """Give `parent` the empty result a prefetch would have given it, without a query or the prefetch
        machinery (which costs about as much Python as the query it would skip). It is stored as Django's
        own prefetch stores a result (`prefetch_one_level`): an evaluated queryset under the relation's
        cache name, which the related manager's `all()`, `count()` and `exists()` then read."""
        if self.to_attr:
            setattr(parent, self.to_attr, [])
            return
        empty = self.queryset.none()
        empty._result_cache = []
        empty._prefetch_done = True
        if not hasattr(parent, "_prefetched_objects_cache"):
            parent._prefetched_objects_cache = {}
        parent._prefetched_objects_cache[self.name] = empty


def annotate_sparse(queryset: QuerySet, relations: Iterable[Sparse]) -> QuerySet:
    """The parents' queryset with one `has_<relation>` flag per sparse relation."""
    return queryset.annotate(**{relation.flag: relation.exists() for relation in relations})


def prefetch_sparse(parents: Sequence[Model], relations: Iterable[Sparse]) -> None:
    """Prefetch each relation for the parents flagged as having rows; an empty result, read from no query,
    for the rest. `parents` come from a queryset passed through `annotate_sparse` with the same relations."""
    for relation in relations:
        with_rows = []
        for parent in parents:
            if getattr(parent, relation.flag):
                with_rows.append(parent)
            else:
                relation.set_empty(parent)
        if with_rows:
            prefetch_related_objects(with_rows, relation.prefetch())
