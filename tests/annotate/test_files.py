"""Annotation folders: safe project names, owner-only salt, pseudonyms, export rows, atomic files."""
import os
import stat

import pyarrow as pa

from annotate.files import annotator_salt, project_dir, write_table
from annotate.pull import pseudonym, rows_from_export
from annotate.results import choice_item, note_item, span_item
from corpus.annotations import ANNOTATION_SCHEMA


def test_project_dir_names(tmp_path):
    assert project_dir(tmp_path, "zh-spam_2026.v1") == tmp_path / "zh-spam_2026.v1"
    odd = [project_dir(tmp_path, name) for name in ("../etc", "spam / 中文", ".", "a" * 300)]
    for path in odd:
        assert path.parent == tmp_path and path.name not in (".", "..") and "/" not in path.name
    assert project_dir(tmp_path, "spam / 中文") != project_dir(tmp_path, "spam / 日本")


def test_salt_is_owner_only_and_stable(tmp_path):
    salt = annotator_salt(tmp_path)
    assert len(salt) == 32 and annotator_salt(tmp_path) == salt
    assert stat.S_IMODE(os.stat(tmp_path / ".annotator_salt").st_mode) == 0o600


def test_pseudonyms_hide_emails_and_depend_on_the_salt():
    user = {"id": 3, "email": "Ann@Example.org"}
    a = pseudonym(user, b"k" * 32)
    assert a == pseudonym({"id": 9, "email": "ann@example.org"}, b"k" * 32)  # same person, other server id
    assert a != pseudonym(user, b"j" * 32) and "ann" not in a.lower()
    assert pseudonym(3, b"k" * 32) != pseudonym(4, b"k" * 32)


EXPORT = [{
    "id": 11, "data": {"doc_id": "d1", "text": "x"},
    "predictions": [{"id": 5, "model_version": "v1", "score": 0.9,
                     "result": [choice_item("verdict", "spam"), span_item(0, 4, "contact", "@abc", "c0")]}],
    "annotations": [
        {"id": 1, "completed_by": {"id": 2, "email": "a@x.org"}, "parent_prediction": 5, "was_cancelled": False,
         "result": [choice_item("verdict", "spam"), span_item(0, 4, "contact", "@abc", "c0")],
         "created_at": "2026-11-25T08:14:51.755579Z", "updated_at": "2026-11-25T08:15:00.000001Z", "lead_time": 4.5},
        {"id": 2, "completed_by": {"id": 3, "email": "b@x.org"}, "was_cancelled": False,
         "result": [choice_item("verdict", "benign"), choice_item("family", "loans"), note_item("a shop"),
                    choice_item("family", "casino")],
         "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z", "lead_time": None},
        {"id": 3, "completed_by": 4, "was_cancelled": True, "result": [],
         "created_at": "2026-11-25T09:30:00Z", "updated_at": "2026-11-25T09:30:00Z"}]},
    {"id": 12, "data": {"text": "imported by hand"}, "annotations": [], "predictions": []},
]


def test_rows_from_export(tmp_path):
    rows, preds, skipped = rows_from_export(EXPORT, "p", "v1", b"s" * 32)
    assert [r["annotation_id"] for r in rows] == [1, 2, 3]
    first, second, skip = rows
    assert (first["verdict"], first["accepted_prediction"], first["lead_time"]) == ("spam", True, 4.5)
    assert first["spans"] == [{"start": 0, "end": 4, "label": "contact", "text": "@abc"}]
    assert (second["verdict"], second["family"], second["note"], second["accepted_prediction"]) == \
        ("benign", None, "a shop", False)
    assert skip["was_cancelled"] and skip["verdict"] is None
    assert len({r["annotator"] for r in rows}) == 3
    assert skipped == {"task_without_doc_id": 1, "bad_value:family:casino": 1}
    assert preds == [{"project": "p", "task_id": 11, "doc_id": "d1", "prediction_id": 5, "model_version": "v1",
                      "score": 0.9, "verdict": "spam", "family": None,
                      "spans": [{"start": 0, "end": 4, "label": "contact", "text": "@abc"}]}]
    table = pa.Table.from_pylist(rows, schema=ANNOTATION_SCHEMA)  # fits the fixed schema
    write_table(tmp_path / "a.parquet", table)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    blob = (tmp_path / "a.parquet").read_bytes()
    assert b"a@x.org" not in blob and b"b@x.org" not in blob
