"""Extra pipeline stages that fail on purpose, named in a test's settings (HABARI_EXTRA_STAGES) to make one
article's processing raise in a real crawl, in the crawl's own process."""
from __future__ import annotations

from store import Article

FAILING_SLUG = "fishermen-cold-room"  # tests.fakeweb ENGLISH_SITE's story that this stage fails on
FAIL_ON_COLD_ROOM = "tests.crawlers.faults:fail_on_the_cold_room_story"


def fail_on_the_cold_room_story(article: Article) -> Article:
    if article.url.endswith(FAILING_SLUG):
        raise RuntimeError("a bug not yet found")
    return article
