"""Infrastructure tasks."""

from celery import shared_task


@shared_task
def ping(message: str) -> str:
    """Answer 'pong'; used to check that a worker is consuming from the broker."""
    return f"pong: {message}"


@shared_task
def ensure_reporting_periods() -> int:
    """Daily: this year's reporting periods, and next year's once due, for every partnership."""
    from .services import reporting_periods_ensure_all

    return reporting_periods_ensure_all()


@shared_task(acks_late=True)
def send_invitation_email(*, membership_id: int, sent_by_id: int | None = None) -> bool:
    """E-mail a new member: a set-password link if they have no password yet, else a note of the new membership.

    Takes ids and reads the rows afresh: a membership removed before the worker runs sends nothing.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .models import Membership
    from .people import InviteStatus, invite_status, invite_token_generator

    membership = Membership.objects.select_related("user", "partnership").filter(pk=membership_id).first()
    if membership is None or not membership.user.email:
        return False
    user = membership.user
    sender = get_user_model().objects.filter(pk=sent_by_id).first() if sent_by_id else None
    context = {
        "user": user,
        "partnership": membership.partnership,
        "roles": [grant.get_role_display() for grant in membership.roles.order_by("role")],
        "sent_by": (sender.get_full_name() or sender.get_username()) if sender else "",
        "invite_days": settings.CSP_INVITE_DAYS,
        "sign_in_url": settings.SITE_URL + reverse("login"),
        "set_password_url": "",
    }
    if invite_status(user) == InviteStatus.INVITED:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = invite_token_generator.make_token(user)
        context["set_password_url"] = settings.SITE_URL + reverse("csp:invite_accept", args=[uid, token])
    subject = f"You have been added to {membership.partnership.name}"
    body = render_to_string("csp/people/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])
    return True


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail these notifications, each once however often the task runs (csp.notifications)."""
    from .notifications import notifications_email

    return notifications_email(ids=notification_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def email_notification_digests() -> int:
    """Daily: one digest e-mail per user who chose it, with their notifications not yet e-mailed."""
    from .notifications import notifications_email_digests

    return notifications_email_digests()
