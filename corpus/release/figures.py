"""Release figures as deterministic PNGs (Agg canvas, no pyplot state, no Software/date metadata)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa

FIGURES = {
    "families_by_language": "figures/families_by_language.png",
    "campaign_sizes": "figures/campaign_sizes.png",
    "label_sources": "figures/label_sources.png",
    "agreement": "figures/agreement.png",
}
# fixed style: a user's matplotlibrc must not change the bytes of a release
_RC = {"font.family": "DejaVu Sans", "font.size": 9, "figure.dpi": 100, "savefig.dpi": 100,
       "path.simplify": True, "svg.hashsalt": "spamcorpus"}
_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac", "#86bcb6", "#d37295", "#a0cbe8"]
MAX_LANGS = 8


def _figure(width: float = 7.0, height: float = 4.0):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _save(fig, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", metadata={"Software": None})


def _label_class(verdict: str, family: str | None) -> str:
    return (family or "spam (no family)") if verdict == "spam" else verdict


def _families_by_language(rows: list[dict[str, Any]], ax) -> None:
    langs = [lang for lang, _ in Counter(r["lang"] for r in rows).most_common()]
    langs = sorted(langs, key=lambda lang: (-sum(r["lang"] == lang for r in rows), lang))
    shown = langs[:MAX_LANGS]
    counts = Counter((_label_class(r["verdict"], r["family"]), r["lang"] if r["lang"] in shown else "other")
                     for r in rows)
    classes = sorted({c for c, _ in counts}, key=lambda c: (-sum(v for (k, _), v in counts.items() if k == c), c))
    columns = shown + (["other"] if len(langs) > MAX_LANGS else [])
    left = [0] * len(classes)
    for i, lang in enumerate(columns):
        widths = [counts.get((c, lang), 0) for c in classes]
        ax.barh(classes, widths, left=left, label=lang, color=_COLORS[i % len(_COLORS)])
        left = [a + b for a, b in zip(left, widths)]
    ax.invert_yaxis()
    ax.set_xlabel("documents")
    ax.set_title("Label classes by language")
    ax.legend(title="language", fontsize=8)


def _campaign_sizes(rows: list[dict[str, Any]], ax) -> None:
    sizes = Counter(Counter(r["campaign_id"] for r in rows).values())
    bins = [(1, 1), (2, 2), (3, 5), (6, 10), (11, 50), (51, 100), (101, 1000), (1001, 10**12)]
    labels, campaigns, docs = [], [], []
    for lo, hi in bins:
        labels.append(str(lo) if lo == hi else (f"{lo}-{hi}" if hi < 10**12 else f">{lo - 1}"))
        campaigns.append(sum(n for s, n in sizes.items() if lo <= s <= hi))
        docs.append(sum(s * n for s, n in sizes.items() if lo <= s <= hi))
    x = list(range(len(bins)))
    ax.bar([i - 0.2 for i in x], campaigns, width=0.4, label="campaigns", color=_COLORS[0])
    ax.bar([i + 0.2 for i in x], docs, width=0.4, label="documents in them", color=_COLORS[1])
    ax.set_xticks(x, labels)
    ax.set_xlabel("campaign size (documents in this release)")
    ax.set_title("Campaign sizes")
    ax.legend()


def _label_sources(rows: list[dict[str, Any]], ax) -> None:
    sources = ["human", "adjudicated", "propagated", "silver"]
    verdicts = ["spam", "borderline", "benign"]
    counts = Counter((r["label_source"], r["verdict"]) for r in rows)
    bottom = [0] * len(sources)
    colors = {"spam": "#e15759", "borderline": "#edc948", "benign": "#59a14f"}
    for verdict in verdicts:
        heights = [counts.get((s, verdict), 0) for s in sources]
        ax.bar(sources, heights, bottom=bottom, label=verdict, color=colors[verdict])
        bottom = [a + b for a, b in zip(bottom, heights)]
    ax.set_ylabel("documents")
    ax.set_title("How labels were obtained")
    ax.legend(title="verdict")


def _agreement(rows: list[dict[str, Any]], agreement: dict[str, Any], ax) -> None:
    values = sorted(r["agreement"] for r in rows if r["n_annotators"] >= 2 and r["agreement"] is not None)
    if values:
        ax.hist(values, bins=[i / 10 for i in range(11)], color=_COLORS[0])
        ax.set_xlabel("share of annotators agreeing with the released verdict")
        ax.set_ylabel("documents")
    else:
        ax.text(0.5, 0.5, "no released document has two or more annotators", ha="center", va="center")
        ax.set_axis_off()
    alpha = agreement.get("verdict_alpha")
    family = agreement.get("family_alpha")
    ax.set_title("Agreement on multiply annotated documents\n"
                 f"Krippendorff's alpha: verdict {'n/a' if alpha is None else f'{alpha:.3f}'}, "
                 f"family {'n/a' if family is None else f'{family:.3f}'}")


def write_figures(table: pa.Table, agreement: dict[str, Any], root: Path) -> dict[str, str]:
    """Draw every figure into root/figures/; returns name -> relative path."""
    import matplotlib

    rows = table.select(["lang", "verdict", "family", "campaign_id", "label_source", "n_annotators",
                         "agreement"]).to_pylist()
    with matplotlib.rc_context(rc=_RC):
        for name, rel in FIGURES.items():
            fig = _figure()
            ax = fig.add_subplot()
            if name == "families_by_language":
                _families_by_language(rows, ax)
            elif name == "campaign_sizes":
                _campaign_sizes(rows, ax)
            elif name == "label_sources":
                _label_sources(rows, ax)
            else:
                _agreement(rows, agreement, ax)
            fig.tight_layout()
            _save(fig, root / rel)
    return dict(FIGURES)
