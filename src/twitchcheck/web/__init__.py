"""The web app and JSON API: FastAPI with server-rendered Jinja2 pages (``create_app`` in web.app)."""
