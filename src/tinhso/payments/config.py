"""Deployment knobs of the payments app, read where used (no settings.py change needed).

Webhook secrets, per bank notification provider, in this order:

1. ``settings.PAYMENTS_WEBHOOK_SECRETS`` (a dict ``{provider: secret}``), if defined;
2. the environment variable ``BANK_WEBHOOK_SECRET_<PROVIDER>`` (e.g. ``..._DEMO``);
3. the environment variable ``BANK_WEBHOOK_SECRET``.

There is no default: without a secret every notification for that provider is refused.
Tests set ``settings.PAYMENTS_WEBHOOK_SECRETS``.
"""

from __future__ import annotations

import os

from django.conf import settings

REPLAY_WINDOW_SECONDS = 300


def webhook_secret(provider: str) -> str | None:
    configured = getattr(settings, "PAYMENTS_WEBHOOK_SECRETS", None) or {}
    secret = (configured.get(provider)
              or os.environ.get(f"BANK_WEBHOOK_SECRET_{provider.upper()}")
              or os.environ.get("BANK_WEBHOOK_SECRET"))
    return secret or None
