"""Matching work outside the request. Arguments are ids only, never names (the database
backend stores task arguments in clear)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_link_files(job_id: int) -> None:
    """Link or de-duplicate the files of one /matching/link-files/ upload (linkfiles.run_job)."""
    from . import linkfiles

    linkfiles.run_job(job_id)
