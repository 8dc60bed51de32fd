"""A release built from a real corpus and annotation files: layout, loaders, card, Croissant, leaks, determinism."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from corpus.campaigns import assign_campaigns, read_campaigns
from spamcorpus.cli import main
from corpus.release.build import ReleaseConfig, build_release
from corpus.release.inputs import ReleaseError
from corpus.release.manifest import MANIFEST
from corpus.release.resolve import LabelPolicy
from corpus.release.splits import SHARED_PLATFORMS
from corpus.release.verify import verify_release
from tests.corpus.test_release_fixtures import (HANDLES_SQL, annotate, card_and_croissant, corpus_rows,
                                                crossing_in_duckdb, duckdb_release, load_everywhere, write_corpus)

# the Hugging Face libraries must never reach for the network in tests
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

pytestmark = pytest.mark.xdist_group("release-build")  # one worker builds the shared release once


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("release")
    rows = corpus_rows()
    write_corpus(root / "corpus", rows)
    assign_campaigns(root / "corpus")        # real template campaigns (MinHash/LSH + shared handles)
    expected = annotate(rows, root / "annotations")
    result = build_release(root / "corpus", root / "annotations", root / "releases",
                           ReleaseConfig(name="seo-spam", version="1.0.0"))
    return {"root": root, "rows": rows, "expected": expected, "result": result, "path": result.path}


def test_layout_and_verify(built):
    path = built["path"]
    assert path == built["root"] / "releases" / "seo-spam" / "1.0.0"
    names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
    for split in ("train", "validation", "test"):
        assert f"data/{split}-00000-of-00001.parquet" in names
    for required in ("README.md", "croissant.json", MANIFEST, "stats.json", "baseline.json", "LICENSE.md",
                     "adjudication_queue.jsonl", "figures/families_by_language.png", "figures/campaign_sizes.png",
                     "figures/label_sources.png", "figures/agreement.png"):
        assert required in names
    assert all(path.joinpath(f).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for f in names if f.endswith(".png"))
    manifest = path.joinpath(MANIFEST).read_text().splitlines()
    assert sorted(line.split("  ", 1)[1] for line in manifest) == [n for n in names if n != MANIFEST]
    report = verify_release(path)
    assert report.ok, report.problems
    assert subprocess.run(["sha256sum", "-c", "--quiet", MANIFEST], cwd=path).returncode == 0
    assert report.rows == built["result"].rows
    assert not list(path.parent.glob(".*tmp*"))   # the temporary build directory was renamed away


def test_labels_are_the_resolved_ones(built):
    table = ds.dataset(str(built["path"] / "data"), format="parquet").to_table()
    got = {r["doc_id"]: r for r in table.to_pylist()}
    expected = built["expected"]
    assert set(got) == set(expected)             # unlabelled benign rows (silver) are left out by default
    for doc, exp in expected.items():
        row = got[doc]
        assert row["family"] == exp["family"]
        if exp["label_source"] == "propagated":
            assert (row["label_source"], row["n_annotators"], row["agreement"]) == ("propagated", 0, None)
        else:
            assert row["label_source"] == "human" and row["n_annotators"] in (1, 3)
            assert row["verdict"] == exp["verdict"]     # two of three always agree in the fixture
    stats = json.loads((built["path"] / "stats.json").read_text())
    silver = sum(1 for r in built["rows"] if r["doc_id"] not in expected)
    assert stats["dropped"]["document_unlabelled_silver_excluded"] == silver > 0
    assert set(stats["label_sources"]) == {"human", "propagated"}
    assert "body" not in table.column_names


def test_no_campaign_handle_or_site_crosses_splits_in_duckdb(built):
    assert crossing_in_duckdb(built["path"]) == {"campaign_id": [], "site": [], "handle": []}
    con = duckdb_release(built["path"])
    assert con.execute("SELECT count(DISTINCT split) FROM r").fetchone()[0] == 3
    # the checks bite: campaigns, handles and sites are shared by many documents in this corpus
    assert con.execute("SELECT max(n) FROM (SELECT count(*) n FROM r GROUP BY campaign_id)").fetchone()[0] >= 4
    assert con.execute(f"SELECT max(n) FROM (SELECT count(*) n FROM ({HANDLES_SQL}) GROUP BY kind, value)"
                       ).fetchone()[0] >= 3
    assert con.execute("SELECT max(n) FROM (SELECT count(*) n FROM r GROUP BY site)").fetchone()[0] >= 2
    # hosts that are not shared platforms never cross splits either; github.com accounts are separate sites
    hosts = con.execute("SELECT host FROM r GROUP BY host HAVING count(DISTINCT split) > 1").fetchall()
    assert all(h in SHARED_PLATFORMS for (h,) in hosts)
    assert con.execute("SELECT count(DISTINCT site) FROM r WHERE host = 'github.com'").fetchone()[0] > 3


def test_loads_with_pyarrow_duckdb_and_hugging_face_datasets(built, tmp_path):
    import datasets

    load_everywhere(built["path"], tmp_path)
    loaded = datasets.load_dataset(str(built["path"]), cache_dir=str(tmp_path / "hf-repo"))
    assert set(loaded["train"][0]) >= {"text", "title", "url", "host", "lang", "contacts", "campaign_id", "family",
                                       "verdict", "n_annotators", "agreement", "label_source"}
    assert loaded["test"].features["contacts"] == datasets.List({"kind": datasets.Value("string"),
                                                                "value": datasets.Value("string"),
                                                                "where": datasets.Value("string")})


def test_card_parses_with_huggingface_hub(built):
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(built["path"] / "README.md")
    data = card.data.to_dict()
    stats = json.loads((built["path"] / "stats.json").read_text())
    assert data["license"] == "other" and data["license_link"] == "LICENSE.md"
    assert data["language"] == ["en", "zh"]
    assert data["task_categories"] == ["text-classification"]
    assert data["size_categories"] == ["n<1K"]
    assert [f["split"] for f in data["configs"][0]["data_files"]] == ["train", "validation", "test"]
    assert {s["name"]: s["num_examples"] for s in data["dataset_info"]["splits"]} == \
        {k: v["rows"] for k, v in stats["splits"].items()}
    for heading in ("## Collection", "## Annotation", "## Label distribution", "## Known biases",
                    "## Personal and sensitive information", "## Intended use", "## Baseline"):
        assert heading in card.text
    alpha = stats["agreement"]["verdict_alpha"]
    assert alpha is not None and f"| Krippendorff's alpha, verdict (nominal) | {alpha:.4f}".rstrip("0") in card.text
    baseline = json.loads((built["path"] / "baseline.json").read_text())
    assert f"F1 {baseline['spam']['f1']}" in card.text


def test_rows_and_card_name_the_detector_that_scored_them(built, tmp_path):
    from corpus.release.verify import check_data

    path = built["path"]
    table = ds.dataset(str(path / "data"), format="parquet").to_table(columns=["doc_id", "detector_version"])
    assert set(table.column("detector_version").to_pylist()) == {"test"}  # the fixtures' rows say "test"
    stats = json.loads((path / "stats.json").read_text())
    assert stats["collection"]["detector_versions"] == {"test": table.num_rows}
    card = (path / "README.md").read_text()
    assert f"`test` ({table.num_rows} rows)" in card and "learned detector" in card and "rule-based" not in card
    croissant = (path / "croissant.json").read_text()
    assert "detector_version" in croissant and "rule-based" not in croissant
    # a release built before the column existed still verifies; a column nobody wrote does not
    old = tmp_path / "old"
    shutil.copytree(path, old)
    for f in sorted((old / "data").glob("*.parquet")):
        pq.write_table(pq.read_table(f).drop_columns(["detector_version"]), f)
    assert check_data(old)[0] == []
    for f in sorted((old / "data").glob("*.parquet")):
        t = pq.read_table(f)
        pq.write_table(t.append_column("secret", t.column("doc_id")), f)
    assert any("unexpected columns" in p for p in check_data(old)[0])


def test_croissant_validates_and_reads_with_mlcroissant(built):
    import mlcroissant as mlc

    path = built["path"]
    card_and_croissant(path)
    records = list(mlc.Dataset(jsonld=path / "croissant.json").records("test"))
    assert {r["test/verdict"] for r in records} == {b"spam", b"benign"}
    contacts = [c for r in records for c in r["test/contacts"]]
    assert contacts and all(c["test/contacts/where"] == b"text"
                            and c["test/contacts/kind"] in (b"telegram", b"whatsapp") for c in contacts)
    doc = json.loads((path / "croissant.json").read_text())
    objects = [d for d in doc["distribution"] if d["@type"] == "cr:FileObject"]
    assert len(objects) == 3 and all(len(o["sha256"]) == 64 for o in objects)


def test_building_twice_gives_identical_files(built, tmp_path):
    again = build_release(built["root"] / "corpus", built["root"] / "annotations", tmp_path,
                          ReleaseConfig(name="seo-spam", version="1.0.0"))
    assert again.manifest_sha256 == built["result"].manifest_sha256
    a, b = built["path"], again.path
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)   # PNGs and Parquet included


def test_tampering_fails_verify(built, tmp_path):
    runner = CliRunner()
    cases = {
        "flipped byte": lambda p: _flip(p / "data/test-00000-of-00001.parquet"),
        # a byte of the first data page (just past the magic): the footer still reads, the pages do not
        "damaged page": lambda p: _flip(p / "data/test-00000-of-00001.parquet", at=64),
        "edited card": lambda p: (p / "README.md").write_text((p / "README.md").read_text().replace(
            "license: other", "license: mit"), encoding="utf-8"),
        "removed figure": lambda p: (p / "figures/agreement.png").unlink(),
        "extra file": lambda p: (p / "data/extra.parquet").write_bytes(b"PAR1"),
    }
    for name, tamper in cases.items():
        copy = tmp_path / name.replace(" ", "-")
        shutil.copytree(built["path"], copy)
        tamper(copy)
        report = verify_release(copy)
        assert not report.ok, name
        out = runner.invoke(main, ["release", "verify", str(copy)])
        assert out.exit_code == 1 and "failed verification" in out.output, (name, out.output)
    assert any("checksum mismatch: data/test-00000-of-00001.parquet" in p
               for p in verify_release(tmp_path / "flipped-byte").problems)
    # a forger who also rewrites the manifest is caught by the card, Croissant and data checks
    from corpus.release.manifest import write_manifest

    stats = json.loads((built["path"] / "stats.json").read_text())
    lies = {
        "card rows": lambda p: (p / "README.md").write_text((p / "README.md").read_text().replace(
            f"num_examples: {stats['splits']['test']['rows']}", "num_examples: 999"), encoding="utf-8"),
        "card yaml": lambda p: (p / "README.md").write_text((p / "README.md").read_text().replace(
            "license: other", "license: [other"), encoding="utf-8"),
        "croissant": lambda p: _flip(p / "data/validation-00000-of-00001.parquet"),
        "leak": lambda p: _move_one_row(p),
    }
    expected = {"card rows": "README.md says test has 999 rows", "card yaml": "not valid YAML",
                "croissant": "croissant.json checksum mismatch", "leak": "is in splits"}
    for name, lie in lies.items():
        copy = tmp_path / name.replace(" ", "-")
        shutil.copytree(built["path"], copy)
        lie(copy)
        write_manifest(copy)
        problems = verify_release(copy).problems
        assert any(expected[name] in p for p in problems), (name, problems)
    ok = runner.invoke(main, ["release", "verify", str(built["path"])])
    assert ok.exit_code == 0 and "OK" in ok.output


def _move_one_row(path: Path) -> None:
    """Copy a train row into test (same campaign, handles and site now in two splits), fixing every count."""
    import pyarrow as pa

    train, test = path / "data/train-00000-of-00001.parquet", path / "data/test-00000-of-00001.parquet"
    moved = pa.concat_tables([pq.read_table(test), pq.read_table(train).slice(0, 1)])
    pq.write_table(moved, test)
    stats = json.loads((path / "stats.json").read_text())
    stats["splits"]["test"]["rows"] += 1
    stats["rows"] += 1
    (path / "stats.json").write_text(json.dumps(stats))


def _flip(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if at is None else at] ^= 0xFF
    path.write_bytes(bytes(data))


def test_existing_version_is_refused_and_failed_builds_leave_nothing(built, tmp_path):
    before = (built["path"] / MANIFEST).read_bytes()
    with pytest.raises(ReleaseError, match="already exists"):
        build_release(built["root"] / "corpus", built["root"] / "annotations", built["root"] / "releases",
                      ReleaseConfig(name="seo-spam", version="1.0.0"))
    assert (built["path"] / MANIFEST).read_bytes() == before
    with pytest.raises(ReleaseError, match="not a spamcorpus corpus"):
        build_release(tmp_path / "nothing", built["root"] / "annotations", tmp_path / "out",
                      ReleaseConfig(name="x", version="1.0.0"))
    with pytest.raises(ReleaseError, match="no document has a label"):
        build_release(built["root"] / "corpus", None, tmp_path / "out", ReleaseConfig(name="x", version="1.0.0"))
    with pytest.raises(ReleaseError, match=f"annotations folder {tmp_path / 'no-annotations'} does not exist"):
        build_release(built["root"] / "corpus", tmp_path / "no-annotations", tmp_path / "out",
                      ReleaseConfig(name="x", version="1.0.0", policy=LabelPolicy(include_silver=True)))
    assert not (tmp_path / "out" / "x").exists() or not any((tmp_path / "out" / "x").iterdir())
    for bad in ({"name": "../up", "version": "1.0.0"}, {"name": "ok", "version": "1.0"},
                {"name": "ok", "version": "1.0.0", "date": "tomorrow"}):
        with pytest.raises(ReleaseError):
            ReleaseConfig(**bad)


def test_cli_builds_in_both_forms_and_diffs(built, tmp_path):
    runner = CliRunner()
    root = built["root"]
    common = ["--corpus", str(root / "corpus"), "--annotations", str(root / "annotations"), "--out", str(tmp_path)]
    first = runner.invoke(main, ["release", "--name", "seo-spam", "--version", "1.0.0", *common])
    assert first.exit_code == 0, first.output
    assert "manifest sha256 " + built["result"].manifest_sha256 in first.output
    second = runner.invoke(main, ["release", "build", "--name", "seo-spam", "--version", "1.1.0", "--include-silver",
                                  "--no-baseline", *common])
    assert second.exit_code == 0, second.output
    again = runner.invoke(main, ["release", "--name", "seo-spam", "--version", "1.0.0", *common])
    assert again.exit_code == 1 and "already exists" in again.output and "Traceback" not in again.output
    missing = runner.invoke(main, ["release", "--name", "x"])
    assert missing.exit_code == 2 and "--version are required" in missing.output
    diff = runner.invoke(main, ["release", "diff", str(tmp_path / "seo-spam/1.0.0"), str(tmp_path / "seo-spam/1.1.0"),
                                "--json"])
    assert diff.exit_code == 0, diff.output
    d = json.loads(diff.output)
    silver = sum(1 for r in built["rows"] if r["doc_id"] not in built["expected"])
    assert len(d["added"]) == silver and d["removed"] == [] and d["changed"] == []
    text = runner.invoke(main, ["release", "diff", str(tmp_path / "seo-spam/1.1.0"), str(tmp_path / "seo-spam/1.0.0")])
    assert f"added 0, removed {silver}, changed labels 0" in text.output
    stats = json.loads((tmp_path / "seo-spam/1.1.0/stats.json").read_text())
    assert stats["label_sources"]["silver"] == silver
    assert not (tmp_path / "seo-spam/1.1.0/baseline.json").exists()


def tree_sha256(root: Path) -> dict[str, str]:
    """sha256 of every file under root, by relative path: what a failed command must leave untouched."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args,message", [
    (["--annotations", "{missing}", "--include-silver"], "annotations folder {missing} does not exist"),
    (["--annotations", "{missing}"], "annotations folder {missing} does not exist"),
    (["--no-annotations"], "--no-annotations leaves no document with a label: add --include-silver"),
    (["--no-annotations", "--include-silver", "--annotations", "{annotations}"],
     "give either --annotations DIR or --no-annotations, not both"),
])
def test_cli_refuses_a_missing_annotations_folder_and_writes_nothing(built, tmp_path, args, message):
    root = built["root"]
    paths = {"missing": str(tmp_path / "no" / "such" / "dir"), "annotations": str(root / "annotations")}
    before = tree_sha256(root)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["release", "--name", "silver", "--version", "1.0.0", "--corpus",
                                       str(root / "corpus"), "--out", str(out), "--no-baseline",
                                       *[a.format(**paths) for a in args]])
    assert result.exit_code == 2, result.output
    assert message.format(**paths) in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists() and tree_sha256(root) == before


def test_cli_builds_a_silver_only_release_when_asked_for_explicitly(built, tmp_path):
    root = built["root"]
    result = CliRunner().invoke(main, ["release", "--name", "silver", "--version", "1.0.0", "--corpus",
                                       str(root / "corpus"), "--out", str(tmp_path), "--no-annotations",
                                       "--include-silver", "--no-baseline"])
    assert result.exit_code == 0, result.output
    stats = json.loads((tmp_path / "silver/1.0.0/stats.json").read_text())
    assert set(stats["label_sources"]) == {"silver"} and stats["rows"] == len(built["rows"])


def test_campaigns_come_from_the_corpus_assignment_or_default_to_one_per_document(built, tmp_path):
    assigned = read_campaigns(built["root"] / "corpus")
    truth = dict(zip(assigned.column("doc_id").to_pylist(), assigned.column("campaign_id").to_pylist()))
    table = pq.read_table(built["path"] / "data/train-00000-of-00001.parquet", columns=["doc_id", "campaign_id"])
    assert all(truth[d] == c for d, c in zip(*(table.column(n).to_pylist() for n in ("doc_id", "campaign_id"))))
    stats = json.loads((built["path"] / "stats.json").read_text())
    assert stats["campaigns"]["unassigned"] == 0 and "spamcorpus campaigns" in stats["campaigns"]["source"]

    rows = corpus_rows(campaigns_per_family=2, benign=20)
    write_corpus(tmp_path / "corpus", rows)            # never grouped into campaigns
    annotate(rows, tmp_path / "annotations")
    result = build_release(tmp_path / "corpus", tmp_path / "annotations", tmp_path / "out",
                           ReleaseConfig(name="plain", version="0.1.0", baseline=False))
    out = ds.dataset(str(result.path / "data"), format="parquet").to_table(columns=["doc_id", "campaign_id"])
    assert out.column("campaign_id").to_pylist() == [f"doc-{d[:16]}" for d in out.column("doc_id").to_pylist()]
    assert any("no campaign assignment" in w for w in result.stats["warnings"])
    card = (result.path / "README.md").read_text()
    assert "every document is its own campaign" in card and "Not run: disabled" in card
    assert verify_release(result.path).ok


def test_diff_lists_changed_labels_and_html_and_platform_options(built, tmp_path):
    import pyarrow as pa

    from corpus.annotations import ANNOTATION_SCHEMA, read_annotations

    root = built["root"]
    changed_dir = tmp_path / "annotations"
    shutil.copytree(root / "annotations", changed_dir)
    table = read_annotations(changed_dir / "main").to_pylist()
    target = next(a["doc_id"] for a in table if a["verdict"] == "benign")
    for a in table:
        if a["doc_id"] == target:
            a.update(verdict="spam", family="seo_service")
    pq.write_table(pa.Table.from_pylist(table, schema=ANNOTATION_SCHEMA), changed_dir / "main/annotations.parquet")
    platforms = tmp_path / "platforms.txt"
    platforms.write_text("example.org 1\n", encoding="utf-8")   # github.com no longer a shared platform
    runner = CliRunner()
    out = runner.invoke(main, ["release", "--name", "seo-spam", "--version", "2.0.0", "--corpus", str(root / "corpus"),
                               "--annotations", str(changed_dir), "--out", str(tmp_path / "out"), "--include-html",
                               "--shared-platforms", str(platforms), "--no-baseline", "--date", "2027-01-31",
                               "--max-rows-per-file", "40"])
    assert out.exit_code == 0, out.output
    new = tmp_path / "out/seo-spam/2.0.0"
    d = diff_json(runner, built["path"], new)
    assert [c["doc_id"] for c in d["changed"]] == [target]
    assert d["changed"][0]["new"] == {"verdict": "spam", "family": "seo_service", "label_source": "human"}
    assert d["label_transitions"] == {"benign/- -> spam/seo_service": 1}
    rows = ds.dataset(str(new / "data"), format="parquet").to_table(columns=["host", "site", "body"]).to_pylist()
    assert all(r["site"] == r["host"] for r in rows if r["host"] == "github.com")
    assert all(isinstance(r["body"], bytes) and r["body"] for r in rows)
    card = (new / "README.md").read_text()
    assert "Raw HTML bodies are included" in card and "2027-01-31" in card
    assert verify_release(new).ok
    # several shards per split: every file is in the card's configs and in Croissant with its checksum
    shards = sorted(p.name for p in (new / "data").glob("train-*.parquet"))
    train_rows = sum(pq.ParquetFile(new / "data" / n).metadata.num_rows for n in shards)
    assert len(shards) == -(-train_rows // 40) >= 3
    assert shards[0] == f"train-00000-of-{len(shards):05d}.parquet"
    import mlcroissant as mlc

    assert len(list(mlc.Dataset(jsonld=new / "croissant.json").records("train"))) == train_rows


def diff_json(runner, old, new) -> dict:
    out = runner.invoke(main, ["release", "diff", str(old), str(new), "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_bad_inputs_give_clear_errors(built, tmp_path):
    runner = CliRunner()
    broken = tmp_path / "annotations/main"
    broken.mkdir(parents=True)
    (broken / "annotations.parquet").write_bytes(b"not parquet at all")
    out = runner.invoke(main, ["release", "--name", "x", "--version", "1.0.0",
                               "--corpus", str(built["root"] / "corpus"),
                               "--annotations", str(tmp_path / "annotations"), "--out", str(tmp_path / "out")])
    assert out.exit_code == 1 and "cannot read annotations" in out.output and "Traceback" not in out.output
    for args, message in ((["--fractions", "0.5,0.5"], "three numbers"), (["--fractions", "0.5,0.5,0.5"], "sum to 1"),
                          (["--version", "v1"], "X.Y.Z")):
        base = {"--name": "x", "--version": "1.0.0"}
        base.update(dict(zip(args[::2], args[1::2])))
        res = runner.invoke(main, ["release", *[t for kv in base.items() for t in kv],
                                   "--corpus", str(built["root"] / "corpus"), "--out", str(tmp_path / "out")])
        assert res.exit_code != 0 and message in res.output and "Traceback" not in res.output, res.output
    assert not (tmp_path / "out/x").exists() or not any((tmp_path / "out/x").iterdir())
    not_release = runner.invoke(main, ["release", "diff", str(tmp_path), str(built["path"])])
    assert not_release.exit_code == 1 and "not a release" in not_release.output


@pytest.mark.slow
def test_a_killed_build_leaves_no_release_and_the_next_build_cleans_up(built, tmp_path):
    import signal
    import sys
    import time

    root, out = built["root"], tmp_path / "out"
    script = ("import sys; from corpus.release.build import ReleaseConfig, build_release; "
              "build_release(sys.argv[1], sys.argv[2], sys.argv[3], ReleaseConfig(name='k', version='1.0.0'))")
    proc = subprocess.Popen([sys.executable, "-c", script, str(root / "corpus"), str(root / "annotations"), str(out)],
                            cwd=Path(__file__).resolve().parents[2])
    deadline = time.monotonic() + 60
    while not list((out / "k").glob(".1.0.0.tmp-*/data/*.parquet")) and time.monotonic() < deadline:
        assert proc.poll() is None, "the build ended before it could be killed"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "k/1.0.0").exists()          # half a release is never visible under its name
    assert len(list((out / "k").glob(".1.0.0.tmp-*"))) == 1
    result = build_release(root / "corpus", root / "annotations", out, ReleaseConfig(name="k", version="1.0.0"))
    assert sorted(p.name for p in (out / "k").iterdir()) == ["1.0.0"]
    assert verify_release(result.path).ok


def test_silver_threshold_precision_is_the_models_cut_and_needs_its_scores(built, tmp_path):
    from corpus.detector.model import load_model

    model = load_model()

    def release(corpus, threshold, out):
        return CliRunner().invoke(main, ["release", "--name", "silver", "--version", "1.0.0", "--corpus", str(corpus),
                                         "--out", str(out), "--no-annotations", "--include-silver", "--no-baseline",
                                         "--silver-threshold", threshold])

    # the shared fixture's rows carry another detector version: their scores are not the model's to cut
    stale = release(built["root"] / "corpus", "precision", tmp_path / "stale")
    assert stale.exit_code == 2 and "run `spamcorpus rescore` first" in stale.output, stale.output
    assert not (tmp_path / "stale").exists() and "Traceback" not in stale.output
    bad = release(built["root"] / "corpus", "0.5x", tmp_path / "bad")
    assert bad.exit_code == 2 and "neither a number in 0..1 nor `precision`" in bad.output

    rows = corpus_rows(campaigns_per_family=1, benign=10)
    for i, r in enumerate(rows):
        r.update(detector_version=model.version, spam_score=(i % 10) / 10)
    write_corpus(tmp_path / "current", rows)
    result = release(tmp_path / "current", "precision", tmp_path / "out")
    assert result.exit_code == 0, result.output
    stats = json.loads((tmp_path / "out/silver/1.0.0/stats.json").read_text())
    cut = model.meta["precision_cut"]["cut"]
    assert stats["policy"]["silver_threshold"] == cut
    released = ds.dataset(str(tmp_path / "out/silver/1.0.0/data"), format="parquet").to_table(
        columns=["spam_score", "verdict"]).to_pylist()
    assert released and all((r["verdict"] == "spam") == (r["spam_score"] >= cut) for r in released)
    # the card says what the threshold is, so a reader of the dataset knows how its silver labels were cut
    assert f"detector threshold {cut}: the precision-first cut of detector {model.version}" in (
        tmp_path / "out/silver/1.0.0/README.md").read_text()
    assert stats["policy"]["silver_threshold_source"].startswith("the precision-first cut")
    assert {r["verdict"] for r in released} == {"spam", "benign"}
