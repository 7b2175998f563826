"""Where story assignment meets the store: articles are written under their story's current cluster id, and the
articles of clusters merged since the last merge the store followed are moved to the cluster that absorbed them.

The number of that last merge is kept in the stories file, so a run stopped between the two is repaired by the next.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pipeline.dedupe import StoryClusters
from store import Article, ArticleStore


class StoryIndexer:
    """Writes articles to the store as crawls and re-analysis do (one per process, all sharing the stories file)."""

    def __init__(self, store: ArticleStore, stories: StoryClusters) -> None:
        self._store = store
        self._stories = stories

    def index(self, articles: Iterable[Article]) -> int:
        """Upserts the articles, then follows the merges not yet applied (with none, only that); returns how many
        articles were written. A StoreError leaves the merges to the next call.

        The last merge applied is read before the articles' clusters are: a merge made by another process after
        that is applied here too, so an article assigned to its absorbed cluster and written late is moved."""
        applied = self._stories.merges_applied()
        current = [self._current(article) for article in articles]
        written = self._store.upsert(current) if current else 0
        merges = self._stories.merges(after=applied)
        if merges:
            self._store.move_stories({merge.absorbed: merge.into for merge in merges})
            self._stories.mark_applied(merges[-1].number)
        return written

    def _current(self, article: Article) -> Article:
        if article.cluster_id is None:
            return article
        current = self._stories.current_cluster_id(article.cluster_id)
        return article if current == article.cluster_id else replace(article, cluster_id=current)
