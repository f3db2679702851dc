#!/usr/bin/env python3
"""Enter a sample partnership plan through the REST API only, read it back and print any difference.

Uses nothing but the standard library (urllib), as a partner system's script would:

    python scripts/api_enter_plan.py --url http://127.0.0.1:8000 --token ADMIN-TOKEN
    python scripts/api_enter_plan.py --url ... --token COORDINATOR-TOKEN --partnership my-empty-csp

With an administrator's token (`manage.py create_api_token <admin username> --name N`) it creates a new
partnership; with a coordinator's token, name an (empty) partnership they coordinate. Exit
status 0 when everything read back equals what was sent, 1 when it differs, 2 on an API error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

Send = Callable[[str, str, dict | None], tuple[int, Any]]


class ApiError(Exception):
    def __init__(self, method: str, path: str, status: int, body: Any):
        super().__init__(f"{method} {path} -> {status}: {json.dumps(body)[:800]}")
        self.status = status


def urllib_sender(base_url: str, token: str) -> Send:
    """A transport over HTTP with token authentication."""

    def send(method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base_url.rstrip("/") + path, data=data, method=method)
        request.add_header("Authorization", f"Token {token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw) if raw else None
            except ValueError:
                return error.code, raw.decode(errors="replace")[:800]

    return send


class PlanEntry:
    """Enters the sample plan through any transport and remembers what it sent, to compare."""

    def __init__(self, send: Send):
        self.send = send
        self.sent: list[tuple[str, int, dict]] = []

    def call(self, method: str, path: str, body: dict | None = None, expect: int = 200) -> Any:
        status, answer = self.send(method, path, body)
        if status != expect:
            raise ApiError(method, path, status, answer)
        return answer

    def create(self, endpoint: str, body: dict) -> dict:
        created = self.call("POST", f"/api/{endpoint}/", body, expect=201)
        self.sent.append((endpoint, created["id"], body))
        return created

    def partnership(self, name: str, slug: str, existing_slug: str | None) -> dict:
        if existing_slug:
            found = self.call("GET", f"/api/partnerships/?slug={existing_slug}")["results"]
            if not found:
                raise ApiError("GET", f"/api/partnerships/?slug={existing_slug}", 404, "no such partnership for you")
            return found[0]
        return self.create(
            "partnerships",
            {
                "name": name,
                "slug": slug,
                "short_name": "Sample CSP",
                "green_meaning": "Complete",
                "amber_meaning": "In progress / on target",
                "red_meaning": "Not started / at risk",
            },
        )

    def enter_sample_plan(self, *, run: str, existing_slug: str | None = None) -> dict:
        """Enter a whole plan: core, priorities with narratives and themes, indicators, plan, objectives."""
        p = self.partnership(f"Sample Borough Community Safety Partnership {run}", f"sample-{run}", existing_slug)["id"]
        council = self.create(
            "agencies",
            {
                "partnership": p,
                "name": "Sample Borough Council",
                "short_name": "SBC",
                "kind": "local_authority",
                "is_responsible_authority": True,
            },
        )["id"]
        police = self.create(
            "agencies",
            {
                "partnership": p,
                "name": "Sampleshire Constabulary",
                "short_name": "Police",
                "kind": "police",
                "is_responsible_authority": True,
            },
        )["id"]
        manager = self.create(
            "people",
            {
                "partnership": p,
                "name": "Sarah Example",
                "job_title": "Community Safety Manager",
                "agency": council,
                "email": "sarah.example@sample.gov.uk",
            },
        )["id"]
        inspector = self.create(
            "people", {"partnership": p, "name": "Simon Sample", "job_title": "Insp", "agency": police}
        )["id"]
        odg = self.create(
            "groups",
            {
                "partnership": p,
                "name": "Operational Delivery Group",
                "short_name": "ODG",
                "kind": "odg",
                "chair": manager,
                "meets": "Monthly",
            },
        )["id"]
        self.create(
            "groups",
            {
                "partnership": p,
                "name": "Responsible Authorities Group",
                "short_name": "RAG",
                "kind": "board",
                "chair_agency": council,
                "meets": "Quarterly",
                "next_meeting": "2014-10-15",
            },
        )
        quarters = [
            self.create(
                "reporting-periods",
                {
                    "partnership": p,
                    "kind": "quarter",
                    "financial_year": 2014,
                    "number": n,
                    "start": start,
                    "end": end,
                    "update_deadline": deadline,
                },
            )["id"]
            for n, start, end, deadline in (
                (1, "2014-04-01", "2014-06-30", "2014-07-14"),
                (2, "2014-07-01", "2014-09-30", "2014-10-14"),
                (3, "2014-10-01", "2014-12-31", "2015-01-14"),
                (4, "2015-01-01", "2015-03-31", "2015-04-14"),
            )
        ]
        abuse = self.create(
            "priorities",
            {
                "partnership": p,
                "code": "1",
                "title": "Domestic abuse",
                "period_start": "2014-04-01",
                "period_end": "2015-03-31",
                "period_label": "2014/15",
                "position": 1,
                "lead_agencies": [council],
                "lead_agency_text": "SBC",
                "indicators_text": "Domestic abuse crimes per 1000 head of population",
                "source": "Strategic assessment 2013",
                "narrative_what": "Violence or abuse between partners or family.",
                "narrative_why": "High repeat victimisation.",
                "narrative_achievements": "Forum relaunched in 2013.",
                "narrative_plans": "Awareness campaigns; support for victims.",
                "narrative_hotspots": "Town centre",
                "narrative_outcome": "More victims reporting, fewer repeat incidents.",
                "themes": [
                    {"title": "Personal harm", "description": "Victims and families", "position": 0},
                    {"title": "Repeat victims", "description": "", "position": 1},
                ],
            },
        )["id"]
        alcohol = self.create(
            "priorities",
            {
                "partnership": p,
                "code": "2",
                "title": "Alcohol related crime and disorder",
                "scope": "to include public place violent crime",
                "period_start": "2014-04-01",
                "period_end": "2015-03-31",
                "period_label": "2014/15",
                "position": 2,
                "lead_agencies": [police],
                "is_cross_cutting": True,
                "narrative_what": "Violence in the night-time economy.",
                "themes": [{"title": "Public nuisance", "description": "", "position": 0}],
            },
        )["id"]
        ni20 = self.create(
            "indicators",
            {
                "partnership": p,
                "priority": alcohol,
                "code": "NI 20",
                "name": "Assault with less serious injury",
                "unit": "rate_per_1000",
                "direction": "down",
                "baseline": "812.000",
                "baseline_label": "2013/14 outturn",
                "target_change_percent": "-5.00",
                "source": "Police recorded crime",
            },
        )["id"]
        ni32 = self.create(
            "indicators",
            {
                "partnership": p,
                "priority": abuse,
                "code": "NI 32",
                "name": "Repeat incidents of domestic violence",
                "unit": "percentage",
                "direction": "down",
                "target_value": "27.000",
            },
        )["id"]
        self.create("indicator-readings", {"indicator": ni20, "period": quarters[0], "value": "198.000", "note": "Q1"})
        plan = self.create(
            "plans",
            {
                "partnership": p,
                "title": f"Sample Community Safety Action Plan 2014/15 {run}",
                "kind": "annual",
                "status": "live",
                "period_start": "2014-04-01",
                "period_end": "2015-03-31",
                "period_label": "2014/15",
                "review_date_text": "March 2015",
                "owning_group": odg,
                "current_period": quarters[1],
                "introduction": "This plan answers the 2013 strategic assessment.",
                "priorities": [abuse, alcohol],
                "funding_statement": "Projects are funded by the PCC grant.",
            },
        )["id"]
        section_abuse = self.create(
            "sections", {"plan": plan, "number": "1", "title": "Domestic abuse", "priority": abuse, "position": 1}
        )["id"]
        section_alcohol = self.create(
            "sections",
            {
                "plan": plan,
                "number": "2",
                "title": "Alcohol related crime and disorder",
                "priority": alcohol,
                "position": 2,
            },
        )["id"]
        self.create(
            "consultation-activities",
            {
                "plan": plan,
                "activity": "Residents' survey 2013",
                "key_results": "Drunken behaviour is the top concern.",
                "position": 0,
            },
        )
        self.create(
            "objectives",
            {
                "plan": plan,
                "section": section_abuse,
                "ref": "1.1",
                "title": "Raise awareness of domestic abuse",
                "label": "Project / campaign",
                "position": 1,
                "priorities": [abuse],
                "indicators": [ni32],
                "lead_text": "SBC Sarah Example in conjunction with Police Insp Simon Sample",
                "lead_agencies": [council, police],
                "lead_groups": [odg],
                "due_date": "2015-03-31",
                "due_text": "March 2015",
                "resources": "Existing resources / officer time\nExternal funding streams",
                "cost_amount": "2500.00",
                "cost_text": "",
                "funding_source": "PCC grant",
                "how_measured": "Number of campaigns; calls to the helpline",
                "target_and_indicator": "NI 32",
                "actions": [
                    {"text": "Run a White Ribbon campaign", "position": 0},
                    {"text": "Train frontline staff", "position": 1},
                ],
                "outcomes": [
                    {
                        "number": 1,
                        "text": "At least 2 campaigns undertaken this year.",
                        "target_value": "2.000",
                        "target_unit": "campaigns",
                        "indicator": None,
                    },
                    {
                        "number": 2,
                        "text": "Repeat incidents below 27%.",
                        "target_value": "27.000",
                        "target_unit": "%",
                        "indicator": ni32,
                    },
                ],
                "milestones": [
                    {
                        "text": "Campaign materials agreed",
                        "due_date": "2014-09-30",
                        "due_text": "September 2014",
                        "leads": [{"person": manager, "agency": council}],
                        "lead_text": "",
                        "completed_on": None,
                        "position": 0,
                    },
                    {
                        "text": "Campaign week",
                        "due_date": "2014-11-25",
                        "due_text": "Quarter 3",
                        "leads": [{"person": inspector, "agency": police}],
                        "lead_text": "Police",
                        "completed_on": None,
                        "position": 1,
                    },
                ],
                "leads": [
                    # As the plan writes them: the job title is the plan's, not read from the person.
                    {"person": manager, "job_title": "Community Safety Manager", "agency": council, "kind": "lead"},
                    {"person": inspector, "job_title": "Insp", "agency": police, "kind": "in_conjunction"},
                    # A lead that is only a jobholder title and an organisation (no named person).
                    {"person": None, "job_title": "Chief Inspector Stevenage", "agency": police, "kind": "lead"},
                ],
            },
        )
        self.create(
            "objectives",
            {
                "plan": plan,
                "section": section_alcohol,
                "ref": "NTE 1",
                "title": "Op Marble: reduce violence at night",
                "position": 2,
                "priorities": [alcohol],
                "indicators": [ni20],
                "lead_agencies": [police],
                "due_text": "Ongoing",
                "cost_amount": None,
                "cost_text": "TBC",
                "how_evaluated": "Quarterly review at the ODG",
                "actions": [{"text": "Joint patrols on Friday and Saturday nights", "position": 0}],
                "outcomes": [
                    {
                        "number": 1,
                        "text": "5% fewer assaults with less serious injury.",
                        "target_value": "5.000",
                        "target_unit": "%",
                        "indicator": ni20,
                    }
                ],
                "milestones": [],
                "leads": [{"person": inspector, "job_title": "", "agency": police, "kind": "lead"}],
            },
        )
        return {"partnership": p, "plan": plan}

    def differences(self) -> list[str]:
        """Read every object back and list each field that differs from what was sent."""
        found = []
        for endpoint, pk, body in self.sent:
            stored = self.call("GET", f"/api/{endpoint}/{pk}/")
            found.extend(f"{endpoint}/{pk}: {line}" for line in compare(body, stored))
        return found


def compare(sent: Any, stored: Any, where: str = "") -> list[str]:
    """What differs between a sent value and the stored one; keys only the server adds are ignored."""
    if isinstance(sent, dict) and isinstance(stored, dict):
        lines = []
        for key, value in sent.items():
            if key not in stored:
                lines.append(f"{where}{key}: sent {value!r}, not in the answer")
            else:
                lines.extend(compare(value, stored[key], f"{where}{key}."))
        return lines
    if isinstance(sent, list) and isinstance(stored, list):
        if len(sent) != len(stored):
            return [f"{where.rstrip('.')}: sent {len(sent)} items, read {len(stored)}"]
        lines = []
        for index, (a, b) in enumerate(zip(sent, stored, strict=True)):
            lines.extend(compare(a, b, f"{where}{index}."))
        return lines
    return [] if sent == stored else [f"{where.rstrip('.')}: sent {sent!r}, read {stored!r}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="Base address of the site")
    parser.add_argument("--token", required=True, help="API token (account/api-tokens/ or manage.py create_api_token)")
    parser.add_argument("--partnership", help="Slug of an existing, empty partnership you coordinate")
    parser.add_argument("--run", default=dt.datetime.now().strftime("%Y%m%d%H%M%S"), help="Suffix for unique names")
    args = parser.parse_args(argv)
    entry = PlanEntry(urllib_sender(args.url, args.token))
    try:
        created = entry.enter_sample_plan(run=args.run, existing_slug=args.partnership)
        diff = entry.differences()
    except ApiError as error:
        print(f"API error: {error}", file=sys.stderr)
        return 2
    print(f"Entered {len(entry.sent)} objects: partnership {created['partnership']}, plan {created['plan']}.")
    if diff:
        print("Read back DIFFERENT from what was sent:")
        print("\n".join(f"  {line}" for line in diff))
        return 1
    print("Read back unchanged: no differences.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
