"""The dataset card: README.md with Hugging Face YAML front matter, rendered from the release's stats."""
from __future__ import annotations

import json
import re
from typing import Any

import pyarrow as pa

from corpus.release.card_sections import body

TASK_CATEGORIES = ["text-classification"]
TASK_IDS = ["multi-class-classification"]
TAGS = ["spam", "web-spam", "seo-spam", "trust-and-safety", "contact-handles", "campaigns"]
LICENSE_URLS = {
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-by-nc-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "cc-by-nc-sa-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "cc0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "odc-by": "https://opendatacommons.org/licenses/by/1-0/",
    "apache-2.0": "https://www.apache.org/licenses/LICENSE-2.0",
    "mit": "https://opensource.org/licenses/MIT",
}
OTHER_LICENSE_NAME = "research-use-of-crawled-web-text"


def size_category(rows: int) -> str:
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
              (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M")]
    for bound, name in bounds:
        if rows < bound:
            return name
    return "100M<n<1B"


def hf_feature(name: str, t: pa.DataType) -> dict[str, Any]:
    """One `dataset_info.features` entry in the YAML form of `datasets.Features`."""
    if pa.types.is_list(t) and pa.types.is_struct(t.value_type):
        return {"name": name, "list": [hf_feature(f.name, f.type) for f in t.value_type]}
    if pa.types.is_list(t):
        return {"name": name, "list": hf_feature("_", t.value_type)["dtype"]}
    if pa.types.is_timestamp(t):
        return {"name": name, "dtype": f"timestamp[{t.unit}" + (f", tz={t.tz}]" if t.tz else "]")}
    names = {pa.string(): "string", pa.int32(): "int32", pa.int64(): "int64", pa.float32(): "float32",
             pa.float64(): "float64", pa.bool_(): "bool", pa.binary(): "binary", pa.int16(): "int16"}
    return {"name": name, "dtype": names[t]}


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    s = str(v)
    if _PLAIN.match(s) and s.lower() not in _YAML_WORDS:
        return s
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def to_yaml(value: Any, indent: int = 0) -> str:
    """A small, deterministic block-style YAML emitter for dicts, lists and scalars."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{_scalar(k)}:")
                # list items may sit at the key's indentation (the style of Hugging Face cards)
                lines.append(to_yaml(v, indent + (2 if isinstance(v, dict) else 0)))
            elif isinstance(v, (dict, list)):
                lines.append(f"{pad}{_scalar(k)}: {'{}' if isinstance(v, dict) else '[]'}")
            else:
                lines.append(f"{pad}{_scalar(k)}: {_scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                inner = to_yaml(item, indent + 2).split("\n")
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            elif isinstance(item, list) and item:
                lines.append(f"{pad}-")
                lines.append(to_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(pad + _scalar(value))
    return "\n".join(lines)


def front_matter(stats: dict[str, Any], schema: pa.Schema, info: dict[str, Any]) -> dict[str, Any]:
    """The card's YAML metadata as a dict (keys in the order they are written)."""
    langs = [lang for lang in stats["languages"] if lang != "und"]
    creators = ["expert-generated"]
    if stats["label_sources"].get("propagated") or stats["label_sources"].get("silver"):
        creators.append("machine-generated")
    meta: dict[str, Any] = {"pretty_name": info["pretty_name"], "license": info["license"]}
    if info["license"] == "other":
        meta["license_name"] = OTHER_LICENSE_NAME
        meta["license_link"] = "LICENSE.md"
    meta.update({
        "language": sorted(langs) or ["und"],
        "multilinguality": "multilingual" if len(langs) > 1 else "monolingual",
        "task_categories": TASK_CATEGORIES,
        "task_ids": TASK_IDS,
        "size_categories": [size_category(stats["rows"])],
        "source_datasets": ["original"],
        "language_creators": ["found"],
        "annotations_creators": creators,
        "tags": TAGS,
        "configs": [{"config_name": "default", "default": True, "data_files": [
            {"split": split, "path": f"data/{split}-*.parquet"} for split in stats["files"]]}],
        "dataset_info": {
            "features": [hf_feature(f.name, f.type) for f in schema],
            "splits": [{"name": split, "num_bytes": stats["splits"][split]["num_bytes"],
                        "num_examples": stats["splits"][split]["rows"]} for split in stats["files"]],
            "download_size": stats["download_size"],
            "dataset_size": sum(s["num_bytes"] for s in stats["splits"].values()),
        },
    })
    return meta


def render_card(stats: dict[str, Any], schema: pa.Schema, info: dict[str, Any], baseline: dict[str, Any],
                columns: dict[str, str]) -> str:
    """The whole README.md: front matter, then the sections."""
    meta = front_matter(stats, schema, info)
    return f"---\n{to_yaml(meta)}\n---\n\n{body(stats, info, baseline, columns)}"


def split_front_matter(text: str) -> tuple[str, str]:
    """(yaml, body) of a card; raises ValueError when the front matter is missing or unterminated."""
    if not text.startswith("---\n"):
        raise ValueError("README.md does not start with YAML front matter (---)")
    end = text.find("\n---\n", 4)
    if end < 0:
        raise ValueError("README.md front matter is not closed by ---")
    return text[4:end + 1], text[end + 5:]
