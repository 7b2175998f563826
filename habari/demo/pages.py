"""The fake web's HTML pages: home, sections (paginated without end), calendar months, tags, articles.

Listings link stories relatively, absolutely and with tracking parameters, and link other hosts' stories too.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from html import escape

from habari.demo.site import LiveSite, NewsArticle, NewsSite, Request, Response

PAGE_SIZE = 3  # stories per section page; later pages are empty but still link a "next" page
_SW_MONTHS = ("Januari", "Februari", "Machi", "Aprili", "Mei", "Juni", "Julai", "Agosti",
              "Septemba", "Oktoba", "Novemba", "Desemba")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_CHROME = {  # the boilerplate around the stories, per language
    "sw": {"home": "Mwanzo", "sections": ("Habari", "Siasa", "Biashara", "Michezo"), "by": "Na",
           "tags": ("bagamoyo", "elimu", "afya", "maji"),
           "latest": "Habari mpya", "most_read": "Zilizosomwa zaidi", "elsewhere": "Kwingineko",
           "calendar": "Kalenda", "previous": "Iliyotangulia", "next": "Inayofuata",
           "newsletter": "Jiunge na jarida letu upate habari kila asubuhi.",
           "rights": "Haki zote zimehifadhiwa.", "about": "Kuhusu sisi", "contact": "Wasiliana nasi"},
    "en": {"home": "Home", "sections": ("News", "Politics", "Business", "Sport"), "by": "By",
           "tags": ("bagamoyo", "education", "health", "water"),
           "latest": "Latest news", "most_read": "Most read", "elsewhere": "Elsewhere",
           "calendar": "Calendar", "previous": "Previous", "next": "Next",
           "newsletter": "Sign up for our newsletter to get the news every morning.",
           "rights": "All rights reserved.", "about": "About us", "contact": "Contact us"},
}
_TRACKING = "utm_source={}&utm_medium=web"


def section_slugs(language: str) -> tuple[str, ...]:
    """The `/section/<name>` names of a site in `language`."""
    return tuple(name.lower() for name in _chrome(language)["sections"])


def home_page(site: LiveSite, request: Request) -> Response:
    """Stories linked from the root, again absolutely with tracking parameters, and other hosts' stories."""
    chrome = _chrome(site.site.language)
    articles = site.articles()
    stories = "\n".join(
        f'<li><a href="{escape(site.paths(a)[0])}">{escape(a.title)}</a>'
        f"<p>{escape(a.paragraphs[0] if a.paragraphs else '')}</p></li>"
        for a in articles
    )
    tracked = _links(
        (f"{request.base_url}{site.paths(a)[0]}?{_TRACKING.format('home')}", a.title) for a in articles
    )
    elsewhere = _links(
        (f"{url}{other.paths(newest)[0]}", newest.title)
        for url, other in site.neighbours().items() for newest in other.articles()[:1]
    )
    main = (
        f'<main><h1>{escape(chrome["latest"])}</h1>\n<ul class="stories">\n{stories}\n</ul>\n'
        f'<aside class="most-read"><h2>{chrome["most_read"]}</h2>\n{tracked}</aside>\n'
        f'<aside class="elsewhere"><h2>{chrome["elsewhere"]}</h2>\n{elsewhere}</aside></main>'
    )
    return Response(200, _page(site, site.site.name, main, head="").encode())


def section_page(site: LiveSite, request: Request) -> Response:
    """`/section/<name>?page=N`: PAGE_SIZE stories a page, linked `../articles/…`, and always a next page."""
    name = request.params["name"]
    page = request.query.get("page", "1")
    if name not in section_slugs(site.site.language) or not page.isdigit() or int(page) < 1:
        return not_found(site, request)
    chrome, number = _chrome(site.site.language), int(page)
    shown = site.articles()[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    stories = _links((".." + site.paths(a)[0], a.title) for a in shown)
    tracked = _links((f"{site.paths(a)[0]}?{_TRACKING.format(name)}", a.title) for a in shown)
    pager = (f'<a rel="prev" href="?page={number - 1}">{chrome["previous"]}</a>\n' if number > 1 else "") + (
        f'<a rel="next" href="/section/{name}?page={number + 1}">{chrome["next"]}</a>'
    )
    main = (
        f"<main><h1>{escape(name.capitalize())}</h1>\n{stories}"
        f'<aside class="most-read">{tracked}</aside>\n<nav class="pager">{pager}</nav></main>'
    )
    return Response(200, _page(site, f"{name.capitalize()} | {site.site.name}", main, head="").encode())


def calendar_page(site: LiveSite, request: Request) -> Response:
    """`/calendar/YYYY/MM`: that month's stories, and links to the previous and next month, endlessly."""
    year, month = int(request.params["year"]), int(request.params["month"])
    if not (1 <= year and 1 <= month <= 12):
        return not_found(site, request)
    chrome = _chrome(site.site.language)
    shown = [a for a in site.articles() if (a.published.year, a.published.month) == (year, month)]
    before = (year - 1, 12) if month == 1 else (year, month - 1)
    after = (year + 1, 1) if month == 12 else (year, month + 1)
    pager = (
        f'<a rel="prev" href="/calendar/{before[0]:04d}/{before[1]:02d}">{chrome["previous"]}</a>\n'
        f'<a rel="next" href="/calendar/{after[0]:04d}/{after[1]:02d}">{chrome["next"]}</a>'
    )
    heading = f"{chrome['calendar']}: {_months(site.site.language)[month - 1]} {year}"
    main = f"<main><h1>{escape(heading)}</h1>\n{_links((site.paths(a)[0], a.title) for a in shown)}" \
           f'<nav class="pager">{pager}</nav></main>'
    return Response(200, _page(site, f"{heading} | {site.site.name}", main, head="").encode())


def tag_page(site: LiveSite, request: Request) -> Response:
    tag = request.params["tag"]
    if tag not in _chrome(site.site.language)["tags"]:
        return not_found(site, request)
    main = f"<main><h1>#{escape(tag)}</h1>\n{_links((site.paths(a)[0], a.title) for a in site.articles())}</main>"
    return Response(200, _page(site, f"#{tag} | {site.site.name}", main, head="").encode())


def info_page(site: LiveSite, request: Request) -> Response:
    """`/about` and `/contact`: a line of text, no story."""
    heading = _chrome(site.site.language)[request.params["name"]]
    main = f"<main><h1>{heading}</h1>\n<p>{escape(site.site.name)}, Bagamoyo.</p></main>"
    return Response(200, _page(site, f"{heading} | {site.site.name}", main, head="").encode())


def article_page(site: LiveSite, request: Request) -> Response:
    article = site.article(request.params["slug"])
    if article is None:
        return not_found(site, request)
    return Response(200, render_article(site, article, request.base_url).encode())


def render_article(site: LiveSite, article: NewsArticle, base_url: str) -> str:
    """The article's page: metadata in <head>, the story, and the boilerplate around it."""
    chrome = _chrome(site.site.language)
    published, modified = _iso(article.published), _iso(article.modified)
    canonical = f"{base_url}{site.paths(article)[0]}"
    head = (
        f'<meta property="og:title" content="{escape(article.title)}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="article:published_time" content="{published}">\n'
        f'<meta property="article:modified_time" content="{modified}">\n'
        f'<meta name="author" content="{escape(article.author)}">\n'
        f'<link rel="canonical" href="{escape(canonical)}">'
    )
    paragraphs = "\n".join(f"<p>{escape(text)}</p>" for text in article.paragraphs)
    latest = site.rendered("latest", lambda: _links((site.paths(a)[0], a.title) for a in site.articles()))
    main = (
        f'<main>\n<article>\n<h1>{escape(article.title)}</h1>\n'
        f'<p class="byline">{chrome["by"]} <span class="author">{escape(article.author)}</span> · '
        f'<time datetime="{published}">{_display_date(article.published, site.site.language)}</time></p>\n'
        f"{paragraphs}\n</article>\n"
        f'<aside class="sidebar"><h2>{escape(chrome["latest"])}</h2>\n{latest}'
        f'<div class="newsletter">{escape(chrome["newsletter"])}</div></aside>\n</main>'
    )
    return _page(site, f"{article.title} | {site.site.name}", main, head)


def not_found(site: LiveSite, request: Request) -> Response:
    return Response(404, _page(site, "404", "<main><h1>404</h1></main>", head="").encode())


def _page(live: LiveSite, title: str, main: str, head: str) -> str:
    site: NewsSite = live.site
    chrome = _chrome(site.language)
    sections = "".join(
        f'<li><a href="/section/{slug}">{escape(name)}</a></li>'
        for slug, name in zip(section_slugs(site.language), chrome["sections"])
    )
    tags = "".join(f'<li><a href="/tag/{tag}">#{tag}</a></li>' for tag in chrome["tags"])
    articles = live.articles()
    newest = articles[0].published if articles else datetime.now(timezone.utc)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(site.language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n{head}\n</head>\n<body>\n"
        f'<header class="masthead"><a class="logo" href="/">{escape(site.name)}</a>\n'
        f'<nav><ul><li><a href="/">{chrome["home"]}</a></li>{sections}'
        f'<li><a href="/calendar/{newest.year:04d}/{newest.month:02d}">{chrome["calendar"]}</a></li>'
        f'<li><a href="/rss.xml">RSS</a></li></ul></nav></header>\n{main}\n'
        f'<footer><ul class="tags">{tags}</ul><p>© {escape(site.name)}. {chrome["rights"]}</p>'
        f'<p><a href="/about">{chrome["about"]}</a> · <a href="/contact">{chrome["contact"]}</a></p></footer>\n'
        "</body>\n</html>\n"
    )


def _links(targets: Iterable[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>\n' for href, text in targets)
    return f"<ul>\n{items}</ul>\n"


def _chrome(language: str) -> dict:
    return _CHROME.get(language, _CHROME["en"])


def _months(language: str) -> tuple[str, ...]:
    return _SW_MONTHS if language == "sw" else _EN_MONTHS


def _display_date(moment: datetime, language: str) -> str:
    return f"{moment.day} {_months(language)[moment.month - 1]} {moment.year}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
