"""The scale-out store: articles, fetch records, failed pages and source runs in Elasticsearch 9, each behind an alias.

Each alias fronts a versioned index from a strict template (core features only); a new version moves the old one in.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import streaming_bulk

from store import es_operations
from store.base import ArticleStore, StoreError
from store.es_query import WORD_FIELDS, WORDS_ANALYZER, compile_query
from store.highlight import highlights
from store.models import (
    EAT,
    MAX_STORY_OTHERS,
    Article,
    ArticleSelection,
    Correction,
    DayCount,
    FacetBucket,
    FailedPage,
    FetchRecord,
    SavedSearch,
    SearchFilters,
    SearchHit,
    SearchRequest,
    SearchResult,
    SourceHealth,
    SourceRun,
    StoryMember,
    saved_search_key,
    story_member_fields,
)
from store.query import QueryNode
from store.tokens import indexed_text

if TYPE_CHECKING:
    from settings.environment import Settings

INDEX_VERSION = 4  # raise it when a mapping changes: opening the store then moves every document to the new index
BULK_CHUNK = 500
MGET_CHUNK = 500
FACET_SIZE = 50
STORY_PRECISION = 3000
GROUP_SEARCHES = 4  # a page's collapsed stories fetch their inner hits this many at a time (one at a time otherwise)
MOVE_KEEP_ALIVE = "5m"  # how long the old index's point in time lasts between two pages of a move
STORY_MOVE_ROUNDS = 5  # passes over an absorbed story's articles while other writes keep changing some of them
_KEPT_TEXT = {"type": "text", "index": False}  # searched through its words field instead
_WORDS = {"type": "text", "analyzer": WORDS_ANALYZER, "index_options": "positions"}
_KEYWORD = {"type": "keyword"}
MAPPING = {
    "dynamic": "strict",
    "_source": {"excludes": list(WORD_FIELDS.values())},  # derived from title and text, and rebuilt with them
    "properties": {
        "doc_id": {"type": "keyword"},
        "url": {"type": "keyword"},
        "title": _KEPT_TEXT,
        "text": _KEPT_TEXT,
        WORD_FIELDS["title"]: _WORDS,
        WORD_FIELDS["text"]: _WORDS,
        "story": _KEYWORD,
        "summary": {"type": "text", "analyzer": "standard"},
        "source_id": {"type": "keyword"},
        "outlet": {"type": "keyword"},
        "outlet_type": {"type": "keyword"},
        "language": {"type": "keyword"},
        "authors": {"type": "keyword"},
        "published": {"type": "date"},
        "fetched_at": {"type": "date"},
        "image": es_operations.STORED_ONLY,
        "archive": {
            "properties": {
                "warc_file": es_operations.STORED_ONLY,
                "offset": {"type": "long", "index": False, "doc_values": False},
                "sha256": es_operations.STORED_ONLY,
            }
        },
        "cluster_id": _KEYWORD,
        "about_council": {"type": "boolean"},
        "relevance": {"type": "float"},
        "mentions": {"type": "object", "enabled": False},  # kept to explain matches, not searched
        "topics": _KEYWORD,
        "sentiment": _KEYWORD,
        "sentiment_confidence": {"type": "float"},
        "corrections": {"type": "object", "enabled": False},  # kept to show who corrected what, not searched
        "entities": {
            "properties": {
                "people": _KEYWORD,
                "places": _KEYWORD,
                "organisations": _KEYWORD,
                "titled_people": es_operations.STORED_ONLY,
            }
        },
    },
}
# Article fields by facet and filter name, where the two differ.
_FIELD_PATHS = {"people": "entities.people", "places": "entities.places", "organisations": "entities.organisations"}
INDEX_SETTINGS = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}
_NEWEST_FIRST = [
    {"published": {"order": "desc", "missing": "_last"}},
    {"fetched_at": {"order": "desc"}},
    {"doc_id": {"order": "asc"}},
]
_BEST_FIRST = ["_score", {"doc_id": {"order": "asc"}}]
_OTHERS = "others"  # the inner hits of a collapsed story: its first articles in the page's order
_STORIES = "stories"  # aggregation names beside the facets', which are article fields
_DAYS = "days"


@dataclass(frozen=True)
class _Alias:
    """One alias of the store: the mapping of its versioned indices, what it holds, and how a document of an
    older version's index becomes one of this version's."""

    name: str
    mapping: dict
    description: str
    rebuild: Callable[[dict], dict]


class ElasticsearchStore(ArticleStore):
    """Reads and writes go through the aliases `index`, `index-fetches`, `index-failures`, `index-runs` and
    `index-saved`; each alias has a template covering its versioned indices (`index-v*` and so on)."""

    def __init__(self, client: Elasticsearch, index: str) -> None:
        self.client = client
        self.index = index
        self.fetches_index = f"{index}-fetches"
        self.failures_index = f"{index}-failures"
        self.runs_index = f"{index}-runs"
        self.saved_index = f"{index}-saved"
        self.url = ", ".join(node.base_url for node in client.transport.node_pool.all())
        self._ready = False
        self._setup_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> ElasticsearchStore:
        password = settings.es_password.get_secret_value() if settings.es_password else None
        try:
            client = Elasticsearch(
                settings.es_url,
                basic_auth=(settings.es_username, password or "") if settings.es_username else None,
                ca_certs=str(settings.es_ca_certs) if settings.es_ca_certs else None,
                request_timeout=30,
                max_retries=2,
                retry_on_timeout=True,
            )
        except ValueError as error:
            raise StoreError(f"bad Elasticsearch URL {settings.es_url!r}: {error}") from error
        return cls(client, settings.es_index)

    def _put_articles(self, articles: list[Article]) -> int:
        actions = ({"_op_type": "index", "_id": a.doc_id, "_source": article_document(a)} for a in articles)
        return self._bulk(self.index, actions, "articles")

    def _stored_corrections(self, doc_ids: list[str]) -> dict[str, tuple[Correction, ...]]:
        """By mget, which is realtime: a correction made a moment ago is kept by the next write."""
        found: dict[str, tuple[Correction, ...]] = {}
        with self._errors("corrections lookup"):
            self._ensure_index()
            for start in range(0, len(doc_ids), MGET_CHUNK):
                response = self.client.mget(index=self.index, ids=doc_ids[start : start + MGET_CHUNK],
                                            source_includes=["corrections"])
                for document in response["docs"]:
                    if "error" in document:
                        raise self._failure("corrections lookup", self.index, _reason(document["error"]))
                    listed = document.get("_source", {}).get("corrections") if document["found"] else None
                    if listed:
                        found[document["_id"]] = tuple(map(Correction.from_record, listed))
        return found

    def get(self, doc_id: str) -> Article | None:
        with self._errors(f"get {doc_id}"):
            self._ensure_index()
            try:
                response = self.client.get(index=self.index, id=doc_id)
            except NotFoundError as error:
                if _is_missing_document(error):
                    return None
                raise
        return Article.from_record(response["_source"])

    def search(self, request: SearchRequest) -> SearchResult:
        """Two searches that the node runs side by side (one msearch): the page (one hit per story when
        collapsed, `from` and `size` then counting stories) with the total of matching articles, and the
        facets, story count and histogram as aggregations. The second, of size 0, is one the shard request
        cache keeps until the index changes, so paging through a result set counts its facets once."""
        query = _full_query(request.query, request.filters)
        searches = [{}, _page_search(request, query)]
        aggregations = _aggregations(request)
        if aggregations:
            searches += [{}, {"query": query, "size": 0, "track_total_hits": False, "aggs": aggregations}]
        with self._errors("search"):
            self._ensure_index()
            responses = self.client.msearch(index=self.index, searches=searches)["responses"]
        failed = next((response for response in responses if "error" in response), None)
        if failed is not None:
            reason = f"HTTP {failed.get('status')}: {_reason(failed)}"
            raise self._failure("search", self.index, reason)
        page = responses[0]
        found = responses[1].get("aggregations", {}) if aggregations else {}
        return SearchResult(
            total=page["hits"]["total"]["value"],
            hits=[_hit(hit, request.query) for hit in page["hits"]["hits"]],
            facets={name: _buckets(found[name]) for name in request.facets},
            stories=found[_STORIES]["value"] if request.collapse else 0,
            histogram=_days(found[_DAYS]) if request.histogram else [],
        )

    def articles(self, selection: ArticleSelection = ArticleSelection()) -> Iterator[Article]:
        """In pages of BULK_CHUNK by search_after on doc_id: a selection read over minutes may see articles
        written meanwhile, as the SQLite store does."""
        chosen: list[dict] = [{"terms": {"source_id": list(selection.source_ids)}}] if selection.source_ids else []
        if selection.fetched_from is not None:
            chosen.append({"range": {"fetched_at": {"gte": selection.fetched_from.isoformat()}}})
        after = [selection.after] if selection.after else None
        with self._errors("read articles"):
            self._ensure_index()
            while True:
                page = self.client.search(index=self.index, query={"bool": {"filter": chosen}}, size=BULK_CHUNK,
                                          sort=[{"doc_id": "asc"}], search_after=after, track_total_hits=False)
                hits = page["hits"]["hits"]
                if not hits:
                    return
                yield from (Article.from_record(hit["_source"]) for hit in hits)
                after = hits[-1]["sort"]

    def matching(self, request: SearchRequest, limit: int) -> Iterator[Article]:
        """In pages of BULK_CHUNK by search_after on the request's order, which ends with doc_id."""
        query = _full_query(request.query, request.filters)
        order = _NEWEST_FIRST if request.by_newest else _BEST_FIRST
        after, left = None, limit
        with self._errors("read matching articles"):
            self._ensure_index()
            while left > 0:
                page = self.client.search(index=self.index, query=query, size=min(BULK_CHUNK, left), sort=order,
                                          search_after=after, track_total_hits=False)
                hits = page["hits"]["hits"]
                if not hits:
                    return
                yield from (Article.from_record(hit["_source"]) for hit in hits)
                after, left = hits[-1]["sort"], left - len(hits)

    def count(self, filters: SearchFilters = SearchFilters()) -> int:
        with self._errors("count"):
            self._ensure_index()
            return self.client.count(index=self.index, query=_full_query(None, filters))["count"]

    def delete(self, doc_id: str) -> bool:
        with self._errors(f"delete {doc_id}"):
            self._ensure_index()
            try:
                self.client.delete(index=self.index, id=doc_id)
            except NotFoundError as error:
                if _is_missing_document(error):
                    return False
                raise
        return True

    def move_stories(self, into: Mapping[str, str]) -> int:
        """Each article of an absorbed story is indexed again whole (update_by_query would lose its words fields,
        which _source leaves out), on condition that it is unchanged since it was read; one written meanwhile is
        read again in the next pass, until a pass finds none left under an absorbed id."""
        moved = 0
        with self._errors("move stories"):
            self._ensure_index()
            for _ in range(STORY_MOVE_ROUNDS):
                self.client.indices.refresh(index=self.index)  # articles upserted a moment ago are moved too
                found = [0]
                written = self._write(self.index, self._moves(into, found), "articles moved to another story")
                moved += written
                if written == found[0]:
                    return moved
        raise self._failure("move stories", self.index, f"articles still changing after {STORY_MOVE_ROUNDS} passes")

    def _moves(self, into: Mapping[str, str], found: list[int]) -> Iterator[dict]:
        """An `index` action, conditional on the sequence number read, for each article under an absorbed id,
        counted in `found`; read in pages by search_after on doc_id, so the moved ones are behind the cursor."""
        query = {"terms": {"cluster_id": list(into)}}
        after = None
        while True:
            page = self.client.search(index=self.index, query=query, size=BULK_CHUNK, sort=[{"doc_id": "asc"}],
                                      search_after=after, seq_no_primary_term=True, track_total_hits=False)
            hits = page["hits"]["hits"]
            if not hits:
                return
            found[0] += len(hits)
            for hit in hits:
                article = Article.from_record(hit["_source"])
                moved = replace(article, cluster_id=into[article.cluster_id])
                yield {"_op_type": "index", "_id": hit["_id"], "if_seq_no": hit["_seq_no"],
                       "if_primary_term": hit["_primary_term"], "_source": article_document(moved)}
            after = hits[-1]["sort"]

    def fetch_records(self, urls: Iterable[str]) -> dict[str, FetchRecord]:
        """Looked up by id with mget, which is realtime: a record saved a moment ago is found."""
        ids = [es_operations.fetch_doc_id(url) for url in dict.fromkeys(urls)]
        found: dict[str, FetchRecord] = {}
        with self._errors("fetch record lookup", self.fetches_index):
            self._ensure_index()
            for start in range(0, len(ids), MGET_CHUNK):
                response = self.client.mget(index=self.fetches_index, ids=ids[start : start + MGET_CHUNK])
                for document in response["docs"]:
                    if "error" in document:
                        raise self._failure("fetch record lookup", self.fetches_index, _reason(document["error"]))
                    if document["found"]:
                        record = es_operations.to_fetch_record(document["_source"])
                        found[record.url] = record
        return found

    def save_fetch_records(self, records: Iterable[FetchRecord]) -> None:
        self._bulk(self.fetches_index, map(es_operations.fetch_action, records), "fetch records")

    def record_failures(self, failures: Iterable[FailedPage]) -> None:
        self._bulk(self.failures_index, map(es_operations.failure_action, failures), "failed pages")

    def failed_pages(self, source_id: str | None = None) -> list[FailedPage]:
        """Every failure, read at one point in time after a refresh (failures are few: one per failed page)."""
        query = {"term": {"source_id": source_id}} if source_id is not None else None
        with self._errors("failed pages", self.failures_index):
            self._ensure_index()
            self.client.indices.refresh(index=self.failures_index)
            found = [FailedPage.from_record(hit["_source"]) for hit in self._every_document(self.failures_index, query)]
        return sorted(found, key=lambda failure: (failure.failed_at, failure.url))

    def clear_failures(self, urls: Iterable[str]) -> None:
        actions = map(es_operations.clear_failure_action, dict.fromkeys(urls))
        self._bulk(self.failures_index, actions, "cleared failures")

    def save_search(self, search: SavedSearch) -> None:
        with self._errors(f"save the search {search.name!r}", self.saved_index):
            self._ensure_index()
            self.client.index(index=self.saved_index, id=search.key, document=search.to_record(), refresh="wait_for")

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, read at one point in time (they are few: the team's)."""
        with self._errors("saved searches", self.saved_index):
            self._ensure_index()
            found = [SavedSearch.from_record(hit["_source"]) for hit in self._every_document(self.saved_index)]
        return sorted(found, key=lambda search: search.key)

    def delete_search(self, name: str) -> bool:
        with self._errors(f"delete the search {name!r}", self.saved_index):
            self._ensure_index()
            try:
                self.client.delete(index=self.saved_index, id=saved_search_key(name), refresh="wait_for")
            except NotFoundError as error:
                if _is_missing_document(error):
                    return False
                raise
        return True

    def record_source_run(self, run: SourceRun) -> None:
        """Refreshed at once so source_health sees it; runs are few (one per source per poll)."""
        with self._errors(f"record a run of {run.source_id}", self.runs_index):
            self._ensure_index()
            self.client.index(
                index=self.runs_index,
                id=es_operations.run_doc_id(run),
                document=es_operations.run_document(run),
                refresh=True,
            )

    def source_health(self) -> list[SourceHealth]:
        with self._errors("source health", self.runs_index):
            self._ensure_index()
            return es_operations.source_health(self.client, self.runs_index)

    def refresh(self) -> None:
        with self._errors("refresh"):
            self._ensure_index()
            self.client.indices.refresh(index=self.index)

    def close(self) -> None:
        self.client.close()

    def drop(self) -> None:
        """Delete the versioned indices, their aliases with them, and the templates (for test cleanup)."""
        aliases = [alias.name for alias in self._aliases()]
        with self._errors("drop"):
            indices = self.client.indices
            patterns = ",".join(f"{alias}-v*" for alias in aliases)
            found = indices.get(index=patterns, expand_wildcards="all", ignore_unavailable=True)
            if found:
                indices.delete(index=",".join(sorted(found)))
            for alias in aliases:
                if indices.exists_index_template(name=alias):
                    indices.delete_index_template(name=alias)
        self._ready = False

    def _aliases(self) -> list[_Alias]:
        """Each alias of this store: its mapping, what it holds, and how its documents are rebuilt."""
        return [
            _Alias(self.index, MAPPING, "Habari articles", _rebuilt_article),
            _Alias(self.fetches_index, es_operations.FETCHES_MAPPING, "Habari fetch records, one per canonical URL",
                   _unchanged),
            _Alias(self.failures_index, es_operations.FAILURES_MAPPING, "Habari pages whose processing failed",
                   _unchanged),
            _Alias(self.runs_index, es_operations.RUNS_MAPPING, "Habari source runs, one per poll", _unchanged),
            _Alias(self.saved_index, es_operations.SAVED_MAPPING, "Habari saved searches, one per name", _unchanged),
        ]

    def _ensure_index(self) -> None:
        """Put each template and make each alias front this version's index, once per store: created when
        the alias is new, moved into from an older version's index (see _move)."""
        with self._setup_lock:
            if self._ready:
                return
            for alias in self._aliases():
                versioned = f"{alias.name}-v{INDEX_VERSION}"
                self.client.indices.put_index_template(
                    name=alias.name,
                    index_patterns=[f"{alias.name}-v*"],
                    priority=500,
                    template={"settings": INDEX_SETTINGS, "mappings": alias.mapping},
                    meta={"description": alias.description, "version": INDEX_VERSION},
                )
                behind = self._index_behind(alias.name)
                if behind is None and self._create_index(versioned, alias.name):
                    continue
                if behind is None:
                    self.client.indices.put_alias(index=versioned, name=alias.name)
                elif _is_older(behind, alias.name):
                    self._move(alias, behind, versioned)
                self.client.indices.put_mapping(index=alias.name, body=alias.mapping)  # fields new since it was made
            self._ready = True

    def _index_behind(self, alias: str) -> str | None:
        """The index the alias fronts, or None when there is no such alias."""
        try:
            found = self.client.indices.get_alias(name=alias)
        except NotFoundError:
            return None
        if len(found) > 1:
            raise StoreError(f"Elasticsearch at {self.url}: alias {alias} fronts {', '.join(sorted(found))}; one only")
        return next(iter(found))

    def _create_index(self, versioned: str, alias: str | None = None) -> bool:
        """Create the versioned index, behind its alias if given; False when it exists already: made by an
        older Habari, or a moment ago by another process opening the store (crawl processes open it together)."""
        try:
            self.client.indices.create(index=versioned, aliases={alias: {}} if alias else None)
        except BadRequestError as error:
            if error.message == "resource_already_exists_exception":
                return False
            raise
        return True

    def _move(self, alias: _Alias, old: str, new: str) -> None:
        """Copy an older version's index into this version's, each document rebuilt, then in one step point the
        alias at the new index and delete the old. The old index refuses writes from the start (they fail,
        none is lost) and a copy never replaces a document already there, so stores opened together may all
        move it, and a move cut short is finished by the next store opened."""
        try:
            self.client.indices.add_block(index=old, block="write")  # waits for the writes in flight
            self.client.indices.refresh(index=old)  # so the point in time sees every one
            self._create_index(new)
            copies = (
                {"_op_type": "create", "_id": hit["_id"], "_source": alias.rebuild(hit["_source"])}
                for hit in self._every_document(old)
            )
            self._write(new, copies, f"documents moved from {old}")
            self.client.indices.refresh(index=new)
            self.client.indices.update_aliases(
                actions=[{"add": {"index": new, "alias": alias.name}}, {"remove_index": {"index": old}}]
            )
        except ApiError:  # the old index gone (404, or 503 from its point in time) is another store's finished move
            if self._index_behind(alias.name) != new:
                raise

    def _every_document(self, index: str, query: dict | None = None) -> Iterator[dict]:
        """Every hit of an index (that the query matches), in pages of BULK_CHUNK at one point in time."""
        pit = self.client.open_point_in_time(index=index, keep_alive=MOVE_KEEP_ALIVE)["id"]
        after = None
        try:
            while True:
                page = self.client.search(
                    query=query,
                    pit={"id": pit, "keep_alive": MOVE_KEEP_ALIVE},
                    sort=["_shard_doc"],
                    search_after=after,
                    size=BULK_CHUNK,
                    track_total_hits=False,
                )
                pit, hits = page["pit_id"], page["hits"]["hits"]
                if not hits:
                    return
                yield from hits
                after = hits[-1]["sort"]
        finally:
            self.client.close_point_in_time(id=pit)

    def _bulk(self, index: str, actions: Iterable[dict], what: str) -> int:
        with self._errors(f"bulk write of {what}", index):
            self._ensure_index()
            return self._write(index, actions, what)

    def _write(self, index: str, actions: Iterable[dict], what: str) -> int:
        """Write bulk actions to one index; any rejected document is a StoreError naming the first. A `create`
        whose document is there already is no failure (moves copy with it, see _move), nor a `delete` of one
        that is not there, nor a conditional `index` of one changed since it was read (see move_stories)."""
        written, failures, first = 0, 0, ""
        results = streaming_bulk(
            self.client,
            actions,
            index=index,
            chunk_size=BULK_CHUNK,
            max_retries=3,
            raise_on_error=False,
        )
        for ok, item in results:
            if ok:
                written += 1
                continue
            [(operation, outcome)] = item.items()
            if (operation, outcome.get("status")) in (("create", 409), ("delete", 404), ("index", 409)):
                continue
            failures += 1
            if not first:
                first = f"{outcome.get('_id')}: {_reason(outcome.get('error'))}"
        if failures:
            raise StoreError(
                f"Elasticsearch at {self.url} (index {index}) rejected {failures} of"
                f" {written + failures} {what}; first: {first}"
            )
        return written

    @contextmanager
    def _errors(self, action: str, index: str | None = None) -> Iterator[None]:
        """Client errors as StoreError naming the node, the index (the articles' by default) and the action."""
        try:
            yield
        except ApiError as error:
            reason = f"HTTP {error.meta.status}: {_reason(error.body)}"
            raise self._failure(action, index or self.index, reason) from error
        except TransportError as error:
            raise self._failure(action, index or self.index, error.message) from error

    def _failure(self, action: str, index: str, reason: str) -> StoreError:
        return StoreError(f"Elasticsearch at {self.url} (index {index}): {action} failed: {reason}")


def _page_search(request: SearchRequest, query: dict) -> dict:
    """The search for the page of hits; a collapsed story's inner hits carry only what a folded result lists."""
    sort = _NEWEST_FIRST if request.by_newest else _BEST_FIRST
    search = {"query": query, "sort": sort, "from": request.offset, "size": request.limit, "track_total_hits": True}
    if request.collapse:  # each story's first article in the sort leads it, its inner hits the same order
        inner = {"name": _OTHERS, "size": MAX_STORY_OTHERS + 1, "sort": sort, "_source": story_member_fields()}
        search["collapse"] = {"field": "story", "inner_hits": inner, "max_concurrent_group_searches": GROUP_SEARCHES}
    return search


def _full_query(node: QueryNode | None, filters: SearchFilters) -> dict:
    must = [compile_query(node)] if node is not None else [{"match_all": {}}]
    return {"bool": {"must": must, "filter": _filters(filters)}}


def _filters(filters: SearchFilters) -> list[dict]:
    clauses: list[dict] = [
        {"terms": {_FIELD_PATHS.get(name, name): list(values)}} for name, values in filters.by_field().items()
    ]
    window = {}
    if filters.published_from:
        window["gte"] = filters.published_from.isoformat()
    if filters.published_before:
        window["lt"] = filters.published_before.isoformat()
    if window:
        clauses.append({"range": {"published": window}})
    return clauses


def article_document(article: Article) -> dict:
    """The article's record, with what search reads besides: its story and the words of its title and text."""
    return {
        **article.to_record(),
        "story": article.story_id,
        WORD_FIELDS["title"]: indexed_text(article.title),
        WORD_FIELDS["text"]: indexed_text(article.text),
    }


def _rebuilt_article(source: dict) -> dict:
    return article_document(Article.from_record(source))


def _unchanged(source: dict) -> dict:
    return source


def _is_older(index: str, alias: str) -> bool:
    """Whether the index is an older version's of this alias (not a newer one's, nor one named otherwise)."""
    version = re.fullmatch(rf"{re.escape(alias)}-v(\d+)", index)
    return version is not None and int(version.group(1)) < INDEX_VERSION


def _aggregations(request: SearchRequest) -> dict:
    found: dict = {
        name: {"terms": {"field": _FIELD_PATHS.get(name, name), "size": FACET_SIZE}} for name in request.facets
    }
    if request.collapse:
        found[_STORIES] = {"cardinality": {"field": "story", "precision_threshold": STORY_PRECISION}}
    if request.histogram:  # days of East Africa Time: buckets from 21:00 UTC
        found[_DAYS] = {
            "date_histogram": {"field": "published", "fixed_interval": "1d", "offset": "-3h", "min_doc_count": 1}
        }
    return found


def _hit(hit: dict, query: QueryNode | None) -> SearchHit:
    """A hit with its highlights and, when collapsed, its story's size and other articles."""
    article = Article.from_record(hit["_source"])
    marked = highlights(query, article.title, article.text)
    score = float(hit.get("_score") or 0.0)
    if "inner_hits" not in hit:
        return SearchHit(article, score, marked)
    story = hit["inner_hits"][_OTHERS]["hits"]
    others = [StoryMember.from_record(other["_source"]) for other in story["hits"] if other["_id"] != hit["_id"]]
    return SearchHit(article, score, marked, story["total"]["value"], tuple(others[:MAX_STORY_OTHERS]))


def _buckets(aggregation: dict) -> list[FacetBucket]:
    """A terms aggregation's buckets; a boolean's key is 1 or 0, its key_as_string "true" or "false"."""
    buckets = aggregation["buckets"]
    return [FacetBucket(bucket.get("key_as_string", bucket["key"]), bucket["doc_count"]) for bucket in buckets]


def _days(aggregation: dict) -> list[DayCount]:
    """Keys are the buckets' starts, midnight EAT, in milliseconds since the epoch."""
    return [
        DayCount(datetime.fromtimestamp(bucket["key"] / 1000, EAT).date(), bucket["doc_count"])
        for bucket in aggregation["buckets"]
    ]


def _is_missing_document(error: NotFoundError) -> bool:
    """A 404 for an absent document, as opposed to a missing index."""
    body = error.body if isinstance(error.body, dict) else {}
    return body.get("found") is False or body.get("result") == "not_found"


def _reason(error: object) -> str:
    """The most useful line of an Elasticsearch error body."""
    if isinstance(error, dict):
        detail = error.get("error", error)
        if isinstance(detail, dict):
            cause = detail.get("caused_by", {})
            reason = f"{detail.get('type', 'error')}: {detail.get('reason', '')}"
            return f"{reason} ({cause.get('reason')})" if cause.get("reason") else reason
        return str(detail)
    return str(error)
