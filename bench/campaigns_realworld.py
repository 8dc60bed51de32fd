"""Campaigns on real operations: pair precision/recall against the real set's `campaign` labels, and invented operations with benign look-alikes.

Real set (`corpus/realworld.py`): each document becomes the row the crawler would write, all rows go into one
temporary corpus, and `assign_campaigns` (what `spamcorpus campaigns` runs) groups them. A pair of documents is
true when both carry the same `campaign` label; benign documents are singletons in the truth, so a benign document
joined to anything is a false pair; borderline documents are left out. Figures for the development part, the
rule holdout (`rule_holdout`: never looked at while the rules were written) and all. `gate_free` repeats the
grouping with every row treated as spam (the shipped detector was trained on this very set, so its scores make the
spam gate look better here than on unseen pages).

Fixtures: a gambling operation (a `【官网 …●vip】` header with rotating mirror domains over unrelated tech
paragraphs, a footer with QQ/Telegram; a third of its posts scored low, as a detector fooled by the tech text
would), a second gambling operation, a warez-lure operation (README files of throwaway accounts, one download
domain), and benign README/doc pages that share badges, licence, install sections, "follow me" footers, an official
support address and platform bots, one of them a detector false positive. All brands, handles and domains are
invented. Reported: each operation's share in its largest campaign, and false pairs.
"""
from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "campaigns_realworld.json"

TECH = [  # unrelated "news" pasted under the header: every post a different mix
    "开源社区本周发布了新版本的容器编排工具，修复了调度器在高负载下的内存泄漏问题，并改进了日志输出格式。",
    "某浏览器团队宣布将在下个版本中默认启用新的渲染管线，官方测试显示页面首屏时间平均缩短了百分之十五。",
    "研究人员提出了一种新的数据库索引结构，在范围查询场景下比传统B树节省约三成的磁盘读取。",
    "移动操作系统的最新测试版加入了更细粒度的权限控制，应用读取剪贴板时会在屏幕顶部给出提示。",
    "一家云服务商开放了新的边缘计算节点，开发者可以把函数部署到离用户更近的机房以降低延迟。",
    "Rust 编译器的新版本缩短了增量编译时间，大型项目在修改单个文件后的重新构建快了将近一倍。",
    "A new release of the popular web framework adds streaming server rendering and drops support for old runtimes.",
    "Researchers showed that a small language model fine-tuned on code reviews catches a third of real bugs.",
    "The kernel's next version brings a faster scheduler for hybrid CPUs and better power use on laptops.",
    "A database vendor open-sourced its query planner, hoping the community will port it to other engines.",
    "芯片厂商公布了新一代低功耗处理器的架构细节，能效比上一代提升约两成，预计明年上半年量产。",
    "版本控制工具新增了稀疏检出的改进，超大仓库在克隆时只需下载实际用到的目录。",
]
FEATURES = ["Batch conversion of files", "Dark mode interface", "GPU accelerated rendering", "Cloud sync of presets",
            "One-click backup", "Portable edition included", "Multi-language support", "Plugin manager",
            "Hardware ID unlock", "Lifetime activation", "Offline installer", "Automatic updates disabled"]
WORDS = ("parser config cache token stream buffer socket thread queue worker schema index route handler plugin "
         "module request response session cookie header payload encoder decoder timer retry backoff limit metric "
         "trace span logger level format style theme layout widget button dialog table column filter sort merge "
         "split build deploy test fixture mock snapshot release tag branch commit diff patch review lint").split()


def prose(rng: random.Random, sentences: int) -> str:
    """Unrelated technical prose: each page its own, so that only the boilerplate is shared."""
    out = []
    for _ in range(sentences):
        words = rng.sample(WORDS, rng.randint(7, 12))
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


ACCOUNTS = ["qx7k2m", "lumenfox93", "zbv_881", "tarn0x", "pwq31ty", "mellow-kite", "r4nd0mdev", "ux9bq"]


def _row(url: str, title: str, text: str, contacts=(), score: float = 0.9, lang: str = "zh") -> dict:
    from tests.conftest import make_row

    return make_row(url, text, title=title, contacts=[dict(kind=k, value=v, where="text") for k, v in contacts],
                    score=score, lang=lang, job="fixtures")


def tech_news(rng: random.Random, paragraphs: int) -> str:
    """Pasted "news": a few real-looking paragraphs plus Zipf pseudo-text, so that no two bodies are near-duplicates
    (real operations paste unrelated articles; a shared body would let whole-text MinHash do the work)."""
    from bench.campaigns import Vocab

    vocab = _VOCAB.setdefault("zh", Vocab(random.Random(1), "zh"))
    parts = [rng.choice(TECH)] + [vocab.phrase(rng, 40, 90) + "。" for _ in range(paragraphs)]
    return "\n".join(parts)


_VOCAB: dict = {}


def gambling_operation(n: int = 30, seed: int = 7) -> list[dict]:
    """Invented: brand 鸿运国际, mirrors hy8866/hy8877/hy9966●vip, QQ 3012775, Telegram @hongyun_kf88."""
    rng = random.Random(seed)
    mirrors = ["hy8866", "hy8877", "hy9966"]
    rows = []
    for i in range(n):
        mirror = mirrors[i % 3]
        header = f"【官网 {mirror}●vip】鸿运国际娱乐城 最新官方网址 注册即送彩金"
        body = tech_news(rng, rng.randint(2, 4))
        footer = "鸿运国际客服QQ：3012775 电报：@hongyun_kf88 24小时在线"
        contacts = [("domain", f"{mirror}.vip")] if i % 3 else []  # the extractor misses some headers
        if i % 2:
            contacts.append(("qq", "3012775"))
        acct = ACCOUNTS[i % 6]
        rows.append(_row(f"https://github.com/{acct}/notes-{i % 4}/blob/main/p{i}.md", rng.choice(TECH)[:18],
                         f"{header}\n{body}\n{footer}", contacts, score=0.2 if i % 3 == 2 else 0.85))
    return rows


def second_gambling_operation(n: int = 10, seed: int = 8) -> list[dict]:
    """Invented: another operation (金冠体育, jg5566●cc, Telegram @jinguan_vip): the same genre, no shared key."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        text = (f"金冠体育《jg5566●cc》官方直营 首存百分百返水\n" + tech_news(rng, 2) +
                "\n金冠体育官方唯一联系 电报：@jinguan_vip 私聊领取福利")
        rows.append(_row(f"https://gitee.com/jg{i}x/doc/raw/master/{i}.md", "体育赛事", text,
                         [("domain", "jg5566.cc"), ("telegram", "jinguan_vip")], score=0.9))
    return rows


def warez_operation(n: int = 12, seed: int = 9) -> list[dict]:
    """Invented: cracked-software READMEs of throwaway accounts, one download domain softvault-dl.top."""
    rng = random.Random(seed)
    apps = ["PixelForge Studio", "AudioMancer Pro", "VectorNest", "ClipSmith", "DataWeaver", "PhotoQuill",
            "SoundLoft", "CADrift", "MeshBarn", "TypeFoundry", "Frameline", "ZipHarbor"]
    rows = []
    for i in range(n):
        app, ver = apps[i % len(apps)], f"{rng.randint(2, 12)}.{rng.randint(0, 9)}"
        slug = app.lower().replace(" ", "-")
        text = "\n".join([f"# {app} {ver} Crack + Keygen Free Download",
                          f"Download ✫ https://softvault-dl.top/{slug}",
                          f"{app} is a {rng.choice(['powerful', 'lightweight', 'complete'])} tool for creators.",
                          prose(rng, 10), prose(rng, 8),
                          *(f"- {f}" for f in rng.sample(FEATURES, 5)),
                          "## How to install", "1. Download the archive", "2. Run the setup and apply the key",
                          f"Password: {rng.randint(1000, 9999)}"])
        rows.append(_row(f"https://github.com/{slug}-{ACCOUNTS[i % 8]}{i}/{slug}/raw/main/README.md",
                         f"{app} {ver} Crack", text, [("domain", "softvault-dl.top")],
                         score=0.9 if i % 4 else 0.3, lang="en"))
    return rows


def benign_lookalikes(n: int = 24, seed: int = 10) -> list[dict]:
    """Benign README and docs pages sharing boilerplate with each other and with spam: badges, licence, install
    and contributing sections, a "follow me" footer, an official support address, platform bots, a docs domain;
    page 5 is a detector false positive (score 0.7) carrying all of it."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        acct, pkg = f"{ACCOUNTS[i % 8]}{i}", f"tool{i}-{rng.choice(['kit', 'lib', 'cli'])}"
        text = "\n".join([
            f"# {pkg}", "Build Status npm version License: MIT downloads",
            f"A small {rng.choice(['parser', 'formatter', 'logger', 'router'])} for {rng.choice(['Node', 'Python', 'Go'])}.",
            prose(rng, 12), prose(rng, 10),
            "## Installation", f"npm install {pkg}", "## Usage", f"Run `{pkg} --help` for the options.",
            "Get your chat id from @userinfobot and create the bot with @BotFather.",
            "## Contributing", "Pull requests are welcome. For major changes, please open an issue first.",
            "## License", "This project is licensed under the MIT License - see the LICENSE file for details.",
            "For account problems write to support@orbitcloud.com (OrbitCloud's official support).",
            f"Questions? Open an issue at https://github.com/{acct}/{pkg}/issues or read https://docs.rs/{pkg}",
            f"Star this repo if you find it useful! Follow me on Twitter @{acct} for updates and release notes"])
        contacts = [("email", "support@orbitcloud.com"), ("telegram", "userinfobot"), ("telegram", "botfather"),
                    ("domain", "npmjs.com"), ("domain", "docs.rs"), ("email", "you@example.com")]
        rows.append(_row(f"https://github.com/{acct}/{pkg}/raw/main/README.md", pkg, text, contacts,
                         score=0.7 if i == 5 else 0.05 + 0.01 * (i % 10), lang="en"))
    return rows


def fixture_rows() -> tuple[list[dict], dict[str, str | None]]:
    """Every fixture row, and the truth: doc_id -> operation (None: benign)."""
    rows, truth = [], {}
    for name, part in (("gambling", gambling_operation()), ("gambling2", second_gambling_operation()),
                       ("warez", warez_operation()), (None, benign_lookalikes())):
        for r in part:
            truth[r["doc_id"]] = name
        rows += part
    return rows, truth


def real_rows(docs) -> list[dict]:
    """The crawler's row for each real document, doc_id from the document id (stand-in urls repeat)."""
    from corpus.realworld import build_document_row

    rows = []
    for doc in docs:
        row = build_document_row(doc)
        row["doc_id"] = hashlib.sha256(f"realworld:{doc.id}".encode()).hexdigest()
        rows.append(row)
    return rows


def group(rows: list[dict], config=None, parts: int = 1) -> tuple[dict[str, str], object]:
    """doc_id -> campaign_id from `assign_campaigns` over a temporary corpus; rows committed in `parts` steps
    (one incremental run after each)."""
    from corpus.campaigns import assign_campaigns, read_campaigns
    from corpus.store import CorpusStore

    with tempfile.TemporaryDirectory(prefix="spamcorpus-campaigns-rw-") as tmp:
        store, run = CorpusStore(tmp), None
        size = -(-len(rows) // parts)
        for lo in range(0, len(rows), size):
            store.commit(rows[lo:lo + size])
            run = assign_campaigns(tmp, config)
        t = read_campaigns(tmp)
        return dict(zip(t.column("doc_id").to_pylist(), t.column("campaign_id").to_pylist())), run


def pair_scores(truth: dict[str, str | None], got: dict[str, str]) -> dict:
    """Pairs in the same true operation vs in the same predicted campaign; None (benign) is a singleton."""
    tp = fp = fn = 0
    wrong = []
    for a, b in itertools.combinations(sorted(truth), 2):
        same_true = truth[a] is not None and truth[a] == truth[b]
        same_pred = got[a] == got[b]
        tp += same_true and same_pred
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    from corpus.intervals import wilson

    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    # the real set's operations have two posts each at most: its few true pairs are independent, and few
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "true_pairs": tp + fn, "found": tp, "false_pairs": fp,
            "interval_95": {"precision": wilson(tp, tp + fp), "recall": wilson(tp, tp + fn)}}


def largest_share(truth: dict[str, str | None], got: dict[str, str], name: str) -> float:
    members = [d for d, t in truth.items() if t == name]
    return round(Counter(got[d] for d in members).most_common(1)[0][1] / len(members), 3)


def real_figures(config=None) -> dict:
    from corpus.realworld import load_realworld, rule_holdout

    docs = [d for d in load_realworld() if d.label != "borderline"]
    rows = real_rows(docs)
    got, _run = group(rows, config)
    ids = [r["doc_id"] for r in rows]
    out = {}
    for part, keep in (("development", lambda d: not rule_holdout(d)), ("holdout", rule_holdout), ("all", None)):
        truth = {i: d.campaign for i, d in zip(ids, docs) if keep is None or keep(d)}
        out[part] = {"documents": len(truth), **pair_scores(truth, got)}
    return out


def fixture_figures(config=None, parts: int = 1) -> dict:
    rows, truth = fixture_rows()
    got, _run = group(rows, config, parts)
    return {"pairs": pair_scores(truth, got),
            "largest_share": {op: largest_share(truth, got, op) for op in ("gambling", "gambling2", "warez")},
            "benign_joined": sum(1 for d, t in truth.items() if t is None
                                 and sum(1 for g in got.values() if g == got[d]) > 1)}


def _span(interval) -> str:
    return "-" if interval is None else f"{interval[0]:.2f}-{interval[1]:.2f}"


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON only")
    ap.add_argument("--out", default=str(RESULTS), help="where the JSON goes too")
    args = ap.parse_args(argv)
    from corpus.campaigns import CampaignConfig

    started = time.perf_counter()
    no_gate = CampaignConfig(link_min_spam_score=0.0, key_min_spam_score=0.0)
    result = {"benchmark": "campaigns_realworld", "real": real_figures(), "real_gate_free": real_figures(no_gate),
              "fixtures": fixture_figures(), "fixtures_incremental_3_parts": fixture_figures(parts=3),
              "fixtures_version_1_rules": fixture_figures(CampaignConfig(op_keys=False))}
    result["seconds"] = round(time.perf_counter() - started, 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1))
    if args.json:
        print(json.dumps(result, indent=1))
        return result
    for name in ("real", "real_gate_free"):
        for part, f in result[name].items():
            print(f"{name:15} {part:12} docs {f['documents']:3}  P {f['precision']:.3f}  R {f['recall']:.3f}  "
                  f"F1 {f['f1']:.3f}  ({f['found']}/{f['true_pairs']} true pairs, {f['false_pairs']} false; "
                  f"recall 95 % Wilson {_span(f['interval_95']['recall'])})")
    for name in ("fixtures", "fixtures_incremental_3_parts", "fixtures_version_1_rules"):
        f = result[name]
        print(f"{name:30} P {f['pairs']['precision']:.3f} R {f['pairs']['recall']:.3f}  largest share "
              f"{f['largest_share']}  benign joined {f['benign_joined']}")
    return result


if __name__ == "__main__":
    main()
