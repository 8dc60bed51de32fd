"""Campaign assignment on real corpora: stable ids, incremental = full, merges, contact rules, crash safety, CLI."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from click.testing import CliRunner

from corpus.campaigns import (CampaignConfig, CampaignError, assign_campaigns, campaign_summary, read_campaigns,
                              read_merges)
from corpus.campaigns.grouping import link_keys
from spamcorpus.cli import main
from corpus.contacts import is_placeholder
from corpus.store import CorpusStore, CorruptShard
from tests.conftest import make_row
from tests.corpus.test_campaigns_families import family_rows, variant

REPO = Path(__file__).resolve().parents[2]
LATER = [  # pages unlike anything in the families
    ("社区图书馆开放时间调整", "社区图书馆将于本周六起延长开放时间，工作日开放至晚上九点，周末全天开放。新增的自习区可以提前在小程序上预约座位，"
     "每次最多预约三个小时。借阅证丢失的读者请携带身份证到服务台补办。", "zh"),
    ("春季跑步训练计划", "刚开始跑步的人最容易犯的错误是一开始就跑得太快太久。建议第一周每次慢跑二十分钟，中间可以走路休息，"
     "第二周再逐渐延长时间。跑前做好热身，跑后记得拉伸，膝盖不适时要及时停下来。", "zh"),
    ("Choosing a sleeping bag", "A sleeping bag's comfort rating matters more than its weight for most campers. Down insulates "
     "best for its weight but loses warmth when wet, while synthetic fill keeps working in damp weather. Pick a bag rated a few "
     "degrees below the coldest night you expect, and use a pad: the ground steals more heat than the air.", "en"),
]


def spam_row(kind: str, i: int, *, handle: str | None = None, host: str | None = None, job: str = "spam") -> dict:
    v = variant(kind, i, handle=handle)
    return make_row(f"http://{host or f'{kind}{i}.example'}/p/{kind}/{i}", v["text"], title=v["title"],
                    contacts=v["contacts"], score=0.9, family=v["family"], lang=v["lang"], job=job)


def table_rows(root) -> list[tuple]:
    t = read_campaigns(root).sort_by("doc_id")
    return list(zip(*(t.column(c).to_pylist() for c in t.column_names)))


def commit_in_parts(root, rows, parts: int) -> list[list[dict]]:
    store = CorpusStore(root)
    chunks = [rows[i::parts] for i in range(parts)]
    for chunk in chunks:
        for job in sorted({r["crawl_job"] for r in chunk}):
            store.commit([r for r in chunk if r["crawl_job"] == job])
    return chunks


def test_every_row_gets_an_id_and_rows_still_read_as_a_dataset(tmp_path):
    rows, _template, _campaign = family_rows()
    rows.append(make_row("http://tiny.example/", "ok", title="", job="families"))  # too short to sign: still gets an id
    CorpusStore(tmp_path).commit(rows)
    run = assign_campaigns(tmp_path)
    table = read_campaigns(tmp_path)
    assert table.num_rows == len(rows) == run.rows
    assert table.column_names == ["doc_id", "campaign_id", "method", "campaign_size"]
    assert set(table.column("doc_id").to_pylist()) == {r["doc_id"] for r in rows}
    assert run.not_indexed == {"too_short": 1}
    tiny = {d: (c, m) for d, c, m in zip(*(table.column(k).to_pylist() for k in ("doc_id", "campaign_id", "method")))}
    assert tiny[rows[-1]["doc_id"]] == ("c-" + rows[-1]["doc_id"][:16], "singleton")
    # the _campaigns/ directory is invisible to readers of the rows
    rows_read = ds.dataset(tmp_path, format="parquet", partitioning="hive").to_table()
    assert rows_read.num_rows == len(rows) and "campaign_id" not in rows_read.column_names


def test_rerun_and_full_recompute_give_the_same_ids(tmp_path):
    rows, _t, _c = family_rows()
    CorpusStore(tmp_path).commit(rows)
    first = assign_campaigns(tmp_path)
    before = table_rows(tmp_path)
    again = assign_campaigns(tmp_path)
    assert again.mode == "unchanged" and table_rows(tmp_path) == before
    full = assign_campaigns(tmp_path, full=True)
    assert full.mode == "full" and table_rows(tmp_path) == before and full.campaigns == first.campaigns
    small_batches = assign_campaigns(tmp_path, full=True, batch_size=3)  # signatures do not depend on batching
    assert small_batches.campaigns == first.campaigns and table_rows(tmp_path) == before


def test_incremental_runs_equal_a_full_recompute(tmp_path):
    rows, _template, campaign = family_rows()
    inc, ref = tmp_path / "inc", tmp_path / "ref"
    store = CorpusStore(inc)
    for part in [rows[0::3], rows[1::3], rows[2::3]]:  # every family grows across runs
        store.commit(part)
        run = assign_campaigns(inc)
        assert run.new_rows == len(part)
    assert run.mode == "incremental"
    shutil.copytree(inc, ref, ignore=shutil.ignore_patterns("_campaigns"))
    assign_campaigns(ref, full=True)
    assert table_rows(inc) == table_rows(ref)
    ids = {doc: cid for doc, cid, *_ in table_rows(inc)}
    assert len({ids[d] for d, k in campaign.items() if k == "sim"}) == 1


def test_ids_do_not_change_when_unrelated_rows_arrive(tmp_path):
    rows, _t, _c = family_rows()
    store = CorpusStore(tmp_path)
    store.commit(rows)
    assign_campaigns(tmp_path)
    before = {doc: cid for doc, cid, *_ in table_rows(tmp_path)}
    unrelated = [make_row(f"http://news{i}.example/{i}", text, title=title, lang=lang, score=0.1, job="later")
                 for i, (title, text, lang) in enumerate(LATER)]
    unrelated.append(spam_row("support", 20, job="later"))  # a new copy joins its campaign
    store.commit(unrelated)
    run = assign_campaigns(tmp_path)
    after = {doc: cid for doc, cid, *_ in table_rows(tmp_path)}
    assert run.new_rows == len(unrelated) and run.merged_campaigns == 0
    assert all(after[d] == cid for d, cid in before.items())
    support = {before[r["doc_id"]] for r in rows if "support" in r["url"]}
    assert after[unrelated[-1]["doc_id"]] in support
    assert all(after[r["doc_id"]] == "c-" + r["doc_id"][:16] for r in unrelated[:-1])  # new singletons


def test_a_bridging_row_merges_two_campaigns_under_the_older_id(tmp_path):
    store = CorpusStore(tmp_path)
    older = [spam_row("sim", i, handle=f"simseller{i}") for i in range(3)]
    store.commit(older)
    newer = [spam_row("bet", i, handle=f"betdesk{i}") for i in range(3)]
    store.commit(newer)
    assign_campaigns(tmp_path)
    ids = {doc: cid for doc, cid, *_ in table_rows(tmp_path)}
    sim_id, bet_id = ids[older[0]["doc_id"]], ids[newer[0]["doc_id"]]
    assert sim_id != bet_id and sim_id == "c-" + older[0]["doc_id"][:16]
    bridge = make_row("http://bridge.example/", "两个团队合作，同一客服。" * 5, title="合作", score=0.8, lang="zh",
                      contacts=[{"kind": "telegram", "value": "simseller1", "where": "text"},
                                {"kind": "telegram", "value": "betdesk2", "where": "text"}])
    store.commit([bridge])
    run = assign_campaigns(tmp_path)
    after = {doc: cid for doc, cid, *_ in table_rows(tmp_path)}
    assert run.merged_campaigns == 1 and run.contact_edges == 2
    assert set(after.values()) == {sim_id}  # the older campaign keeps its id
    merges = read_merges(tmp_path)
    assert [(m["event"], m["from"], m["into"], m["rows"]) for m in merges] == [("merged", bet_id, sim_id, 3)]
    methods = {doc: m for doc, _c, m, _s in table_rows(tmp_path)}
    assert methods[bridge["doc_id"]] == "contact" and methods[older[0]["doc_id"]] == "minhash"
    assign_campaigns(tmp_path, full=True)  # the same ids from scratch, and the history is kept
    assert {doc: cid for doc, cid, *_ in table_rows(tmp_path)} == after and len(read_merges(tmp_path)) == 1


def test_contact_link_rules():
    cfg = CampaignConfig()
    tg = {"kind": "telegram", "value": "esim1088", "where": "title"}
    assert link_keys([tg], 0.9, cfg, is_placeholder) == (["telegram:esim1088"], None)
    assert link_keys([tg], 0.2, cfg, is_placeholder) == ([], "low_spam_score")
    assert link_keys([{"kind": "telegram", "value": "your_bot", "where": "text"}], 0.9, cfg, is_placeholder) == ([], None)
    assert link_keys([{"kind": "url", "value": "https://apps.example/x", "where": "link"}], 0.9, cfg,
                     is_placeholder) == ([], None)
    many = [{"kind": "telegram", "value": f"seller{i}", "where": "text"} for i in range(cfg.link_max_contacts + 1)]
    assert link_keys(many, 0.9, cfg, is_placeholder) == ([], "too_many_contacts")
    ignore = CampaignConfig(ignore_values=("telegram:esim1088",))
    assert link_keys([tg, tg], 0.9, ignore, is_placeholder) == ([], None)


def test_a_list_page_naming_many_sellers_links_nothing(tmp_path):
    store = CorpusStore(tmp_path)
    sellers = [spam_row(kind, 0, handle=f"{kind}boss") for kind in ("sim", "bet", "doc", "support")]
    store.commit(sellers)
    directory = make_row("http://dir.example/", "Seller directory: " + ", ".join("@" + s["contacts"][0]["value"] for s in sellers),
                         title="list", score=0.95, contacts=[s["contacts"][0] for s in sellers] + [
                             {"kind": "telegram", "value": f"other{i}", "where": "text"} for i in range(4)])
    store.commit([directory])
    run = assign_campaigns(tmp_path)
    assert run.links_skipped == {"too_many_contacts": 1}
    assert len({cid for _d, cid, *_ in table_rows(tmp_path)}) == 5


def test_changed_settings_or_replaced_corpus_need_full(tmp_path):
    rows, _t, _c = family_rows()
    store = CorpusStore(tmp_path)
    store.commit(rows[:20])
    assign_campaigns(tmp_path)
    with pytest.raises(CampaignError, match="--full"):
        assign_campaigns(tmp_path, CampaignConfig(threshold=0.5))
    assign_campaigns(tmp_path, CampaignConfig(threshold=0.5), full=True)
    store.commit(rows[20:])
    assert assign_campaigns(tmp_path).mode == "incremental"  # the stored settings are kept
    manifest = tmp_path / "_manifest.jsonl"
    lines = manifest.read_text().splitlines(keepends=True)
    manifest.write_text("".join(lines[1:]))  # the corpus no longer starts with the shards we grouped
    with pytest.raises(CampaignError, match="--full"):
        assign_campaigns(tmp_path)


KILLER = textwrap.dedent("""
    import os, signal, sys
    from corpus.campaigns import run, state as st
    root, point = sys.argv[1], sys.argv[2]

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    if point == "signing":
        real_sign, calls = run.sign_texts, []
        def sign(*args):
            calls.append(1)
            if len(calls) == 3:
                die()
            return real_sign(*args)
        run.sign_texts = sign
    elif point in ("assignments", "state"):
        target = "assignments-" if point == "assignments" else "state.json"
        real_atomic = st.write_atomic
        def write_atomic(path, write):
            if path.name.startswith(target):
                with open(path.with_name(path.name + ".tmp"), "wb") as fh:  # half a file, then death
                    fh.write(b"PAR1 torn")
                    fh.flush()
                    os.fsync(fh.fileno())
                die()
            return real_atomic(path, write)
        st.write_atomic = write_atomic
    elif point == "cleanup":
        real_remove, calls = st.remove_unreferenced, []
        def remove(*args):
            calls.append(1)
            if len(calls) == 2:  # after the new state.json is committed
                die()
            return real_remove(*args)
        st.remove_unreferenced = remove
    run.assign_campaigns(root, batch_size=4)
""")


@pytest.mark.slow  # a fresh interpreter per kill point
@pytest.mark.parametrize("point", ["signing", "assignments", "state", "cleanup"])
def test_a_killed_run_leaves_a_readable_assignment(tmp_path, point):
    rows, _t, _c = family_rows()
    store = CorpusStore(tmp_path)
    store.commit(rows[:25])
    assign_campaigns(tmp_path)
    before = table_rows(tmp_path)
    store.commit(rows[25:])
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-c", KILLER, str(tmp_path), point], env=env, capture_output=True,
                          timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    after_kill = table_rows(tmp_path)
    if point == "cleanup":
        assert len(after_kill) == len(rows)  # committed just before the kill
    else:
        assert after_kill == before  # the previous assignment, whole
    run = assign_campaigns(tmp_path)  # the next run finishes the job and clears the leftovers
    assert run.rows == len(rows)
    assert not list((tmp_path / "_campaigns").glob("*.tmp"))
    done = table_rows(tmp_path)
    assign_campaigns(tmp_path, full=True)
    assert table_rows(tmp_path) == done


@pytest.mark.slow
def test_concurrent_runs_wait_for_each_other(tmp_path):
    rows, _t, _c = family_rows()
    CorpusStore(tmp_path).commit(rows)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    code = "import sys; from corpus.campaigns import assign_campaigns; print(assign_campaigns(sys.argv[1]).mode)"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], env=env, stdout=subprocess.PIPE)
             for _ in range(2)]
    modes = sorted(p.communicate(timeout=120)[0].decode().strip() for p in procs)
    assert modes == ["full", "unchanged"]
    assert len(table_rows(tmp_path)) == len(rows)


def test_summary_lists_largest_campaigns_with_handles_hosts_families(tmp_path):
    store = CorpusStore(tmp_path)
    copies = [spam_row("sim", i, handle="simking", host=f"mirror{i}.example") for i in range(4)]
    store.commit(copies + [spam_row("support", i) for i in range(2)])
    assert campaign_summary(tmp_path) == []  # not computed yet
    assign_campaigns(tmp_path)
    top = campaign_summary(tmp_path, top=1)
    assert len(top) == 1
    c = top[0]
    assert c["size"] == 4 and c["handles"] == ["telegram:simking"] and c["host_count"] == 4
    assert c["families"] == ["telecom_sim"] and c["languages"] == ["zh"] and c["methods"] == {"minhash": 4}


def test_cli_campaigns_and_stats(tmp_path):
    rows, _t, _c = family_rows()
    CorpusStore(tmp_path).commit(rows)
    runner = CliRunner()
    res = runner.invoke(main, ["stats", str(tmp_path)])
    assert res.exit_code == 0 and "campaigns: not computed yet" in res.output
    res = runner.invoke(main, ["campaigns", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert f"{len(rows)} rows, {len(rows)} new" in res.output and "telegram:" in res.output
    res = runner.invoke(main, ["campaigns", str(tmp_path), "--json", "--top", "2"])
    data = json.loads(res.output)
    assert data["run"]["mode"] == "unchanged" and len(data["largest"]) == 2
    res = runner.invoke(main, ["campaigns", str(tmp_path), "--threshold", "0.6"])
    assert res.exit_code != 0 and "--full" in res.output and "Traceback" not in res.output
    res = runner.invoke(main, ["campaigns", str(tmp_path), "--threshold", "0.6", "--full"])
    assert res.exit_code == 0 and "(full)" in res.output
    res = runner.invoke(main, ["stats", str(tmp_path)])
    assert res.exit_code == 0 and "campaign c-" in res.output and "hosts" in res.output
    res = runner.invoke(main, ["campaigns", str(tmp_path / "missing")])
    assert res.exit_code != 0 and "not a spamcorpus corpus" in res.output and "Traceback" not in res.output


def test_damaged_state_or_shard_is_a_clear_error_and_full_repairs_state(tmp_path):
    rows, _t, _c = family_rows()
    store = CorpusStore(tmp_path)
    store.commit(rows[:20])
    assign_campaigns(tmp_path)
    before = table_rows(tmp_path)
    cdir = tmp_path / "_campaigns"
    next(cdir.glob("seg-*.sig.npy")).write_bytes(b"not an array")
    store.commit(rows[20:])
    with pytest.raises(CampaignError, match="--full"):
        assign_campaigns(tmp_path)
    assert table_rows(tmp_path) == before  # nothing was replaced
    assign_campaigns(tmp_path, full=True)
    assert len(table_rows(tmp_path)) == len(rows)
    (cdir / "state.json").write_text("{ torn")
    res = CliRunner().invoke(main, ["campaigns", str(tmp_path)])
    assert res.exit_code != 0 and "unreadable campaign state" in res.output and "Traceback" not in res.output
    assert assign_campaigns(tmp_path, full=True).rows == len(rows)
    store.commit([make_row("http://late.example/", "迟到的页面" * 20, job="families")])
    shard = tmp_path / store.manifest()[-1]["shard"]
    shard.write_bytes(b"PAR1 broken")
    with pytest.raises(CorruptShard, match="is unreadable"):
        assign_campaigns(tmp_path)
