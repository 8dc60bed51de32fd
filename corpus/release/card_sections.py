"""The prose and tables of the dataset card, generated from stats.json and baseline.json."""
from __future__ import annotations

from typing import Any

from corpus.labels import FAMILIES
from corpus.release.figures import FIGURES
from corpus.release.resolve import POLICY_TABLE

FAMILY_HELP = {
    "telecom_sim": "SIM/eSIM/data cards, foreign phone numbers for account registration",
    "gambling": "casinos, betting, lottery agents",
    "fake_documents": "forged certificates, diplomas, IDs, invoices",
    "crypto_finance": "crypto exchange, OTC trading, investment schemes",
    "loans": "loans and credit offers",
    "adult": "adult services",
    "account_trade": "selling or renting accounts (social, messaging, payment)",
    "support_scam": "fake customer-service numbers",
    "pharma_drugs": "medicines and drugs",
    "hacking_data": "leaked data, hacking services",
    "seo_service": "SEO, traffic and backlink services",
    "warez_lure": "cracked software, keygens and fake free-download repositories",
    "other": "spam that fits no family above",
}
LANG_COLUMNS = 8


def _cell(v: Any) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v != int(v) else f"{v:.1f}"
    return str(v).replace("|", "\\|").replace("\n", " ")


def table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "n/a"


def _summary(s: dict[str, Any], info: dict[str, Any]) -> str:
    rows = s["rows"]
    sources = ", ".join(f"{n} {k}" for k, n in s["label_sources"].items())
    langs = ", ".join(f"{k} ({n})" for k, n in list(s["languages"].items())[:LANG_COLUMNS])
    return f"""# {info['pretty_name']} — version {s['version']}

{info['description']}

This release holds **{rows} documents** ({', '.join(f"{k}: {v['rows']}" for k, v in s['splits'].items())})
in {len(s['languages'])} language(s) ({langs}), from {s['collection']['hosts']} hosts and
{s['campaigns']['count']} template campaigns. Labels: {sources}. It was built on {s['date']} by spamcorpus
{s['spamcorpus_version']} from the corpus and annotations described below; `stats.json` holds every
figure in this card, and `manifest-sha256.txt` the checksum of every file.
"""


def _structure(s: dict[str, Any], columns: dict[str, str]) -> str:
    split_rows = [[k, v["rows"], v["verdicts"].get("spam", 0), v["verdicts"].get("benign", 0),
                   v["verdicts"].get("borderline", 0), v["campaigns"], v["sites"], ", ".join(s["files"][k])]
                  for k, v in s["splits"].items()]
    col_rows = [[f"`{k}`", d] for k, d in columns.items()]
    return f"""## Dataset structure

One row per document (web page). Splits{' (a split without documents has no file)' if len(s['splits']) < 3 else ''}:

{table(["split", "documents", "spam", "benign", "borderline", "campaigns", "sites", "files"], split_rows)}

Columns:

{table(["column", "description"], col_rows)}

Loading:

```python
import pyarrow.parquet as pq
first = pq.read_table("{next(iter(s['files'].values()))[0]}")
from datasets import load_dataset
release = load_dataset("parquet", data_dir=".")   # a DatasetDict, one Dataset per split
import duckdb
duckdb.sql("SELECT family, count(*) FROM 'data/train-*.parquet' GROUP BY family")
```
"""


def _collection(s: dict[str, Any]) -> str:
    c = s["collection"]
    jobs = table(["crawl job", "documents"], [[k, v] for k, v in c["crawl_jobs"].items()])
    camp = s["campaigns"]
    html = ("Raw HTML bodies are included in the `body` column (this release was built with `--include-html`)."
            if s["include_html"] else "Raw HTML bodies are **not** included: the `text` column holds the main "
            "text extracted from each page (boilerplate removed); contacts were extracted from the whole page.")
    versions = c.get("detector_versions") or {}
    detectors = ", ".join(f"`{v}` ({n} rows)" for v, n in versions.items()) or "not recorded"
    return f"""## Collection

Pages were fetched by spamcorpus crawl jobs (Scrapy; robots.txt obeyed, identifying User-Agent, rate
limited) between {c['fetched_from']} and {c['fetched_to']} (UTC), from {c['hosts']} hosts. Each page's
main text, title, language and contact handles (normal form: Telegram handles lowercase without `@`,
phone numbers in E.164) were extracted by the crawler, which also scored each page with spamcorpus's
learned detector (`spam_score`, a calibrated probability, and `family_guess`: shown for reference, not
labels; a logistic regression over character n-grams and named signals, trained on a labelled set of real
pages). The model of each row is in `detector_version`; in this release: {detectors}. {html}

{jobs}

Campaigns: {camp['source']}. {camp['count']} campaigns in this release, the largest holding
{camp['largest']} documents; {camp['unassigned']} released documents had no campaign assignment and form
campaigns of their own.
"""


def _annotation(s: dict[str, Any]) -> str:
    a, p = s["agreement"], s["policy"]
    families = table(["family", "meaning"], [[f"`{f}`", FAMILY_HELP.get(f, "")] for f in FAMILIES])
    agree = table(["measure", "value"], [
        ["documents with human annotations", a["annotated_documents"]],
        ["annotators (pseudonymous)", a["annotators"]],
        ["documents with two or more annotators", a["multiply_annotated_documents"]],
        ["Krippendorff's alpha, verdict (nominal)", a["verdict_alpha"]],
        ["Krippendorff's alpha, spam vs not spam", a["spam_vs_not_alpha"]],
        ["pairwise agreement, verdict", a["verdict_pairwise"]],
        ["Krippendorff's alpha, family (spam votes)", a["family_alpha"]],
        ["pairwise agreement, family", a["family_pairwise"]],
    ])
    per_doc = ", ".join(f"{k} annotator(s): {v}" for k, v in a["documents_by_annotator_count"].items()) or "none"
    return f"""## Annotation

Documents were labelled in Label Studio by annotators who saw the title, URL, language and main text
as plain text (never rendered HTML) with the detector's pre-annotation. Guidelines: the **verdict** is
`spam` for a page whose purpose is to sell or promote through mass-produced content (typically a how-to
article with a contact handle), `benign` for an ordinary page (including pages that discuss or quote
spam), `borderline` when the annotator cannot tell; for spam the **family** is one of:

{families}

Label resolution policy (tie policy of this release: `{p['tie']}`; {p['adjudicators']} adjudicator(s);
adjudication projects: {', '.join(p['adjudication_projects']) or 'none'}; silver rows
{'included' if p['include_silver'] else 'excluded'}, detector threshold {p['silver_threshold']}{_source(p)}):

{table(["case", "outcome"], [list(r) for r in POLICY_TABLE])}

Documents awaiting adjudication at build time: {s['adjudication_queue']} (listed in
`adjudication_queue.jsonl`). Annotations per document: {per_doc}.

Agreement (over documents labelled by two or more ordinary annotators; adjudications excluded):

{agree}

![agreement]({FIGURES['agreement']})
"""


def _distribution(s: dict[str, Any]) -> str:
    langs = list(s["languages"])[:LANG_COLUMNS]
    rows = [[cls, *[by_lang.get(lang, 0) for lang in langs], sum(by_lang.values())]
            for cls, by_lang in s["family_by_language"].items()]
    src = [[k, *[s["verdict_by_source"].get(k, {}).get(v, 0) for v in ("spam", "benign", "borderline")], n]
           for k, n in s["label_sources"].items()]
    dropped = table(["reason", "count"], [[k, v] for k, v in s["dropped"].items()]) if s["dropped"] else "None."
    return f"""## Label distribution

{table(["class", *langs, "total"], rows)}

{table(["label source", "spam", "benign", "borderline", "total"], src)}

![families by language]({FIGURES['families_by_language']})
![label sources]({FIGURES['label_sources']})
![campaign sizes]({FIGURES['campaign_sizes']})

Left out of the release, and annotations ignored, by reason:

{dropped}
"""


def _splits(s: dict[str, Any]) -> str:
    g = s["grouping"]
    plats = ", ".join(f"`{k}`" for k in sorted(g["shared_platforms"]))
    frac = ", ".join(f"{k} {v}" for k, v in g["fractions"].items())
    actual = ", ".join(f"{k} {_pct(v['rows'], s['rows'])}" for k, v in s["splits"].items())
    warnings = "".join(f"\n**Warning:** {w}." for w in s["warnings"])
    return f"""## Splits without leakage

Documents that share a campaign, a contact handle (kinds: {', '.join(g['handle_kinds'])}) or a site are
joined into one group (union-find), and every group lies in exactly one split, so no campaign, handle or
site crosses splits ({g['crossing_keys']} crossing keys at build time). A site is the host without `www.`,
or on shared platforms the host plus the account part of the URL path (platforms: {plats}).
Groups are assigned whole, largest first, each to the split where it least increases a chi-square distance
between the counts and the target fractions, per family × language stratum and overall; seeded
({g['seed']}). {g['groups']} groups; the largest holds {g['largest_group']} documents
({_pct(g['largest_group'], s['rows'])}). Target fractions: {frac}; actual: {actual}.
{warnings}
"""


def _baseline(b: dict[str, Any]) -> str:
    if not b or b.get("skipped"):
        return f"## Baseline\n\nNot run: {b.get('skipped', 'disabled') if b else 'disabled'}.\n"
    fam = [[k, v["precision"], v["recall"], v["f1"], v["support"]] for k, v in b["by_family"].items()]
    lang = [[k, v["spam"]["precision"], v["spam"]["recall"], v["spam"]["f1"], v["macro_f1"], v["rows"]]
            for k, v in b["by_language"].items()]
    sp = b["spam"]
    return f"""## Baseline

{b['model']}. Trained on {b['train_rows']} train rows, scored on {b['test_rows']} test rows
(`spamcorpus baseline .` reproduces it; results in `baseline.json`). Spam vs benign on test: precision
{sp['precision']}, recall {sp['recall']}, F1 {sp['f1']}; accuracy over all classes {b['accuracy']}.

Per class (family, or benign):

{table(["class", "precision", "recall", "F1", "support"], fam)}

Per language (spam = any spam family):

{table(["language", "spam precision", "spam recall", "spam F1", "macro F1", "rows"], lang)}
"""


def _language_note(languages: dict[str, int], rows: int) -> str:
    shares = ", ".join(f"`{k}` {_pct(v, rows)}" for k, v in list(languages.items())[:LANG_COLUMNS])
    top = next(iter(languages.values()), 0)
    if top * 10 >= rows * 6:
        return f"{shares}; results on the other languages rest on few documents."
    return f"{shares}; languages not listed are absent, and results do not carry over to them."


def _biases(s: dict[str, Any]) -> str:
    rows = s["rows"] or 1
    top_host, top_host_n = s["collection"]["top_host"]
    return f"""## Known biases and limitations

- Selection: pages come from crawl jobs seeded with known spam sources and look-alike benign pages, often
  following links only out of pages the detector already scored as spam; the spam found is the spam these
  seeds and this detector lead to, not a sample of the web.
- Language: {_language_note(s["languages"], rows)}
- Concentration: the largest campaign holds {_pct(s['campaigns']['largest'], rows)} of documents and the
  largest host ({top_host}) {_pct(top_host_n, rows)}; per-document metrics overweight large campaigns.
- Propagated labels assume every page of a campaign shares its representative's label; silver labels are
  the detector's own output and must not be used to evaluate that detector.
- `borderline` mixes genuinely ambiguous pages with unresolved disagreements (see the policy above).
- Time: pages fetched between {s['collection']['fetched_from']} and {s['collection']['fetched_to']};
  spam campaigns change quickly.
"""


def _tail(s: dict[str, Any], info: dict[str, Any]) -> str:
    return f"""## Personal and sensitive information

Annotators are pseudonymous: the release holds only counts of annotators, never their identities. The
contact handles (Telegram, WhatsApp, phone, e-mail, ...) are the advertisers' own public advertisements,
kept because they are what ties a campaign together; they are not private individuals' data as
published, but they may be taken down or reassigned over time. Texts may still name people; raw HTML is
{'included' if s['include_html'] else 'left out'}. Requests to remove a document: see the contact below.

## Intended use

Research on web spam and SEO spam, trust and safety, and corpus cleaning: training and evaluating spam
and spam-family classifiers, studying campaigns and their contact handles. Out of scope: identifying or
profiling individuals, contacting the advertised handles, or taking enforcement action against a site on
the strength of these labels alone.

## License

{info['license_text']}

## Files and verification

`data/` (Parquet, zstd), `README.md` (this card), `croissant.json` (MLCommons Croissant 1.0 with file
checksums), `stats.json`, `baseline.json`, `adjudication_queue.jsonl`, `figures/`, and
`manifest-sha256.txt` with the sha256 of every other file. Check a copy with
`spamcorpus release verify .` (or `sha256sum -c manifest-sha256.txt`).

## Citation

```bibtex
{info['citation']}
```

Contact: {info['contact']}
"""


def body(s: dict[str, Any], info: dict[str, Any], baseline: dict[str, Any], columns: dict[str, str]) -> str:
    parts = [_summary(s, info), _structure(s, columns), _collection(s), _annotation(s), _distribution(s),
             _splits(s), _baseline(baseline), _biases(s), _tail(s, info)]
    return "\n".join(parts)


def _source(policy: dict) -> str:
    source = policy.get("silver_threshold_source")
    return f": {source}" if source else ""
