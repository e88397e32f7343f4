"""Accounts per OWASP ASVS level 2: CSRF on every form, no account discovery, throttling, passwords, sessions."""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from twitchcheck.accounts import passwords, throttle
from twitchcheck.accounts.policy import password_problem
from twitchcheck.diary import models as m
from twitchcheck.diary.db import Database

STRONG = "violet kettle under moss"
AUTH = "/api/v1/auth"


def new_email() -> str:
    return f"sec-{uuid.uuid4().hex[:10]}@example.org"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def sign_up_api(client: TestClient, email: str | None = None) -> tuple[str, dict[str, Any]]:
    email = email or new_email()
    response = client.post(f"{AUTH}/register", json={"email": email, "password": STRONG})
    assert response.status_code == 201, response.text
    return email, response.json()


def token(client: TestClient, email: str, password: str = STRONG) -> dict[str, str]:
    response = client.post(f"{AUTH}/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class CountingHasher:
    """Wraps the Argon2 hasher to count the work done (hashes and verifications)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.hashes, self.verifies = inner, 0, 0

    def hash(self, password: str) -> str:
        self.hashes += 1
        return str(self.inner.hash(password))

    def verify(self, stored: str, password: str) -> bool:
        self.verifies += 1
        return bool(self.inner.verify(stored, password))

    def check_needs_rehash(self, stored: str) -> bool:
        return bool(self.inner.check_needs_rehash(stored))


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    passwords.warm_up()
    hasher = CountingHasher(passwords._State.hasher)
    monkeypatch.setattr(passwords._State, "hasher", hasher)
    return hasher


# --- CSRF on the sign-in and register forms -------------------------------------------------------


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("path", ["/login", "/register", "/recover"])
def test_sign_in_forms_need_a_csrf_token(app: FastAPI, path: str) -> None:
    """Posting /login, /register or /recover without the form's token, or from another site, is refused (403)."""
    email = new_email()
    form = {"email": email, "password": STRONG, "confirm": STRONG, "code": "x"}
    browser = TestClient(app)
    assert browser.post(path, data=form).status_code == 403
    token_value = csrf_of(browser.get(path).text)
    cross_site = browser.post(path, data=form | {"csrf_token": token_value}, headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    assert "tc_session" not in browser.cookies


# --- No account discovery -------------------------------------------------------------------------


def test_unknown_email_does_the_same_work_as_a_wrong_password(client: TestClient, counting: CountingHasher) -> None:
    """Signing in with an unknown email verifies against a dummy hash, exactly like a wrong password."""
    email, _ = sign_up_api(client)
    counting.verifies = 0
    assert client.post(f"{AUTH}/login", json={"email": email, "password": "wrong one!"}).status_code == 401
    wrong_password = counting.verifies
    counting.verifies = 0
    assert client.post(f"{AUTH}/login", json={"email": new_email(), "password": "wrong one!"}).status_code == 401
    assert counting.verifies == wrong_password == 1


def test_register_with_a_taken_email_confirms_nothing(client: TestClient, counting: CountingHasher) -> None:
    """A taken address hashes the password like a new one and answers without saying the address exists."""
    email, _ = sign_up_api(client)
    counting.hashes = 0
    response = client.post(f"{AUTH}/register", json={"email": email, "password": STRONG + " too"})
    assert response.status_code == 409 and counting.hashes == 1
    message = response.json()["error"]["message"].lower()
    assert response.json()["error"]["code"] == "cannot_register"
    assert not any(word in message for word in ("exists", "taken", "already registered", "in use"))


# --- Throttling -----------------------------------------------------------------------------------


def test_delays_grow_and_are_capped() -> None:
    """Three failures are free, then each delay doubles, up to 15 minutes."""
    delays = [throttle.delay_after(n).total_seconds() for n in range(3, 20)]
    assert throttle.delay_after(2) == timedelta(0)
    assert delays[:4] == [2, 4, 8, 16] and delays[-1] == 15 * 60
    assert all(b >= a for a, b in itertools.pairwise(delays))


def test_a_guesser_waits_longer_each_time_but_the_owner_does_not(app: FastAPI, db: Database) -> None:
    """One client's failures delay that client (a longer wait each time), never the owner on another client."""
    email, _ = sign_up_api(TestClient(app))
    guesser = TestClient(app, client=("10.1.0.1", 1))
    waits = []
    for _ in range(3):
        assert guesser.post(f"{AUTH}/login", json={"email": email, "password": "guess guess"}).status_code == 401
    for _ in range(3):
        locked = guesser.post(f"{AUTH}/login", json={"email": email, "password": STRONG})
        assert locked.status_code == 429
        waits.append(int(locked.headers["retry-after"]))
        with db.write() as session:  # the wait has passed: move the failures back in time, then fail again
            for attempt in session.scalars(select(m.LoginAttempt).where(m.LoginAttempt.client == "10.1.0.1")):
                attempt.at -= timedelta(minutes=20)
        guesser.post(f"{AUTH}/login", json={"email": email, "password": "guess again"})
    assert waits[0] < waits[1] < waits[2]
    owner = TestClient(app, client=("10.1.0.2", 1))
    assert owner.post(f"{AUTH}/login", json={"email": email, "password": STRONG}).status_code == 200


# --- Passwords ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak", ["elevenchars", "password1234", "qwertyuiop12", "123qweasdzxc", "aaaaaaaaaaaaaaaa", "iloveyou2024!"]
)
def test_short_common_and_breached_passwords_are_refused(client: TestClient, check_error: Any, weak: str) -> None:
    """Passwords under 12 characters, or common/breached ones (zxcvbn's list and estimate), are refused."""
    assert password_problem(weak) is not None
    check_error(client.post(f"{AUTH}/register", json={"email": new_email(), "password": weak}), 422, "weak_password")


def test_own_email_as_password_is_refused() -> None:
    """A password made of the person's own email is refused."""
    assert password_problem("alex.jones@example.org", "alex.jones@example.org") is not None
    assert password_problem(STRONG, "alex.jones@example.org") is None


def test_password_change_signs_out_other_sessions(client: TestClient, check_error: Any) -> None:
    """Changing the password needs the current one, keeps this token and signs out every other token."""
    email, _ = sign_up_api(client)
    mine, elsewhere = token(client, email), token(client, email)
    body = {"current_password": "not it at all", "new_password": "a brand new long secret"}
    check_error(client.post(f"{AUTH}/password", json=body, headers=mine), 403, "invalid_credentials")
    check_error(
        client.post(
            f"{AUTH}/password", json=body | {"current_password": STRONG, "new_password": "short"}, headers=mine
        ),
        422,
        "weak_password",
    )
    body["current_password"] = STRONG
    assert client.post(f"{AUTH}/password", json=body, headers=mine).status_code == 204
    assert client.get(f"{AUTH}/me", headers=mine).status_code == 200
    check_error(client.get(f"{AUTH}/me", headers=elsewhere), 401)
    check_error(client.post(f"{AUTH}/login", json={"email": email, "password": STRONG}), 401)
    token(client, email, "a brand new long secret")


def test_recovery_codes_work_once_and_sign_out_everywhere(client: TestClient, check_error: Any) -> None:
    """Registration shows ten codes; one sets a new password once, and every old token is signed out."""
    email, body = sign_up_api(client)
    codes = body["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    old = token(client, email)
    recover = {"email": email, "recovery_code": codes[3].lower(), "new_password": "copper lantern at dawn"}
    assert client.post(f"{AUTH}/recover", json=recover).status_code == 204
    check_error(client.get(f"{AUTH}/me", headers=old), 401)
    token(client, email, "copper lantern at dawn")
    check_error(client.post(f"{AUTH}/recover", json=recover | {"new_password": "yet another good one"}), 401)
    fresh = client.post(
        f"{AUTH}/recovery-codes",
        json={"password": "copper lantern at dawn"},
        headers=token(client, email, "copper lantern at dawn"),
    )
    assert fresh.status_code == 200 and set(fresh.json()["recovery_codes"]).isdisjoint(codes)
    check_error(client.post(f"{AUTH}/recover", json=recover | {"recovery_code": codes[0]}), 401)


def test_sign_out_everywhere(client: TestClient, check_error: Any) -> None:
    """POST /auth/logout-all revokes every token of the account."""
    email, _ = sign_up_api(client)
    first, second = token(client, email), token(client, email)
    assert client.post(f"{AUTH}/logout-all", headers=first).status_code == 204
    check_error(client.get(f"{AUTH}/me", headers=first), 401)
    check_error(client.get(f"{AUTH}/me", headers=second), 401)


def test_deleting_the_account_by_api_needs_the_password(client: TestClient, check_error: Any) -> None:
    """DELETE /auth/account without the password is 422, with a wrong one 403; with the right one 204."""
    email, _ = sign_up_api(client)
    headers = token(client, email)
    check_error(client.delete(f"{AUTH}/account", headers=headers), 422)
    check_error(client.request("DELETE", f"{AUTH}/account", json={"password": "nope nope"}, headers=headers), 403)
    assert client.get(f"{AUTH}/me", headers=headers).status_code == 200
    assert client.request("DELETE", f"{AUTH}/account", json={"password": STRONG}, headers=headers).status_code == 204
    check_error(client.get(f"{AUTH}/me", headers=headers), 401)


# --- Page sessions --------------------------------------------------------------------------------


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_page_sessions_end_after_30_idle_minutes(app: FastAPI, db: Database) -> None:
    """A page session unused for over 30 minutes has ended; one used within them goes on."""
    browser = TestClient(app)
    email = new_email()
    page = browser.get("/register")
    form = {"email": email, "password": STRONG, "confirm": STRONG, "csrf_token": csrf_of(page.text)}
    assert browser.post("/register", data=form).status_code == 201
    assert browser.get("/diary", follow_redirects=False).status_code == 200
    with db.write() as session:
        user_id = session.query(m.User.id).filter(m.User.email == email).scalar()
        when = m.utcnow() - timedelta(minutes=29)
        session.execute(update(m.WebSession).where(m.WebSession.user_id == user_id).values(last_seen_at=when))
    assert browser.get("/diary", follow_redirects=False).status_code == 200  # used: alive for another 30 minutes
    with db.write() as session:
        when = m.utcnow() - timedelta(minutes=31)
        session.execute(update(m.WebSession).where(m.WebSession.user_id == user_id).values(last_seen_at=when))
    assert browser.get("/diary", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_account_page_changes_password_and_signs_out_everywhere(app: FastAPI) -> None:
    """The account page changes the password (this browser stays in) and signs out everywhere."""
    browser, other = TestClient(app), TestClient(app)
    email = new_email()
    form = {"email": email, "password": STRONG, "confirm": STRONG, "csrf_token": csrf_of(browser.get("/register").text)}
    assert browser.post("/register", data=form).status_code == 201
    login = {"email": email, "password": STRONG, "csrf_token": csrf_of(other.get("/login").text)}
    assert other.post("/login", data=login).url.path == "/diary"
    new = "granite owl sings twice"
    change = {"csrf_token": csrf_of(browser.get("/account").text), "current": STRONG, "password": new, "confirm": new}
    assert browser.post("/account/password", data=change).url.path == "/account"
    assert other.get("/diary", follow_redirects=False).status_code == 303
    assert browser.get("/diary", follow_redirects=False).status_code == 200
    browser.post("/account/logout-all", data={"csrf_token": csrf_of(browser.get("/account").text)})
    assert browser.get("/diary", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("length", [72, 73, 100, 256])
def test_long_passwords_are_judged_not_crashed(length: int) -> None:
    """Passwords up to the 256-character maximum are judged (zxcvbn itself stops at 72 characters)."""
    strong = ("violet kettle under moss " * 11)[:length]
    assert password_problem(strong) is None
    assert password_problem("a" * length) is not None
