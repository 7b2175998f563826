"""Display helpers shared by the API and the pages: times in the council's zone, safe links, snapshot paths.

Times are stored in UTC and shown in local time (EAT); feed URLs are links only when http(s).
"""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

LOCAL_FORMAT = "%d %b %Y, %H:%M %Z"
LINK_SCHEMES = ("http", "https")


def utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(timezone.utc) if moment else None


def local_time(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """'05 Mar 2026, 11:00 EAT' for an aware datetime; None when there is no time."""
    return moment.astimezone(zone).strftime(LOCAL_FORMAT) if moment else None


def safe_link(url: str) -> str | None:
    """The URL when it is an absolute http(s) address, else None (javascript:, data:, relative...)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else None


def snapshot_path(doc_id: str) -> str:
    """Where the archived copy of an article is served."""
    return f"/articles/{quote(doc_id, safe='')}/snapshot"
