"""`spamcorpus studio user add|list` against a real Label Studio: the new user logs in and annotates a pushed task."""
from __future__ import annotations

import re

import httpx
import pytest
from click.testing import CliRunner

from annotate.client import StudioClient
from annotate.pull import pull
from annotate.push import PushOptions, push
from annotate.results import choice_item
from annotate.studio_users import ROLES_FILE, BadUserInput, check_email
from annotate.files import project_dir
from corpus.annotations import read_annotations
from spamcorpus.cli import main
from corpus.store import CorpusStore
from tests.annotate.conftest import STUDIO_MARKS
from tests.conftest import make_row


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert "Traceback" not in result.output
    return result


def login(url: str, email: str, password: str) -> int:
    """What the browser's login page does; the status of the form post (302: logged in)."""
    with httpx.Client(base_url=url, trust_env=False) as browser:
        browser.get("/user/login/")
        return browser.post("/user/login/", data={"csrfmiddlewaretoken": browser.cookies["csrftoken"],
                                                  "email": email, "password": password},
                            headers={"Referer": url + "/user/login/"}).status_code


@pytest.mark.parametrize("email", ["alice", "a b@x.org", "alice@", "@x.org", "alice@localhost", ""])
def test_malformed_email_is_refused(email):
    with pytest.raises(BadUserInput, match="not an e-mail address"):
        check_email(email)


def test_malformed_email_is_an_input_error_before_any_server(tmp_path):
    result = run("studio", "user", "add", "not-an-email", "--data-dir", str(tmp_path))
    assert result.exit_code == 2 and "EMAIL: 'not-an-email' is not an e-mail address" in result.output
    assert not (tmp_path / ROLES_FILE).exists()


def test_no_server_is_a_failure(tmp_path):
    result = run("studio", "user", "list", "--data-dir", str(tmp_path))
    assert result.exit_code == 1 and "no local Label Studio runs" in result.output
    assert "spamcorpus studio start" in result.output


class TestOnServer:
    pytestmark = STUDIO_MARKS

    def test_add_login_annotate_list_and_duplicate(self, shared_server, tmp_path):
        url, ddir = shared_server.url, str(shared_server.data_dir)
        added = run("studio", "user", "add", "Alice@Lab.example", "--role", "reviewer", "--show-token",
                    "--data-dir", ddir)
        assert added.exit_code == 0, added.output
        assert "added alice@lab.example" in added.output and "role reviewer" in added.output
        password = re.search(r"^password: (\S+)$", added.output, re.M).group(1)
        token = re.search(r"^API token: (\S+)$", added.output, re.M).group(1)
        assert len(password) >= 20
        assert login(url, "alice@lab.example", password) == 302
        assert login(url, "alice@lab.example", password + "x") != 302
        # the new user annotates a pushed task through the API with their own token
        CorpusStore(tmp_path / "corpus").commit([make_row("http://h.example/1", "buy now @esim1", score=0.9,
                                                          family="telecom_sim")])
        admin = shared_server.client()
        report = push(admin, PushOptions(project="users-annotate", corpus_dir=tmp_path / "corpus",
                                         out_root=tmp_path / "ann"))
        alice = StudioClient.connect(url, token)
        assert alice.whoami()["email"] == "alice@lab.example"
        (task_id,) = [t for t, _d in admin.find_tasks(report.project_id)]
        alice.create_annotation(task_id, [choice_item("verdict", "benign")])
        pull(admin, "users-annotate", tmp_path / "ann")
        (row,) = read_annotations(project_dir(tmp_path / "ann", "users-annotate")).to_pylist()
        assert row["verdict"] == "benign"

        # a password from a file: no password printed, no token unless asked
        (tmp_path / "pw").write_text("bob-secret-pass-1\n")
        bob = run("studio", "user", "add", "bob@lab.example", "--password-file", str(tmp_path / "pw"),
                  "--data-dir", ddir)
        assert bob.exit_code == 0, bob.output
        assert "password:" not in bob.output and "API token" not in bob.output and "bob-secret" not in bob.output
        assert "role annotator" in bob.output
        assert login(url, "bob@lab.example", "bob-secret-pass-1") == 302

        listed = run("studio", "user", "list", "--data-dir", ddir)
        assert listed.exit_code == 0, listed.output
        lines = {line.split()[0]: line.split() for line in listed.output.splitlines()[1:]}
        assert lines["alice@lab.example"][2] == "reviewer" and lines["bob@lab.example"][2] == "annotator"
        assert lines["admin@spamcorpus.local"][2] == "owner"
        assert lines["alice@lab.example"][1] == str(alice.whoami()["id"])
        assert token not in listed.output and password not in listed.output

        again = run("studio", "user", "add", "ALICE@lab.example", "--data-dir", ddir)
        assert again.exit_code == 1 and "already has a user alice@lab.example" in again.output
        assert "password:" not in again.output

    def test_bad_password_file_is_an_input_error(self, shared_server, tmp_path):
        (tmp_path / "pw").write_text("short\n")
        result = run("studio", "user", "add", "carol@lab.example", "--password-file", str(tmp_path / "pw"),
                     "--data-dir", str(shared_server.data_dir))
        assert result.exit_code == 2 and "the password has 5 characters" in result.output
        listed = run("studio", "user", "list", "--data-dir", str(shared_server.data_dir))
        assert "carol@" not in listed.output
