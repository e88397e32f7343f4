"""What makes a password acceptable (OWASP ASVS 4.0 level 2, section 2.1).

At least ``MIN_PASSWORD`` (12) characters and at most ``MAX_PASSWORD`` (256); any characters,
spaces included, and no rules about character classes. The password must not be one of the
30,000 most common passwords of public breaches, nor easy to guess from them: both come from
zxcvbn (Dropbox's estimator, offline), whose password list is drawn from leaked password sets
and which also sees through ``Password1234``, keyboard walks, repeats, dates and the person's own
email address. A password zxcvbn scores below 3 ("safely unguessable" starts at 3) is refused.
"""

from __future__ import annotations

from functools import lru_cache

MIN_PASSWORD, MAX_PASSWORD = 12, 256
MIN_SCORE = 3
ESTIMATE_CHARS = 64  # zxcvbn refuses more than 72 characters (and slows with length); 64 decide anyway


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Zxcvbn's list of common and breached passwords (lower case)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why a new password is not acceptable, in words for the person; None when it is fine."""
    if len(password) < MIN_PASSWORD:
        return f"use at least {MIN_PASSWORD} characters (a few unrelated words make a good password)"
    if len(password) > MAX_PASSWORD:
        return f"use at most {MAX_PASSWORD} characters"
    lowered = password.strip().lower()
    if not lowered or (email and lowered == email.lower()):
        return "choose a password that is not empty and not your email"
    if lowered in common_passwords():
        return "this password is on a list of common or breached passwords; choose another"
    from zxcvbn import zxcvbn

    hints = [email, email.split("@")[0]] if email else []
    estimate = zxcvbn(password[:ESTIMATE_CHARS], user_inputs=[*hints, "twitchcheck", "twitch"])
    if estimate["score"] < MIN_SCORE:
        warning = (estimate.get("feedback") or {}).get("warning") or "it is built from common words or patterns"
        return f"this password is too easy to guess ({warning.rstrip('.').lower()}); a few unrelated words are better"
    return None
