"""A small local news web: each site's pages, feeds, sitemaps and robots.txt over HTTP, one server per site.

Tests crawl it instead of the internet, and `habari demo` serves the bundled outlets with it.
"""
from __future__ import annotations

import logging
import re
import selectors
import socket
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from habari.demo.feeds import (
    month_sitemap,
    news_sitemap,
    robots_txt,
    rss_feed,
    search_feed,
    sitemap_index,
)
from habari.demo.pages import (
    article_page,
    calendar_page,
    home_page,
    info_page,
    not_found,
    section_page,
    tag_page,
)
from habari.demo.site import (
    LiveSite,
    NewsArticle,
    NewsSite,
    Request,
    Response,
    Route,
    Streamed,
)

logger = logging.getLogger("habari.demo.newsweb")

ROUTES: tuple[tuple[str, Route], ...] = (
    (r"/", home_page),
    (r"/section/(?P<name>[a-z]+)", section_page),
    (r"/calendar/(?P<year>\d{4})/(?P<month>\d{2})", calendar_page),
    (r"/tag/(?P<tag>[a-z]+)", tag_page),
    (r"/(?P<name>about|contact)", info_page),
    (r"/rss\.xml", rss_feed),
    (r"/search/rss", search_feed),
    (r"/sitemap_index\.xml", sitemap_index),
    (r"/sitemap-news\.xml", news_sitemap),
    (r"/sitemap-(?P<year>\d{4})-(?P<month>\d{2})\.xml", month_sitemap),
    (r"/robots\.txt", robots_txt),
    (r"/articles/(?P<slug>[A-Za-z0-9_-]+)", article_page),
)
_NO_BODY = (204, 304)
_CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stall

    def setup(self) -> None:
        super().setup()
        self.server.live.connection_opened()

    def finish(self) -> None:
        self.server.live.connection_closed()
        super().finish()

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.live.record(self.path, headers)
        target = urlsplit(self.path)
        response = self.server.dispatch(target.path, dict(parse_qsl(target.query)), headers)
        try:
            self._send(response)
        except _CLIENT_GONE:
            self.close_connection = True

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        if response.status not in _NO_BODY:
            length = response.body.length if isinstance(response.body, Streamed) else len(response.body)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(length))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if response.status in _NO_BODY:
            return
        if isinstance(response.body, bytes):
            self.wfile.write(response.body)
            return
        for chunk in response.body.chunks():
            if self.server.live.stopping.is_set():
                self.close_connection = True
                return
            self.wfile.write(chunk)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the stdlib's name)
        logger.debug("%s %s", self.server.live.site.id, format % args)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a crawler opens many connections at once; the default backlog of 5 drops them

    def __init__(self, live: LiveSite, host: str, port: int, routes: Iterable[tuple[str, Route]]):
        self.live = live
        quirk_routes = (route for quirk in live.site.quirks for route in quirk.routes())
        self.routes = tuple((re.compile(pattern), route) for pattern, route in (*quirk_routes, *routes))
        super().__init__((host, port), _Handler)
        self.base_url = f"http://{host}:{self.server_address[1]}"

    def dispatch(self, path: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Response:
        """The first route whose pattern matches the whole path and that takes the request answers it."""
        for pattern, route in self.routes:
            match = pattern.fullmatch(path)
            if match:
                response = route(self.live, Request(path, match.groupdict(), query, headers, self.base_url))
                if response is not None:
                    return response
        return not_found(self.live, Request(path, {}, query, headers, self.base_url))


class _BlackHole:
    """A silent site's listener: accepts connections and reads (logging each request head), never writes."""

    _MAX_PENDING = 64 * 1024  # bytes of an unfinished request head kept per connection

    def __init__(self, live: LiveSite, host: str, port: int):
        self.live = live
        self._listener = socket.create_server((host, port))
        self._listener.setblocking(False)
        self.base_url = f"http://{host}:{self._listener.getsockname()[1]}"
        self._stop, self._stopped = threading.Event(), threading.Event()

    def serve_forever(self, poll_interval: float) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self._listener, selectors.EVENT_READ)
        pending: dict[socket.socket, bytes] = {}
        try:
            while not self._stop.is_set():
                for key, _ in selector.select(poll_interval):
                    if key.fileobj is self._listener:
                        connection, _ = self._listener.accept()
                        selector.register(connection, selectors.EVENT_READ)
                        pending[connection] = b""
                    else:
                        self._read(key.fileobj, pending, selector)
        finally:
            for connection in pending:
                connection.close()
            selector.close()
            self._stopped.set()

    def _read(self, connection: socket.socket, pending: dict[socket.socket, bytes],
              selector: selectors.BaseSelector) -> None:
        try:
            data = connection.recv(65536)
        except OSError:
            data = b""
        if not data:
            selector.unregister(connection)
            connection.close()
            del pending[connection]
            return
        received = pending[connection] + data
        while b"\r\n\r\n" in received:
            head, received = received.split(b"\r\n\r\n", 1)
            request_line, *lines = head.decode("latin-1").split("\r\n")
            words = request_line.split(" ")
            fields = (line.partition(":") for line in lines)
            headers = {name.strip().lower(): value.strip() for name, _, value in fields}
            self.live.record(words[1] if len(words) == 3 else request_line, headers)
        pending[connection] = received[-self._MAX_PENDING:]

    def shutdown(self) -> None:
        self._stop.set()
        self._stopped.wait()

    def server_close(self) -> None:
        self._listener.close()


@dataclass
class NewsWeb:
    """Serves each site on its own port (ephemeral when `first_port` is 0); a context manager.

    `with NewsWeb(sites) as urls:` gives {site id: base URL} and stops every server on exit. Sites are
    spread over `hosts` in turn (e.g. 127.0.0.11, 127.0.0.12, … to give each site a host of its own).
    """

    sites: Iterable[NewsSite]
    hosts: tuple[str, ...] = ("127.0.0.1",)
    first_port: int = 0
    routes: tuple[tuple[str, Route], ...] = ROUTES
    _servers: dict[str, _SiteServer | _BlackHole] = field(default_factory=dict, init=False)
    _threads: list[threading.Thread] = field(default_factory=list, init=False)

    def start(self) -> dict[str, str]:
        for index, site in enumerate(self.sites):
            port = self.first_port + index if self.first_port else 0
            host = self.hosts[index % len(self.hosts)]
            live = LiveSite(site)
            server = _BlackHole(live, host, port) if site.silent else _SiteServer(live, host, port, self.routes)
            thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=f"newsweb-{site.id}", daemon=True)
            thread.start()
            self._servers[site.id] = server
            self._threads.append(thread)
        answering = {s.base_url: s.live for s in self._servers.values() if not s.live.site.silent}
        for server in self._servers.values():
            server.live.meet({url: live for url, live in answering.items() if live is not server.live})
        return self.urls

    def stop(self) -> None:
        for server in self._servers.values():
            server.live.stopping.set()
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
        """Add (or replace) an article on a running site; it appears at once in its feed and sitemaps."""
        self.site(site_id).publish(article)

    def __enter__(self) -> dict[str, str]:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
