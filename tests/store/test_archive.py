"""The WARC archive on hand-built captures: round trips, offsets, daily files, appends after a restart or
beside another writer, torn tails, refused names and bad bytes, and files standard WARC tools can read.
"""
from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
from warcio.archiveiterator import ArchiveIterator

from store.archive import ArchiveError, Capture, WarcArchive
from store.models import ArchiveRef

T0 = datetime(2026, 11, 28, 9, 30, 15, 123456, tzinfo=timezone.utc)
PAGE = "<html><head><meta charset='utf-8'><title>Maji</title></head><body><p>Kisima kipya Dunda</p></body></html>"


def capture(payload: bytes = PAGE.encode(), url: str = "http://sauti.test/articles/kisima?ref=1") -> Capture:
    return Capture(
        url=url,
        status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"), ("Server", "newsweb"),
                 ("Content-Length", str(len(payload)))),
        payload=payload,
        request_headers=(("User-Agent", "Habari/0.1 (+https://example.tz)"), ("Accept-Encoding", "gzip")),
        ip_address="127.0.0.2",
    )


def clock(*moments: datetime) -> Callable[[], datetime]:
    """Returns the moments in turn, then keeps returning the last."""
    remaining: Iterator[datetime] = iter(moments)
    last = moments[-1]

    def now() -> datetime:
        nonlocal last
        last = next(remaining, last)
        return last

    return now


class Seen(NamedTuple):
    type: str
    target: str | None
    concurrent_to: str | None
    record_id: str
    digests_passed: bool | None


def records(path: Path) -> list[Seen]:
    """Every record of a WARC file as warcio alone reads it, block and payload digests checked."""
    seen = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests=True):
            record.raw_stream.read()  # the digests are checked as the record is read
            header = record.rec_headers.get_header
            seen.append(Seen(record.rec_type, header("WARC-Target-URI"), header("WARC-Concurrent-To"),
                             header("WARC-Record-ID"), record.digest_checker.passed))
    return seen


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[WarcArchive]:
    archive = WarcArchive(tmp_path / "warc", clock=clock(T0))
    yield archive
    archive.close()


def test_a_capture_reads_back_exactly(archive):
    ref = archive.write(capture())

    page = archive.read_record(ref)
    assert ref.warc_file == "habari-20261128.warc.gz"
    assert ref.sha256 == hashlib.sha256(PAGE.encode()).hexdigest()
    assert (page.url, page.status, page.payload, page.fetched_at) == (capture().url, 200, PAGE.encode(), T0)
    assert page.header("content-type") == "text/html; charset=utf-8" and page.header("Server") == "newsweb"
    assert archive.read_payload(ref) == PAGE.encode()


def test_recorded_headers_describe_the_stored_payload(archive):
    decoded = PAGE.encode() * 20  # Scrapy undid gzip: the wire had 120 bytes, chunked
    wire = replace(capture(decoded), headers=(("Content-Type", "text/html"), ("Content-Length", "120"),
                                              ("Transfer-Encoding", "chunked")))

    headers = archive.read_record(archive.write(wire)).headers
    assert headers == (("Content-Type", "text/html"), ("X-Archive-Orig-Content-Length", "120"),
                       ("X-Archive-Orig-Transfer-Encoding", "chunked"), ("Content-Length", str(len(decoded))))


def test_each_ref_points_at_its_own_response_record(archive):
    payloads = [f"<p>makala {n}</p>".encode() * (n + 1) for n in range(4)]
    refs = [archive.write(capture(payload, url=f"http://sauti.test/{n}")) for n, payload in enumerate(payloads)]

    offsets = [ref.offset for ref in refs]
    assert offsets == sorted(set(offsets)) and offsets[0] > 0  # after the warcinfo record
    assert [archive.read_payload(ref) for ref in reversed(refs)] == list(reversed(payloads))
    raw = (archive.directory / refs[2].warc_file).read_bytes()
    member = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(raw[refs[2].offset:])
    assert member.startswith(b"WARC/1.1\r\nWARC-Type: response\r\n")
    assert b"WARC-Target-URI: http://sauti.test/2" in member


def test_a_new_utc_day_opens_a_new_file(tmp_path):
    late = datetime(2026, 11, 28, 23, 59, 59, tzinfo=timezone.utc)
    eat_morning = datetime(2026, 11, 29, 2, 30, tzinfo=ZoneInfo("Africa/Dar_es_Salaam"))  # still 28 Nov in UTC
    next_day = late + timedelta(seconds=2)
    archive = WarcArchive(tmp_path, clock=clock(late, eat_morning, next_day))

    refs = [archive.write(capture(f"<p>{n}</p>".encode())) for n in range(3)]
    archive.close()

    assert [ref.warc_file for ref in refs] == ["habari-20261128.warc.gz"] * 2 + ["habari-20261129.warc.gz"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["habari-20261128.warc.gz", "habari-20261129.warc.gz"]
    assert [archive.read_payload(ref) for ref in refs] == [b"<p>0</p>", b"<p>1</p>", b"<p>2</p>"]
    assert [r.type for r in records(tmp_path / "habari-20261129.warc.gz")] == ["warcinfo", "response", "request"]


def test_a_restart_appends_to_the_days_file(tmp_path):
    first = WarcArchive(tmp_path, clock=clock(T0))
    before = first.write(capture(b"<p>asubuhi</p>"))
    first.close()
    second = WarcArchive(tmp_path, clock=clock(T0 + timedelta(hours=3)))
    after = second.write(capture(b"<p>mchana</p>"))
    second.close()

    assert after.warc_file == before.warc_file and after.offset > before.offset
    assert (second.read_payload(before), second.read_payload(after)) == (b"<p>asubuhi</p>", b"<p>mchana</p>")
    assert [r.type for r in records(tmp_path / after.warc_file)] == [
        "warcinfo", "response", "request", "response", "request"]


def test_two_writers_share_a_day_file(tmp_path):
    one, two = WarcArchive(tmp_path, clock=clock(T0)), WarcArchive(tmp_path, clock=clock(T0))
    refs = [(one if n % 2 else two).write(capture(f"<p>{n}</p>".encode())) for n in range(6)]
    one.close()
    two.close()

    assert [one.read_payload(ref) for ref in refs] == [f"<p>{n}</p>".encode() for n in range(6)]
    assert [r.type for r in records(tmp_path / refs[0].warc_file)].count("response") == 6


def test_warc_tools_see_linked_request_and_response_records_with_sha256_digests(archive):
    ref = archive.write(capture())
    archive.close()

    path = archive.directory / ref.warc_file
    warcinfo, response, request = records(path)
    assert warcinfo.type == "warcinfo"
    assert (response.type, response.target) == ("response", capture().url)
    assert (request.type, request.target) == ("request", capture().url)
    assert request.concurrent_to == response.record_id
    assert response.digests_passed is True and request.digests_passed is True
    with path.open("rb") as stream:
        response, request = list(ArchiveIterator(stream))[1:]
        assert response.rec_headers.get_header("WARC-Payload-Digest").startswith("sha256:")
        assert response.rec_headers.get_header("WARC-IP-Address") == "127.0.0.2"
        assert response.rec_headers.get_header("WARC-Date") == "2026-11-28T09:30:15.123456Z"
        request_line = f"{request.http_headers.protocol} {request.http_headers.statusline}"
        assert request_line == "GET /articles/kisima?ref=1 HTTP/1.1"
        assert request.http_headers.get_header("Host") == "sauti.test"
        assert request.http_headers.get_header("User-Agent").startswith("Habari/")


def test_a_torn_last_record_leaves_earlier_ones_readable_and_is_cut_before_the_next_append(tmp_path):
    archive = WarcArchive(tmp_path, clock=clock(T0))
    kept = [archive.write(capture(f"<p>{n}</p>".encode())) for n in range(2)]
    archive.close()
    path = tmp_path / kept[0].warc_file
    whole = path.read_bytes()
    torn = WarcArchive(tmp_path / "elsewhere", clock=clock(T0))
    extra = torn.write(capture(b"<p>never finished</p>" * 50))
    torn.close()
    member = (tmp_path / "elsewhere" / extra.warc_file).read_bytes()[extra.offset:]
    with path.open("ab") as stream:  # a crash in the middle of an append
        stream.write(member[: len(member) // 2])

    assert [WarcArchive(tmp_path).read_payload(ref) for ref in kept] == [b"<p>0</p>", b"<p>1</p>"]
    assert [r.type for r in records(path)][-2:] == ["request", "response"]  # warcio yields the torn record, short

    restarted = WarcArchive(tmp_path, clock=clock(T0))
    later = restarted.write(capture(b"<p>baadaye</p>"))
    restarted.close()
    assert later.offset == len(whole)  # the next append cut it off
    assert [r.type for r in records(path)] == ["warcinfo"] + ["response", "request"] * 3
    assert [restarted.read_payload(ref) for ref in (*kept, later)] == [b"<p>0</p>", b"<p>1</p>", b"<p>baadaye</p>"]


def test_a_payload_that_does_not_match_its_hash_is_refused(archive):
    ref = archive.write(capture())

    with pytest.raises(ArchiveError, match=rf"habari-20261128.warc.gz at offset {ref.offset}: .*SHA-256"):
        archive.read_payload(replace(ref, sha256="0" * 64))


def test_damaged_bytes_are_refused_with_the_file_and_offset(archive):
    ref = archive.write(capture())
    archive.close()
    path = archive.directory / ref.warc_file
    data = bytearray(path.read_bytes())
    data[ref.offset + 40] ^= 0xFF
    path.write_bytes(bytes(data))

    with pytest.raises(ArchiveError, match=rf"habari-20261128.warc.gz at offset {ref.offset}"):
        archive.read_record(ref)


def test_an_offset_that_is_not_a_response_record_is_refused(archive):
    ref = archive.write(capture())

    for offset in (0, ref.offset + 1, -1, 10**9):  # the warcinfo record, mid-member, negative, past the end
        with pytest.raises(ArchiveError, match=f"at offset {offset}"):
            archive.read_record(replace(ref, offset=offset))


def test_a_missing_file_is_named(archive):
    ref = archive.write(capture())

    with pytest.raises(ArchiveError, match="habari-20261127.warc.gz at offset .*missing"):
        archive.read_record(replace(ref, warc_file="habari-20261127.warc.gz"))


@pytest.mark.parametrize("name", [
    "../habari-20261128.warc.gz", "/etc/passwd", "sub/habari-20261128.warc.gz", "..", ".hidden.warc.gz",
    "habari-20261128.warc.gz/..", "habari.txt", "habari\x00.warc.gz", "..\\habari.warc.gz",
])
def test_names_outside_the_archive_are_refused(tmp_path, name):
    (tmp_path / "habari-20261128.warc.gz").write_bytes(gzip.compress(b"outside the archive"))
    archive = WarcArchive(tmp_path / "warc")
    archive.directory.mkdir()

    with pytest.raises(ArchiveError, match="is not the name of a WARC file"):
        archive.read_record(ArchiveRef(warc_file=name, offset=0, sha256="0" * 64))


def test_captures_are_read_in_order_with_their_context_from_a_day_and_after_a_record(tmp_path):
    days = [T0, T0 + timedelta(days=1), T0 + timedelta(days=1, hours=2)]
    archive = WarcArchive(tmp_path, clock=clock(*days))
    refs = [archive.write(replace(capture(f"<p>{n}</p>".encode(), url=f"http://sauti.test/{n}"),
                                  context=b'{"n": %d}' % n if n != 1 else None)) for n in range(3)]
    archive.close()

    found = list(WarcArchive(tmp_path).captures())
    assert [one.ref for one in found] == refs
    assert [one.page.payload for one in found] == [b"<p>0</p>", b"<p>1</p>", b"<p>2</p>"]
    assert [one.context for one in found] == [b'{"n": 0}', None, b'{"n": 2}']
    assert [one.page.fetched_at for one in found] == days
    assert [one.ref for one in WarcArchive(tmp_path).captures(since=days[1].date())] == refs[1:]
    assert [one.ref for one in WarcArchive(tmp_path).captures(after=refs[1])] == refs[2:]
    assert [one.ref for one in WarcArchive(tmp_path).captures(after=refs[0])] == refs[1:]


def test_reading_in_order_reports_a_torn_record_and_goes_on_to_the_next_file(tmp_path):
    archive = WarcArchive(tmp_path, clock=clock(T0, T0, T0 + timedelta(days=1)))
    kept, torn, next_day = (archive.write(capture(f"<p>{n}</p>".encode() * 400)) for n in range(3))
    archive.close()
    path = tmp_path / kept.warc_file
    whole = path.read_bytes()
    path.write_bytes(whole[: torn.offset + (len(whole) - torn.offset) // 3])  # a crash in the middle of an append

    found = list(WarcArchive(tmp_path).captures())
    assert found[0].ref == kept and found[-1].ref == next_day
    problem = found[1]
    assert problem.warc_file == kept.warc_file and problem.offset == torn.offset
    assert len(found) == 3
    assert "incomplete record" in problem.reason
