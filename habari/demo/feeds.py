"""The fake web's machine-read documents: RSS feed, search feed, sitemap index, news and monthly sitemaps, robots.txt.

Feeds and sitemaps carry an ETag and Last-Modified derived from their content and answer 304 when unchanged.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from xml.etree import ElementTree

from habari.demo.pages import not_found
from habari.demo.site import LiveSite, NewsArticle, Request, Response

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NEWS_WINDOW = timedelta(days=2)  # the news sitemap lists stories this close to the newest one
RSS_TYPE = "application/rss+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"


def rss_feed(site: LiveSite, request: Request) -> Response:
    """Every story, newest first, once per path its listing gives (tracking-parameter copies included)."""
    modified = max((a.modified for a in site.articles()), default=None)
    return conditional(request, feed_document(site, request.base_url), RSS_TYPE, modified)


def feed_document(site: LiveSite, base_url: str) -> bytes:
    return _rss(site, base_url, site.site.name, site.articles())


def search_feed(site: LiveSite, request: Request) -> Response:
    """`/search/rss?q=TERM`: the stories whose title or text contains TERM, ignoring case."""
    term = request.query.get("q", "").strip().casefold()
    found = [
        a for a in site.articles() if term and term in " ".join((a.title, *a.paragraphs)).casefold()
    ]
    return Response(200, _rss(site, request.base_url, f"{site.site.name}: {term}", found), RSS_TYPE)


def robots_txt(site: LiveSite, request: Request) -> Response:
    lines = [
        "User-agent: *", *(f"Disallow: {path}" for path in site.site.robots_disallow),
        "", f"Sitemap: {request.base_url}/sitemap_index.xml",
    ]
    return Response(200, ("\n".join(lines) + "\n").encode(), content_type="text/plain; charset=utf-8")


def sitemap_index(site: LiveSite, request: Request) -> Response:
    """The news sitemap, then one sitemap per month with stories, newest month first."""
    articles = site.articles()
    children = [("sitemap-news.xml", max((a.modified for a in _news(articles)), default=None))]
    for year, month in sorted({(a.published.year, a.published.month) for a in articles}, reverse=True):
        newest = max(a.modified for a in _of_month(articles, year, month))
        children.append((f"sitemap-{year:04d}-{month:02d}.xml", newest))
    root = ElementTree.Element("sitemapindex", xmlns=SITEMAP_NS)
    for name, lastmod in children:
        entry = ElementTree.SubElement(root, "sitemap")
        ElementTree.SubElement(entry, "loc").text = f"{request.base_url}/{name}"
        if lastmod is not None:
            ElementTree.SubElement(entry, "lastmod").text = _w3c(lastmod)
    return _sitemap(request, root, max((lastmod for _, lastmod in children if lastmod), default=None))


def news_sitemap(site: LiveSite, request: Request) -> Response:
    """A Google News sitemap: publication, date and title of each recent story, and its lastmod."""
    articles = _news(site.articles())
    root = ElementTree.Element("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_NS})
    for article in articles:
        url = _url_entry(root, site, request.base_url, article)
        news = ElementTree.SubElement(url, "news:news")
        publication = ElementTree.SubElement(news, "news:publication")
        ElementTree.SubElement(publication, "news:name").text = site.site.name
        ElementTree.SubElement(publication, "news:language").text = site.site.language
        ElementTree.SubElement(news, "news:publication_date").text = _w3c(article.published)
        ElementTree.SubElement(news, "news:title").text = article.title
    return _sitemap(request, root, max((a.modified for a in articles), default=None))


def month_sitemap(site: LiveSite, request: Request) -> Response:
    """`/sitemap-YYYY-MM.xml`: the stories published that month, each with its lastmod."""
    articles = _of_month(site.articles(), int(request.params["year"]), int(request.params["month"]))
    if not articles:
        return not_found(site, request)
    root = ElementTree.Element("urlset", xmlns=SITEMAP_NS)
    for article in articles:
        _url_entry(root, site, request.base_url, article)
    return _sitemap(request, root, max(a.modified for a in articles))


def conditional(request: Request, body: bytes, content_type: str, modified: datetime | None) -> Response:
    """200 with an ETag (a hash of `body`) and Last-Modified, or 304 without a body when the client has it."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:24]}"'
    headers = [("ETag", etag)]
    if modified is not None:
        headers.append(("Last-Modified", format_datetime(modified.astimezone(timezone.utc), usegmt=True)))
    if _client_has_it(request.headers, etag, modified):
        return Response(304, b"", content_type, tuple(headers))
    return Response(200, body, content_type, tuple(headers))


def _client_has_it(headers: Mapping[str, str], etag: str, modified: datetime | None) -> bool:
    if "if-none-match" in headers:  # it takes precedence over If-Modified-Since (RFC 9110, 13.2.2)
        tags = {tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")}
        return "*" in tags or etag in tags
    if modified is None or "if-modified-since" not in headers:
        return False
    try:
        since = parsedate_to_datetime(headers["if-modified-since"])
    except (TypeError, ValueError):
        return False
    return modified.replace(microsecond=0) <= since.replace(tzinfo=since.tzinfo or timezone.utc)


def _rss(site: LiveSite, base_url: str, title: str, articles: Iterable[NewsArticle]) -> bytes:
    rss = ElementTree.Element("rss", version="2.0")
    channel = ElementTree.SubElement(rss, "channel")
    for tag, text in (("title", title), ("link", base_url + "/"),
                      ("description", site.site.name), ("language", site.site.language)):
        ElementTree.SubElement(channel, tag).text = text
    for article in articles:
        for path in site.paths(article):
            item = ElementTree.SubElement(channel, "item")
            link = f"{base_url}{path}"
            for tag, text in (("title", article.title), ("link", link), ("guid", link),
                              ("pubDate", format_datetime(article.published.astimezone(timezone.utc), usegmt=True)),
                              ("author", article.author),
                              ("description", article.paragraphs[0] if article.paragraphs else "")):
                ElementTree.SubElement(item, tag).text = text
    return ElementTree.tostring(rss, encoding="utf-8", xml_declaration=True)


def _url_entry(root: ElementTree.Element, site: LiveSite, base_url: str, article: NewsArticle) -> ElementTree.Element:
    url = ElementTree.SubElement(root, "url")
    ElementTree.SubElement(url, "loc").text = f"{base_url}{site.paths(article)[0]}"
    ElementTree.SubElement(url, "lastmod").text = _w3c(article.modified)
    return url


def _sitemap(request: Request, root: ElementTree.Element, modified: datetime | None) -> Response:
    return conditional(request, ElementTree.tostring(root, encoding="utf-8", xml_declaration=True), XML_TYPE, modified)


def _news(articles: list[NewsArticle]) -> list[NewsArticle]:
    if not articles:
        return []
    newest = max(a.published for a in articles)
    return [a for a in articles if a.published >= newest - NEWS_WINDOW]


def _of_month(articles: Iterable[NewsArticle], year: int, month: int) -> list[NewsArticle]:
    return [a for a in articles if (a.published.year, a.published.month) == (year, month)]


def _w3c(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
