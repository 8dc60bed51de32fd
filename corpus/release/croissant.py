"""MLCommons Croissant 1.0 metadata (JSON-LD) for a release: file checksums, one record set per split, RAI fields."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from corpus.durable import sha256_file

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
CONTEXT: dict[str, Any] = {
    "@language": "en", "@vocab": "https://schema.org/", "citeAs": "cr:citeAs", "column": "cr:column",
    "conformsTo": "dct:conformsTo", "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/", "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"}, "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"}, "extract": "cr:extract", "field": "cr:field",
    "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject", "fileSet": "cr:fileSet",
    "format": "cr:format", "includes": "cr:includes", "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5", "parentField": "cr:parentField",
    "path": "cr:path", "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex",
    "repeated": "cr:repeated", "replace": "cr:replace", "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/", "separator": "cr:separator", "source": "cr:source",
    "subField": "cr:subField", "transform": "cr:transform",
}
PARQUET = "application/x-parquet"


def _data_type(t: pa.DataType) -> str:
    if pa.types.is_integer(t):
        return "sc:Integer"
    if pa.types.is_floating(t):
        return "sc:Float"
    if pa.types.is_boolean(t):
        return "sc:Boolean"
    if pa.types.is_timestamp(t):
        return "sc:DateTime"
    return "sc:Text"


def _source(file_set: str, column: str, json_path: str | None = None) -> dict[str, Any]:
    source: dict[str, Any] = {"fileSet": {"@id": file_set}, "extract": {"column": column}}
    if json_path:  # bracket notation: a bare `where` is a keyword of the JSONPath grammar mlcroissant uses
        source["transform"] = {"jsonPath": f"$['{json_path}']"}
    return source


def _fields(split: str, schema: pa.Schema) -> list[dict[str, Any]]:
    fields = []
    for f in schema:
        node: dict[str, Any] = {"@type": "cr:Field", "@id": f"{split}/{f.name}", "name": f.name,
                                "description": f.metadata[b"description"].decode()}
        if pa.types.is_list(f.type) and pa.types.is_struct(f.type.value_type):
            node["repeated"] = True
            node["source"] = _source(f"{split}-files", f.name)
            node["subField"] = [
                {"@type": "cr:Field", "@id": f"{split}/{f.name}/{sub.name}", "name": sub.name,
                 "dataType": _data_type(sub.type), "source": _source(f"{split}-files", f.name, sub.name)}
                for sub in f.type.value_type
            ]
        else:
            node["dataType"] = _data_type(f.type)
            node["source"] = _source(f"{split}-files", f.name)
        fields.append(node)
    return fields


def croissant_metadata(root: Path, files: dict[str, list[str]], schema: pa.Schema, info: dict[str, Any]
                       ) -> dict[str, Any]:
    """The JSON-LD document; `info` gives name, version, date, description, license, citation, languages, rai."""
    distribution: list[dict[str, Any]] = []
    for split, names in files.items():
        for rel in names:
            path = root / rel
            distribution.append({"@type": "cr:FileObject", "@id": rel, "name": rel, "contentUrl": rel,
                                 "encodingFormat": PARQUET, "contentSize": f"{path.stat().st_size} B",
                                 "sha256": sha256_file(path)})
        # the record set reads the split through a file set, so it still works when a split has many shards
        distribution.append({"@type": "cr:FileSet", "@id": f"{split}-files", "name": f"{split}-files",
                             "encodingFormat": PARQUET, "includes": f"data/{split}-*.parquet"})
    record_sets = [{"@type": "cr:RecordSet", "@id": split, "name": split,
                    "description": f"the {split} split: one record per document", "key": {"@id": f"{split}/doc_id"},
                    "field": _fields(split, schema)} for split in files]
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": info["name"],
        "description": info["description"],
        "version": info["version"],
        "datePublished": info["date"],
        "license": info["license_url"],
        "citeAs": info["citation"],
        "inLanguage": info["languages"],
        "keywords": info["keywords"],
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if info.get("homepage"):
        doc["url"] = info["homepage"]
    doc.update({f"rai:{k}": v for k, v in sorted(info.get("rai", {}).items())})
    return doc


def write_croissant(root: Path, doc: dict[str, Any]) -> None:
    text = json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (root / "croissant.json").write_text(text, encoding="utf-8")


def check_croissant(root: Path) -> list[str]:
    """Problems between croissant.json and the files (checksums, sizes, missing files)."""
    path = root / "croissant.json"
    if not path.is_file():
        return ["no croissant.json"]
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        return [f"croissant.json is not JSON: {exc}"]
    problems = []
    objects = [d for d in doc.get("distribution", []) if d.get("@type") == "cr:FileObject"]
    if not objects:
        problems.append("croissant.json lists no files")
    for d in objects:
        rel = d.get("contentUrl", "")
        target = root / rel
        if not rel or ".." in Path(rel).parts or not target.is_file():
            problems.append(f"croissant.json names a missing file: {rel!r}")
        elif sha256_file(target) != d.get("sha256"):
            problems.append(f"croissant.json checksum mismatch: {rel}")
    listed = {d.get("contentUrl") for d in objects}
    problems += [f"data file not in croissant.json: {p.relative_to(root).as_posix()}"
                 for p in sorted((root / "data").glob("*.parquet")) if p.relative_to(root).as_posix() not in listed]
    return problems
