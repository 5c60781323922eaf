"""Sync with the national public service portal: protocol (pure), adapter + simulator
(HTTP), the outbox model and the sync service."""
