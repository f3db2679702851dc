"""Provision a user in a partnership with roles (csp/people.py user_invite), or in an area with an area role
(area_member_add), for partner systems and operators."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from csp.models import Agency, Area, AreaRole, Group, Partnership, Person, Role
from csp.people import CommandLineOperator, area_member_add, invite_status, user_invite


class Command(BaseCommand):
    help = (
        "Add a user (made if no account has the e-mail) to a partnership with roles and e-mail them the "
        "invitation with a set-password link. Prints the membership as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", help="the partnership's slug")
        parser.add_argument("--area", help="the area's slug (with --area-role), instead of a partnership")
        parser.add_argument(
            "--area-role", choices=AreaRole.values, help="the area role to give, e.g. area_analyst (PCC office)"
        )
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="full name")
        parser.add_argument(
            "--role", action="append", default=[], choices=Role.values, help="a role to grant; repeat for several"
        )
        parser.add_argument("--person-id", type=int, help="the partnership's person they are (lead officer, chair)")
        parser.add_argument("--group-id", type=int, help="the partnership's group they chair (group_chair role)")
        parser.add_argument("--agency-id", type=int, help="the partnership's agency they work for")
        parser.add_argument("--no-invite", action="store_true", help="send no invitation e-mail")
        parser.add_argument(
            "--by", help="username of the coordinator named in the history (default: the operator, no user)"
        )

    def handle(self, *args, **options):
        if bool(options["partnership"]) == bool(options["area"]):
            raise CommandError("Give either --partnership SLUG or --area SLUG --area-role ROLE.")
        if options["area"]:
            return self._area_role(options)
        partnership = Partnership.objects.filter(slug=options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with the slug {options['partnership']!r}.")
        # Ids are looked up within the partnership only: another partnership's row is "not found".
        person = self._own(Person, partnership, options["person_id"], "person")
        group = self._own(Group, partnership, options["group_id"], "group")
        agency = self._own(Agency, partnership, options["agency_id"], "agency")
        by = CommandLineOperator("provision_user")
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"], is_active=True).first()
            if by is None:
                raise CommandError(f"No active user named {options['by']!r}.")
        try:
            invitation = user_invite(
                partnership=partnership,
                email=options["email"],
                name=options["name"],
                roles=options["role"],
                person=person,
                group=group,
                agency=agency,
                send_invitation=not options["no_invite"],
                by=by,
            )
        except ValidationError as error:
            problems = error.message_dict if hasattr(error, "error_dict") else {"error": error.messages}
            raise CommandError("; ".join(f"{f}: {' '.join(m)}" for f, m in problems.items())) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        membership = invitation.membership
        self.stdout.write(
            json.dumps(
                {
                    "membership": membership.pk,
                    "user": membership.user_id,
                    "username": membership.user.username,
                    "partnership": partnership.slug,
                    "roles": sorted(membership.role_set),
                    "created_user": invitation.created_user,
                    "invited": invitation.invited,
                    "invite_status": invite_status(membership.user),
                }
            )
        )

    def _area_role(self, options) -> None:
        area = Area.objects.filter(slug=options["area"]).first()
        if area is None:
            raise CommandError(f"No area with the slug {options['area']!r}.")
        if not options["area_role"]:
            raise CommandError("Give the area role: --area-role area_analyst.")
        if options["role"] or options["person_id"] or options["group_id"] or options["agency_id"]:
            raise CommandError("--role, --person-id, --group-id and --agency-id are for a partnership, not an area.")
        try:
            grant = area_member_add(
                area=area,
                email=options["email"],
                name=options["name"],
                role=options["area_role"],
                by=CommandLineOperator("provision_user"),
            )
        except ValidationError as error:
            problems = error.message_dict if hasattr(error, "error_dict") else {"error": error.messages}
            raise CommandError("; ".join(f"{f}: {' '.join(m)}" for f, m in problems.items())) from error
        membership = grant.area_membership
        self.stdout.write(
            json.dumps(
                {
                    "area_membership": membership.pk,
                    "user": membership.user_id,
                    "username": membership.user.username,
                    "area": area.slug,
                    "area_role": membership.role,
                    "created_user": grant.created_user,
                    "invited": False,
                    "invite_status": invite_status(membership.user),
                }
            )
        )

    @staticmethod
    def _own(model, partnership, pk, label):
        if pk is None:
            return None
        found = model.objects.filter(partnership=partnership, pk=pk).first()
        if found is None:
            raise CommandError(f"No {label} {pk} in {partnership.name}.")
        return found
