"""Nothing typed is lost on the update page: copy last quarter, a save after the session ended, the conflict screen."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from csp.models import RagStatus, Role
from plans.models import PendingSave, QuarterlyUpdate
from plans.selectors.update_diff import word_diff_html
from plans.services.pending_saves import owner_token
from tests.factories import MembershipFactory, OutcomeStatusFactory, QuarterlyUpdateFactory
from tests.plans.test_updates_services import domestic_abuse_item
from tests.plans.test_updates_views import edit_url, form_data


@pytest.fixture
def item(db):
    item = domestic_abuse_item()
    previous = QuarterlyUpdateFactory(
        objective=item.objective,
        period=item.q1,
        progress="Q1: campaign launched.",
        rag_status=RagStatus.AMBER,
        state="approved",
    )
    OutcomeStatusFactory(update=previous, outcome=item.outcomes[0], rag_status=RagStatus.RED, note="Not started")
    return item


# --- Copy last quarter's text, without JavaScript -----------------------------------------------------


def test_copy_is_a_button_that_posts_the_form_not_a_link(client, item):
    client.force_login(item.lead_user)
    page = client.get(edit_url(item)).content.decode()
    assert 'form="update-form" name="action" value="copy"' in page
    assert "?copy=previous" not in page
    assert 'data-field="progress"' in page  # last quarter's values for the script


def test_copy_fills_empty_fields_and_keeps_typed_text_of_others(client, item):
    client.force_login(item.lead_user)
    note = f"outcome-{item.outcomes[0].pk}-note"
    response = client.post(edit_url(item), {"version": 0, "progress": "", note: "Not started", "action": "copy"})
    page = response.content.decode()
    assert response.status_code == 200
    assert ">Q1: campaign launched.</textarea>" in page
    assert 'value="amber" aria-describedby="id_rag_status-amber-hint" checked' in page
    assert not QuarterlyUpdate.objects.filter(period=item.q2).exists()  # nothing saved


def test_copy_over_typed_text_asks_first_and_keeps_what_was_typed(client, item):
    client.force_login(item.lead_user)
    response = client.post(
        edit_url(item), {"version": 0, "progress": "My new text about Q2", "rag_note": "", "action": "copy"}
    )
    page = response.content.decode()
    assert "Replace what you typed with last quarter's text?" in page
    assert "My new text about Q2" in page  # shown, and carried in the confirmation form
    assert 'name="progress" value="My new text about Q2"' in page
    assert "Q1: campaign launched." in page


def test_keep_my_text_copies_only_into_empty_fields(client, item):
    client.force_login(item.lead_user)
    response = client.post(edit_url(item), {"version": 0, "progress": "My new text", "action": "copy_fill"})
    page = response.content.decode()
    assert ">My new text</textarea>" in page
    assert "Q1: campaign launched.</textarea>" not in page
    assert 'value="amber" aria-describedby="id_rag_status-amber-hint" checked' in page
    assert "the text you had typed is kept" in page


def test_replace_puts_last_quarters_text_in_after_confirmation(client, item):
    client.force_login(item.lead_user)
    page = client.post(
        edit_url(item), {"version": 0, "progress": "My new text", "action": "copy_replace"}
    ).content.decode()
    assert ">Q1: campaign launched.</textarea>" in page


def test_copy_keeps_the_version_the_page_was_opened_at(client, item):
    client.force_login(item.lead_user)
    page = client.post(edit_url(item), {"version": 7, "progress": "", "action": "copy"}).content.decode()
    assert 'name="version" value="7"' in page


# --- A save after the session ended ------------------------------------------------------------------


def _expired_save(client, item, progress="Typed for an hour, then saved."):
    token = owner_token(user=item.lead_user, objective=item.objective, period=item.q2)
    client.logout()
    return client.post(edit_url(item), {**form_data(item, progress=progress), "owner": token})


def test_a_save_after_the_session_ended_is_kept_and_sign_in_is_asked_for(client, item):
    response = _expired_save(client, item)
    assert response.status_code == 302
    target = urlparse(response.url)
    assert target.path == reverse("login")
    kept = PendingSave.objects.get()
    assert kept.user == item.lead_user
    assert kept.fields["progress"] == ["Typed for an hour, then saved."]
    assert "owner" not in kept.fields
    assert "csrfmiddlewaretoken" not in kept.fields
    assert parse_qs(target.query)["next"] == [f"{edit_url(item)}?restore={kept.token}"]
    assert not QuarterlyUpdate.objects.filter(period=item.q2).exists()


def test_the_same_user_gets_the_text_back_after_signing_in(client, item):
    next_url = parse_qs(urlparse(_expired_save(client, item).url).query)["next"][0]
    client.force_login(item.lead_user)
    page = client.get(next_url).content.decode()
    assert "We kept what you typed; check and save." in page
    assert ">Typed for an hour, then saved.</textarea>" in page
    assert "data-app-dirty" in page


def test_another_user_never_gets_the_kept_text(client, item):
    next_url = parse_qs(urlparse(_expired_save(client, item).url).query)["next"][0]
    coordinator = MembershipFactory(partnership=item.partnership, roles=(Role.COORDINATOR,)).user
    client.force_login(coordinator)
    page = client.get(next_url).content.decode()
    assert "We kept what you typed" not in page
    assert "Typed for an hour" not in page


def test_kept_text_expires_after_a_day(client, item):
    next_url = parse_qs(urlparse(_expired_save(client, item).url).query)["next"][0]
    PendingSave.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    client.force_login(item.lead_user)
    assert "Typed for an hour" not in client.get(next_url).content.decode()


def test_a_forged_owner_token_keeps_nothing(client, item):
    client.logout()
    response = client.post(edit_url(item), {**form_data(item), "owner": "someone:forged"})
    assert response.status_code == 302
    assert "restore" not in response.url
    assert not PendingSave.objects.exists()


def test_an_owner_token_for_another_update_keeps_nothing(client, item):
    token = owner_token(user=item.lead_user, objective=item.objective, period=item.q1)
    client.logout()
    client.post(edit_url(item), {**form_data(item), "owner": token})
    assert not PendingSave.objects.exists()


def test_kept_text_is_shown_to_copy_when_the_update_was_locked_meanwhile(client, item):
    next_url = parse_qs(urlparse(_expired_save(client, item).url).query)["next"][0]
    QuarterlyUpdateFactory(objective=item.objective, period=item.q2, state="submitted", progress="Someone submitted.")
    client.force_login(item.lead_user)
    page = client.get(next_url).content.decode()
    assert "We kept what you typed, but this update can no longer be changed." in page
    assert "Typed for an hour, then saved." in page
    assert "<textarea" not in page


def test_saving_the_restored_update_clears_the_kept_copy(client, item):
    _expired_save(client, item)
    client.force_login(item.lead_user)
    response = client.post(edit_url(item), form_data(item, progress="Typed for an hour, then saved."))
    assert response.status_code == 302
    assert not PendingSave.objects.exists()
    assert QuarterlyUpdate.objects.get(period=item.q2).progress == "Typed for an hour, then saved."


# --- The conflict screen -----------------------------------------------------------------------------


def test_the_conflict_screen_names_who_saved_when_and_highlights_the_differences(client, item):
    coordinator = MembershipFactory(partnership=item.partnership, roles=(Role.COORDINATOR,)).user
    coordinator.first_name, coordinator.last_name = "Carol", "Coordinator"
    coordinator.save()
    client.force_login(coordinator)
    client.post(edit_url(item), form_data(item, progress="Two campaigns run in July."))
    saved = QuarterlyUpdate.objects.get(period=item.q2)
    client.force_login(item.lead_user)
    response = client.post(edit_url(item), form_data(item, progress="Two campaigns run in August.", version=0))
    page = response.content.decode()
    assert response.status_code == 409
    when = timezone.localtime(saved.updated_at)
    assert f"Saved by <strong>Carol Coordinator</strong> on {when:%-d %B %Y} at {when:%H:%M}" in page
    assert "<del>July.</del> <ins>August.</ins>" in page
    assert "Progress this quarter</dt>" in page


def test_word_diff_escapes_text():
    html = word_diff_html("a <b>", "a <i>")
    assert html == "a <del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins>"


def test_word_diff_marks_the_changed_words_and_keeps_the_rest():
    assert word_diff_html("Posters ordered.", "Posters ordered and printed.") == (
        "Posters <del>ordered.</del> <ins>ordered and printed.</ins>"
    )


# --- The session's end, known to the page -------------------------------------------------------------


def test_pages_say_when_the_session_ends_and_offer_the_warning(client, item, settings):
    settings.SESSION_COOKIE_AGE = 900
    client.force_login(item.lead_user)
    page = client.get(reverse("plans:my_items")).content.decode()
    # The time left since signing in (the clock may have moved on a second or two).
    assert 895 <= int(re.search(r'data-session-expires-in="(\d+)"', page).group(1)) <= 900
    assert 'id="timeout-warning"' in page
    assert "js/session-timeout.js" in page


def test_keep_alive_touches_the_session(client, item):
    client.force_login(item.lead_user)
    response = client.post(reverse("csp:keep_alive"))
    assert response.status_code == 200
    assert response.json()["signed_in"] is True
    assert response.json()["expires_in"] > 0


def test_keep_alive_after_the_session_ended_says_so(client, db):
    response = client.post(reverse("csp:keep_alive"))
    assert response.status_code == 401
    assert response.json() == {"signed_in": False}
