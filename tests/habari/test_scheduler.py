"""Scheduler wiring: a job per enabled source, persisted, and kept in step with the config."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from habari.scheduler import JOB_PREFIX, build_scheduler, sync_jobs
from tests.builders import with_sources


def test_every_enabled_source_gets_a_job_due_now(make_settings):
    settings = make_settings()
    scheduler = build_scheduler(settings)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {JOB_PREFIX + s.id for s in settings.config.sources if s.enabled}
        first = settings.config.sources[0]
        job = jobs[JOB_PREFIX + first.id]
        assert job.trigger.interval == timedelta(minutes=first.interval_minutes)
        assert job.next_run_time <= datetime.now(timezone.utc) + timedelta(seconds=5)
    finally:
        scheduler.shutdown(wait=False)


def test_next_run_times_survive_a_restart_and_removed_sources_lose_their_job(make_settings):
    settings = make_settings()
    scheduler = build_scheduler(settings)
    later = datetime.now(timezone.utc) + timedelta(minutes=17)
    kept_id = JOB_PREFIX + settings.config.sources[0].id
    scheduler.get_job(kept_id).modify(next_run_time=later)
    scheduler.shutdown(wait=False)

    restarted = build_scheduler(settings)
    try:
        assert abs(restarted.get_job(kept_id).next_run_time - later) < timedelta(seconds=1)
        sync_jobs(restarted, with_sources(settings, settings.config.sources[:2]))
        assert {job.id for job in restarted.get_jobs()} == {JOB_PREFIX + s.id for s in settings.config.sources[:2]}
    finally:
        restarted.shutdown(wait=False)


def test_a_changed_interval_reschedules_at_once(make_settings):
    settings = make_settings()
    scheduler = build_scheduler(settings)
    first = settings.config.sources[0]
    job_id = JOB_PREFIX + first.id
    scheduler.get_job(job_id).modify(next_run_time=datetime.now(timezone.utc) + timedelta(hours=3))
    faster = first.model_copy(update={"interval_minutes": 5})
    try:
        sync_jobs(scheduler, with_sources(settings, [faster]))
        job = scheduler.get_job(job_id)
        assert job.trigger.interval == timedelta(minutes=5)
        assert job.next_run_time <= datetime.now(timezone.utc) + timedelta(seconds=5)
    finally:
        scheduler.shutdown(wait=False)
