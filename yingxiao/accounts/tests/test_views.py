"""Login (with django-axes), logout, password change and the profile page."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from yingxiao.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in_username(client):
    from yingxiao.accounts.models import User

    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk).username if pk else None


def test_the_login_page_renders_for_anonymous_visitors(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'name="username"' in response.content and b'name="password"' in response.content


def test_a_demo_user_logs_in_and_lands_on_the_home_page(client):
    response = post_login(client, "rep_east", DEMO_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert logged_in_username(client) == "rep_east"
    assert client.get(response.url).status_code == 200


def test_a_wrong_password_shows_the_form_again(client):
    response = post_login(client, "rep_east", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert logged_in_username(client) is None


def test_login_follows_next(client):
    target = reverse("partners:distributor_list")
    response = client.post(f"{LOGIN}?next={target}", {"username": "rep_east", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == target


@pytest.mark.parametrize(
    "url_name", ["core:home", "partners:distributor_list", "accounts:profile", "accounts:password_change"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"


def test_axes_locks_an_account_after_five_failed_logins(client):
    for _ in range(4):
        assert post_login(client, "rep_east", "wrong-password").status_code == 200
    fifth = post_login(client, "rep_east", "wrong-password")
    assert fifth.status_code == 429  # the fifth failure locks the account

    response = post_login(client, "rep_east", DEMO_PASSWORD)

    assert response.status_code != 302
    assert "accounts/locked.html" in [t.name for t in response.templates]
    assert logged_in_username(client) is None
    # A fresh browser does no better: the lock is on the account.
    other = Client()
    assert post_login(other, "rep_east", DEMO_PASSWORD).status_code != 302
    assert logged_in_username(other) is None


def test_four_failures_do_not_lock(client):
    for _ in range(4):
        post_login(client, "rep_east", "wrong-password")
    assert post_login(client, "rep_east", DEMO_PASSWORD).status_code == 302


def test_the_lock_is_per_account_not_per_address(client):
    for _ in range(5):
        post_login(client, "rep_east", "wrong-password")
    response = post_login(Client(), "director", DEMO_PASSWORD)
    assert response.status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client):
    for _ in range(5):
        post_login(client, "rep_east", "wrong-password")
    assert post_login(Client(), "rep_east", DEMO_PASSWORD).status_code != 302

    # Move the failures 16 minutes into the past.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=16)
        attempt.save(update_fields=["attempt_time"])
        expiration = getattr(attempt, "expiration", None)
        if expiration is not None:
            expiration.expires_at -= timedelta(minutes=16)
            expiration.save()

    assert post_login(Client(), "rep_east", DEMO_PASSWORD).status_code == 302


def test_logout(client):
    post_login(client, "rep_east", DEMO_PASSWORD)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == LOGIN
    assert logged_in_username(client) is None


def test_password_change(client_as, user):
    client = client_as("rep_east")
    assert client.get(reverse("accounts:password_change")).status_code == 200

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "Qw7!marketing", "new_password2": "Qw7!marketing"},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    assert client.get(response.url).status_code == 200
    assert user("rep_east").check_password("Qw7!marketing")
    assert client.get(reverse("core:home")).status_code == 200  # still logged in


def test_password_change_needs_the_old_password(client_as, user):
    client = client_as("rep_east")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not-it", "new_password1": "Qw7!marketing", "new_password2": "Qw7!marketing"},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert user("rep_east").check_password(DEMO_PASSWORD)


def test_password_change_applies_the_password_validators(client_as, user):
    client = client_as("rep_east")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    assert user("rep_east").check_password(DEMO_PASSWORD)


def test_the_profile_shows_roles_and_scope(client_as):
    response = client_as("rep_east").get(reverse("accounts:profile"))
    assert response.status_code == 200
    memberships = list(response.context["memberships"])
    assert [(m.role, m.region.code) for m in memberships] == [("regional_rep", "east")]
    assert "华东" in response.content.decode()


def test_the_page_shell_shows_name_roles_and_region(client_as):
    html = client_as("rep_east").get(reverse("core:home")).content.decode()
    assert "王磊" in html  # the rep's name
    assert "华东" in html  # their region
