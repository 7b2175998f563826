"""A page's HTML parsed into a tree whose shape keeps extraction's cost linear, or the named reason it cannot be.

Trafilatura grows with the square of the inline elements in one block and recurses once per level of nesting, so
such blocks are flattened to their text first; pages too large, too many elements or too deep are refused by name.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, fromstring
from trafilatura.utils import is_dubious_html, repair_faulty_html

# Limits, with what the 256 real pages of the extraction dev set reach: 2.2 MB, 4,098 elements, 34 levels deep,
# 242 children of one element. Beyond them a page is refused (size, elements) or flattened (depth, inline runs).
MAX_HTML_CHARS = 5_000_000
MAX_ELEMENTS = 30_000
FLATTEN_DEPTH = 128  # an element this deep holds only text: trafilatura's recursion and nested tables grow fast
MAX_INLINE_IN_BLOCK = 500  # inline elements in one block before its inline markup is dropped for its text
MAX_IN_PARAGRAPHS = 5_000  # elements inside the page's paragraphs in all (the dev set's most: 209)
PARSER_DEPTH = 2048  # libxml2's limit with huge_tree (256 without, where a page's text silently ends)
AT_FLATTEN_DEPTH = etree.XPath("*/" * (FLATTEN_DEPTH - 2) + "*[*]")  # from the root (depth 1): those with children
MANY_CHILDREN = etree.XPath(f"//*[count(*) > {MAX_INLINE_IN_BLOCK}]")
# Trafilatura's own parser settings (trafilatura.utils.HTML_PARSER) with libxml2's huge-document limits lifted:
# MAX_HTML_CHARS bounds the input instead.
PARSER = HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
)
INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var",
})
BLOCK_BREAKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "td", "th", "tr", "ul",
})


@dataclass(frozen=True)
class Unparsable:
    """Why a page's HTML gives no tree to extract from."""

    reason: str


def parse_html(html: str) -> HtmlElement | Unparsable:
    """The page's tree, parsed as trafilatura's load_html parses a string, then bounded (see `bound_tree`)."""
    if len(html) > MAX_HTML_CHARS:
        return Unparsable(f"the page is too large to extract ({len(html):,} characters; at most {MAX_HTML_CHARS:,})")
    beginning = html[:50].lower()
    try:
        tree = fromstring(repair_faulty_html(html, beginning).encode("utf-8", "replace"), parser=PARSER)
    except (etree.ParserError, ValueError) as error:  # "Document is empty": markup without an element
        return Unparsable(f"not an HTML page ({error})")
    too_deep = next((entry for entry in PARSER.error_log if "Excessive depth" in entry.message), None)
    if too_deep is not None:
        return Unparsable(f"the page nests elements more than {PARSER_DEPTH:,} deep: the rest of its text is lost")
    if is_dubious_html(beginning) and len(tree) < 2:  # load_html's test: no html tag, and not a document's shape
        return Unparsable("not an HTML page")
    return bound_tree(tree)


def bound_tree(tree: HtmlElement) -> HtmlElement | Unparsable:
    """The tree, reduced where extraction's cost would grow faster than the page: each element FLATTEN_DEPTH deep
    to its text; to their text, each paragraph holding over MAX_INLINE_IN_BLOCK elements, every paragraph when
    they hold over MAX_IN_PARAGRAPHS in all (trafilatura's //p//text() grows with their square), and each element
    with over MAX_INLINE_IN_BLOCK inline children. A tree of over MAX_ELEMENTS elements is refused."""
    elements = int(tree.xpath("count(//*)"))
    if elements > MAX_ELEMENTS:
        return Unparsable(f"the page has too many elements to extract ({elements:,}; at most {MAX_ELEMENTS:,})")
    for element in AT_FLATTEN_DEPTH(tree):
        _flatten(element)
    paragraphs = [(paragraph, sum(1 for _ in paragraph.iterdescendants())) for paragraph in tree.iter("p")]
    crowded = [paragraph for paragraph, inside in paragraphs if inside > MAX_INLINE_IN_BLOCK]
    if sum(inside for _, inside in paragraphs) > MAX_IN_PARAGRAPHS:
        crowded = [paragraph for paragraph, _ in paragraphs]
    crowded += [
        element for element in MANY_CHILDREN(tree) if sum(child.tag in INLINE for child in element) > MAX_INLINE_IN_BLOCK
    ]
    for block in crowded:
        _strip_inline(block)
    return tree


def _strip_inline(block: HtmlElement) -> None:
    """The block without its inline markup, its text kept. strip_tags leaves the text of each stripped element in
    a text node of its own, and lxml joins a run of adjacent text nodes anew on every read (a run of n costs n
    reads of n: 4 s for htmldate's text search after 12,000 stripped tags), so each run is written back as one."""
    etree.strip_tags(block, *INLINE)
    for element in block.iter():
        element.text = element.text
        if element is not block:
            element.tail = element.tail


def _flatten(element: HtmlElement) -> None:
    """The element's descendants replaced by their text, a line break where a block began or ended."""
    parts: list[str] = [element.text or ""]
    for event, descendant in etree.iterwalk(element, events=("start", "end")):
        if descendant is element or not isinstance(descendant.tag, str):
            continue
        breaks = "\n" if descendant.tag in BLOCK_BREAKS else ""
        if event == "start":
            parts += (breaks, descendant.text or "")
        else:
            parts += (breaks, descendant.tail or "")
    del element[:]
    element.text = "".join(parts)
