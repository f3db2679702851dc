"""The browser's import of a plan document, step by step: upload, column mapping, confirm.

Each step writes only the `PlanImport` row (the file, its tables as text, the mapping, the last dry
run's counts and errors). Nothing is written to plans until `plan_import_confirm`, which hands the
parsed draft to `plans.services.importing.plan_import` in one transaction. The dry run (the same
service with `dry_run=True`) runs when the mapping is saved, so the preview page only reads.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import get_valid_filename

from csp.models import Partnership
from csp.selectors import User

from ..importing.drafts import ImportFileError, PlanDraft, TableMapping
from ..importing.files import read_tables
from ..importing.parse import parse
from ..importing.recognise import recognise
from ..models import Plan, PlanImport
from ..selectors.access import can_change_plan_content
from ..selectors.importing import import_draft, raw_tables
from . import importing as plan_writes


@dataclass
class ImportOutcome:
    """What confirming did: the plan (new, or the one a repeated confirm already made) or why there is none."""

    plan: Plan | None
    objectives: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)
    already_imported: bool = False


def _check_may_import(user: User, partnership_id: int) -> None:
    if not can_change_plan_content(user, partnership_id):
        raise PermissionDenied("Only a coordinator of this partnership can import its plans.")


def _check_open(plan_import: PlanImport) -> None:
    if plan_import.state == PlanImport.State.IMPORTED:
        raise ValidationError("This file is imported already: its plan is in Manage plans.")
    if plan_import.state == PlanImport.State.ABANDONED:
        raise ValidationError("The same file was uploaded again since: go on with the newer upload.")


def _mappings_json(mappings: list[TableMapping]) -> list[dict]:
    return [dataclasses.asdict(mapping) for mapping in mappings]


def _dry_run(user: User, plan_import: PlanImport, draft: PlanDraft) -> dict:
    """The counts and errors `plan_import` gives for the draft, written nowhere but this row."""
    result = plan_writes.plan_import(
        user=user,
        partnership=plan_import.partnership,
        draft=draft,
        title=plan_import.title,
        source_sha256=plan_import.sha256,
        source_name=plan_import.filename,
        dry_run=True,
    )
    return {
        "counts": dict(result.counts),
        "errors": list(result.errors),
        "duplicate_of": result.duplicate_of.pk if result.duplicate_of is not None else None,
    }


def plan_import_upload(*, user: User, partnership: Partnership, upload, title: str = "") -> PlanImport:
    """Read an uploaded .docx or .xlsx into a new import with the columns recognised, or refuse it.

    A refused file (ImportFileError) is a ValidationError on "file" and leaves no row. Earlier unfinished
    imports of the same file by the partnership are marked abandoned: the newest upload is the one to finish.
    """
    _check_may_import(user, partnership.pk)
    filename = get_valid_filename(upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:255] or "plan"
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    try:
        tables = read_tables(upload, filename=upload.name)
    except ImportFileError as error:
        raise ValidationError({"file": [str(error)]}) from error
    upload.seek(0)
    mappings = recognise(tables)
    with transaction.atomic():
        unfinished = PlanImport.objects.select_for_update().filter(
            partnership=partnership,
            sha256=digest.hexdigest(),
            state__in=[PlanImport.State.UPLOADED, PlanImport.State.MAPPED],
        )
        for earlier in unfinished:
            earlier.state = PlanImport.State.ABANDONED
            earlier._history_user = user
            earlier.save(update_fields=["state", "updated_at"])
        new = PlanImport(
            partnership=partnership,
            created_by=user,
            filename=filename,
            sha256=digest.hexdigest(),
            title=title,
            tables=[dataclasses.asdict(table) for table in tables],
            mappings=_mappings_json(mappings),
        )
        new.check_result = _dry_run(user, new, parse(tables, mappings, title=title))
        new._history_user = user
        new.file.save(filename, upload, save=False)
        new.save()
    return new


def plan_import_set_mappings(*, user: User, plan_import: PlanImport, mappings: list[TableMapping]) -> PlanImport:
    """Save the user's column mapping (one per table, in the file's order) and check the draft it gives."""
    _check_may_import(user, plan_import.partnership_id)
    tables = raw_tables(plan_import)
    if [m.source for m in mappings] != [t.source for t in tables]:
        raise ValidationError("The mapping does not match the file's tables: upload the file again.")
    for mapping, table in zip(mappings, tables, strict=True):
        if len(mapping.columns) != len(table.rows[0] if table.rows else []):
            raise ValidationError(f"{table.source}: choose what each column holds.")
    with transaction.atomic():
        locked = PlanImport.objects.select_for_update().select_related("partnership").get(pk=plan_import.pk)
        _check_open(locked)
        locked.mappings = _mappings_json(mappings)
        locked.state = PlanImport.State.MAPPED
        locked.check_result = _dry_run(user, locked, import_draft(locked))
        locked._history_user = user
        locked.save()
    return locked


def plan_import_confirm(*, user: User, plan_import: PlanImport) -> ImportOutcome:
    """Write the plan (a draft plan) from the import, once: a second confirm returns the plan the first made.

    The import row is locked first, so two confirms at once (a double click) make one plan. With errors, or
    a plan already imported from the same file, nothing is written and the check is stored for the preview.
    """
    _check_may_import(user, plan_import.partnership_id)
    with transaction.atomic():
        # The plan is read after the lock, not joined to it: a join is evaluated before the wait for the
        # lock, so a confirm that waited for another would not see the plan that one made.
        locked = PlanImport.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=plan_import.pk)
        if locked.state == PlanImport.State.IMPORTED and locked.plan_id is not None:
            objectives = locked.check_result.get("counts", {}).get("objectives", 0)
            plan = Plan.objects.get(pk=locked.plan_id)
            return ImportOutcome(plan=plan, objectives=objectives, already_imported=True)
        _check_open(locked)
        result = plan_writes.plan_import(
            user=user,
            partnership=locked.partnership,
            draft=import_draft(locked),
            title=locked.title,
            source_sha256=locked.sha256,
            source_name=locked.filename,
        )
        locked._history_user = user
        if result.plan is None:
            locked.check_result = {
                "counts": dict(result.counts),
                "errors": list(result.errors),
                "duplicate_of": result.duplicate_of.pk if result.duplicate_of is not None else None,
            }
            locked.save()
            return ImportOutcome(plan=None, errors=list(result.errors))
        locked.plan = result.plan
        locked.state = PlanImport.State.IMPORTED
        locked.check_result = {"counts": dict(result.counts), "errors": [], "duplicate_of": None}
        locked.save()
    return ImportOutcome(plan=result.plan, objectives=result.counts.get("objectives", 0))
