"""Campaign benchmark: signatures docs/s on one core, whole grouping of a real corpus (time, peak RSS), incremental run, pair precision/recall.

Synthetic ~2 KB documents from several hundred templates (Zipf-sized families; rotated fillers,
brands, handles, numbers, shuffled and dropped paragraphs, 20% of the Chinese copies in Traditional)
plus unrelated documents from the same vocabulary. Floors (from the issue): signatures >= 5,000
docs/s on one core, whole grouping of 100,000 documents < 60 s.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.result_file import write_result  # noqa: E402

RESULTS = HERE / "results" / "campaigns.json"
SIGN_FLOOR = 5000.0   # docs/s, one core
GROUP_FLOOR = 60.0    # seconds for the whole grouping of 100,000 documents
# common Simplified characters: random text over them converts to Traditional as often as real text does
HAN = list(dict.fromkeys(
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都"
    "然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回"
    "二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世"
    "气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫"
    "死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字"
    "请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七"
    "必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像"
    "找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴跑节热陈复且土般推"))
SYLLABLES = [a + b for a in "bcdfghklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ai", "ou", "an", "er")]


class Vocab:
    """Pseudo-words with Zipf frequencies: unrelated texts share common words, as real ones do."""

    def __init__(self, rng: random.Random, lang: str, size: int = 6000) -> None:
        if lang == "zh":
            self.words = ["".join(rng.choice(HAN) for _ in range(rng.choice((1, 2, 2, 2, 3)))) for _ in range(size)]
        else:
            self.words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3)))) for _ in range(size)]
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) ** 1.05 for rank in range(size)))
        self.joiner = "" if lang == "zh" else " "
        self.end = "。" if lang == "zh" else ". "

    def phrase(self, rng: random.Random, lo: int, hi: int) -> str:
        return self.joiner.join(rng.choices(self.words, cum_weights=self.cum, k=rng.randint(lo, hi)))


def make_template(rng: random.Random, vocab: Vocab, lang: str, tid: int, stock: list[list[list[str]]]) -> dict:
    """Paragraphs of sentences with slots ({brand}, {num}, fillers {f0}..{f5} with four alternatives each);
    30% of the sentences are spun (two versions); half the templates carry one or two stock paragraphs
    that other templates use too, as template kits do: the hard case for precision."""
    per_sentence = (12, 22) if lang == "zh" else (9, 16)

    def sentence() -> str:
        words = vocab.phrase(rng, *per_sentence)
        slot = rng.random()
        if slot < 0.25:
            words += vocab.joiner + "{brand}"
        elif slot < 0.35:
            words += vocab.joiner + "{num}"
        elif slot < 0.55:
            words += vocab.joiner + "{f%d}" % rng.randrange(6)
        return words

    paras = [[[sentence()] + ([sentence()] if rng.random() < 0.3 else []) for _s in range(rng.randint(2, 4))]
             for _p in range(rng.randint(6, 8))]
    if rng.random() < 0.5:
        for para in rng.sample(stock, rng.randint(1, 2)):
            paras.insert(rng.randrange(1, len(paras)), para)
    return {"id": f"t{tid}", "lang": lang, "title": vocab.phrase(rng, 4, 8) + " {brand} @{handle}",
            "paras": paras, "footer": ("联系飞机 @{handle} 微信 {wechat}" if lang == "zh" else
                                       "Contact us on Telegram @{handle} or call {phone}"),
            "fillers": [[vocab.phrase(rng, 3, 8) for _ in range(4)] for _ in range(6)],
            "brands": [vocab.phrase(rng, 1, 2) for _ in range(6)],
            "handles": [f"h{tid}x{rng.randrange(10**6)}" for _ in range(5)],
            "family": rng.choice(["telecom_sim", "gambling", "fake_documents", "crypto_finance", "loans"])}


def render(rng: random.Random, vocab: Vocab, para: list[list[str]]) -> str:
    return vocab.end.join(rng.choice(versions) for versions in para) + vocab.end


def generate(n_docs: int, n_templates: int, seed: int = 7) -> list[dict]:
    """Documents with their generator truth (`truth`: template id, or the document's own id if unrelated).
    Zipf-sized families from `n_templates` templates, plus n_templates/2 tiny families of 2-3 copies
    (where no third copy can bridge a weak pair), plus 20% unrelated documents; shuffled."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    rng = random.Random(seed)
    vocabs = {"zh": Vocab(rng, "zh"), "en": Vocab(rng, "en")}
    stock = {lang: [[[v.phrase(rng, 12, 22)] for _s in range(3)] for _p in range(20)] for lang, v in vocabs.items()}

    def template(tid: int) -> dict:
        lang = "en" if rng.random() < 0.15 else "zh"
        return make_template(rng, vocabs[lang], lang, tid, stock[lang])

    def copy(t: dict) -> dict:
        v = vocabs[t["lang"]]
        fill = {"brand": rng.choice(t["brands"]), "handle": rng.choice(t["handles"]), "num": str(rng.randrange(10, 9999)),
                "wechat": f"v{rng.randrange(10**5)}", "phone": f"+1 {rng.randrange(201, 989)} {rng.randrange(10**6, 10**7)}",
                **{f"f{k}": rng.choice(alts) for k, alts in enumerate(t["fillers"])}}
        middle = t["paras"][1:-1]
        if rng.random() < 0.5:
            middle = rng.sample(middle, len(middle))
        if rng.random() < 0.3:
            middle = middle[:-1]
        paras = [render(rng, v, p) for p in [t["paras"][0], *middle, t["paras"][-1]]]
        text = "\n\n".join([*paras, t["footer"]]).format(**fill)
        title = t["title"].format(**fill)
        if t["lang"] == "zh" and rng.random() < 0.2:
            text, title = s2t.convert(text), s2t.convert(title)
        return {"title": title, "text": text, "lang": t["lang"], "truth": t["id"], "score": 0.9, "family": t["family"],
                "contacts": [{"kind": "telegram", "value": fill["handle"], "where": "text"}]}

    docs = []
    for k in range(n_templates // 2):
        t = template(n_templates + k)
        docs += [copy(t) for _ in range(rng.choice((2, 2, 3)))]
    templates = [template(t) for t in range(n_templates)]
    sizes = list(itertools.accumulate(1.0 / (rank + 1) ** 0.8 for rank in range(n_templates)))  # Zipf-sized families
    for i in range(n_docs - len(docs)):
        if rng.random() < 0.2:  # unrelated
            lang = "en" if rng.random() < 0.15 else "zh"
            v = vocabs[lang]
            text = "\n\n".join(v.end.join(v.phrase(rng, 12, 22) for _ in range(3)) for _ in range(7))
            docs.append({"title": v.phrase(rng, 4, 8), "text": text, "lang": lang, "truth": f"u{i}",
                         "contacts": [], "score": 0.1, "family": "other"})
        else:
            docs.append(copy(rng.choices(templates, cum_weights=sizes)[0]))
    rng.shuffle(docs)
    return docs


def sign_rate(docs: list[dict], reps: int) -> dict:
    """Normalise + shingle + sign every document in batches, pinned to one core; and per-document rensa side
    by side. Rates per CPU second of this process (the machine is shared: wall time also counts the
    others' load) and per wall second; on an idle machine the two agree."""
    import numpy as np
    import rensa

    from corpus.campaigns import CampaignConfig
    from corpus.campaigns.minhash import sign_texts, signatures_of_normalized
    from corpus.campaigns.normalize import normalize_title_text

    cfg = CampaignConfig()
    titles, texts = [d["title"] for d in docs], [d["text"] for d in docs]
    rates, cpu_rates = [], []
    for _ in range(reps):
        started, cpu = time.perf_counter(), time.process_time()
        for b in range(0, len(docs), 2048):
            sign_texts(titles[b:b + 2048], texts[b:b + 2048], cfg)
        rates.append(len(docs) / (time.perf_counter() - started))
        cpu_rates.append(len(docs) / (time.process_time() - cpu))
    by_lang = {}
    for lang in ("zh", "en"):
        sel = [d for d in docs if d["lang"] == lang][:10000]
        cpu = time.process_time()
        for b in range(0, len(sel), 2048):
            sign_texts([d["title"] for d in sel[b:b + 2048]], [d["text"] for d in sel[b:b + 2048]], cfg)
        by_lang[lang] = round(len(sel) / (time.process_time() - cpu))
    # baseline: the same normalised text, one rensa RMinHash per document fed with shingle strings
    sample = docs[:3000]
    norm = [normalize_title_text(d["title"], d["text"]) for d in sample]
    started = time.process_time()
    for d, text in zip(sample, norm):
        grams = [text[i:i + 5] for i in range(max(len(text) - 4, 1))] if d["lang"] == "zh" else text.split(" ")
        m = rensa.RMinHash(cfg.num_perm, cfg.seed)
        m.update(grams)
        np.asarray(m.digest(), np.uint32)
    per_doc_shingle_sign = len(sample) / (time.process_time() - started)
    started = time.process_time()
    for b in range(0, len(sample), 2048):
        signatures_of_normalized(norm[b:b + 2048], cfg)
    vectorised_shingle_sign = len(sample) / (time.process_time() - started)
    return {"docs_per_cpu_s": round(statistics.median(cpu_rates)), "docs_per_cpu_s_runs": [round(r) for r in cpu_rates],
            "docs_per_s_wall": round(statistics.median(rates)), "docs_per_s_wall_runs": [round(r) for r in rates],
            "docs_per_cpu_s_by_lang": by_lang, "shingle_sign_only_per_cpu_s": {
                "vectorised_docs_per_s": round(vectorised_shingle_sign),
                "rensa_per_document_docs_per_s": round(per_doc_shingle_sign),
                "ratio": round(vectorised_shingle_sign / per_doc_shingle_sign, 2)}}


def write_corpus(root: Path, docs: list[dict], job: str, start: int, shard_rows: int = 10000) -> None:
    import hashlib

    from corpus.ids import canonicalize_url, doc_id, host_of
    from corpus.schema import SCHEMA_VERSION
    from corpus.store import CorpusStore

    store = CorpusStore(root, zstd_level=1)
    fetched = datetime(2026, 11, 1, tzinfo=timezone.utc)
    for b in range(0, len(docs), shard_rows):
        rows = []
        for i, d in enumerate(docs[b:b + shard_rows], start=start + b):
            url = f"http://host{i % 997}.bench.example/{job}/{i}"
            rows.append({"doc_id": doc_id(url), "url": canonicalize_url(url), "final_url": canonicalize_url(url),
                         "host": host_of(url), "fetched_at": fetched, "status": 200, "content_type": "text/html",
                         "doc_format": "text", "encoding": "utf-8", "encoding_source": "header",
                         "replacement_ratio": 0.0, "title": d["title"], "text": d["text"], "lang": d["lang"],
                         "script": "", "contacts": d["contacts"], "links": [], "spam_score": d["score"],
                         "spam_signals": [], "family_guess": d["family"], "detector_version": "bench",
                         "text_sha256": hashlib.sha256(d["text"].encode()).hexdigest(), "crawl_job": job,
                         "run_id": "bench", "depth": 0, "referrer": None, "body": b"", "schema_version": SCHEMA_VERSION,
                         "warc_file": None, "warc_offset": None})
        store.commit(rows)


def child(argv: list[str]) -> None:
    """Run one grouping in this fresh process and print its summary with this process's peak RSS."""
    from corpus.campaigns import CampaignConfig, assign_campaigns

    root, mode = argv[0], argv[1]
    cfg = CampaignConfig(link_kinds=()) if mode == "minhash-only" else CampaignConfig()
    run = assign_campaigns(root, cfg, full=mode != "incremental")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # VmHWM, not ru_maxrss: after fork+exec, ru_maxrss starts from the parent's RSS (the generated corpus)
    status = Path("/proc/self/status").read_text()
    hwm_kib = int(status.split("VmHWM:")[1].split()[0])
    print(json.dumps({**run.as_dict(), "max_rss_mib": round(hwm_kib / 1024, 1),
                      "cpu_s": round(usage.ru_utime + usage.ru_stime, 2)}))


def run_child(root: Path, mode: str) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__)), "--child", str(root), mode], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if proc.returncode:
        raise RuntimeError(f"grouping child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def pair_scores(root: Path, truth: dict[str, str]) -> dict:
    """Pair precision/recall from the contingency table (no O(n^2) loop); pair recall within the tiny
    families alone (big families dominate pair counts and are rescued by transitivity); templates split
    over several campaigns and campaigns that mix templates."""
    from collections import Counter, defaultdict

    from corpus.campaigns import read_campaigns

    t = read_campaigns(root)
    got = dict(zip(t.column("doc_id").to_pylist(), t.column("campaign_id").to_pylist()))
    pairs = lambda counts: sum(n * (n - 1) // 2 for n in counts.values())  # noqa: E731
    both = pairs(Counter((got[d], truth[d]) for d in truth))
    pred, true = pairs(Counter(got[d] for d in truth)), pairs(Counter(truth.values()))
    size = Counter(truth.values())
    tiny = {d: k for d, k in truth.items() if 1 < size[k] <= 3}
    tiny_true, tiny_found = pairs(Counter(tiny.values())), pairs(Counter((got[d], k) for d, k in tiny.items()))
    campaigns_of, templates_of = defaultdict(set), defaultdict(set)
    for d, k in truth.items():
        campaigns_of[k].add(got[d])
        templates_of[got[d]].add(k)
    return {"precision": round(both / pred, 5) if pred else 1.0, "recall": round(both / true, 5) if true else 1.0,
            "true_pairs": true, "predicted_pairs": pred, "found_pairs": both,
            "tiny_family_pair_recall": round(tiny_found / tiny_true, 4) if tiny_true else 1.0,
            "tiny_family_pairs": tiny_true,
            "families": sum(1 for k in campaigns_of if size[k] > 1),
            "families_split": sum(1 for k, c in campaigns_of.items() if size[k] > 1 and len(c) > 1),
            "campaigns_mixing_templates": sum(1 for ks in templates_of.values() if len(ks) > 1)}


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[1:])
        return {}
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smoke run: 10,000 documents, one repetition")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--templates", type=int, default=400)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args(argv)
    if args.quick:
        args.docs, args.templates, args.reps = min(args.docs, 10_000), min(args.templates, 60), 1
    started = time.perf_counter()
    result: dict = {"benchmark": "campaigns", "cpus": os.cpu_count(), "load_start": [round(x, 2) for x in os.getloadavg()],
                    "docs": args.docs, "templates": args.templates, "reps": args.reps}
    t0 = time.perf_counter()
    extra = max(args.docs // 20, 500)
    docs = generate(args.docs + extra, args.templates)
    old, new = docs[: args.docs], docs[args.docs:]
    sizes = [len((d["title"] + d["text"]).encode()) for d in old]
    result["doc_bytes_median"] = statistics.median(sizes)
    result["generate_s"] = round(time.perf_counter() - t0, 1)
    print(f"generated {len(docs):,} documents (median {result['doc_bytes_median']:.0f} bytes) in {result['generate_s']} s", flush=True)

    cpu = sorted(os.sched_getaffinity(0))[-1]
    os.sched_setaffinity(0, {cpu})  # one core for the signature rate (rensa's threads inherit it)
    result["signatures"] = sign_rate(old, args.reps)
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    sig = result["signatures"]
    print(f"signatures: {sig['docs_per_cpu_s']:,} docs per CPU second on one core (runs {sig['docs_per_cpu_s_runs']}), "
          f"{sig['docs_per_s_wall']:,} per wall second (load {os.getloadavg()[0]:.1f}); by language "
          f"{sig['docs_per_cpu_s_by_lang']}; shingle+sign only, vectorised vs rensa per document "
          f"{sig['shingle_sign_only_per_cpu_s']}", flush=True)

    work = Path(tempfile.mkdtemp(prefix="spamcorpus-bench-campaigns-"))
    try:
        root = work / "corpus"
        t0 = time.perf_counter()
        write_corpus(root, old, "bench", 0)
        result["corpus_write_s"] = round(time.perf_counter() - t0, 1)
        from corpus.campaigns import read_campaigns  # noqa: F401  (import cost outside the timings)
        from corpus.store import open_corpus

        ids = open_corpus(root).read(columns=["doc_id"]).column("doc_id").to_pylist()
        truth = dict(zip(ids, (d["truth"] for d in old)))
        runs = [run_child(root, "full") for _ in range(args.reps)]
        for r in runs:
            print(f"  full grouping: {r['seconds']:.1f} s ({r['cpu_s']:.1f} CPU s for the whole process) {r['timings']}  "
                  f"peak RSS {r['max_rss_mib']:.0f} MiB  "
                  f"{r['campaigns']:,} campaigns", flush=True)
        result["grouping"] = {"seconds_runs": [round(r["seconds"], 2) for r in runs],
                              "seconds": round(statistics.median(r["seconds"] for r in runs), 2),
                              "process_cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
                              "timings": runs[0]["timings"], "max_rss_mib": max(r["max_rss_mib"] for r in runs),
                              "campaigns": runs[0]["campaigns"], "multi_doc_campaigns": runs[0]["multi_doc_campaigns"],
                              "minhash_edges": runs[0]["minhash_edges"], "contact_edges": runs[0]["contact_edges"]}
        before = read_campaigns(root)
        write_corpus(root, new, "bench-new", args.docs)
        inc = run_child(root, "incremental")
        after = read_campaigns(root).slice(0, before.num_rows)
        result["incremental"] = {"new_rows": inc["new_rows"], "seconds": round(inc["seconds"], 2),
                                 "timings": inc["timings"], "max_rss_mib": inc["max_rss_mib"],
                                 "old_ids_unchanged": after.column("campaign_id").equals(before.column("campaign_id")),
                                 "ratio_to_full": round(inc["seconds"] / result["grouping"]["seconds"], 3)}
        print(f"  incremental: {inc['new_rows']:,} new rows in {inc['seconds']:.1f} s", flush=True)
        ids = open_corpus(root).read(columns=["doc_id"]).column("doc_id").to_pylist()
        truth = dict(zip(ids, (d["truth"] for d in docs)))
        result["pairs_minhash_and_contacts"] = pair_scores(root, truth)
        small = work / "small"  # a quarter of the corpus: how peak memory grows with the row count
        write_corpus(small, old[: args.docs // 4], "bench", 0)
        quarter = run_child(small, "full")
        result["memory"] = {"rows": [args.docs // 4, args.docs],
                            "max_rss_mib": [quarter["max_rss_mib"], result["grouping"]["max_rss_mib"]],
                            "kib_per_extra_row": round((result["grouping"]["max_rss_mib"] - quarter["max_rss_mib"])
                                                       * 1024 / (args.docs - args.docs // 4), 2)}
        print(f"  peak RSS {result['memory']['max_rss_mib']} MiB for {result['memory']['rows']} rows: "
              f"{result['memory']['kib_per_extra_row']} KiB per extra row", flush=True)
        only = run_child(root, "minhash-only")
        result["pairs_minhash_only"] = pair_scores(root, truth)
        result["minhash_only_seconds"] = round(only["seconds"], 2)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    scale = 100_000 / args.docs
    result["floors"] = {"signatures >= 5000 docs/s (one core)": result["signatures"]["docs_per_cpu_s"] >= SIGN_FLOOR,
                        "grouping of 100k < 60 s": result["grouping"]["seconds"] * scale < GROUP_FLOOR}
    if args.docs < 100_000:
        result["floors_note"] = f"--quick/--docs {args.docs}: grouping time scaled x{scale:g} for the floor check"
    result["floors_met"] = all(result["floors"].values())
    result["load_end"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps({k: result[k] for k in ("signatures", "grouping", "memory", "incremental", "pairs_minhash_and_contacts",
                                             "pairs_minhash_only", "floors", "floors_met")}, indent=1))
    write_result(result, args.out)
    return result


if __name__ == "__main__":
    sys.exit(0 if main().get("floors_met", True) else 1)
