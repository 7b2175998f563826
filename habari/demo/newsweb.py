"""A small local news web: each site's home page, RSS feed, robots.txt and article pages over HTTP.

Tests crawl it instead of the internet, and `habari demo` serves the bundled outlets with it.
"""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit
from xml.etree import ElementTree

logger = logging.getLogger("habari.demo.newsweb")

_SW_MONTHS = ("Januari", "Februari", "Machi", "Aprili", "Mei", "Juni", "Julai", "Agosti",
              "Septemba", "Oktoba", "Novemba", "Desemba")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_CHROME = {  # the boilerplate around an article, per language
    "sw": {"home": "Mwanzo", "sections": ("Habari", "Siasa", "Biashara", "Michezo"), "by": "Na",
           "latest": "Habari mpya", "newsletter": "Jiunge na jarida letu upate habari kila asubuhi.",
           "rights": "Haki zote zimehifadhiwa.", "contact": "Wasiliana nasi"},
    "en": {"home": "Home", "sections": ("News", "Politics", "Business", "Sport"), "by": "By",
           "latest": "Latest news", "newsletter": "Sign up for our newsletter to get the news every morning.",
           "rights": "All rights reserved.", "contact": "Contact us"},
}


@dataclass(frozen=True)
class NewsArticle:
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime  # UTC-aware
    author: str
    language: str


@dataclass(frozen=True)
class NewsSite:
    """One outlet of the fake web; `id` keys it in `NewsWeb.urls` and names its Habari source."""

    id: str
    name: str
    language: str
    articles: tuple[NewsArticle, ...]
    robots_disallow: tuple[str, ...] = ()
    outlet_type: str = "online"


@dataclass(frozen=True)
class Request:
    path: str
    params: Mapping[str, str]
    headers: Mapping[str, str]
    base_url: str


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


class LiveSite:
    """A site being served: its articles (new ones can be published) and every path asked for."""

    def __init__(self, site: NewsSite) -> None:
        self.site = site
        self._articles = {article.slug: article for article in site.articles}
        self._requested: list[str] = []
        self._lock = threading.Lock()

    def publish(self, article: NewsArticle) -> None:
        with self._lock:
            self._articles[article.slug] = article

    def articles(self) -> list[NewsArticle]:
        """Newest first."""
        with self._lock:
            return sorted(self._articles.values(), key=lambda a: a.published, reverse=True)

    def article(self, slug: str) -> NewsArticle | None:
        with self._lock:
            return self._articles.get(slug)

    def record(self, path: str) -> None:
        with self._lock:
            self._requested.append(path)

    @property
    def requested(self) -> list[str]:
        with self._lock:
            return list(self._requested)


Route = Callable[[LiveSite, Request], Response]


def home_page(site: LiveSite, request: Request) -> Response:
    chrome = _chrome(site.site.language)
    items = "\n".join(
        f'<li><a href="/articles/{escape(a.slug)}">{escape(a.title)}</a>'
        f"<p>{escape(a.paragraphs[0] if a.paragraphs else '')}</p></li>"
        for a in site.articles()
    )
    main = f'<main><h1>{escape(chrome["latest"])}</h1>\n<ul class="stories">\n{items}\n</ul></main>'
    return Response(200, _page(site.site, site.site.name, main, head="").encode())


def rss_feed(site: LiveSite, request: Request) -> Response:
    rss = ElementTree.Element("rss", version="2.0")
    channel = ElementTree.SubElement(rss, "channel")
    for tag, text in (("title", site.site.name), ("link", request.base_url + "/"),
                      ("description", site.site.name), ("language", site.site.language)):
        ElementTree.SubElement(channel, tag).text = text
    for article in site.articles():
        item = ElementTree.SubElement(channel, "item")
        link = f"{request.base_url}/articles/{article.slug}"
        for tag, text in (("title", article.title), ("link", link), ("guid", link),
                          ("pubDate", format_datetime(article.published.astimezone(timezone.utc), usegmt=True)),
                          ("author", article.author),
                          ("description", article.paragraphs[0] if article.paragraphs else "")):
            ElementTree.SubElement(item, tag).text = text
    body = ElementTree.tostring(rss, encoding="utf-8", xml_declaration=True)
    return Response(200, body, content_type="application/rss+xml; charset=utf-8")


def robots_txt(site: LiveSite, request: Request) -> Response:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in site.site.robots_disallow)]
    return Response(200, ("\n".join(lines) + "\n").encode(), content_type="text/plain; charset=utf-8")


def article_page(site: LiveSite, request: Request) -> Response:
    article = site.article(request.params["slug"])
    if article is None:
        return not_found(site, request)
    chrome = _chrome(site.site.language)
    published = article.published.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    canonical = f"{request.base_url}/articles/{article.slug}"
    head = (
        f'<meta property="og:title" content="{escape(article.title)}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="article:published_time" content="{published}">\n'
        f'<meta name="author" content="{escape(article.author)}">\n'
        f'<link rel="canonical" href="{escape(canonical)}">'
    )
    paragraphs = "\n".join(f"<p>{escape(text)}</p>" for text in article.paragraphs)
    others = "\n".join(
        f'<li><a href="/articles/{escape(a.slug)}">{escape(a.title)}</a></li>'
        for a in site.articles() if a.slug != article.slug
    )
    main = (
        f'<main>\n<article>\n<h1>{escape(article.title)}</h1>\n'
        f'<p class="byline">{chrome["by"]} <span class="author">{escape(article.author)}</span> · '
        f'<time datetime="{published}">{_display_date(article.published, site.site.language)}</time></p>\n'
        f"{paragraphs}\n</article>\n"
        f'<aside class="sidebar"><h2>{escape(chrome["latest"])}</h2>\n<ul>\n{others}\n</ul>\n'
        f'<div class="newsletter">{escape(chrome["newsletter"])}</div></aside>\n</main>'
    )
    return Response(200, _page(site.site, f"{article.title} | {site.site.name}", main, head).encode())


def not_found(site: LiveSite, request: Request) -> Response:
    return Response(404, _page(site.site, "404", "<main><h1>404</h1></main>", head="").encode())


ROUTES: tuple[tuple[str, Route], ...] = (
    (r"/", home_page),
    (r"/rss\.xml", rss_feed),
    (r"/robots\.txt", robots_txt),
    (r"/articles/(?P<slug>[A-Za-z0-9_-]+)", article_page),
)


def _page(site: NewsSite, title: str, main: str, head: str) -> str:
    chrome = _chrome(site.language)
    sections = "".join(f'<li><a href="/#{escape(s.lower())}">{escape(s)}</a></li>' for s in chrome["sections"])
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(site.language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n{head}\n</head>\n<body>\n"
        f'<header class="masthead"><a class="logo" href="/">{escape(site.name)}</a>\n'
        f'<nav><ul><li><a href="/">{chrome["home"]}</a></li>{sections}'
        f'<li><a href="/rss.xml">RSS</a></li></ul></nav></header>\n{main}\n'
        f'<footer><p>© {escape(site.name)}. {chrome["rights"]}</p>'
        f'<p><a href="/#contact">{chrome["contact"]}</a></p></footer>\n</body>\n</html>\n'
    )


def _chrome(language: str) -> dict:
    return _CHROME.get(language, _CHROME["en"])


def _display_date(moment: datetime, language: str) -> str:
    months = _SW_MONTHS if language == "sw" else _EN_MONTHS
    return f"{moment.day} {months[moment.month - 1]} {moment.year}"


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self.server.live.record(self.path)
        response = self.server.dispatch(urlsplit(self.path).path, {k.lower(): v for k, v in self.headers.items()})
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the stdlib's name)
        logger.debug("%s %s", self.server.live.site.id, format % args)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, live: LiveSite, host: str, port: int, routes: Iterable[tuple[str, Route]]):
        self.live = live
        self.routes = tuple((re.compile(pattern), route) for pattern, route in routes)
        super().__init__((host, port), _Handler)
        self.base_url = f"http://{host}:{self.server_address[1]}"

    def dispatch(self, path: str, headers: Mapping[str, str]) -> Response:
        for pattern, route in self.routes:
            match = pattern.fullmatch(path)
            if match:
                return route(self.live, Request(path, match.groupdict(), headers, self.base_url))
        return not_found(self.live, Request(path, {}, headers, self.base_url))


@dataclass
class NewsWeb:
    """Serves each site on its own port (ephemeral when `first_port` is 0); a context manager.

    `with NewsWeb(sites) as urls:` gives {site id: base URL} and stops every server on exit.
    """

    sites: Iterable[NewsSite]
    host: str = "127.0.0.1"
    first_port: int = 0
    routes: tuple[tuple[str, Route], ...] = ROUTES
    _servers: dict[str, _SiteServer] = field(default_factory=dict, init=False)
    _threads: list[threading.Thread] = field(default_factory=list, init=False)

    def start(self) -> dict[str, str]:
        for index, site in enumerate(self.sites):
            port = self.first_port + index if self.first_port else 0
            server = _SiteServer(LiveSite(site), self.host, port, self.routes)
            thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=f"newsweb-{site.id}", daemon=True)
            thread.start()
            self._servers[site.id] = server
            self._threads.append(thread)
        return self.urls

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join()
        self._servers, self._threads = {}, []

    @property
    def urls(self) -> dict[str, str]:
        return {site_id: server.base_url for site_id, server in self._servers.items()}

    def site(self, site_id: str) -> LiveSite:
        return self._servers[site_id].live

    def publish(self, site_id: str, article: NewsArticle) -> None:
        """Add (or replace) an article on a running site; it appears at once in its feed."""
        self.site(site_id).publish(article)

    def __enter__(self) -> dict[str, str]:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
