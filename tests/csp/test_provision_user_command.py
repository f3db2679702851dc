"""manage.py provision_user: a user with a membership and roles from the command line, through the service."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from csp.models import Membership, MembershipRole
from tests.factories import GroupFactory, MembershipFactory, PartnershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="stevenage")


def run(*args) -> dict:
    out = StringIO()
    call_command("provision_user", *args, stdout=out)
    return json.loads(out.getvalue())


def test_provisions_a_lead_officer_and_invites_them(partnership, django_capture_on_commit_callbacks):
    person = PersonFactory(partnership=partnership, name="Debbie Barker")
    with django_capture_on_commit_callbacks(execute=True):
        result = run(
            "--partnership=stevenage",
            "--email=debbie@example.org",
            "--name=Debbie Barker",
            "--role=lead_officer",
            "--role=viewer",
            f"--person-id={person.pk}",
        )
    assert result["roles"] == ["lead_officer", "viewer"]
    assert result["created_user"] is True
    assert result["invite_status"] == "invited"
    person.refresh_from_db()
    assert person.user_id == result["user"]
    assert mail.outbox[0].to == ["debbie@example.org"]
    grant = MembershipRole.history.filter(membership_id=result["membership"], role="lead_officer").get()
    assert grant.history_user is None
    assert grant.history_change_reason == "manage.py provision_user"


def test_no_invite_sends_nothing(partnership, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = run("--partnership=stevenage", "--email=a@example.org", "--name=A B", "--role=analyst", "--no-invite")
    assert result["invited"] is False
    assert mail.outbox == []


def test_a_chair_with_the_group_they_chair(partnership):
    person, group = PersonFactory(partnership=partnership), GroupFactory(partnership=partnership)
    run(
        "--partnership=stevenage",
        "--email=c@example.org",
        "--name=C D",
        "--role=group_chair",
        f"--person-id={person.pk}",
        f"--group-id={group.pk}",
    )
    group.refresh_from_db()
    assert group.chair == person


def test_another_partnerships_person_is_not_found(partnership):
    foreign = PersonFactory(partnership=PartnershipFactory())
    with pytest.raises(CommandError, match="No person"):
        run(
            "--partnership=stevenage",
            "--email=a@example.org",
            "--name=A",
            "--role=lead_officer",
            f"--person-id={foreign.pk}",
        )
    assert not Membership.objects.exists()


def test_a_broken_rule_is_a_command_error_and_writes_nothing(partnership):
    with pytest.raises(CommandError, match="person"):
        run("--partnership=stevenage", "--email=a@example.org", "--name=A", "--role=lead_officer")
    assert not Membership.objects.exists()


def test_an_unknown_partnership_or_role_is_refused(partnership):
    with pytest.raises(CommandError, match="No partnership"):
        run("--partnership=nowhere", "--email=a@example.org", "--name=A")
    with pytest.raises(CommandError):
        run("--partnership=stevenage", "--email=a@example.org", "--name=A", "--role=operator")


def test_by_names_a_coordinator_who_must_coordinate_the_partnership(partnership):
    coordinator = MembershipFactory(partnership=partnership, roles=("coordinator",)).user
    result = run(
        "--partnership=stevenage", "--email=a@example.org", "--name=A", "--role=viewer", f"--by={coordinator.username}"
    )
    assert MembershipRole.history.get(membership_id=result["membership"]).history_user == coordinator

    outsider = MembershipFactory(partnership=PartnershipFactory(), roles=("coordinator",)).user
    with pytest.raises(CommandError, match="Only a coordinator"):
        run("--partnership=stevenage", "--email=b@example.org", "--name=B", f"--by={outsider.username}")
