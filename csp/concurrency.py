"""Optimistic concurrency shared by every write path: lock the row, compare what the writer saw, then write.

The API (If-Match), the update page (`version`) and the admin (the `updated_at` it showed) all
come here, so "check then write" is always one step under one row lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction

from .limits import text_limits_check

M = TypeVar("M", bound=models.Model)


class ConcurrentChange(Exception):
    """Someone saved the row after this writer read it; nothing was written."""

    def __init__(self, current: models.Model | None = None):
        super().__init__("This record was changed by someone else since you opened it.")
        self.current = current


def row_lock(model: type[models.Model], pk: Any) -> None:
    """Lock one row until the end of the current transaction (no-op if it does not exist)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("row_lock() must run inside transaction.atomic()")
    # values_list keeps the lock query to the row itself: no joins, no nullable-side errors.
    list(model._default_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def version_token(instance: models.Model) -> Any:
    """What a writer must have seen: the `version` field where the model has one, else `updated_at`."""
    field_names = {f.name for f in instance._meta.concrete_fields}
    if "version" in field_names:
        return instance.version
    if "updated_at" in field_names:
        return instance.updated_at
    raise TypeError(f"{instance._meta.label} has neither a version nor an updated_at field")


@transaction.atomic
def instance_save_if_unchanged(*, instance: M, seen: Any, save: Callable[[], Any] | None = None) -> M:
    """Save `instance` only if its row still carries the version token `seen`; else raise ConcurrentChange.

    The comparison and the save happen under one row lock, so two writers that read the same
    version cannot both succeed. `save` defaults to `instance.save()`; the admin passes its own.
    Text longer than csp.limits allows is refused (ValidationError) before anything is locked.
    """
    text_limits_check(instance)
    model = type(instance)
    row_lock(model, instance.pk)
    current = model._default_manager.filter(pk=instance.pk).first()
    if current is None or version_token(current) != seen:
        raise ConcurrentChange(current)
    (save or instance.save)()
    return instance
