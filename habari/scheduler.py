"""Scheduler wiring: one polling job per enabled source, kept in a persistent APScheduler job store.

Next run times survive restarts; a job missed while the server was down runs once when it is back.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from crawlers.run import crawl
from settings.config import ConfigError
from settings.environment import Settings

log = logging.getLogger("habari.scheduler")
JOB_PREFIX = "poll:"
PARALLEL_CRAWLS = 2


def poll_source(source_id: str) -> None:
    """Job body: crawl one source with settings read afresh, so config edits apply at the next poll."""
    try:
        settings = Settings()
    except ConfigError as error:
        log.error("poll of %s skipped: %s", source_id, error)
        return
    if source_id not in {source.id for source in settings.config.sources}:
        log.warning("poll of %s skipped: the source is no longer configured", source_id)
        return
    crawl(settings, [source_id])


def build_scheduler(settings: Settings) -> BackgroundScheduler:
    """A scheduler whose jobs match the configured sources; not started."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{settings.data_dir / 'scheduler.sqlite3'}")},
        executors={"default": ThreadPoolExecutor(PARALLEL_CRAWLS)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=settings.config.schedule.timezone,
    )
    scheduler.start(paused=True)
    sync_jobs(scheduler, settings)
    return scheduler


def sync_jobs(scheduler: BackgroundScheduler, settings: Settings) -> None:
    """Add a job per enabled source, drop jobs of removed sources, keep persisted next run times."""
    wanted = {source.id: source for source in settings.config.sources if source.enabled}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id.removeprefix(JOB_PREFIX) not in wanted:
            log.info("removing the job of %s: no longer configured", job.id)
            job.remove()
    now = datetime.now(timezone.utc)
    for source in wanted.values():
        job_id = JOB_PREFIX + source.id
        trigger = IntervalTrigger(minutes=source.interval_minutes, timezone=timezone.utc)
        existing = scheduler.get_job(job_id)
        unchanged = existing is not None and existing.trigger.interval == trigger.interval
        scheduler.add_job(
            poll_source,
            trigger,
            args=[source.id],
            id=job_id,
            name=f"poll {source.outlet} ({source.kind.value})",
            replace_existing=True,
            next_run_time=existing.next_run_time if unchanged else now,
        )
    log.info("%d sources scheduled", len(wanted))
