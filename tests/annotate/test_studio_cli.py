"""`spamcorpus studio start|status|env|stop` on a real server, a busy port, and the demo's push step."""
from __future__ import annotations

import os
import re
import stat

from click.testing import CliRunner

from annotate import studio, studio_state
from annotate.client import StudioClient
from annotate.demo import start_and_push
from corpus.campaigns import assign_campaigns
from spamcorpus.cli import main
from corpus.store import CorpusStore
from tests.annotate.conftest import STUDIO_MARKS
from tests.corpus.test_campaigns_families import family_rows

pytestmark = STUDIO_MARKS


def test_studio_commands_and_demo_push(studio_template, tmp_path, monkeypatch):
    monkeypatch.setenv(studio_state.STATE_VAR, str(tmp_path / "state.json"))   # never the real user's record
    data = studio.copy_data_dir(studio_template, tmp_path / "studio")
    port = studio.free_port()
    runner = CliRunner()
    try:
        result = runner.invoke(main, ["studio", "start", "--data-dir", str(data), "--port", str(port)])
        assert result.exit_code == 0, result.output
        url = f"http://127.0.0.1:{port}"
        assert url in result.output and "admin@spamcorpus.local" in result.output
        creds = studio.load_credentials(data)
        assert creds.token not in result.output  # the token stays in the owner-only file
        assert stat.S_IMODE(os.stat(data / studio.CREDENTIALS).st_mode) == 0o600
        status = runner.invoke(main, ["studio", "status", "--data-dir", str(data)])
        assert status.exit_code == 0 and f"running at {url}" in status.output and "healthy" in status.output
        again = runner.invoke(main, ["studio", "start", "--data-dir", str(data), "--port", str(port)])
        assert again.exit_code == 0 and url in again.output  # idempotent: the same server
        # a second studio on the same port is refused (Label Studio itself would silently move to port + 1)
        other = studio.copy_data_dir(studio_template, tmp_path / "other")
        busy = runner.invoke(main, ["studio", "start", "--data-dir", str(other), "--port", str(port)])
        assert busy.exit_code == 1 and "in use" in busy.output
        env = runner.invoke(main, ["studio", "env", "--data-dir", str(data)])
        values = dict(re.findall(r"export (\w+)=(\S+)", env.output))
        assert values == {"LABEL_STUDIO_URL": url, "LABEL_STUDIO_API_KEY": creds.token}
        StudioClient.connect(values["LABEL_STUDIO_URL"], values["LABEL_STUDIO_API_KEY"])
        # the demo step: reuses the running studio, pushes at most 3 rows per campaign, tells where to log in
        corpus = tmp_path / "corpus"
        rows, _template, _truth = family_rows()
        CorpusStore(corpus).commit(rows)
        assign_campaigns(corpus)
        said = []
        first = start_and_push(corpus, data_dir=data, port=port, out_root=tmp_path / "ann", echo=said.append)
        assert 0 < first.pushed < len(rows) and first.dropped["campaign_limit"] > 0
        assert any(f"{url}/projects/{first.project_id}" in line for line in said)
        second = start_and_push(corpus, data_dir=data, port=port, out_root=tmp_path / "ann", echo=said.append)
        assert (second.pushed, second.already_pushed) == (0, first.pushed)
    finally:
        stopped = runner.invoke(main, ["studio", "stop", "--data-dir", str(data)])
    assert stopped.output.strip().startswith(f"stopped Label Studio at http://127.0.0.1:{port} (pid ")
    status = runner.invoke(main, ["studio", "status", "--data-dir", str(data)])
    assert status.exit_code == 3
    assert studio.port_is_free(port)
