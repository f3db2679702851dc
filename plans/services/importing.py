"""Storing an imported plan: a `PlanDraft` written through the plan editor's services in one transaction.

The importer only reads files and builds drafts (`plans.importing`); every row it stores goes through the
same services as the editor pages and the API (`plan_create`, `section_create`, `objective_create`,
`priority_create`, `agency_create`...), so their rules, text limits and history hold. A draft with errors
writes nothing; a row the services refuse is reported as "Row N: ..." and the whole import is rolled
back. A dry run (the preview) does every write inside the transaction and rolls it back, so its counts
and errors are the ones a real import would give.

A file imported before (same SHA-256, plan not archived) is not imported again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import dateformat, timezone

from csp.models import Agency, Group, Partnership, Person
from csp.selectors import User
from csp.services import agency_create, group_create, person_create
from priorities.models import Priority
from priorities.services import priority_create

from ..importing.drafts import LeadDraft, MilestoneDraft, ObjectiveDraft, PlanDraft
from ..models import Plan, Section
from ..selectors.access import LIVE_PLAN, can_change_plan_content
from .plans import _financial_year, objective_create, plan_create, section_create

COUNT_KEYS = (
    "priorities",
    "new_priorities",
    "sections",
    "objectives",
    "actions",
    "outcomes",
    "milestones",
    "leads",
    "organisations",
    "groups",
    "people",
)
DEFAULT_TITLE = "Imported plan"
NOT_STORED = "a value does not fit where it is stored"
# "2014/15", "2014-2015", "2011 – 2014", "2011 to 2014": the first and last year of the plan.
PERIOD_RE = re.compile(r"\b((?:19|20)\d\d)\s*(?:/|-|–|—|to)\s*((?:19|20)?\d\d)\b")
SINGLE_YEAR_RE = re.compile(r"\b((?:19|20)\d\d)\b")


@dataclass
class ImportResult:
    """What an import wrote (or, for a dry run / the preview, would write)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    errors: list[str] = field(default_factory=list)
    plan: Plan | None = None
    duplicate_of: Plan | None = None

    @property
    def duplicate_message(self) -> str:
        """'This file was imported on 6 December 2026 as Action plan 2014/15' ('' when not a duplicate)."""
        if self.duplicate_of is None:
            return ""
        day = dateformat.format(timezone.localtime(self.duplicate_of.created_at), "j F Y")
        return f"This file was imported on {day} as {self.duplicate_of.title}"


def plan_period(period_label: str, *, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The plan's first and last day from the period as written ("2014/15" -> 1 April 2014 to 31 March 2015).

    Years are financial years (April to March); without a year in the label, the current financial year.
    """
    if match := PERIOD_RE.search(period_label):
        first = int(match.group(1))
        last_text = match.group(2)
        last = int(last_text) if len(last_text) == 4 else first // 100 * 100 + int(last_text)
        if last < first:
            last += 100  # "1999/00"
        if last == first:
            last = first + 1
        return dt.date(first, 4, 1), dt.date(last, 3, 31)
    if match := SINGLE_YEAR_RE.search(period_label):
        first = int(match.group(1))
        return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)
    first = _financial_year(today or timezone.localdate())
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def _messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _row_message(objective: ObjectiveDraft, message: str, *, name_source: bool) -> str:
    """'Row 12: ...', or 'Row 2 of Table 3: ...' when the plan has several tables (as the parser says it)."""
    if message.startswith("Row "):  # the parser has named the row
        return message
    where = f"Row {objective.row} of {objective.source}" if name_source else f"Row {objective.row}"
    return f"{where}: {message}"


def _several_sources(draft: PlanDraft) -> bool:
    return len({objective.source for objective in draft.objectives}) > 1


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def priority_order(draft: PlanDraft) -> list[str]:
    """The priorities a draft names, in the order new ones are numbered.

    First seen first, except that an objective under several priorities lists them in their order
    (after its section's own, which comes first): our export writes them so, and reading them back
    in that order gives the same cells again.
    """
    seen: dict[str, str] = {}  # key -> title as first written
    after: dict[str, set[str]] = {}  # key -> keys that must come before it
    section_priority = {_key(section.title): _key(section.priority) for section in draft.sections}
    for title in draft.priorities + [section.priority for section in draft.sections]:
        if title.strip():
            seen.setdefault(_key(title), title.strip())
    for objective in draft.objectives:
        lines = _lines(objective.priority)
        for title in lines:
            seen.setdefault(_key(title), title)
        keys = [_key(title) for title in lines]
        own = section_priority.get(_key(objective.section), keys[0] if objective.section.strip() and keys else "")
        rest = keys[1:] if keys and keys[0] == own else keys
        for before, later in zip(rest, rest[1:], strict=False):
            after.setdefault(later, set()).add(before)
    ordered: list[str] = []
    waiting = list(seen)
    while waiting:
        # The first seen whose predecessors are placed; a cycle (cells that disagree) falls back to first seen.
        ready = next((key for key in waiting if after.get(key, set()) <= set(ordered)), waiting[0])
        ordered.append(ready)
        waiting.remove(ready)
    return [seen[key] for key in ordered]


class _Import:
    """One import: the rows of the partnership it looks names up in, and the counts so far."""

    def __init__(self, *, user: User | None, partnership: Partnership, counts: dict[str, int]) -> None:
        self.user = user
        self.partnership = partnership
        self.counts = counts
        self.agencies: dict[str, Agency] = {}
        for agency in Agency.objects.filter(partnership=partnership).order_by("pk"):
            # A name wins over another organisation's short name ("SBC").
            if agency.short_name:
                self.agencies.setdefault(_key(agency.short_name), agency)
        for agency in Agency.objects.filter(partnership=partnership).order_by("pk"):
            self.agencies[_key(agency.name)] = agency
        self.groups: dict[str, Group] = {}
        for group in Group.objects.filter(partnership=partnership).order_by("pk"):
            if group.short_name:
                self.groups.setdefault(_key(group.short_name), group)
        for group in Group.objects.filter(partnership=partnership).order_by("pk"):
            self.groups[_key(group.name)] = group
        self.people: dict[str, list[Person]] = {}
        for person in Person.objects.filter(partnership=partnership).order_by("pk"):
            self.people.setdefault(_key(person.name), []).append(person)
        self.priorities: dict[str, Priority] = {}
        self.sections: dict[str, Section] = {}

    def snapshot(self) -> tuple:
        """What a refused row's savepoint rollback must also undo here: rows it made are gone."""
        return (
            dict(self.agencies),
            dict(self.groups),
            {key: list(people) for key, people in self.people.items()},
            dict(self.priorities),
            dict(self.sections),
            dict(self.counts),
        )

    def restore(self, saved: tuple) -> None:
        self.agencies, self.groups, self.people, self.priorities, self.sections, counts = saved
        self.counts.update(counts)

    # Names -> rows of the partnership (made when new)

    def agency(self, name: str) -> Agency | None:
        if not name.strip():
            return None
        if (found := self.agencies.get(_key(name))) is None:
            found = agency_create(user=self.user, partnership=self.partnership, name=name)
            self.agencies[_key(name)] = found
            self.counts["organisations"] += 1
        return found

    def group(self, name: str) -> Group | None:
        if not name.strip():
            return None
        if (found := self.groups.get(_key(name))) is None:
            found = group_create(user=self.user, partnership=self.partnership, name=name)
            self.groups[_key(name)] = found
            self.counts["groups"] += 1
        return found

    def person(self, name: str, *, job_title: str, agency: Agency | None) -> Person | None:
        if not name.strip():
            return None
        matches = self.people.get(_key(name), [])
        exact = [person for person in matches if person.name == name.strip()]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        own_title = job_title if len(job_title) <= Person._meta.get_field("job_title").max_length else ""
        person = person_create(
            user=self.user, partnership=self.partnership, name=name, job_title=own_title, agency=agency
        )
        self.people.setdefault(_key(name), []).append(person)
        self.counts["people"] += 1
        return person

    def priority(self, title: str, *, plan: Plan) -> Priority:
        """The partnership's priority with this title (the one covering the plan's start first), else a new one."""
        if (found := self.priorities.get(_key(title))) is not None:
            return found
        candidates = [
            priority
            for priority in Priority.objects.filter(partnership=self.partnership, title__iexact=title.strip())
            .filter(archived_at__isnull=True)
            .order_by("-period_start", "pk")
            if _key(priority.title) == _key(title)
        ]
        covering = [p for p in candidates if p.period_start <= plan.period_start <= p.period_end]
        found = (covering or candidates or [None])[0]
        if found is None:
            found = priority_create(
                user=self.user,
                fields={
                    "partnership": self.partnership,
                    "code": self._free_code(plan.period_start),
                    "title": title.strip(),
                    "period_start": plan.period_start,
                    "period_end": plan.period_end,
                    "period_label": plan.period_label,
                    "position": len(self.priorities) + 1,
                },
            )
            self.counts["new_priorities"] += 1
        self.priorities[_key(title)] = found
        return found

    def _free_code(self, period_start: dt.date) -> str:
        taken = set(
            Priority.objects.filter(partnership=self.partnership, period_start=period_start).values_list(
                "code", flat=True
            )
        )
        number = len(self.priorities) + 1
        while str(number) in taken:
            number += 1
        return str(number)

    # Leads

    def lead(self, draft: LeadDraft) -> dict[str, Any]:
        agency = self.agency(draft.organisation)
        return {
            "person": self.person(draft.person_name, job_title=draft.job_title, agency=agency),
            "job_title": draft.job_title.strip(),
            "agency": agency,
            "group": self.group(draft.group),
            "kind": draft.kind,
        }

    def leads(self, drafts: list[LeadDraft]) -> list[dict[str, Any]]:
        self.counts["leads"] += len(drafts)
        return [self.lead(draft) for draft in drafts]

    def milestone(self, draft: MilestoneDraft) -> dict[str, Any]:
        return {
            "text": draft.text,
            "due_date": draft.due_date,
            "due_text": draft.due_text,
            "lead_text": draft.lead_text,
            "cost_amount": draft.cost_amount,
            "cost_text": draft.cost_text,
            "leads": self.leads(draft.leads),
        }

    # The plan

    def plan(self, draft: PlanDraft, *, title: str, source_sha256: str, source_name: str) -> Plan:
        start, end = plan_period(draft.period_label)
        plan = plan_create(
            user=self.user,
            fields={
                "partnership": self.partnership,
                "title": title,
                "kind": Plan.Kind.ANNUAL if end.year - start.year <= 1 else Plan.Kind.STRATEGIC,
                "status": Plan.Status.DRAFT,
                "period_start": start,
                "period_end": end,
                "period_label": draft.period_label,
                "source_sha256": source_sha256,
                "imported_from": source_name,
            },
            reason=f"Imported from {source_name}" if source_name else "Imported",
        )
        priorities = []
        for priority_title in priority_order(draft):
            if (priority := self.priority(priority_title, plan=plan)) not in priorities:
                priorities.append(priority)
        if priorities:
            plan.priorities.set(priorities)
        self.counts["priorities"] = len(priorities)
        return plan

    def section(self, plan: Plan, *, title: str, number: str = "", priority: str = "") -> Section:
        if (found := self.sections.get(_key(title))) is None:
            found = section_create(
                user=self.user,
                plan=plan,
                fields={
                    "title": title.strip(),
                    "number": number,
                    "priority": self.priority(priority, plan=plan) if priority.strip() else None,
                },
            )
            self.sections[_key(title)] = found
            self.counts["sections"] += 1
        return found

    def objective(self, plan: Plan, draft: ObjectiveDraft) -> None:
        # Several priorities, one a line (our export): the first is the section's.
        priorities = [self.priority(title, plan=plan) for title in _lines(draft.priority)]
        section = None
        if draft.section.strip():
            first = _lines(draft.priority)[:1]
            section = self.section(plan, title=draft.section, priority=first[0] if first else "")
        objective_create(
            user=self.user,
            fields={
                "plan": plan,
                "section": section,
                "ref": draft.ref.strip(),
                "title": draft.title,
                "theme": draft.theme,
                "lead_text": draft.lead_text,
                "due_date": draft.due_date,
                "due_text": draft.due_text,
                "resources": draft.resources,
                "cost_amount": draft.cost_amount,
                "cost_text": draft.cost_text,
                "target_and_indicator": draft.target_and_indicator,
            },
            m2m={
                "priorities": list(dict.fromkeys(priorities)),
                "lead_groups": [self.group(name) for name in draft.lead_groups if name.strip()],
            },
            parts={
                "actions": [{"text": text} for text in draft.actions],
                "outcomes": [
                    {
                        "number": outcome.number,
                        "text": outcome.text,
                        "target_value": outcome.target_value,
                        "target_unit": outcome.target_unit,
                        "budget": outcome.budget,
                    }
                    for outcome in draft.outcomes
                ],
                "milestones": [self.milestone(milestone) for milestone in draft.milestones],
                "leads": self.leads(draft.leads),
            },
        )
        self.counts["objectives"] += 1
        self.counts["actions"] += len(draft.actions)
        self.counts["outcomes"] += len(draft.outcomes)
        self.counts["milestones"] += len(draft.milestones)


def plan_import(
    *,
    user: User | None,
    partnership: Partnership,
    draft: PlanDraft,
    title: str = "",
    source_sha256: str = "",
    source_name: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Store a parsed plan as a draft plan of the partnership, all or nothing (a dry run writes nothing).

    `user` must be a coordinator of the partnership; `user=None` is the operator's `manage.py import_plan`.
    The result names what was (or would be) created, every problem ("Row 12: ..."), the new plan, or the
    plan this same file was imported as before.
    """
    if user is not None and not can_change_plan_content(user, partnership.pk):
        raise PermissionDenied("Only a coordinator of this partnership can import a plan.")
    result = ImportResult()
    result.duplicate_of = _imported_before(partnership, source_sha256)
    if result.duplicate_of is not None:
        return result
    if draft.has_errors:
        result.errors = list(draft.errors) + [
            _row_message(objective, message, name_source=_several_sources(draft))
            for objective in draft.objectives
            for message in objective.errors
        ]
        return result
    title = (title or draft.title or PurePath(source_name).stem or DEFAULT_TITLE).strip()
    with transaction.atomic():
        # One import of a partnership at a time: a second click on "Create the plan" waits, then finds the first.
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        if source_sha256 and (earlier := _imported_before(partnership, source_sha256)) is not None:
            result.duplicate_of = earlier
            return result
        result.plan = _write(
            user=user,
            partnership=partnership,
            draft=draft,
            result=result,
            title=title,
            source_sha256=source_sha256,
            source_name=source_name,
        )
        if result.errors or dry_run:
            transaction.set_rollback(True)
            result.plan = None
    return result


def _imported_before(partnership: Partnership, source_sha256: str) -> Plan | None:
    if not source_sha256:
        return None
    return (
        Plan.objects.filter(LIVE_PLAN, partnership=partnership, source_sha256=source_sha256)
        .order_by("created_at", "pk")
        .first()
    )


def _write(
    *,
    user: User | None,
    partnership: Partnership,
    draft: PlanDraft,
    result: ImportResult,
    title: str,
    source_sha256: str,
    source_name: str,
) -> Plan | None:
    """Every row through the services; errors gathered in `result` (the caller rolls back if there are any)."""
    writer = _Import(user=user, partnership=partnership, counts=result.counts)
    try:
        plan = writer.plan(draft, title=title, source_sha256=source_sha256, source_name=source_name)
        for section in draft.sections:
            writer.section(plan, title=section.title, number=section.number, priority=section.priority)
    except ValidationError as error:
        result.errors += _messages(error)
        return None
    except (IntegrityError, DataError):
        result.errors.append("The plan could not be stored: a value does not fit (check the title and headings)")
        return None
    name_source = _several_sources(draft)
    for objective in draft.objectives:
        saved = writer.snapshot()
        try:
            # Its own savepoint: a refused row leaves the transaction usable, so every faulty row is named.
            with transaction.atomic():
                writer.objective(plan, objective)
        except ValidationError as error:
            writer.restore(saved)
            result.errors += [_row_message(objective, m, name_source=name_source) for m in _messages(error)]
        except (IntegrityError, DataError):
            writer.restore(saved)
            result.errors.append(_row_message(objective, NOT_STORED, name_source=name_source))
    return plan
