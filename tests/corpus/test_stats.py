"""`spamcorpus stats`: counts from real shards, and each saved crawl run with its own drops (never summed)."""
import json

import pyarrow.parquet as pq
from click.testing import CliRunner

from spamcorpus.cli import main
from corpus.stats import corpus_stats
from corpus.store import CorpusStore
from tests.conftest import make_row


def build(tmp_path):
    store = CorpusStore(tmp_path)
    tg = {"kind": "telegram", "value": "esim1088", "where": "title"}
    store.commit([
        make_row("http://a.example/1", "x", contacts=[tg], score=0.9, family="telecom_sim", lang="zh"),
        make_row("http://a.example/2", "y", contacts=[tg, {"kind": "qq", "value": "12345678", "where": "text"}],
                 score=0.8, family="telecom_sim", lang="zh"),
        make_row("http://b.example/1", "z", score=0.1, lang="en"),
    ])
    runs = tmp_path / "_runs"
    runs.mkdir()
    # two runs of one job as crawler/extensions/runstats.py saves them: the second re-met the same links
    for i, (started, drops, rows) in enumerate([("2026-11-01T10:00:00+00:00", {"http_404": 2, "offsite": 63}, 3),
                                                ("2026-11-02T10:00:00+00:00", {"offsite": 63}, 0)]):
        stats = {f"spamcorpus/drops/{k}": v for k, v in drops.items()}
        stats.update({"start_time": started, "response_received_count": 10 - 5 * i,
                      "spamcorpus/pages_extracted": rows, "spamcorpus/rows_committed": rows})
        record = {"run_id": f"r{i}", "job": "test", "finish_reason": "finished" if i == 0 else None, "stats": stats}
        (runs / f"r{i}.json").write_text(json.dumps(record))


def test_corpus_stats_counts(tmp_path):
    build(tmp_path)
    s = corpus_stats(tmp_path)
    assert s["rows"] == 3 and s["likely_spam"] == 2 and s["host_count"] == 2 and s["runs"] == 2
    assert s["languages"][0] == ("zh", 2)
    assert ("telegram", "esim1088", 2) in s["top_handles"]
    assert dict(s["contact_kinds"]) == {"telegram": 2, "qq": 1}
    # each run with its own figures; drops never summed over runs (63 offsite links, not 126)
    assert [(r["run_id"], r["responses"], r["rows_committed"], r["drops"]) for r in s["crawl_runs"]] == [
        ("r0", 10, 3, {"http_404": 2, "offsite": 63}), ("r1", 5, 0, {"offsite": 63})]
    assert s["drops_by_run"] == {"http_404": [2, 0], "offsite": [63, 63]}
    assert s["drops"] == {"http_404": 2, "offsite": 63}


def test_stats_cli_text_json_and_errors(tmp_path):
    build(tmp_path)
    runner = CliRunner()
    res = runner.invoke(main, ["stats", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "3 rows in 1 shards from 2 runs" in res.output and "telegram:esim1088 (2)" in res.output
    assert "  run r0 (test) 2026-11-01 10:00:00 UTC finished: 10 responses, 3 pages, 3 rows committed; " \
           "drops http_404 2, offsite 63" in res.output
    assert "  run r1 (test) 2026-11-02 10:00:00 UTC not finished (killed?): 5 responses" in res.output
    assert "drops by reason: http_404 2 | 0, offsite 63 | 63 (one figure per run, oldest first; not summed" \
        in res.output
    assert "offsite 126" not in res.output
    (tmp_path / "_runs" / "torn.json").write_text("{ torn")
    res = runner.invoke(main, ["stats", str(tmp_path), "--json"])
    data = json.loads(res.output)
    assert data["rows"] == 3 and data["runs"] == 2 and data["unreadable_run_records"] == ["torn.json"]
    assert data["drops_by_run"]["offsite"] == [63, 63]
    res = runner.invoke(main, ["stats", str(tmp_path / "nothing")])
    assert res.exit_code != 0 and "not a spamcorpus corpus" in res.output and "Traceback" not in res.output


def test_stats_lists_the_largest_campaigns(tmp_path):
    from corpus.campaigns import assign_campaigns
    from corpus.stats import format_stats

    build(tmp_path)
    s = corpus_stats(tmp_path)
    assert s["campaigns"] is None and "not computed yet" in s["campaigns_note"]
    assign_campaigns(tmp_path)  # the two rows sharing @esim1088 (both scored spam) form one campaign
    s = corpus_stats(tmp_path)
    assert s["campaigns_note"] == "campaigns: 2 over 3 rows"
    [c] = s["campaigns"]
    assert c["size"] == 2 and c["handles"][0] == "telegram:esim1088" and "qq:12345678" in c["handles"]
    assert c["hosts"] == ["a.example"] and c["families"] == ["telecom_sim"] and c["methods"] == {"contact": 2}
    text = format_stats(s)
    assert f"campaign {c['campaign_id']}: 2 docs; handles telegram:esim1088" in text and "1 host (a.example)" in text
    CorpusStore(tmp_path).commit([make_row("http://c.example/1", "w")])
    assert "1 newer rows not grouped yet" in corpus_stats(tmp_path)["campaigns_note"]


def test_stats_show_the_detector_version_mix_and_stale_campaigns(tmp_path):
    from corpus.campaigns import assign_campaigns
    from corpus.signals import DETECTOR_VERSION
    from corpus.stats import format_stats

    store = CorpusStore(tmp_path)
    store.commit([make_row(f"http://v.example/{i}", f"v{i}", detector_version=DETECTOR_VERSION) for i in range(3)])
    store.commit([make_row(f"http://w.example/{i}", f"w{i}", detector_version="signals-0.1") for i in range(2)])
    s = corpus_stats(tmp_path)
    assert s["detector_versions"] == [(DETECTOR_VERSION, 3), ("signals-0.1", 2)]
    assert s["current_detector"] == DETECTOR_VERSION
    text = format_stats(s)
    assert f"detector versions: {DETECTOR_VERSION} 3 (current), signals-0.1 2; `spamcorpus rescore" in text
    assign_campaigns(tmp_path)
    assert "rewritten" not in corpus_stats(tmp_path)["campaigns_note"]
    entry = store.manifest()[0]  # a rescore rewrites a shard the campaigns were built from
    store.replace_shard(entry["shard"], pq.ParquetFile(tmp_path / entry["shard"]).read())
    assert "shards were rewritten (rescore) or quarantined since" in corpus_stats(tmp_path)["campaigns_note"]
