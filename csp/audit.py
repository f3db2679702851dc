"""Reads behind the coordinator pages: a partnership's audit trail and its archived records.

Both walk the models each app registered in csp.admin_scoping.PARTNERSHIP_LOOKUPS (the one
declaration of how a row reaches its partnership), so csp imports no app to its right. The audit
trail is one UNION query over the django-simple-history tables, then one query per model type
on the page for the previous versions (to say which fields changed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast
from django.http import Http404
from django.shortcuts import get_object_or_404

from .admin_scoping import PARTNERSHIP_LOOKUPS
from .models import ArchivableModel, Partnership, Role
from .selectors import User, has_role, partnerships_visible_to

# The field that names a row in the audit trail, first found wins.
LABEL_FIELDS = ("title", "name", "ref", "activity", "role", "label", "text", "email", "kind")
# Columns every change touches: not worth listing as 'changed'.
QUIET_FIELDS = frozenset({"updated_at", "version"})
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
AUDIT_PAGE_SIZE = 50


def partnership_get_for_coordinator(*, user: User, pk: int) -> Partnership:
    """A partnership the user coordinates (any, for a superuser), or 404: another partnership's pages do not exist."""
    partnership = get_object_or_404(partnerships_visible_to(user), pk=pk)
    if not has_role(user, partnership.pk, Role.COORDINATOR):
        raise Http404("No such partnership.")
    return partnership


def partnerships_coordinated_by(user: User) -> QuerySet[Partnership]:
    """Partnerships the user coordinates (every one for a superuser), by name."""
    partnerships = partnerships_visible_to(user)
    if not user.is_superuser:
        partnerships = partnerships.filter(memberships__user=user, memberships__roles__role=Role.COORDINATOR)
    return partnerships.order_by("name")


def _history_lookup(label: str) -> str:
    lookup = PARTNERSHIP_LOOKUPS[label]
    # On a history table 'pk' is the history row's id; the partnership's own id is 'id'.
    return "id" if lookup == "pk" else lookup


def audited_models() -> list[type[models.Model]]:
    """Models of the partnership whose history is kept, in a stable order."""
    found = []
    for label in sorted(PARTNERSHIP_LOOKUPS):
        model = apps.get_model(label)
        if hasattr(model._meta, "simple_history_manager_attribute"):
            found.append(model)
    return found


def archivable_models() -> list[type[models.Model]]:
    """Models of the partnership that are archived instead of deleted."""
    return [apps.get_model(label) for label in sorted(PARTNERSHIP_LOOKUPS) if _is_archivable(label)]


def _is_archivable(label: str) -> bool:
    return issubclass(apps.get_model(label), ArchivableModel)


def _label_field(model: type[models.Model]) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((name for name in LABEL_FIELDS if name in names), None)


@dataclass
class AuditFilters:
    """What the audit page is narrowed to."""

    user_id: int | None = None
    model_label: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class AuditEntry:
    """One change of one row: who, when, what kind of row, which fields."""

    history_id: int
    when: dt.datetime
    action: str
    kind: str
    model_label: str
    object_id: int
    label: str
    reason: str
    user_id: int | None
    who: str = ""
    changed: list[str] = field(default_factory=list)


def _history_rows(partnership: Partnership, filters: AuditFilters):
    history_models = [m for m in audited_models() if filters.model_label in (None, m._meta.label_lower)]
    queries = []
    for model in history_models:
        history = model.history.model
        label_field = _label_field(model)
        # Unordered: the union is ordered as a whole, and SQLite (the embedded database) refuses an ORDER BY
        # (the history models' default) inside a compound statement.
        rows = history.objects.filter(**{_history_lookup(model._meta.label_lower): partnership.pk}).order_by()
        if filters.user_id is not None:
            rows = rows.filter(history_user_id=filters.user_id)
        if filters.date_from is not None:
            rows = rows.filter(history_date__date__gte=filters.date_from)
        if filters.date_to is not None:
            rows = rows.filter(history_date__date__lte=filters.date_to)
        queries.append(
            rows.values(
                audit_hid=F("history_id"),
                audit_when=F("history_date"),
                audit_action=F("history_type"),
                audit_model_label=Value(model._meta.label_lower, output_field=CharField()),
                audit_object_id=F("id"),
                audit_label=Cast(F(label_field), CharField()) if label_field else Value("", output_field=CharField()),
                audit_reason=F("history_change_reason"),
                audit_user_id=F("history_user_id"),
            )
        )
    if not queries:
        return None
    first, *rest = queries
    return first.union(*rest, all=True) if rest else first


def partnership_audit(
    *, partnership: Partnership, filters: AuditFilters, page: int = 1
) -> tuple[list[AuditEntry], bool]:
    """One page of who changed what and when in a partnership (newest first), and whether there is a next page."""
    union = _history_rows(partnership, filters)
    if union is None:
        return [], False
    start = (page - 1) * AUDIT_PAGE_SIZE
    rows = list(union.order_by("-audit_when", "-audit_hid")[start : start + AUDIT_PAGE_SIZE + 1])
    has_next = len(rows) > AUDIT_PAGE_SIZE
    rows = rows[:AUDIT_PAGE_SIZE]
    entries = [
        AuditEntry(
            history_id=row["audit_hid"],
            when=row["audit_when"],
            action=ACTIONS.get(row["audit_action"], row["audit_action"]),
            kind=apps.get_model(row["audit_model_label"])._meta.verbose_name.capitalize(),
            model_label=row["audit_model_label"],
            object_id=row["audit_object_id"],
            label=(row["audit_label"] or "")[:120],
            reason=row["audit_reason"] or "",
            user_id=row["audit_user_id"],
        )
        for row in rows
    ]
    _add_people(entries)
    _add_changed_fields(entries)
    return entries, has_next


def _add_people(entries: list[AuditEntry]) -> None:
    ids = {e.user_id for e in entries if e.user_id is not None}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}
    for entry in entries:
        user = users.get(entry.user_id)
        entry.who = (user.get_full_name() or user.get_username()) if user else "The system"


def _add_changed_fields(entries: list[AuditEntry]) -> None:
    """Name the fields each change touched: one query per model type on the page."""
    by_model: dict[str, list[AuditEntry]] = {}
    for entry in entries:
        if entry.action == "Changed":
            by_model.setdefault(entry.model_label, []).append(entry)
    for label, changed in by_model.items():
        model = apps.get_model(label)
        history = model.history.model
        fields = [f for f in model._meta.concrete_fields if f.name not in QUIET_FIELDS]
        records = history.objects.filter(
            id__in={e.object_id for e in changed}, history_id__lte=max(e.history_id for e in changed)
        ).order_by("id", "history_id")
        latest: dict[int, object] = {}
        pairs: dict[int, tuple[object, object]] = {}
        for record in records:
            if record.id in latest:
                pairs[record.history_id] = (latest[record.id], record)
            latest[record.id] = record
        for entry in changed:
            if entry.history_id not in pairs:
                continue
            prior, record = pairs[entry.history_id]
            entry.changed = [
                str(f.verbose_name) for f in fields if getattr(prior, f.attname) != getattr(record, f.attname)
            ]


@dataclass
class ArchivedRecord:
    """An archived row a coordinator may restore."""

    model_label: str
    kind: str
    record: ArchivableModel
    label: str


def partnership_archived_records(*, partnership: Partnership) -> list[ArchivedRecord]:
    """Every archived row of a partnership, newest first: one query per archivable model."""
    found = []
    for model in archivable_models():
        label = model._meta.label_lower
        rows = model._default_manager.filter(
            **{PARTNERSHIP_LOOKUPS[label]: partnership.pk}, archived_at__isnull=False
        ).select_related("archived_by")
        label_field = _label_field(model)
        for row in rows:
            name = str(getattr(row, label_field)) if label_field else f"#{row.pk}"
            found.append(ArchivedRecord(label, model._meta.verbose_name.capitalize(), row, name[:120]))
    return sorted(found, key=lambda item: item.record.archived_at, reverse=True)


def archived_record_get(*, partnership: Partnership, model_label: str, pk: int) -> ArchivableModel:
    """An archivable row of the partnership by type and id, or 404."""
    if model_label not in PARTNERSHIP_LOOKUPS or not _is_archivable(model_label):
        raise Http404("No such kind of record.")
    model = apps.get_model(model_label)
    return get_object_or_404(model._default_manager.filter(**{PARTNERSHIP_LOOKUPS[model_label]: partnership.pk}), pk=pk)
