"""The demo's Label Studio step: start the local studio (if needed), push the corpus, say where to log in."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from annotate import studio
from annotate.client import StudioClient
from annotate.errors import PortBusy
from annotate.files import DEFAULT_ROOT
from annotate.push import PushOptions, PushReport, push
from annotate.selection import Selection
from annotate.studio_state import stop_command

DEMO_PROJECT = "spamcorpus-demo"
STARTED_BY = "spamcorpus demo"


def start_and_push(corpus_dir: str | Path, *, project: str = DEMO_PROJECT,
                   data_dir: str | Path = studio.DEFAULT_DATA_DIR, port: int = studio.DEFAULT_PORT,
                   out_root: str | Path = DEFAULT_ROOT, per_campaign: int | None = 3, overlap: float = 0.1,
                   echo: Callable[[str], None] = print) -> PushReport:
    """Idempotent: a second run finds the running studio and the project, and pushes nothing twice."""
    data_dir = Path(data_dir)
    try:
        state = studio.start(data_dir, port=port, started_by=STARTED_BY)
    except PortBusy:   # the demo must not fail on a busy 8080
        state = studio.start(data_dir, port=studio.free_port(), started_by=STARTED_BY)
        echo(f"port {port} is busy; Label Studio runs on {state.url} instead")
    creds = studio.load_credentials(data_dir)
    client = StudioClient.connect(state.url, creds.token)
    report = push(client, PushOptions(project=project, corpus_dir=Path(corpus_dir), out_root=Path(out_root),
                                      selection=Selection(per_campaign=per_campaign), overlap_fraction=overlap))
    grouping = f"at most {per_campaign} per campaign" if report.campaigns_assigned and per_campaign else \
        "each row is its own campaign (no campaign assignment yet)"
    echo(f"Label Studio: project {project!r} holds {report.already_pushed + report.pushed} of "
         f"{report.corpus_rows} corpus rows ({grouping}); {report.pushed} pushed now")
    echo(f"log in at {state.url}/projects/{report.project_id}/data as {creds.username} "
         f"(password {creds.password}); stop it with `{stop_command(data_dir, studio.DEFAULT_DATA_DIR)}`")
    return report
