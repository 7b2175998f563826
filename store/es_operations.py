"""The Elasticsearch store's operational indices: fetch records and failed pages per URL, the runs per source.

Their strict mappings, their documents, and the source-health aggregation; ElasticsearchStore calls these.
"""
from __future__ import annotations

import hashlib

from elasticsearch import Elasticsearch

from store.base import StoreError
from store.models import FailedPage, FetchRecord, SourceHealth, SourceRun, _iso

MAX_SOURCES = 10_000
STORED_ONLY = {"type": "keyword", "index": False, "doc_values": False}
FETCHES_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "url": STORED_ONLY,
        "fetched_at": {"type": "date"},
        "status": {"type": "short"},
        "etag": STORED_ONLY,
        "last_modified": STORED_ONLY,
        "content_sha256": STORED_ONLY,
    },
}
_COUNT = {"type": "integer", "index": False}
RUNS_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "source_id": {"type": "keyword"},
        "started_at": {"type": "date_nanos"},
        "finished_at": {"type": "date_nanos"},
        "ok": {"type": "boolean"},
        "pages_fetched": _COUNT,
        "new_articles": _COUNT,
        "errors": _COUNT,
        "error": STORED_ONLY,
        "robots_forbidden": _COUNT,
        "failed_pages": _COUNT,
    },
}
SAVED_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "key": {"type": "keyword"},
        "name": STORED_ONLY,
        "query": STORED_ONLY,
        "filters": {"type": "object", "enabled": False},
        "owner": {"type": "keyword"},
        "created_at": {"type": "date"},
        "updated_at": {"type": "date"},
    },
}
FAILURES_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "url": STORED_ONLY,
        "source_id": {"type": "keyword"},
        "stage": {"type": "keyword"},
        "message": STORED_ONLY,
        "failed_at": {"type": "date"},
        "archive": {
            "properties": {
                "warc_file": STORED_ONLY,
                "offset": {"type": "long", "index": False, "doc_values": False},
                "sha256": STORED_ONLY,
            }
        },
    },
}
_LATEST = {"top_hits": {"size": 1, "sort": [{"finished_at": "desc"}, {"started_at": "desc"}]}}
_HEALTH_AGGREGATIONS = {
    "sources": {
        "terms": {"field": "source_id", "size": MAX_SOURCES, "order": {"_key": "asc"}},
        "aggs": {
            "latest": _LATEST,
            "succeeded": {"filter": {"term": {"ok": True}}, "aggs": {"latest": _LATEST}},
            "failed": {"filter": {"term": {"ok": False}}, "aggs": {"latest": _LATEST}},
        },
    }
}


def fetch_doc_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def fetch_action(record: FetchRecord) -> dict:
    """A bulk action upserting the record under the hash of its URL."""
    document = record.to_record()
    return {"_op_type": "index", "_id": fetch_doc_id(record.url), "_source": document}


def to_fetch_record(document: dict) -> FetchRecord:
    return FetchRecord.from_record(document)


def failure_action(failure: FailedPage) -> dict:
    """A bulk action upserting the failure under the hash of its URL, as a fetch record is kept."""
    return {"_op_type": "index", "_id": fetch_doc_id(failure.url), "_source": failure.to_record()}


def clear_failure_action(url: str) -> dict:
    return {"_op_type": "delete", "_id": fetch_doc_id(url)}


def run_doc_id(run: SourceRun) -> str:
    """One id per source and start time, so recording a run again (a retry) replaces it."""
    return hashlib.sha256(f"{run.source_id}\n{_iso(run.started_at)}".encode()).hexdigest()


def run_document(run: SourceRun) -> dict:
    return run.to_record()


def source_health(client: Elasticsearch, index: str) -> list[SourceHealth]:
    """One aggregation for every source's latest runs, then one count of the failures since the last
    success for the sources whose latest run failed after an earlier success."""
    response = client.search(index=index, size=0, aggs=_HEALTH_AGGREGATIONS)
    sources = response["aggregations"]["sources"]
    if sources["sum_other_doc_count"]:
        raise StoreError(f"Elasticsearch index {index}: more than {MAX_SOURCES} sources have runs")
    since_success = {
        bucket["key"]: _failed_since(bucket["key"], _latest_hits(bucket["succeeded"])[0]["_source"]["finished_at"])
        for bucket in sources["buckets"]
        if bucket["succeeded"]["doc_count"] and not _latest_hits(bucket)[0]["_source"]["ok"]
    }
    counts: dict[str, int] = {}
    if since_success:
        response = client.search(index=index, size=0, aggs={"since": {"filters": {"filters": since_success}}})
        counts = {key: bucket["doc_count"] for key, bucket in response["aggregations"]["since"]["buckets"].items()}
    return [_to_health(bucket, counts) for bucket in sources["buckets"]]


def _to_health(bucket: dict, failures_since_success: dict[str, int]) -> SourceHealth:
    """A source's health from its aggregation bucket and, if its latest run failed after an earlier
    success, the count of failed runs since that success."""
    last_run = _to_run(_latest_hits(bucket)[0]["_source"])
    success, failure = _latest_run(bucket["succeeded"]), _latest_run(bucket["failed"])
    if last_run.ok:
        failures_in_a_row = 0
    elif success:
        failures_in_a_row = failures_since_success[bucket["key"]]
    else:
        failures_in_a_row = bucket["failed"]["doc_count"]
    return SourceHealth(
        source_id=bucket["key"],
        last_run=last_run,
        last_success_at=success.finished_at if success else None,
        last_error=failure.error if failure else None,
        last_error_at=failure.finished_at if failure else None,
        failures_in_a_row=failures_in_a_row,
    )


def _latest_hits(bucket: dict) -> list[dict]:
    return bucket["latest"]["hits"]["hits"]


def _latest_run(bucket: dict) -> SourceRun | None:
    hits = _latest_hits(bucket)
    return _to_run(hits[0]["_source"]) if hits else None


def _to_run(document: dict) -> SourceRun:
    return SourceRun.from_record(document)


def _failed_since(source_id: str, moment: str) -> dict:
    return {
        "bool": {
            "filter": [
                {"term": {"source_id": source_id}},
                {"term": {"ok": False}},
                {"range": {"finished_at": {"gt": moment}}},
            ]
        }
    }
