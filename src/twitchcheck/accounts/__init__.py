"""Accounts: register, sign in (API tokens and browser sessions), rate limits, delete everything."""
