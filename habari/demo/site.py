"""The fake web's data and state: articles, sites and their quirks, requests, responses and a live site.

Every route of the fake web is a function from a LiveSite and a Request to a Response.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit


@dataclass(frozen=True)
class NewsArticle:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime  # UTC-aware
    author: str
    language: str
    updated: datetime | None = None  # UTC-aware; when the outlet last edited the story

    @property
    def modified(self) -> datetime:
        return self.updated or self.published


class Quirk:
    """A behaviour a site can be given (see habari.demo.hostile): routes tried before the site's own
    routes, and the paths under which listings (feed, sitemaps, pages) show an article."""

    def routes(self) -> tuple[tuple[str, Route], ...]:
        return ()

    def paths(self, slug: str) -> tuple[str, ...]:
        """The paths listings give for article `slug`; empty when this quirk leaves the article alone."""
        return ()


@dataclass(frozen=True)
class NewsSite:
    """One outlet of the fake web; `id` keys it in `NewsWeb.urls` and names its Habari sources.

    A `silent` site accepts connections and never answers (a black hole).
    """

    id: str
    name: str
    language: str
    articles: tuple[NewsArticle, ...]
    robots_disallow: tuple[str, ...] = ()
    outlet_type: str = "online"
    quirks: tuple[Quirk, ...] = ()
    silent: bool = False


@dataclass(frozen=True)
class Request:
    path: str
    params: Mapping[str, str]  # the route pattern's named groups
    query: Mapping[str, str]
    headers: Mapping[str, str]  # names lower-cased
    base_url: str


@dataclass(frozen=True)
class Streamed:
    """A body too big to hold: `chunks()` yields exactly `length` bytes."""

    length: int
    chunks: Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes | Streamed = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RequestRecord:
    """One request as it arrived: the path with its query, the headers (names lower-cased), and when
    (time.monotonic(), to measure the waits between requests)."""

    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    at: float = 0.0


class LiveSite:
    """A site being served: its articles (new ones can be published) and every request it received."""

    def __init__(self, site: NewsSite) -> None:
        self.site = site
        self.stopping = threading.Event()  # set when the web stops, so slow answers give up
        self._articles = {article.slug: article for article in site.articles}
        self._newest_first = _newest_first(self._articles)
        self._requests: list[RequestRecord] = []
        self._per_path: Counter[str] = Counter()
        self._neighbours: dict[str, LiveSite] = {}
        self._rendered: dict[str, str] = {}
        self._open_connections = 0
        self._most_open_connections = 0
        self._lock = threading.Lock()

    def publish(self, article: NewsArticle) -> None:
        with self._lock:
            self._articles[article.slug] = article
            self._newest_first = _newest_first(self._articles)
            self._rendered.clear()  # every page lists the newest articles

    def rendered(self, part: str, render: Callable[[], str]) -> str:
        """A part of pages rendered once until the next article is published: the fake web stands in
        for servers on other machines, so its own CPU should weigh little on a crawl benchmark."""
        with self._lock:
            html = self._rendered.get(part)
        if html is None:
            html = render()
            with self._lock:
                self._rendered[part] = html
        return html

    def articles(self) -> tuple[NewsArticle, ...]:
        """Newest first."""
        return self._newest_first

    def article(self, slug: str) -> NewsArticle | None:
        with self._lock:
            return self._articles.get(slug)

    def paths(self, article: NewsArticle) -> tuple[str, ...]:
        """Where listings point for `article`: its quirk's paths, else `/articles/<slug>`; the first is primary."""
        for quirk in self.site.quirks:
            if paths := quirk.paths(article.slug):
                return paths
        return (f"/articles/{article.slug}",)

    def record(self, path: str, headers: Mapping[str, str]) -> None:
        with self._lock:
            self._requests.append(RequestRecord(path, dict(headers), time.monotonic()))
            self._per_path[urlsplit(path).path] += 1

    def connection_opened(self) -> None:
        with self._lock:
            self._open_connections += 1
            self._most_open_connections = max(self._most_open_connections, self._open_connections)

    def connection_closed(self) -> None:
        with self._lock:
            self._open_connections -= 1

    @property
    def most_connections_at_once(self) -> int:
        """The most client connections this site had open at the same moment: how hard a crawler pushed it."""
        with self._lock:
            return self._most_open_connections

    def times_requested(self, path: str) -> int:
        """How many requests for `path` (without query) arrived so far, the one being answered included."""
        with self._lock:
            return self._per_path[path]

    @property
    def requested(self) -> list[str]:
        """The paths asked for (with their queries), in order."""
        with self._lock:
            return [record.path for record in self._requests]

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._requests)

    def meet(self, neighbours: Mapping[str, LiveSite]) -> None:
        """The other answering sites of the web, by base URL; the home page links to their stories."""
        with self._lock:
            self._neighbours = dict(neighbours)

    def neighbours(self) -> dict[str, LiveSite]:
        with self._lock:
            return dict(self._neighbours)


Route = Callable[[LiveSite, Request], Response | None]  # None: not this route's request, try the next


def _newest_first(articles: Mapping[str, NewsArticle]) -> tuple[NewsArticle, ...]:
    return tuple(sorted(articles.values(), key=lambda article: article.published, reverse=True))
