"""The WARC archive: each fetched article kept as request and response records, the evidence of what a
page said, with a metadata record of what the crawl knew about it; one gzip WARC file per UTC day, appended
to, and records read back by offset with their hash checked, or all in order for re-processing.
"""
from __future__ import annotations

import base64
import fcntl
import gzip
import hashlib
import logging
import os
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.warcwriter import WARCWriter

from store.models import ArchiveRef

logger = logging.getLogger(__name__)

Headers = tuple[tuple[str, str], ...]
WARC_VERSION = "1.1"
ORIGINAL_PREFIX = "X-Archive-Orig-"
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.warc\.gz")
_DAY_FILE = re.compile(r"habari-(\d{8})\.warc\.gz")
CONTEXT_TYPE = "application/json"  # the metadata record's payload: what the crawl knew of the page
_GZIP = zlib.MAX_WBITS | 16
GZIP_LEVEL = 1  # measured on real pages: level 9 takes 3x the time for files 16% smaller
_UNREADABLE = (ArchiveLoadFailed, StatusAndHeadersParserException, OSError, EOFError, ValueError, zlib.error)
_SCAN_CHUNK = 16 * 1024  # deflate expands at most ~1000x: a chunk never inflates past ~16 MB


class ArchiveError(Exception):
    """An archived record cannot be read back: a bad name, a missing file, or bytes that do not match."""


@dataclass(frozen=True)
class Capture:
    """One fetch to archive: the final request and its response, the body after transfer decoding."""

    url: str
    status: int
    headers: Headers
    payload: bytes = field(repr=False)
    method: str = "GET"
    request_headers: Headers = ()
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None
    context: bytes | None = None  # JSON kept beside the response in a metadata record (the page's source, its feed entry)


@dataclass(frozen=True)
class ArchivedPage:
    """A response record read back, its payload verified against the SHA-256 its ArchiveRef holds."""

    url: str
    status: int
    headers: Headers
    payload: bytes = field(repr=False)
    fetched_at: datetime

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)


@dataclass(frozen=True)
class ArchivedCapture:
    """One response record met while reading the archive in order, with the context recorded beside it."""

    ref: ArchiveRef
    page: ArchivedPage
    context: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ArchiveProblem:
    """A part of the archive that could not be read in order: the file, where, and why."""

    warc_file: str
    offset: int
    reason: str


class WarcArchive:
    """Writes captures to `habari-YYYYMMDD.warc.gz` in `directory` (the UTC day of `clock()`) and reads them.

    Each record is its own gzip member, written whole in one append under an exclusive lock, so several
    crawls may share a day's file. A torn member left by a crash (warcio would read it as a short record) is
    cut off before the next append; complete records are never rewritten.
    """

    def __init__(self, directory: Path, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.directory = directory
        self._clock = clock
        self._file_name: str | None = None
        self._handle: BinaryIO | None = None
        self._sound_end = 0  # bytes of the open file known to be complete gzip members

    def write(self, capture: Capture) -> ArchiveRef:
        """Append the response and request records; the ref points at the response record."""
        moment = self._clock().astimezone(timezone.utc)
        handle = self._open(f"habari-{moment:%Y%m%d}.warc.gz")
        sha256 = hashlib.sha256(capture.payload).digest()
        records = _records(capture, moment, sha256)
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            start = self._complete_end(handle)
            header = _warcinfo(self._file_name) if start == 0 else b""
            _write_all(handle, header + records)
            self._sound_end = start + len(header) + len(records)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
        return ArchiveRef(warc_file=self._file_name, offset=start + len(header), sha256=sha256.hex())

    def read_record(self, ref: ArchiveRef) -> ArchivedPage:
        """The response record `ref` points at; ArchiveError if it is missing or its payload's hash differs."""
        path = self._path(ref.warc_file)
        where = f"{ref.warc_file} at offset {ref.offset}"
        if ref.offset < 0:
            raise ArchiveError(f"{where}: an offset cannot be negative")
        try:
            with path.open("rb") as stream:
                stream.seek(ref.offset)
                record = next(iter(ArchiveIterator(stream)), None)
                if record is None or record.rec_type != "response" or record.http_headers is None:
                    raise ArchiveError(f"{where}: no WARC response record there")
                payload = record.raw_stream.read()
        except FileNotFoundError:
            raise ArchiveError(f"{where}: the WARC file is missing from the archive") from None
        except _UNREADABLE as error:
            raise ArchiveError(f"{where}: the record cannot be read ({error})") from error
        actual = hashlib.sha256(payload).hexdigest()
        if actual != ref.sha256:
            raise ArchiveError(f"{where}: the payload's SHA-256 is {actual}, not the {ref.sha256} recorded")
        return ArchivedPage(
            url=record.rec_headers.get_header("WARC-Target-URI"),
            status=int(record.http_headers.get_statuscode()),
            headers=tuple(record.http_headers.headers),
            payload=payload,
            fetched_at=datetime.fromisoformat(record.rec_headers.get_header("WARC-Date")).astimezone(timezone.utc),
        )

    def read_payload(self, ref: ArchiveRef) -> bytes:
        return self.read_record(ref).payload

    def captures(self, since: date | None = None, after: ArchiveRef | None = None
                 ) -> Iterator[ArchivedCapture | ArchiveProblem]:
        """Every response record, oldest file first and in file order: the daily files from `since` (a UTC
        day), resuming after the record `after`. A file that breaks off is reported and the next one read."""
        for path in sorted(self.directory.glob("habari-*.warc.gz")):
            day = _DAY_FILE.fullmatch(path.name)
            if day is None or (since is not None and day.group(1) < f"{since:%Y%m%d}"):
                continue
            if after is not None and path.name < after.warc_file:
                continue
            yield from self._file_captures(path, after.offset if after and path.name == after.warc_file else -1)

    def _file_captures(self, path: Path, after_offset: int) -> Iterator[ArchivedCapture | ArchiveProblem]:
        pending: _Pending | None = None  # a response waits for the metadata record that follows it
        offset = 0
        try:
            with path.open("rb") as stream:
                size = os.fstat(stream.fileno()).st_size  # a crawl may append while we read: judge what was there
                records = ArchiveIterator(stream)
                for record in records:
                    payload = record.raw_stream.read()  # before the offset: asking for it reads the record to its end
                    offset = records.get_record_offset()
                    if record.rec_type == "metadata" and pending is not None:
                        if record.rec_headers.get_header("WARC-Concurrent-To") == pending.page_id:
                            pending = _with_context(pending, payload)
                        continue
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    yield from _flushed(pending)
                    pending = None
                    if offset <= after_offset:
                        continue
                    found = _archived_capture(path.name, offset, record, payload)
                    if isinstance(found, ArchiveProblem):
                        yield found
                        continue
                    pending = _Pending(record.rec_headers.get_header("WARC-Record-ID"), found)
                read_to = records.offset  # warcio ends quietly at a member torn by an interrupted write
                if read_to < size:
                    yield from _flushed(pending)
                    pending = None
                    yield ArchiveProblem(path.name, read_to, "the file ends in an incomplete record, left by an"
                                         " interrupted write")
        except _UNREADABLE as error:
            yield ArchiveProblem(path.name, offset, f"the file cannot be read past this point ({error})")
        yield from _flushed(pending)

    def close(self) -> None:
        if self._handle is not None:
            os.fsync(self._handle.fileno())
            self._handle.close()
        self._handle, self._file_name = None, None

    def _open(self, file_name: str) -> BinaryIO:
        """The day's file, opened for appending; a new day closes the previous one."""
        if file_name != self._file_name or self._handle is None:
            self.close()
            self.directory.mkdir(parents=True, exist_ok=True)
            self._handle = (self.directory / file_name).open("a+b", buffering=0)  # nothing left in a buffer
            self._file_name, self._sound_end = file_name, 0
        return self._handle

    def _complete_end(self, handle: BinaryIO) -> int:
        """The end of the file's complete records, after cutting off a torn tail another writer's crash left
        (only bytes added since this writer's last append are checked)."""
        size = os.fstat(handle.fileno()).st_size
        start = self._sound_end if self._sound_end <= size else 0  # shorter than we left it: check it all
        if size == start:
            return size
        try:
            end = _end_of_members(handle, start)
        except zlib.error as error:
            logger.error("%s is damaged after byte %d (%s); appending after it", self._file_name, start, error)
            return size
        if end < size:
            logger.warning("%s: cutting off %d bytes of a record torn by an interrupted write", self._file_name,
                           size - end)
            handle.truncate(end)
        return end

    def _path(self, warc_file: str) -> Path:
        if not _FILE_NAME.fullmatch(warc_file):
            raise ArchiveError(f"{warc_file!r} is not the name of a WARC file in the archive")
        return self.directory / warc_file


@dataclass(frozen=True)
class _Pending:
    page_id: str
    capture: ArchivedCapture


def _flushed(pending: _Pending | None) -> Iterator[ArchivedCapture]:
    if pending is not None:
        yield pending.capture


def _with_context(pending: _Pending, context: bytes) -> _Pending:
    capture = pending.capture
    return _Pending(pending.page_id, ArchivedCapture(capture.ref, capture.page, context))


def _archived_capture(warc_file: str, offset: int, record: ArcWarcRecord, payload: bytes
                      ) -> ArchivedCapture | ArchiveProblem:
    """The response record as a capture; a problem when its payload is not the one its digest names (a record
    torn by a crash, which warcio reads as a short one)."""
    sha256 = hashlib.sha256(payload).digest()
    if record.rec_headers.get_header("WARC-Payload-Digest") != _payload_digest(sha256):
        return ArchiveProblem(warc_file, offset, "the record is incomplete or altered: its payload does not match"
                              " its WARC-Payload-Digest")
    page = ArchivedPage(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(record.http_headers.get_statuscode()),
        headers=tuple(record.http_headers.headers),
        payload=payload,
        fetched_at=datetime.fromisoformat(record.rec_headers.get_header("WARC-Date")).astimezone(timezone.utc),
    )
    return ArchivedCapture(ArchiveRef(warc_file, offset, sha256.hex()), page)


def _payload_digest(sha256: bytes) -> str:
    return "sha256:" + base64.b32encode(sha256).decode()


def _records(capture: Capture, moment: datetime, sha256: bytes) -> bytes:
    """The response record, the request record and, when the capture has a context, a metadata record
    (the last two linked to the response by WARC-Concurrent-To), each a gzip member."""
    writer = WARCWriter(None, warc_version=WARC_VERSION)
    date = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    warc_headers = {
        "WARC-Type": "response",
        "WARC-Date": date,
        "WARC-Payload-Digest": _payload_digest(sha256),
    }
    if capture.ip_address:
        warc_headers["WARC-IP-Address"] = capture.ip_address
    response = writer.create_warc_record(
        capture.url, "response", payload=BytesIO(capture.payload), length=len(capture.payload),
        http_headers=StatusAndHeaders(_status_line(capture.status), _recorded_headers(capture),
                                      protocol=capture.protocol),
        warc_headers_dict=warc_headers,
    )
    target = urlsplit(capture.url)
    request_headers = list(capture.request_headers)
    if not any(name.lower() == "host" for name, _ in request_headers):
        request_headers.insert(0, ("Host", target.netloc))
    path = target.path or "/"
    request = writer.create_warc_record(
        capture.url, "request", warc_headers_dict={"WARC-Type": "request", "WARC-Date": date},
        http_headers=StatusAndHeaders(
            f"{capture.method} {path}{'?' + target.query if target.query else ''} {capture.protocol}",
            request_headers, is_http_request=True,
        ),
    )
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    request.rec_headers.add_header("WARC-Concurrent-To", response_id)
    if capture.context is None:
        return _gzip_members(response, request)
    metadata = writer.create_warc_record(
        capture.url, "metadata", payload=BytesIO(capture.context), length=len(capture.context),
        warc_content_type=CONTEXT_TYPE,
        warc_headers_dict={"WARC-Type": "metadata", "WARC-Date": date, "WARC-Concurrent-To": response_id},
    )
    return _gzip_members(response, request, metadata)


def _gzip_members(*records: ArcWarcRecord) -> bytes:
    """Each record as its own gzip member (warcio compresses at level 9, several times slower for little gain)."""
    members = []
    for record in records:
        buffer = BytesIO()
        WARCWriter(buffer, gzip=False, warc_version=WARC_VERSION).write_record(record)
        members.append(gzip.compress(buffer.getvalue(), compresslevel=GZIP_LEVEL, mtime=0))
    return b"".join(members)


def _status_line(status: int) -> str:
    """Scrapy keeps no reason phrase: the standard one is recorded."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _recorded_headers(capture: Capture) -> list[tuple[str, str]]:
    """The response headers as Scrapy delivers them after decoding, made true of the stored payload.

    Scrapy has already removed a Content-Encoding it undid (one it could not undo stays, and so does the
    encoded body). Content-Length is always the stored payload's length; wire-only Transfer-Encoding and a
    Content-Length that differed (the compressed size) are kept as X-Archive-Orig-* headers, as pywb names them.
    """
    length = str(len(capture.payload))
    recorded = []
    for name, value in capture.headers:
        lower = name.lower()
        if lower == "transfer-encoding" or (lower == "content-length" and value.strip() != length):
            recorded.append((ORIGINAL_PREFIX + name, value))
        elif lower != "content-length":
            recorded.append((name, value))
    return [*recorded, ("Content-Length", length)]


def _warcinfo(file_name: str) -> bytes:
    writer = WARCWriter(None, warc_version=WARC_VERSION)
    return _gzip_members(writer.create_warcinfo_record(file_name, {
        "software": "Habari (warcio)",
        "format": "WARC File Format 1.1",
        "description": "Article pages fetched by Habari's crawlers, as received after transfer decoding",
    }))


def _write_all(handle: BinaryIO, data: bytes) -> None:
    """An unbuffered write may be short (a full disk): go on until all is written or it fails."""
    view = memoryview(data)
    while view:
        view = view[handle.write(view):]


def _end_of_members(stream: BinaryIO, start: int) -> int:
    """Where the last complete gzip member from `start` ends; zlib.error if the bytes are not gzip."""
    stream.seek(start)
    end = start
    inflater = zlib.decompressobj(_GZIP)
    while data := stream.read(_SCAN_CHUNK):
        data_end = stream.tell()
        while data:
            inflater.decompress(data)
            if not inflater.eof:
                break
            data = inflater.unused_data
            end = data_end - len(data)
            inflater = zlib.decompressobj(_GZIP)
    return end
