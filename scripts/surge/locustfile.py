"""Quarter-end surge (locust): 70% lead officers, 20% chairs, 10% analysts, against one deployment.

Run by scripts/surge/run.py, which prepares sessions and work lists (SURGE_DATA, a JSON file) and
checks the rows afterwards. Each write's outcome is counted by name: a 302 is a write that happened.
"""

from __future__ import annotations

import json
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

DATA = json.loads(Path(os.environ["SURGE_DATA"]).read_text()) if os.environ.get("SURGE_DATA") else {}
WRITES: dict[str, int] = {}
# The report jobs the "Request report" answers pointed at: identical requests share one queued job.
REPORT_JOB_IDS: set[int] = set()


class FormFields(HTMLParser):
    """The fields of the page's form that posts to `action`, with the values the page gives."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("method", "").lower() == "post" and a.get("action", self.action) in ("", self.action)
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                if kind == "radio":
                    self.fields.setdefault(name, "")  # a choice nobody has made yet: still a field to fill
                return
            if kind != "submit":
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> dict[str, str]:
    parser = FormFields(action)
    parser.feed(html)
    return parser.fields


class Member(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    role = ""

    def on_start(self) -> None:
        self.person = random.choice(DATA[self.role])
        self.csrf = ""

    def _headers(self, path: str) -> dict[str, str]:
        # TLS ends at the proxy in production: say so, as the proxy would, so secure cookies and CSRF apply.
        cookie = f"sessionid={self.person['session']}" + (f"; csrftoken={self.csrf}" if self.csrf else "")
        return {"Cookie": cookie, "X-Forwarded-Proto": "https", "Referer": f"https://{DATA['host']}{path}"}

    def get(self, path: str, name: str):
        response = self.client.get(path, headers=self._headers(path), name=name, allow_redirects=False)
        self.csrf = response.cookies.get("csrftoken") or self.csrf
        return response

    def post(self, path: str, data: dict, name: str) -> bool:
        data = {**data, "csrfmiddlewaretoken": data.get("csrfmiddlewaretoken", self.csrf)}
        with self.client.post(
            path, data=data, headers=self._headers(path), name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                WRITES[name] = WRITES.get(name, 0) + 1
                job = re.search(r"/reports/(\d+)/", response.headers.get("Location", ""))
                if name == "Request report" and job:
                    REPORT_JOB_IDS.add(int(job.group(1)))
                response.success()
                return True
            if response.status_code < 500:
                response.success()  # a refused write (stale version, already decided): no error, not counted
                refused = f"{name} refused {response.status_code}"
                WRITES[refused] = WRITES.get(refused, 0) + 1
                return False
            response.failure(f"{response.status_code}")
            return False


class LeadOfficer(Member):
    weight = 7
    role = "leads"

    @task
    def quarter_end_update(self) -> None:
        self.get("/plans/my-items/", "My items")
        if not self.person["items"]:
            self.person = random.choice(DATA[self.role])  # this officer is done: another one logs in
            return
        path = random.choice(self.person["items"])
        fields = form_fields(self.get(path, "Update page").text, path)
        if "version" not in fields:
            # Already submitted or approved: nothing to write. (Two simulated users may be the same person and
            # find this out together: the second finds it gone from the list already.)
            if path in self.person["items"]:
                self.person["items"].remove(path)
            return
        fields.update({"progress": "Quarter-end progress from the surge test.", "rag_status": "green"})
        for name in fields:
            if name.endswith("rag_status"):
                fields[name] = "green"
        if not self.post(path, {**fields, "action": "save"}, "Save draft"):
            return
        fields = form_fields(self.get(path, "Update page").text, path)
        if "version" in fields:
            fields.update({"progress": "Quarter-end progress, submitted.", "rag_status": "green"})
            for name in fields:
                if name.endswith("rag_status"):
                    fields[name] = "green"
            if self.post(path, {**fields, "action": "submit"}, "Submit") and path in self.person["items"]:
                self.person["items"].remove(path)


class Chair(Member):
    weight = 2
    role = "chairs"

    @task
    def review(self) -> None:
        self.get("/plans/review/", "Review dashboard")
        if not self.person["updates"]:
            return
        update_id = self.person["updates"].pop()
        path = f"/plans/updates/{update_id}/review/"
        self.get(f"/plans/objectives/{self.person['objective_of'][str(update_id)]}/", "Objective page")
        decision = random.choice(["approve", "approve", "return"])
        prefix = f"review-{update_id}"
        comment = "Please add this quarter's figures." if decision == "return" else ""
        data = {f"{prefix}-decision": decision, f"{prefix}-comment": comment}
        self.post(path, data, "Approve or return")


class Analyst(Member):
    weight = 1
    role = "analysts"

    @task
    def request_report(self) -> None:
        self.get("/reports/", "Report list")
        data = {"kind": "board", "plan": self.person["plan"], "period": self.person["period"]}
        self.post("/reports/", data, "Request report")


@events.quitting.add_listener
def _write_counts(environment, **kwargs) -> None:
    path = os.environ.get("SURGE_WRITES")
    if path:
        with open(path, "w") as file:
            json.dump({**WRITES, "report job ids": sorted(REPORT_JOB_IDS)}, file)
