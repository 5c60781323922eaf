"""Background tasks of the digital border gate: thin wrappers over the services, given
ids (or nothing), each safe to run twice. The periodic ones are scheduled in
`settings.PERIODIC_TASKS` and enqueued by `tinhso scheduler`."""

from __future__ import annotations

from django_tasks import task

from tinhso.border import services, whatif


@task()
def mark_no_shows() -> list[int]:
    """Booked trucks that did not come within their gate's window lose their slot."""
    return services.mark_no_shows()


@task()
def refresh_advisories() -> list[int]:
    """Publish an advisory for each gate whose congestion level changed."""
    return [advisory.pk for advisory in services.refresh_advisories()]


@task(queue_name="simulations")
def run_whatif(run_id: int) -> str:
    return whatif.run(run_id)
