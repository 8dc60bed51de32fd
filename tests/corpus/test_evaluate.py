"""`spamcorpus evaluate`: metrics on hand-computed cases, loading JSONL and Parquet, clean errors, the CLI."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from spamcorpus.cli import main
from corpus.evaluate import Outcome, contact_metrics, detection_metrics, evaluate, format_report, prf
from corpus.labelled_sets import EvaluationError, LabelledDoc, load_labelled

SPAM = {"id": "s1", "title": "美国实卡 现货 [TG: @kashang_a8]", "label": "spam", "lang": "zh", "family": "telecom_sim",
        "text": "美国实卡、英国实卡现货，可收验证码，长期保号，批发零售。\n需要的联系飞机：@kashang_a8",
        "contacts": [{"kind": "telegram", "value": "kashang_a8"}]}
BENIGN = {"id": "b1", "title": "联系我们", "label": "benign", "lang": "zh", "hard_negative": True,
          "text": "客服邮箱：help@xiaoyuedu.com\n工作时间：周一至周五", "contacts": [{"kind": "email", "value": "help@xiaoyuedu.com"}]}


def outcome(spam: bool, score: float, lang="en", family="other", expected=None, found=()) -> Outcome:
    doc = LabelledDoc(id="x", title="", text="", spam=spam, lang=lang, family=family,
                      contacts=None if expected is None else set(expected))
    return Outcome(doc, score, family, (), set(found))


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_prf_hand_computed():
    assert prf(3, 1, 2) == {"precision": 0.75, "recall": 0.6, "f1": round(2 * 0.75 * 0.6 / 1.35, 4),
                            "tp": 3, "fp": 1, "fn": 2}
    assert prf(0, 0, 0)["f1"] == 0.0


def test_detection_metrics_hand_computed():
    # 3 spam (scores .9 .6 .2) and 3 benign (.7 .1 .4): tp 2, fn 1, fp 1, tn 2
    outcomes = [outcome(True, .9), outcome(True, .6), outcome(True, .2),
                outcome(False, .7), outcome(False, .1), outcome(False, .4)]
    m = detection_metrics(outcomes)
    assert (m["tp"], m["fp"], m["fn"], m["tn"]) == (2, 1, 1, 2)
    assert m["precision"] == pytest.approx(2 / 3, abs=1e-4) and m["recall"] == pytest.approx(2 / 3, abs=1e-4)
    assert outcome(True, 0.5).predicted  # 0.5 is the decision point and counts as spam
    # at a higher cut the .6 spam and the .4 benign are both below it: tp 1 (.9), fp 1 (.7), fn 2
    high = detection_metrics(outcomes, cut=0.65)
    assert (high["tp"], high["fp"], high["fn"], high["tn"]) == (1, 1, 2, 2)


def test_contact_metrics_per_kind_hand_computed():
    outcomes = [
        outcome(True, .9, expected={("telegram", "a1234"), ("wechat", "w_888")},
                found={("telegram", "a1234"), ("telegram", "b1234")}),
        outcome(False, .1, expected=set(), found={("email", "x@y.cn")}),
        outcome(False, .1, expected=None, found={("email", "ignored@y.cn")}),  # not labelled: not counted
    ]
    m = contact_metrics(outcomes)
    assert m["documents"] == 2
    assert m["by_kind"]["telegram"] == prf(1, 1, 0)
    assert m["by_kind"]["wechat"] == prf(0, 0, 1)
    assert m["by_kind"]["email"] == prf(0, 1, 0)
    assert m["overall"] == prf(1, 2, 1)


def test_evaluate_end_to_end_on_jsonl(tmp_path):
    path = write_jsonl(tmp_path / "set.jsonl", [SPAM, BENIGN, {**BENIGN, "id": "b2", "label": "borderline"}])
    docs, skipped = load_labelled([path])
    assert [d.id for d in docs] == ["s1", "b1"] and skipped == 1
    report = evaluate(docs, skipped)
    assert report["overall"]["tp"] == 1 and report["overall"]["fp"] == 0
    assert report["hard_negatives"] == {"documents": 1, "false_positives": 0, "false_positive_rate": 0.0}
    assert report["by_language"]["zh"]["documents"] == 2
    assert set(report["by_family"]) == {"telecom_sim", "other"}
    assert report["contacts"]["by_kind"]["telegram"]["tp"] == 1
    assert "overall" in format_report(report)
    # the shipped model's precision-first cut is reported beside the 0.5 one
    from corpus.detector.model import load_model
    at = report["at_precision_cut"]
    assert at["cut"] == load_model().meta["precision_cut"]["cut"] and at["documents"] == 2
    assert f"precision cut {at['cut']:.2f}" in format_report(report)


def test_parquet_and_label_forms(tmp_path):
    table = pa.table({"text": ["Buy cheap casino bonus, DM @spin_vip88 on Telegram", "A recipe for soup."],
                      "label": [1, 0], "lang": ["en", "en"]})
    pq.write_table(table, tmp_path / "set.parquet")
    docs, _ = load_labelled([tmp_path / "set.parquet"])
    assert [d.spam for d in docs] == [True, False]
    assert docs[0].contacts is None  # no contacts column: contact extraction is not scored
    docs, _ = load_labelled([tmp_path])  # a directory: its *.jsonl and *.parquet
    assert len(docs) == 2


def test_missing_language_is_detected(tmp_path):
    path = write_jsonl(tmp_path / "set.jsonl", [{"text": "Это обычный текст о погоде в Москве сегодня.", "label": "benign"}])
    docs, _ = load_labelled([path])
    assert docs[0].lang == "ru"


@pytest.mark.parametrize("content,message", [
    ('{"text": "a", "label": "spam"}\n{oops\n', "line 2: not JSON"),
    ('{"text": "a"}\n', "line 1: missing column 'label'"),
    ('{"label": "spam"}\n', "missing column 'text'"),
    ('{"text": "a", "label": "maybe"}\n', "unknown label"),
    ('["text", "label"]\n', "expected a JSON object"),
    ('{"text": "a", "label": "spam", "contacts": "x"}\n', "contacts must be a list"),
])
def test_bad_input_gives_clear_errors(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationError, match=message):
        load_labelled([path])


def test_parquet_missing_column_and_missing_file(tmp_path):
    pq.write_table(pa.table({"text": ["a"]}), tmp_path / "x.parquet")
    with pytest.raises(EvaluationError, match="missing column 'label'"):
        load_labelled([tmp_path / "x.parquet"])
    with pytest.raises(EvaluationError, match="no such file"):
        load_labelled([tmp_path / "absent.jsonl"])
    (tmp_path / "torn.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(EvaluationError, match="not a readable Parquet"):
        load_labelled([tmp_path / "torn.parquet"])


def test_cli_text_and_json(tmp_path):
    path = write_jsonl(tmp_path / "set.jsonl", [SPAM, BENIGN])
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", str(path)])
    assert result.exit_code == 0, result.output
    assert "overall" in result.output and "by language" in result.output and "contacts" in result.output
    result = runner.invoke(main, ["evaluate", "--json", str(path)])
    report = json.loads(result.output)
    assert report["overall"]["f1"] == 1.0 and report["documents"] == 2


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    ('{"text": "a", "label": "spam"}\n{oops\n', "line 2"),
    ('{"text": "a"}\n', "missing column 'label'"),
    ('{"text": "a", "label": "borderline"}\n', "no labelled documents"),
])
def test_cli_errors_are_clean(tmp_path, content, message):
    path = tmp_path / "set.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", str(path)])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output


DEVSET = Path(__file__).resolve().parents[2] / "bench" / "devset"


def tree_sha256(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_directory_of_several_sets_is_refused_not_pooled(tmp_path):
    write_jsonl(tmp_path / "dev.jsonl", [SPAM, BENIGN])
    write_jsonl(tmp_path / "heldout.jsonl", [{**SPAM, "id": "h1"}])
    with pytest.raises(EvaluationError, match=r"holds 2 evaluation files \(dev.jsonl, heldout.jsonl\)"):
        load_labelled([tmp_path])
    docs, _ = load_labelled([tmp_path / "dev.jsonl", tmp_path / "heldout.jsonl"])  # named together: one set
    assert [d.id for d in docs] == ["s1", "b1", "h1"]


def test_cli_on_the_devset_folder_names_its_files_and_gives_no_figure():
    before = tree_sha256(DEVSET)
    result = CliRunner().invoke(main, ["evaluate", str(DEVSET) + "/"])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line and "F1" not in line
    files = sorted(p.name for p in [*DEVSET.glob("*.jsonl"), *DEVSET.glob("*.parquet")])
    assert len(files) > 1 and "heldout.jsonl" in files and "en.jsonl" in files
    assert f"holds {len(files)} evaluation files ({', '.join(files)}): name the file(s) to score as one set" in line
    assert tree_sha256(DEVSET) == before


def test_cli_on_a_folder_of_one_file_evaluates_it(tmp_path):
    write_jsonl(tmp_path / "set.jsonl", [SPAM, BENIGN])
    result = CliRunner().invoke(main, ["evaluate", "--json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"] == 2


def test_cli_names_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_bytes(json.dumps(SPAM).encode() + b"\n\xff\xfe{}\n")
    result = CliRunner().invoke(main, ["evaluate", str(path)])
    assert result.exit_code == 2 and f"{path} line 2: not UTF-8 text" in result.output
    assert "Traceback" not in result.output


# A raw Markdown file, as the real-world set holds them: its site is offered only by the anchor of a link.
RAW_MD = {"id": "r1", "label": "spam", "language": "en", "format": "md",
          "text": "# Win big today\n\nThe best odds in town, every day of the week.\n\n[Register now](https://kx777.vip/join)\n",
          "contacts": {"domain": ["kx777.vip"]}}


def test_a_raw_file_is_extracted_as_the_crawler_extracts_it(tmp_path):
    raw = evaluate(load_labelled([write_jsonl(tmp_path / "raw.jsonl", [RAW_MD])])[0])
    assert raw["contacts"]["by_kind"]["domain"] == prf(1, 0, 0)  # the link's anchor says `register`
    # the same text without `format` is read as already extracted text: no anchors, so no evidence for the site
    plain = {k: v for k, v in RAW_MD.items() if k != "format"}
    text = evaluate(load_labelled([write_jsonl(tmp_path / "plain.jsonl", [plain])])[0])
    assert text["contacts"]["by_kind"]["domain"] == prf(0, 0, 1)


def test_a_raw_file_the_crawler_would_drop_scores_nothing(tmp_path):
    empty = {**RAW_MD, "id": "r0", "format": "html", "text": "<html><head></head><body>  </body></html>"}
    report = evaluate(load_labelled([write_jsonl(tmp_path / "set.jsonl", [empty])])[0])
    assert report["overall"]["fn"] == 1
    assert report["errors"][0]["signals"] == ["rejected:empty_text"]
    assert report["rejected_raw_files"] == {"empty_text": 1}  # counted by reason, and shown
    assert "would drop (scored benign): {'empty_text': 1}" in format_report(report)


def test_an_unknown_format_is_a_clear_error_not_silently_text(tmp_path):
    path = write_jsonl(tmp_path / "set.jsonl", [{**RAW_MD, "format": "pdf"}])
    with pytest.raises(EvaluationError, match=r"line 1: format 'pdf' is not a raw file's \(html, md, other, txt\)"):
        load_labelled([path])


def test_url_contacts_are_scored_only_where_the_set_labels_them():
    invite = "https://t.me/+AbCdEf123XyZ"
    labelled = outcome(True, .9, expected={("telegram", "url:" + invite.lower())},
                       found={("url", invite), ("url", "https://bit.ly/other")})
    m = contact_metrics([labelled])
    assert m["by_kind"]["telegram"] == prf(1, 0, 0)  # a labelled invite link is found through its `url` contact
    assert "url" not in m["by_kind"]  # nobody labelled `url` contacts: the other link is not a false one
    with_url = outcome(True, .9, expected={("url", "https://bit.ly/other")}, found={("url", "https://bit.ly/other")})
    # once the set labels them, the other link is a false one; the invite counts for its kind only
    assert contact_metrics([labelled, with_url])["by_kind"]["url"] == prf(1, 1, 0)


@pytest.mark.realworld
def test_evaluate_on_the_real_set_gives_the_contact_bench_figures():
    """`spamcorpus evaluate` on the real-world file and bench/contacts_realworld.py count contacts alike."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.contacts_realworld import documents, score
    from corpus.realworld import realworld_path

    docs, _ = load_labelled([realworld_path()])
    by_kind = evaluate(docs)["contacts"]["by_kind"]
    bench = score(documents("all"))["kinds"]
    for kind, row in bench.items():
        if row["tp"] + row["fp"] + row["fn"]:
            assert (by_kind[kind]["tp"], by_kind[kind]["fp"], by_kind[kind]["fn"]) == (row["tp"], row["fp"], row["fn"])
