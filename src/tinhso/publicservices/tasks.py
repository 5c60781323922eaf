"""Background work of the one-stop public services: thin wrappers, given ids."""

from __future__ import annotations

from django_tasks import task

from tinhso.publicservices.portal import sync


@task()
def push_portal_updates(dossier_id: int) -> str:
    return sync.deliver(dossier_id)


@task()
def retry_portal_updates() -> int:
    return sync.retry_due()


@task()
def pull_portal_dossiers() -> dict[str, int]:
    return sync.pull()
