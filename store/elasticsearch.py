"""The scale-out store: articles, fetch records and source runs in Elasticsearch 9, each behind an alias.

Each alias fronts a versioned index made from an explicit template with a strict mapping (core features only).
"""
from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import streaming_bulk

from store import es_operations
from store.base import ArticleStore, StoreError
from store.highlight import MARK_END, MARK_START, render_snippet
from store.models import (
    Article,
    FacetBucket,
    FetchRecord,
    SearchFilters,
    SearchHit,
    SearchRequest,
    SearchResult,
    SourceHealth,
    SourceRun,
)
from store.es_query import compile_query
from store.query import QueryNode

if TYPE_CHECKING:
    from habari.settings import Settings

INDEX_VERSION = 1
BULK_CHUNK = 500
MGET_CHUNK = 500
FACET_SIZE = 50
_FULL_TEXT = {"type": "text", "analyzer": "standard", "index_options": "offsets"}
_KEYWORD = {"type": "keyword"}
MAPPING = {
    "dynamic": "strict",
    "properties": {
        "doc_id": {"type": "keyword"},
        "url": {"type": "keyword"},
        "title": _FULL_TEXT,
        "text": _FULL_TEXT,
        "summary": {"type": "text", "analyzer": "standard"},
        "source_id": {"type": "keyword"},
        "outlet": {"type": "keyword"},
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
_HIGHLIGHT = {
    "pre_tags": [MARK_START],
    "post_tags": [MARK_END],
    "fields": {
        "title": {"number_of_fragments": 0},
        "text": {"fragment_size": 200, "number_of_fragments": 3},
    },
}


class ElasticsearchStore(ArticleStore):
    """Reads and writes go through the aliases `index`, `index-fetches` and `index-runs`; each alias has
    a template covering its versioned indices (`index-v*` and so on)."""

    def __init__(self, client: Elasticsearch, index: str) -> None:
        self.client = client
        self.index = index
        self.fetches_index = f"{index}-fetches"
        self.runs_index = f"{index}-runs"
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

    def upsert(self, articles: Iterable[Article]) -> int:
        actions = ({"_op_type": "index", "_id": a.doc_id, "_source": a.to_record()} for a in articles)
        return self._bulk(self.index, actions, "articles")

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
        options: dict = {}
        if request.query is not None:
            options["highlight"] = _HIGHLIGHT
        if request.facets:
            options["aggs"] = {
                name: {"terms": {"field": _FIELD_PATHS.get(name, name), "size": FACET_SIZE}} for name in request.facets
            }
        with self._errors("search"):
            self._ensure_index()
            response = self.client.search(
                index=self.index,
                query=_full_query(request.query, request.filters),
                sort=_BEST_FIRST if request.query is not None else _NEWEST_FIRST,
                from_=request.offset,
                size=request.limit,
                track_total_hits=True,
                track_scores=True,
                **options,
            )
        hits = [
            SearchHit(Article.from_record(hit["_source"]), float(hit.get("_score") or 0.0), _highlights(hit))
            for hit in response["hits"]["hits"]
        ]
        facets = {  # a boolean's key is 1 or 0, its key_as_string "true" or "false"
            name: [
                FacetBucket(bucket.get("key_as_string", bucket["key"]), bucket["doc_count"])
                for bucket in aggregation["buckets"]
            ]
            for name, aggregation in response.get("aggregations", {}).items()
        }
        return SearchResult(total=response["hits"]["total"]["value"], hits=hits, facets=facets)

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
        aliases = [alias for alias, _, _ in self._indices()]
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

    def _indices(self) -> list[tuple[str, dict, str]]:
        """Each alias of this store with its mapping and what it holds."""
        return [
            (self.index, MAPPING, "Habari articles"),
            (self.fetches_index, es_operations.FETCHES_MAPPING, "Habari fetch records, one per canonical URL"),
            (self.runs_index, es_operations.RUNS_MAPPING, "Habari source runs, one per poll"),
        ]

    def _ensure_index(self) -> None:
        """Put each template and create each versioned index with its alias, once per store."""
        with self._setup_lock:
            if self._ready:
                return
            for alias, mapping, description in self._indices():
                versioned = f"{alias}-v{INDEX_VERSION}"
                self.client.indices.put_index_template(
                    name=alias,
                    index_patterns=[f"{alias}-v*"],
                    priority=500,
                    template={"settings": INDEX_SETTINGS, "mappings": mapping},
                    meta={"description": description, "version": INDEX_VERSION},
                )
                if not self.client.indices.exists_alias(name=alias):
                    if self._create_index(versioned, alias):
                        continue
                    self.client.indices.put_alias(index=versioned, name=alias)
                self.client.indices.put_mapping(index=alias, **mapping)  # adds the fields new since it was made
            self._ready = True

    def _create_index(self, versioned: str, alias: str) -> bool:
        """Create the versioned index behind its alias; False when it exists already: made by an older Habari,
        or a moment ago by another process opening the store (crawl processes open it together)."""
        try:
            self.client.indices.create(index=versioned, aliases={alias: {}})
        except BadRequestError as error:
            if error.message == "resource_already_exists_exception":
                return False
            raise
        return True

    def _bulk(self, index: str, actions: Iterable[dict], what: str) -> int:
        """Write bulk actions to one index; any rejected document is a StoreError naming the first."""
        written, failures, first = 0, 0, ""
        with self._errors(f"bulk write of {what}", index):
            self._ensure_index()
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
                failures += 1
                if not first:
                    outcome = item.get("index", item)
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


def _highlights(hit: dict) -> dict[str, list[str]]:
    marked = hit.get("highlight", {})
    return {field: [render_snippet(fragment) for fragment in fragments] for field, fragments in marked.items()}


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
