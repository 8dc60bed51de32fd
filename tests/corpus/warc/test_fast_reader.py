"""The FastWARC fast path gives exactly the warcio reader's values, on clean files and on any damage."""
from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from corpus.warc import fast_reader
from corpus.warc.reader import _date, iter_responses
from corpus.warc.records import ArchivedResponse, Damaged
from tests.corpus.warc.test_warc_files import exchange, write

pytestmark = pytest.mark.skipif(not fast_reader.available(), reason="FastWARC is not installed")


def both(path: Path) -> list:
    slow, fast = list(iter_responses(path, fast=False)), list(iter_responses(path, fast=True))
    assert fast == slow
    return fast


def fast_only(path: Path) -> tuple[int, int | None]:
    """How many values the fast path gave before it stopped, and where it stopped."""
    got = 0
    try:
        for _ in fast_reader.fast_responses(path, 0, 10 << 20, _date, fast_reader.warcio_decode):
            got += 1
    except fast_reader.FastStop as stop:
        return got, stop.offset
    raise AssertionError("the fast path ends with FastStop")


def varied(tmp_path: Path) -> tuple[Path, list[int]]:
    """Pages, a gzip-encoded one, a redirect, an error, an empty body, a percent-encoded URL, a non-ASCII header
    value (the writer percent-encodes it)."""
    html = b"<html><p>" + b"compressed page " * 200 + b"</p></html>"
    wire = gzip.compress(html)
    exchanges = [exchange(0), exchange(1, status=301, headers=[("Location", "/p0")], body=b""),
                 exchange(2, wire, headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")]),
                 exchange(3, status=404), exchange(4, b""), exchange(5, uri="http://a.test/%E9%A1%B5?x=1"),
                 exchange(6, headers=[("Content-Type", "text/html"), ("X-Note", "caf\u00e9")]), exchange(7)]
    path = tmp_path / "varied.warc.gz"
    offsets = write(path, exchanges)
    return path, [offsets[e.record_id] for e in exchanges]


def test_a_clean_file_is_read_whole_by_the_fast_path_with_the_same_values(tmp_path):
    path, offsets = varied(tmp_path)
    got = both(path)
    assert len(got) == 8 and all(isinstance(r, ArchivedResponse) for r in got)
    assert got[2].body.startswith(b"<html><p>compressed page")  # decoded as the warcio path decodes it
    assert fast_only(path) == (8, None)  # every record vouched for: warcio read none of them


def rewrite_member(tmp_path: Path, count: int, index: int, change) -> tuple[Path, list[int]]:
    """`count` pages in one file, the `index`th record's gzip member replaced by `change(its inflated bytes)`."""
    exchanges = [exchange(i) for i in range(count)]
    path = tmp_path / "d.warc.gz"
    written = write(path, exchanges)
    offsets = [written[e.record_id] for e in exchanges]
    data = path.read_bytes()
    member = gzip.decompress(data[offsets[index]: offsets[index + 1]])
    path.write_bytes(data[: offsets[index]] + gzip.compress(change(member)) + data[offsets[index + 1]:])
    return path, offsets


def shorter_length(member: bytes) -> bytes:
    length = re.search(rb"\r\nContent-Length: (\d+)\r\n", member)
    return member.replace(length.group(0), b"\r\nContent-Length: %d\r\n" % (int(length.group(1)) - 40), 1)


def test_damage_hands_over_to_warcio_at_the_damaged_record(tmp_path):
    path, offsets = rewrite_member(tmp_path, 6, 3, shorter_length)
    got = both(path)
    assert [(d.offset, d.reason) for d in got if isinstance(d, Damaged)] == [(offsets[3], "warc_bad_digest")]
    assert fast_only(path) == (3, offsets[3])  # three pages fast, the rest by warcio from the damaged one


def test_a_member_holding_more_than_its_record_is_left_to_warcio(tmp_path):
    # junk between the block and its closing line ends: the digest still verifies, warcio names it malformed
    path, offsets = rewrite_member(tmp_path, 3, 1, lambda member: member[:-4] + b"junk" + member[-4:])
    got = both(path)
    assert fast_only(path)[1] == offsets[1]
    assert any(isinstance(d, Damaged) for d in got)


_VARIED: list[bytes] = []


def _varied_bytes(tmp_path_factory) -> bytes:
    """One varied() file for every example of a run: record ids and the warcinfo date are fresh in each file written,
    so the same flips would hit other bytes of another file, and a failing example could not be replayed."""
    if not _VARIED:
        _VARIED.append(varied(tmp_path_factory.mktemp("varied"))[0].read_bytes())
    return _VARIED[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), max_size=3),
       insert=st.one_of(st.none(), st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=40))))
def test_any_damage_gives_the_same_values_both_ways(tmp_path_factory, cut, flips, insert):
    path = tmp_path_factory.mktemp("fuzz") / "varied.warc.gz"
    data = bytearray(_varied_bytes(tmp_path_factory))
    for where, xor in flips:
        data[int(where * (len(data) - 1))] ^= xor
    if insert is not None:
        at = int(insert[0] * len(data))
        data[at:at] = insert[1]
    data = data[: max(3, int(len(data) * (0.5 + cut / 2)))]
    path.write_bytes(bytes(data))
    try:
        slow = list(iter_responses(path, fast=False))
    except Exception:  # noqa: BLE001 (e.g. the first bytes no longer say WARC: sniff refuses the file both ways)
        with pytest.raises(Exception):
            list(iter_responses(path, fast=True))
        return
    assert list(iter_responses(path, fast=True)) == slow
    offsets = [v.offset for v in slow]
    assert offsets == sorted(set(offsets))  # every value once, in file order: the reader always moves forward


FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[3]


def test_damage_warcio_places_before_the_resync_point_is_read_past_once(tmp_path):
    # Found by `make fuzz`: a file of varied() with three bytes flipped and its end cut. Resyncing at the gzip member
    # at 4327, warcio reports damage at 4239, before the byte it was asked to start from; the reader scanned on from
    # there, found 4327 again and looped for ever, yielding the same damage each time (and a crawl's ingest with it).
    path = tmp_path / "d.warc.gz"
    path.write_bytes((FIXTURES / "damage-placed-before-resync.warc.gz").read_bytes())
    # first in a child with a time limit: the loop swallowed any exception raised into it, and grew without bound
    read = "import sys; from corpus.warc.reader import iter_responses as r; [list(r(sys.argv[1], fast=f)) for f in (0, 1)]"
    done = subprocess.run([sys.executable, "-c", read, str(path)], cwd=ROOT, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    got = both(path)
    offsets = [v.offset for v in got]
    assert offsets == sorted(set(offsets))
    assert [v.offset for v in got if isinstance(v, Damaged)] == [705, 4239]  # the stretch at 4239 counted once
    assert sum(isinstance(v, ArchivedResponse) for v in got) == 7


def test_records_warcio_reads_again_after_a_resync_are_given_once(tmp_path):
    # Found by `make fuzz`: a file of varied() with three bytes flipped and its last third cut. After the page at
    # 3956, warcio placed the cut tail's damage at 2940; the reader resynced from there and gave the pages at 3271
    # and 3956 again (3956 three more times): an ingest would have counted phantom duplicates.
    path = tmp_path / "d.warc.gz"
    path.write_bytes((FIXTURES / "records-read-twice-after-resync.warc.gz").read_bytes())
    got = both(path)
    assert [(type(v).__name__, v.offset) for v in got] == [
        ("ArchivedResponse", 335), ("ArchivedResponse", 1058), ("Damaged", 1384), ("ArchivedResponse", 1738),
        ("ArchivedResponse", 2538), ("ArchivedResponse", 3271), ("ArchivedResponse", 3956), ("Damaged", 3957)]
    assert len({v.target_uri for v in got if isinstance(v, ArchivedResponse)}) == 6  # six pages, each once
