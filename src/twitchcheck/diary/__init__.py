"""The twitch diary: episodes, daily factors, medicines, other symptoms and saved assessments.

People log twitches over weeks; the diary finds trends and likely triggers and writes the one-page
history a doctor needs (how long, how often, how strong, where, spreading, triggers, medicines,
other symptoms, warning signs). ``db`` stores it, ``service`` changes it, ``analysis`` reads it,
``report`` and ``plots`` show it, ``export`` and ``fhir`` move it in and out.
"""
