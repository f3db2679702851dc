"""A finished report tells whoever asked for it, in the app and by e-mail (issue 13 point 3)."""

from __future__ import annotations

from django.core import mail

from csp.models import Notification
from reporting.services import report_request


def test_a_finished_report_tells_the_person_who_asked_once(
    partnership, make_member, report_plan, django_capture_on_commit_callbacks
):
    analyst = make_member(partnership, "analyst", email="asker@example.org")
    make_member(partnership, "analyst", email="other@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        job = report_request(user=analyst, kind="board", plan=report_plan.plan, period=report_plan.q2)
    job.refresh_from_db()
    assert job.state == "done"
    notification = Notification.objects.get(kind=Notification.Kind.REPORT_READY)
    assert (notification.user, notification.url) == (analyst, f"/reports/{job.pk}/")
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]
    assert mail.outbox[0].subject == f"{job.title} is ready"
