"""Display helpers shared by the API, the pages and `habari search`: times in the council's zone, safe links,
snapshot paths, and what a folded story holds besides its hit. Times are stored in UTC and shown in local
time (EAT); feed URLs are links only when http(s).
"""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from store import SearchHit

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


def others_phrase(hit: SearchHit) -> tuple[str, str]:
    """What a folded story holds besides its hit, in Swahili and English: the outlets among the listed others
    other than the hit's own ('na vyombo 2 vingine', 'and 2 other outlets'; 2+ when more articles match than
    are listed), or the other articles when they all come from the hit's outlet."""
    outlets = len({other.outlet for other in hit.others} - {hit.article.outlet})
    more = "+" if hit.story_size > len(hit.others) + 1 else ""
    if outlets == 1 and not more:
        return "na chombo 1 kingine", "and 1 other outlet"
    if outlets:
        return f"na vyombo {outlets}{more} vingine", f"and {outlets}{more} other outlets"
    articles = hit.story_size - 1
    return f"na makala {articles} nyingine", f"and {articles} other article{'' if articles == 1 else 's'}"
