"""Test data for the release tests: a small corpus of template spam campaigns and benign pages, and annotations.

The spam imitates SEO how-to posts that sell through a contact handle (own text, written for these tests).
Each campaign is one template filled with rotating brands and handles and posted on several sites, some on
shared platforms (github.com/<account>); campaigns of one family share vocabulary, and some share a handle.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.annotations import ANNOTATION_SCHEMA, PROPAGATED_SCHEMA
from corpus.store import CorpusStore
from tests.conftest import make_row

FAMILY_SENTENCES = {
    "telecom_sim": ("zh", [
        "{brand}流量卡到手以后很多人不知道怎么激活，其实只要三步就能完成。",
        "先把卡插进手机卡槽，重启手机，等信号满格再打开数据漫游。",
        "出国旅行、跨境办公都离不开稳定的{brand}上网卡，海外号码还能注册各种账号。",
        "如果显示无服务，多半是APN没有设置，按照说明书填写接入点即可。",
        "续费可以在官网完成，也可以找客服代充，流量套餐随时升级。",
        "需要实体卡或者eSIM的朋友，直接联系客服，全天在线秒回复。",
        "很多平台注册需要接收验证码，我们的{brand}号码长期有效，不会被回收。",
        "激活成功以后建议先测速，确认网络正常再出发。",
    ]),
    "gambling": ("zh", [
        "{brand}娱乐城最新入口，注册就送彩金，提款秒到账。",
        "很多新手问怎么才能稳赢，其实关键是选对平台和玩法。",
        "百家乐、体育投注、电子游戏一应俱全，{brand}信誉第一。",
        "充值支持USDT和银行卡，二十四小时客服在线处理。",
        "老玩家都知道，选平台首先要看出款速度和口碑。",
        "今天教大家三招提高胜率，看完记得收藏。",
        "代理加盟佣金高，{brand}团队手把手带你起步。",
        "防止走丢，请保存客服联系方式，随时领取优惠。",
    ]),
    "crypto_finance": ("zh", [
        "{brand}USDT承兑怎么做？一篇文章讲清楚场外交易流程。",
        "大额出入金找我们，汇率透明，当面交易也可以。",
        "很多人担心冻卡风险，{brand}只走干净资金，安全可靠。",
        "比特币、以太坊都能兑换，手续费全网最低。",
        "新手第一次交易，建议先小额测试，确认到账再加量。",
        "长期合作的客户还有专属返利，欢迎咨询。",
        "操作步骤很简单：报价、确认、打款、放币，十分钟完成。",
        "想了解更多{brand}投资项目，请添加客服获取资料。",
    ]),
    "loans": ("en", [
        "Need cash fast? {brand} loans are approved in as little as 24 hours.",
        "No credit check and no collateral: {brand} helps people with bad credit get funded.",
        "Here is how to fill in the application so it is approved on the first try.",
        "Borrow from 500 to 50,000 dollars and repay in easy monthly instalments.",
        "Our agents answer every message within minutes, day and night.",
        "Many readers asked whether online loans are safe; the answer depends on the lender.",
        "Step one: prepare your ID. Step two: send a photo to our agent. Step three: receive the money.",
        "Message our loan officer today and get a special low rate from {brand}.",
    ]),
    "fake_documents": ("en", [
        "Order a genuine-looking {brand} diploma or certificate delivered in five days.",
        "We produce passports, driving licences and university transcripts that pass checks.",
        "Lost your degree certificate? {brand} recreates it with seals and holograms.",
        "Every document is printed on original paper with the correct security features.",
        "Discreet shipping worldwide; payment after you approve the scan.",
        "Hundreds of customers trust {brand} for fast and confidential service.",
        "Here is how to choose the right template for your country and year.",
        "Contact our document specialist for a free quote today.",
    ]),
    "support_scam": ("en", [
        "{brand} customer service number: call now for instant help with your account.",
        "If your {brand} account is locked, our support line unlocks it in minutes.",
        "Refund not received? Dial the official helpline and a technician will assist you.",
        "How to contact {brand} support 24/7 when the app is not working.",
        "Our certified agents fix login problems, payment errors and password resets.",
        "Do not wait on hold elsewhere, this toll-free line answers immediately.",
        "Follow these steps before calling so the agent can verify your identity quickly.",
        "Save this number for any future {brand} billing or subscription problem.",
    ]),
}
BENIGN_SENTENCES = {
    "en": [
        "This guide explains how to repot a houseplant without damaging the roots.",
        "Water the soil a day before so that it holds together when you lift the plant.",
        "A slightly larger pot is better than a much larger one, which stays wet too long.",
        "Our city library now lends gardening tools to members free of charge.",
        "The weather service expects light rain in the afternoon and clear skies at night.",
        "Bake the bread at a high temperature for the first ten minutes, then lower it.",
        "Train timetables change in December; check the new schedule before you travel.",
        "Volunteers cleaned the riverbank on Saturday and collected forty bags of litter.",
        "Spam posts often hide a contact handle in the footer; report them to the site owner.",
    ],
    "zh": [
        "这篇文章介绍如何给家里的绿植换盆，注意不要伤到根系。",
        "周末天气晴朗，适合带孩子去公园放风筝。",
        "做面包时，第一次发酵的温度最好控制在二十八度左右。",
        "图书馆新开了自习区，开放时间延长到晚上十点。",
        "骑自行车出行既环保又锻炼身体，记得戴好头盔。",
        "今年的社区运动会报名已经开始，欢迎大家参加。",
        "学习编程最重要的是多动手，从小项目开始积累经验。",
        "遇到可疑的推广帖子，可以向网站管理员举报。",
    ],
}
# filler that makes every campaign template and every benign page its own text (near-duplicate detection
# must group the copies of one template, not every page that shares a stock sentence)
EN_WORDS = ("time people year way day thing world life hand part child eye place week case point number group "
            "problem fact river garden kitchen window market station morning evening winter summer village "
            "teacher student doctor driver farmer painter writer builder singer museum bridge tower forest "
            "mountain island harbour valley meadow orchard bakery library theatre stadium hospital factory "
            "bright quiet heavy simple careful gentle rapid narrow ancient modern yellow purple silver golden "
            "wooden frozen hidden broken distant sudden steady humble curious patient clever honest "
            "walks carries builds paints writes sings plants repairs opens closes follows measures collects "
            "before after during under above beside between around through across beyond within").split()
ZH_CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
            "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
            "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
            "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总")


def filler(rng: random.Random, lang: str, n: int) -> str:
    if lang == "zh":
        return "".join(rng.choice(ZH_CHARS) for _ in range(n)) + "。"
    return " ".join(rng.choice(EN_WORDS) for _ in range(n)).capitalize() + "."


BRANDS = ["Nova", "Lotus", "Apex", "Zenith", "Orbit", "Maple", "Coral", "Vega", "Delta", "Ember", "Quill", "Sable"]
FETCHED = datetime(2026, 10, 1, tzinfo=timezone.utc)


def _contact(family: str, campaign: int, k: int) -> dict:
    if family in ("loans", "support_scam"):
        return {"kind": "whatsapp", "value": f"+8556{campaign:02d}{k:05d}", "where": "text"}
    return {"kind": "telegram", "value": f"{family[:4]}{campaign}x{k}", "where": "text"}


def corpus_rows(seed: int = 7, campaigns_per_family: int = 6, copies: int = 4, benign: int = 90) -> list[dict]:
    """Rows for CorpusStore.commit, each with a `_truth` entry (family, campaign) popped before committing."""
    rng = random.Random(seed)
    rows, n = [], 0
    for f, (family, (lang, pool)) in enumerate(FAMILY_SENTENCES.items()):
        for c in range(campaigns_per_family):
            campaign = f"{family}-{c}"
            # one template per campaign: two of the family's sentences (shared vocabulary) and its own filler
            template = rng.sample(pool, 2) + [filler(rng, lang, 40 if lang == "en" else 90) for _ in range(3)]
            handles = [_contact(family, f * 10 + c, k) for k in range(2)]
            if c == 1:                                # campaigns 0 and 1 of a family share one handle
                handles[1] = _contact(family, f * 10, 1)
            for k in range(copies):
                n += 1
                brand = BRANDS[(c * copies + k) % len(BRANDS)]
                handle = handles[k % 2]
                shown = "@" + handle["value"] if handle["kind"] == "telegram" else handle["value"]
                body = [s.format(brand=brand) for s in template]
                if k % 3 == 2:
                    body = body[1:] + body[:1]        # paragraph order rotated
                body.append(("联系客服：" if lang == "zh" else "Contact: ") + shown)
                title = body[0][:30] + f" [{shown}]"
                if c == 2 and k == copies - 1:        # one spam hub hosts a copy of several families
                    url = f"https://spam-hub.example/{family}/{k}.html"
                elif k % 3 == 0:                      # copies in one account on a shared code host
                    url = f"https://github.com/{family}-seller{c}/notes/blob/main/post{k}.md"
                else:                                 # pairs of copies share a host
                    url = f"https://{BRANDS[(c + k // 2) % len(BRANDS)].lower()}-{campaign}.example/{k}.html"
                row = make_row(url, "\n\n".join(body), title=title, lang=lang, family=family, score=0.85,
                               contacts=[handle], job="spam-seeds",
                               fetched_at=FETCHED + timedelta(hours=n))
                row["_truth"] = {"verdict": "spam", "family": family, "campaign": campaign}
                rows.append(row)
    for i in range(benign):
        lang = "en" if i % 2 else "zh"
        pool = BENIGN_SENTENCES[lang]
        text = "\n\n".join([rng.choice(pool)] + [filler(rng, lang, 40 if lang == "en" else 90) for _ in range(3)])
        host = f"github.com/reader{i}/notes/blob/main/README.md" if i % 10 == 0 else f"site{i}.example/page"
        row = make_row(f"https://{host}", text, title=text[:20], lang=lang, family="other", score=0.1,
                       job="benign-seeds", fetched_at=FETCHED + timedelta(hours=200 + i))
        row["_truth"] = {"verdict": "benign", "family": None, "campaign": f"benign-{i}"}
        rows.append(row)
    return rows


def write_corpus(root: Path, rows: list[dict]) -> CorpusStore:
    store = CorpusStore(root, run_id="fixture")
    for job in sorted({r["crawl_job"] for r in rows}):
        store.commit([{k: v for k, v in r.items() if k != "_truth"} for r in rows if r["crawl_job"] == job])
    return store


def annotation(project: str, doc_id: str, annotator: str, verdict: str | None, family: str | None = None, *,
               aid: int, when: datetime | None = None, cancelled: bool = False) -> dict:
    when = when or datetime(2026, 11, 3, tzinfo=timezone.utc)
    return {"project": project, "task_id": aid, "doc_id": doc_id, "annotation_id": aid, "annotator": annotator,
            "verdict": verdict, "family": family, "spans": [], "note": None, "created_at": when,
            "updated_at": when, "lead_time": 12.5, "accepted_prediction": False, "was_cancelled": cancelled}


def propagated(project: str, doc_id: str, campaign: str, source: str, verdict: str, family: str | None) -> dict:
    return {"project": project, "doc_id": doc_id, "campaign_id": campaign, "source_doc_id": source,
            "verdict": verdict, "family": family, "source_annotations": 1,
            "propagated_at": datetime(2026, 11, 4, tzinfo=timezone.utc)}


def write_project(root: Path, name: str, annotations: list[dict], props: list[dict] | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(annotations, schema=ANNOTATION_SCHEMA), folder / "annotations.parquet")
    if props is not None:
        pq.write_table(pa.Table.from_pylist(props, schema=PROPAGATED_SCHEMA), folder / "propagated.parquet")
    return folder


def annotate(rows: list[dict], root: Path, seed: int = 11) -> dict[str, dict]:
    """Label most rows as annotators would: 1 or 3 annotators, some disagreement, a skip, propagation.

    Returns the expected label per doc_id (verdict, family, source) for the cases this function decides.
    """
    rng = random.Random(seed)
    anns, props, expected, aid = [], [], {}, 0
    by_campaign: dict[str, list[dict]] = {}
    for r in rows:
        by_campaign.setdefault(r["_truth"]["campaign"], []).append(r)
    for campaign, members in sorted(by_campaign.items()):
        for j, r in enumerate(members):
            truth, doc = r["_truth"], r["doc_id"]
            if truth["verdict"] == "spam" and j == len(members) - 1:   # last copy: propagated, not annotated
                props.append(propagated("main", doc, campaign, members[0]["doc_id"], "spam", truth["family"]))
                expected[doc] = {"verdict": "spam", "family": truth["family"], "label_source": "propagated"}
                continue
            if truth["verdict"] == "benign" and rng.random() < 0.15:   # left unlabelled: silver only
                continue
            three = rng.random() < 0.3
            for a in range(3 if three else 1):
                aid += 1
                verdict, family = truth["verdict"], truth["family"]
                if three and a == 2 and rng.random() < 0.5:           # a dissenting third annotator
                    verdict, family = "borderline", None
                anns.append(annotation("main", doc, f"ann-{a}", verdict, family, aid=aid))
            expected[doc] = {"verdict": truth["verdict"], "family": truth["family"], "label_source": "human"}
    write_project(root, "main", anns, props)
    return expected


def test_fixture_corpus_is_what_the_release_tests_assume(tmp_path):
    rows = corpus_rows()
    families = {r["_truth"]["family"] for r in rows if r["_truth"]["verdict"] == "spam"}
    assert families == set(FAMILY_SENTENCES)
    assert len({r["doc_id"] for r in rows}) == len(rows)
    handles = {}
    for r in rows:
        for c in r["contacts"]:
            handles.setdefault(c["value"], set()).add(r["_truth"]["campaign"])
    assert any(len(campaigns) > 1 for campaigns in handles.values())   # some handle spans two campaigns
    hosts = {}
    for r in rows:
        hosts.setdefault(r["host"], set()).add(r["_truth"]["campaign"])
    assert len(hosts["spam-hub.example"]) == len(FAMILY_SENTENCES)    # a site spans campaigns and families
    store = write_corpus(tmp_path / "corpus", rows)
    assert store.read(columns=["doc_id"]).num_rows == len(rows)


# -- what a release's consumers do, shared by the release tests -------------------------------------------
def split_counts(path: Path) -> dict[str, int]:
    import json

    return {k: v["rows"] for k, v in json.loads((path / "stats.json").read_text())["splits"].items()}


def duckdb_release(path: Path):
    """A DuckDB connection with view `r`: every row of the release plus its split (from the file name)."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"""CREATE VIEW r AS SELECT *, regexp_extract(filename, '([a-z]+)-\\d+-of', 1) AS split
                    FROM read_parquet('{path / "data"}/*.parquet', filename=true)""")
    return con


HANDLES_SQL = """SELECT c.kind, c.value, split FROM (SELECT unnest(contacts) AS c, split FROM r)
                 WHERE c.kind <> 'url'"""


def crossing_in_duckdb(path: Path) -> dict[str, list]:
    """Campaigns, sites and contact handles found in more than one split, computed by DuckDB alone."""
    con = duckdb_release(path)
    out = {key: con.execute(f"SELECT {key} FROM r GROUP BY {key} HAVING count(DISTINCT split) > 1").fetchall()
           for key in ("campaign_id", "site")}
    out["handle"] = con.execute(f"SELECT kind, value FROM ({HANDLES_SQL}) GROUP BY ALL "
                                "HAVING count(DISTINCT split) > 1").fetchall()
    return out


def load_everywhere(path: Path, cache: Path) -> None:
    """pyarrow, DuckDB and Hugging Face datasets (data_dir and Hub-style folder) read the split row counts."""
    import datasets
    import duckdb
    import pyarrow.dataset as pads

    counts = split_counts(path)
    for split, n in counts.items():
        assert pads.dataset([str(p) for p in sorted((path / "data").glob(f"{split}-*.parquet"))]).count_rows() == n
        assert duckdb.execute(f"SELECT count(*) FROM '{path}/data/{split}-*.parquet'").fetchone()[0] == n
    loaded = datasets.load_dataset("parquet", data_dir=str(path), cache_dir=str(cache / "hf-parquet"))
    assert {k: v.num_rows for k, v in loaded.items()} == counts
    as_repo = datasets.load_dataset(str(path), cache_dir=str(cache / "hf-repo"))
    assert {k: v.num_rows for k, v in as_repo.items()} == counts


def card_and_croissant(path: Path) -> dict:
    """The card parses with huggingface_hub and matches the files; Croissant validates and reads every split."""
    import json

    import mlcroissant as mlc
    from huggingface_hub import DatasetCard

    counts = split_counts(path)
    data = DatasetCard.load(path / "README.md").data.to_dict()
    assert {s["name"]: s["num_examples"] for s in data["dataset_info"]["splits"]} == counts
    assert sorted(f["split"] for f in data["configs"][0]["data_files"]) == sorted(counts)
    dataset = mlc.Dataset(jsonld=path / "croissant.json")
    assert not dataset.metadata.issues.errors
    for split, n in counts.items():
        assert sum(1 for _ in dataset.records(split)) == n
    doc = json.loads((path / "croissant.json").read_text())
    files = sorted(p.relative_to(path).as_posix() for p in (path / "data").glob("*.parquet"))
    assert sorted(d["contentUrl"] for d in doc["distribution"] if d["@type"] == "cr:FileObject") == files
    return data
