"""Demo data: the three real partnership plans, the Stevenage Q1 2014/15 update and demo users.

The plans are transcribed word for word in `plans/demo_data/*.json` (each file says how in its
`transcription_notes`). Loading is idempotent: every row is found by its natural key and only
written when a value differs, so a second run changes nothing and adds no history. An objective's
leads (person, jobholder title, organisation or group, kind, as the plan writes them) are a set,
written through `objective_leads_set` only when the set differs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO, TypeVar

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from csp.models import (
    Agency,
    Area,
    AreaMembership,
    AreaRole,
    Group,
    Membership,
    MembershipRole,
    Partnership,
    PartnershipPopulation,
    Person,
    RagStatus,
    ReportingPeriod,
    Role,
)
from csp.services import coordinator_admin_access_grant, reporting_periods_ensure
from csp.two_factor import totp_device_ensure
from priorities.models import Indicator, Priority, Theme

from .models import (
    Action,
    ChangeProposal,
    ConsultationActivity,
    ExpectedOutcome,
    Objective,
    ObjectiveLead,
    OutcomeStatus,
    Plan,
    QuarterlyUpdate,
    Section,
)
from .services.leads import objective_leads_set

DEMO_PASSWORD = "demo-csp-2026"
# Coordinators must sign in with two factors; their demo authenticator shares this published
# secret, so people trying the demo can make codes: `oathtool --totp -b CSPDEMOTWOFACTORSECRETFORDEMOSXX`
# or add the key to any authenticator app (docs/security.md).
DEMO_TOTP_SECRET = "CSPDEMOTWOFACTORSECRETFORDEMOSXX"
DEMO_DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_FILES = ("stevenage_2014_15.json", "east_herts_2008_09.json", "hastings_2011_14.json")
# Analysts of the Police and Crime Commissioners' offices: each reads every partnership of their area.
DEMO_AREA_USERS = (
    {"username": "herts-pcc-analyst", "first_name": "Priya", "last_name": "Shah", "area": "Hertfordshire"},
    {"username": "sussex-pcc-analyst", "first_name": "Tom", "last_name": "Reeve", "area": "Sussex"},
)

ModelT = TypeVar("ModelT", bound=models.Model)
Document = dict[str, Any]


def _upsert(model: type[ModelT], *, lookup: dict[str, Any], values: dict[str, Any] | None = None) -> ModelT:
    """The row found by `lookup`, created or brought up to date with `values`; saved only when changed."""
    values = {name: value for name, value in (values or {}).items() if name not in lookup}
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        return model._default_manager.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save()
    return instance


def _set_m2m(manager: Any, wanted: Iterable[models.Model]) -> None:
    """Make a many-to-many relation hold exactly `wanted`, touching it only when it differs."""
    wanted = list(wanted)
    if {obj.pk for obj in manager.all()} != {obj.pk for obj in wanted}:
        manager.set(wanted)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decimal(value: float | int | str | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _lines(value: list[str] | None) -> str:
    return "\n".join(value or [])


def overall_rag_status(statuses: Iterable[str]) -> str:
    """An update's overall status as the demo records it: red if any outcome is red, else amber, else not updated."""
    statuses = set(statuses)
    for status in (RagStatus.RED, RagStatus.AMBER):
        if status in statuses:
            return status
    return RagStatus.NOT_UPDATED


class _DocumentLoader:
    """Loads one transcribed plan document and its partnership."""

    def __init__(self, document: Document, *, stdout: TextIO | None) -> None:
        self.doc = document
        self.stdout = stdout
        self.agencies: dict[str, Agency] = {}
        self.people: dict[str, Person] = {}
        self.groups: dict[str, Group] = {}
        self.priorities: dict[str, Priority] = {}
        self.objectives: dict[str, Objective] = {}
        self.users: dict[str, Any] = {}
        # Demo officers named on some objectives' leads: {objective key: [lead spec]}.
        self.demo_leads: dict[str, list[dict[str, Any]]] = {}
        for spec in document.get("demo_objective_leads", []):
            for key in spec["objectives"]:
                self.demo_leads.setdefault(key, []).append(spec)

    def load(self) -> Partnership:
        self.partnership = self._partnership()
        for year in self.doc["financial_years"]:
            reporting_periods_ensure(partnership=self.partnership, financial_year=year)
        self._agencies()
        self._people()
        self._groups()
        self._priorities()
        self.plan = self._plan()
        self._consultations()
        self._sections()
        self._users()
        self._quarterly_updates()
        self._change_proposals()
        if self.stdout is not None:
            self.stdout.write(
                f"{self.partnership.name}: {self.plan.title}, {len(self.priorities)} priorities, "
                f"{len(self.objectives)} objectives\n"
            )
        return self.partnership

    def _period(self, spec: dict[str, Any]) -> ReportingPeriod:
        return ReportingPeriod.objects.get(partnership=self.partnership, **spec)

    def _partnership(self) -> Partnership:
        spec = self.doc["partnership"]
        area = _demo_area(spec["area"]) if spec.get("area") else None
        partnership = _upsert(
            Partnership,
            lookup={"slug": spec["slug"]},
            values={"name": spec["name"], "short_name": spec["short_name"], "area": area},
        )
        population = self.doc["population"]
        _upsert(
            PartnershipPopulation,
            lookup={"partnership": partnership, "financial_year": population["financial_year"]},
            values={"population": population["population"], "source": population["source"]},
        )
        return partnership

    def _agencies(self) -> None:
        for spec in self.doc["agencies"]:
            self.agencies[spec["short_name"]] = _upsert(
                Agency,
                lookup={"partnership": self.partnership, "name": spec["name"]},
                values={
                    "short_name": spec["short_name"],
                    "kind": spec["kind"],
                    "is_responsible_authority": spec["is_responsible_authority"],
                },
            )

    def _people(self) -> None:
        for spec in self.doc["people"]:
            agency = self.agencies[spec["agency"]] if spec.get("agency") else None
            self.people[spec["name"]] = _upsert(
                Person,
                lookup={"partnership": self.partnership, "name": spec["name"]},
                values={"job_title": spec.get("job_title", ""), "agency": agency},
            )

    def _groups(self) -> None:
        for spec in self.doc["groups"]:
            self.groups[spec["short_name"]] = _upsert(
                Group,
                lookup={"partnership": self.partnership, "name": spec["name"]},
                values={
                    "short_name": spec["short_name"],
                    "kind": spec["kind"],
                    "chair": self.people[spec["chair"]] if spec.get("chair") else None,
                    "chair_agency": self.agencies[spec["chair_agency"]] if spec.get("chair_agency") else None,
                    "meets": spec.get("meets", ""),
                    "next_meeting": _date(spec.get("next_meeting")),
                },
            )

    def _priorities(self) -> None:
        plan_spec = self.doc["plan"]
        defaults = {
            "period_start": plan_spec["period_start"],
            "period_end": plan_spec["period_end"],
            "period_label": plan_spec["period_label"],
            "source": "",
            **self.doc.get("priority_defaults", {}),
        }
        for position, spec in enumerate(self.doc["priorities"], start=1):
            priority = _upsert(
                Priority,
                lookup={
                    "partnership": self.partnership,
                    "period_start": _date(spec.get("period_start", defaults["period_start"])),
                    "code": spec["code"],
                },
                values={
                    "title": spec["title"],
                    "scope": spec.get("scope", ""),
                    "period_end": _date(spec.get("period_end", defaults["period_end"])),
                    "period_label": spec.get("period_label", defaults["period_label"]),
                    "position": position,
                    "lead_agency_text": spec.get("lead_agency_text", ""),
                    "is_cross_cutting": spec.get("is_cross_cutting", False),
                    "indicators_text": spec.get("indicators_text", ""),
                    "source": spec.get("source", defaults["source"]),
                    "informed_by_consultation": spec.get("informed_by_consultation", False),
                },
            )
            _set_m2m(priority.lead_agencies, [self.agencies[key] for key in spec.get("lead_agencies", [])])
            for theme_position, title in enumerate(spec.get("themes", []), start=1):
                _upsert(Theme, lookup={"priority": priority, "title": title}, values={"position": theme_position})
            for indicator in spec.get("indicators", []):
                _upsert(
                    Indicator,
                    lookup={"partnership": self.partnership, "priority": priority, "name": indicator["name"]},
                    values={
                        "unit": indicator["unit"],
                        "direction": indicator.get("direction", Indicator.Direction.DOWN_IS_GOOD),
                        "source": indicator.get("source", ""),
                    },
                )
            self.priorities[spec["code"]] = priority

    def _plan(self) -> Plan:
        spec = self.doc["plan"]
        plan = _upsert(
            Plan,
            lookup={"partnership": self.partnership, "title": spec["title"]},
            values={
                "kind": spec["kind"],
                "status": spec["status"],
                "period_start": _date(spec["period_start"]),
                "period_end": _date(spec["period_end"]),
                "period_label": spec["period_label"],
                "review_date": _date(spec.get("review_date")),
                "review_date_text": spec.get("review_date_text", ""),
                "owning_group": self.groups[spec["owning_group"]] if spec.get("owning_group") else None,
                "current_period": self._period(spec["current_period"]),
                "introduction": spec.get("introduction", ""),
                "objectives_address_all_priorities": spec.get("objectives_address_all_priorities", False),
                "priority_scope_note": spec.get("priority_scope_note", ""),
                "priority_neighbourhoods": spec.get("priority_neighbourhoods", ""),
                "funding_statement": spec.get("funding_statement", ""),
                "notes": spec.get("notes", ""),
            },
        )
        _set_m2m(plan.priorities, self.priorities.values())
        return plan

    def _consultations(self) -> None:
        for position, spec in enumerate(self.doc.get("consultations", []), start=1):
            _upsert(
                ConsultationActivity,
                lookup={"plan": self.plan, "activity": spec["activity"]},
                values={"key_results": spec["key_results"], "position": position},
            )

    def _sections(self) -> None:
        position = 0
        for section_position, spec in enumerate(self.doc["sections"], start=1):
            priority = self.priorities[spec["priority"]] if spec.get("priority") else None
            section = _upsert(
                Section,
                lookup={"plan": self.plan, "title": spec["title"]},
                values={
                    "number": spec.get("number", ""),
                    "priority": priority,
                    "introduction": spec.get("introduction", ""),
                    "position": section_position,
                },
            )
            for objective_spec in spec["objectives"]:
                position += 1
                self._objective(objective_spec, section=section, priority=priority, position=position)

    def _objective(self, spec: dict[str, Any], *, section: Section, priority: Priority | None, position: int) -> None:
        ref = spec.get("ref", "")
        # Objectives without a ref (Hastings rows) are known by their title.
        lookup = {"plan": self.plan, "ref": ref} if ref else {"plan": self.plan, "ref": "", "title": spec["title"]}
        addresses_all = self.plan.objectives_address_all_priorities and not spec.get("priorities")
        objective = _upsert(
            Objective,
            lookup=lookup,
            values={
                "section": section,
                "title": spec["title"],
                "label": spec.get("label", ""),
                "position": position,
                "addresses_all_priorities": addresses_all,
                "priorities_text": spec.get("priorities_text", ""),
                "target_and_indicator": spec.get("target_and_indicator", ""),
                "lead_text": spec.get("lead_text", ""),
                "lead_role_text": spec.get("lead_role_text", ""),
                "due_date": _date(spec.get("due_date")),
                "due_text": spec.get("due_text", ""),
                "resources": _lines(spec.get("resources")),
                "how_measured": _lines(spec.get("how_measured")),
                "how_evaluated": _lines(spec.get("how_evaluated")),
                "notes": spec.get("notes", ""),
            },
        )
        if spec.get("priorities"):
            priorities = [self.priorities[code] for code in spec["priorities"]]
        else:
            priorities = [priority] if priority else []
        _set_m2m(objective.priorities, priorities)
        _set_m2m(objective.lead_agencies, [self.agencies[key] for key in spec.get("lead_agencies", [])])
        _set_m2m(objective.lead_groups, [self.groups[key] for key in spec.get("lead_groups", [])])
        self._leads(objective, spec.get("leads", []), self.demo_leads.get(ref or spec["title"], []))
        for action_position, text in enumerate(spec.get("actions", []), start=1):
            _upsert(Action, lookup={"objective": objective, "position": action_position}, values={"text": text})
        for outcome in spec.get("outcomes", []):
            indicator = None
            if outcome.get("indicator"):
                indicator = Indicator.objects.get(priority=priority, name=outcome["indicator"])
            _upsert(
                ExpectedOutcome,
                lookup={"objective": objective, "number": outcome["number"]},
                values={
                    "text": outcome["text"],
                    "target_value": _decimal(outcome.get("target_value")),
                    "target_unit": outcome.get("target_unit", ""),
                    "indicator": indicator,
                },
            )
        self.objectives[ref or spec["title"]] = objective

    def _lead(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A lead as the plan writes it: a person (with the title the plan gives them), a jobholder, a body."""
        person = self.people[spec["person"]] if spec.get("person") else None
        return {
            "person": person,
            "job_title": spec.get("job_title", person.job_title if person else ""),
            "agency": self.agencies[spec["agency"]] if spec.get("agency") else None,
            "group": self.groups[spec["group"]] if spec.get("group") else None,
            "kind": spec.get("kind", ObjectiveLead.Kind.LEAD),
        }

    def _leads(self, objective: Objective, specs: list[dict[str, Any]], demo: list[dict[str, Any]]) -> None:
        """Set the objective's leads through the service, only when they differ (a second load writes nothing).

        A demo officer fills in the person of the plan's lead for their organisation where the plan names no one
        ('EHC' becomes the EHC community safety officer), else is added after the plan's leads.
        """
        leads = [self._lead(spec) for spec in specs]
        for spec in demo:
            # The plan does not write the demo officer's title: their lead carries none unless the spec gives one.
            officer = {**self._lead(spec), "job_title": spec.get("job_title", "")}
            unnamed = next(
                (
                    lead
                    for lead in leads
                    if lead["person"] is None and not lead["job_title"] and lead["agency"] == officer["agency"]
                ),
                None,
            )
            if unnamed is not None:
                unnamed["person"] = officer["person"]
            else:
                leads.append(officer)
        parts = ("person", "job_title", "agency", "group", "kind")
        wanted = [tuple(lead[name] for name in parts) for lead in leads]
        existing = [
            tuple(getattr(lead, name) for name in parts)
            for lead in objective.leads.select_related("person", "agency", "group")
        ]
        if wanted != existing:
            objective_leads_set(objective, leads, by=None)

    def _users(self) -> None:
        user_model = get_user_model()
        for spec in self.doc["demo_users"]:
            username = spec["username"]
            user = _upsert(
                user_model,
                lookup={"username": username},
                values={
                    "email": f"{username}@example.org",
                    "first_name": spec["first_name"],
                    "last_name": spec["last_name"],
                    "is_active": True,
                },
            )
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            person = self.people[spec["person"]] if spec.get("person") else None
            if person is not None and person.user_id != user.pk:
                person.user = user
                person.save()
            membership = _upsert(
                Membership,
                lookup={"user": user, "partnership": self.partnership},
                values={
                    "agency": self.agencies[spec["agency"]] if spec.get("agency") else None,
                    "person": person,
                },
            )
            for role in spec["roles"]:
                _upsert(MembershipRole, lookup={"membership": membership, "role": role})
            if Role.COORDINATOR in spec["roles"]:
                coordinator_admin_access_grant(user=user)
                totp_device_ensure(user=user, base32_secret=DEMO_TOTP_SECRET)
            self.users[username] = user

    def _quarterly_updates(self) -> None:
        for batch in self.doc.get("quarterly_updates", []):
            period = self._period(batch["period"])
            deadline = period.update_deadline or period.end
            submitted_at = timezone.make_aware(dt.datetime.combine(deadline, dt.time(12, 0)))
            for spec in batch["updates"]:
                self._quarterly_update(spec, period=period, state=batch["state"], submitted_at=submitted_at)

    def _quarterly_update(
        self, spec: dict[str, Any], *, period: ReportingPeriod, state: str, submitted_at: dt.datetime
    ) -> None:
        objective = self.objectives[spec["objective"]]
        given = {status["number"]: status for status in spec.get("outcome_statuses", [])}
        statuses = {
            outcome: given.get(outcome.number, {"rag_status": RagStatus.NOT_UPDATED, "note": ""})
            for outcome in objective.outcomes.all()
        }
        rag_note = "\n".join(
            f"{outcome.number}. {status['note']}" for outcome, status in statuses.items() if status["note"]
        )
        update = _upsert(
            QuarterlyUpdate,
            lookup={"objective": objective, "period": period},
            values={
                "progress": spec["progress"],
                "rag_status": overall_rag_status(status["rag_status"] for status in statuses.values()),
                "rag_note": rag_note,
                "state": state,
                "author_name": objective.lead_text,
                "submitted_at": submitted_at,
            },
        )
        for outcome, status in statuses.items():
            _upsert(
                OutcomeStatus,
                lookup={"update": update, "outcome": outcome},
                values={"rag_status": status["rag_status"], "note": status["note"]},
            )

    def _change_proposals(self) -> None:
        for spec in self.doc.get("change_proposals", []):
            # Keyed on the reason too, so a proposal the ODG has since decided is not raised again.
            objective = self.objectives[spec["objective"]]
            _upsert(
                ChangeProposal,
                lookup={"objective": objective, "kind": spec["kind"], "reason": spec["reason"]},
                values={"proposed_by": self.users[spec["proposed_by"]]},
            )


def _demo_area(name: str) -> Area:
    return _upsert(Area, lookup={"slug": slugify(name)}, values={"name": name, "kind": Area.Kind.POLICE_FORCE})


def _demo_area_users() -> None:
    user_model = get_user_model()
    for spec in DEMO_AREA_USERS:
        user = _upsert(
            user_model,
            lookup={"username": spec["username"]},
            values={
                "email": f"{spec['username']}@example.org",
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        _upsert(AreaMembership, lookup={"user": user, "area": _demo_area(spec["area"]), "role": AreaRole.AREA_ANALYST})


def demo_documents() -> list[Document]:
    """The transcribed plan documents shipped with the app, in load order."""
    return [json.loads((DEMO_DATA_DIR / name).read_text(encoding="utf-8")) for name in DEMO_FILES]


def demo_users() -> list[dict[str, Any]]:
    """The demo users of every document, then the area analysts: username, partnership name and roles."""
    members = [
        {"username": user["username"], "partnership": doc["partnership"]["name"], "roles": user["roles"]}
        for doc in demo_documents()
        for user in doc["demo_users"]
    ]
    of_areas = [
        {"username": spec["username"], "partnership": f"every partnership of {spec['area']}", "roles": ["area_analyst"]}
        for spec in DEMO_AREA_USERS
    ]
    return members + of_areas


def demo_counts(*, slugs: Iterable[str]) -> dict[str, int]:
    """How many rows of each demo-loaded model belong to the partnerships with these slugs."""
    slugs = list(slugs)
    in_partnerships = {"partnership__slug__in": slugs}
    in_plans = {"plan__partnership__slug__in": slugs}
    in_objectives = {"objective__plan__partnership__slug__in": slugs}
    querysets: dict[str, models.QuerySet] = {
        "Partnership": Partnership.objects.filter(slug__in=slugs),
        "PartnershipPopulation": PartnershipPopulation.objects.filter(**in_partnerships),
        "Agency": Agency.objects.filter(**in_partnerships),
        "Person": Person.objects.filter(**in_partnerships),
        "Group": Group.objects.filter(**in_partnerships),
        "ReportingPeriod": ReportingPeriod.objects.filter(**in_partnerships),
        "Membership": Membership.objects.filter(**in_partnerships),
        "MembershipRole": MembershipRole.objects.filter(membership__partnership__slug__in=slugs),
        "User": get_user_model().objects.filter(memberships__partnership__slug__in=slugs).distinct(),
        "Priority": Priority.objects.filter(**in_partnerships),
        "Theme": Theme.objects.filter(priority__partnership__slug__in=slugs),
        "Indicator": Indicator.objects.filter(**in_partnerships),
        "Plan": Plan.objects.filter(**in_partnerships),
        "ConsultationActivity": ConsultationActivity.objects.filter(**in_plans),
        "Section": Section.objects.filter(**in_plans),
        "Objective": Objective.objects.filter(**in_plans),
        "ObjectiveLead": ObjectiveLead.objects.filter(**in_objectives),
        "Action": Action.objects.filter(**in_objectives),
        "ExpectedOutcome": ExpectedOutcome.objects.filter(**in_objectives),
        "QuarterlyUpdate": QuarterlyUpdate.objects.filter(**in_objectives),
        "OutcomeStatus": OutcomeStatus.objects.filter(update__objective__plan__partnership__slug__in=slugs),
        "ChangeProposal": ChangeProposal.objects.filter(**in_objectives),
    }
    return {name: queryset.count() for name, queryset in querysets.items()}


@transaction.atomic
def demo_load(*, stdout: TextIO | None = None) -> dict[str, int]:
    """Load (or bring up to date) the three real plans, the Stevenage Q1 update and the demo users.

    Idempotent: a second run writes nothing. Returns the number of rows per model for the demo partnerships.
    """
    slugs = [_DocumentLoader(doc, stdout=stdout).load().slug for doc in demo_documents()]
    _demo_area_users()
    return demo_counts(slugs=slugs)
