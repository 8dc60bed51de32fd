"""Write the sample web to a directory: one file per response, plus the truth as JSON lines."""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from spamcorpus.sample_web.site import SampleWeb


def export_site(web: SampleWeb, out: str | Path) -> dict[str, int]:
    """DIR/<host>/<path> for every response (index.html for directory paths), DIR/truth.jsonl, DIR/aliases.json."""
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    files = 0
    for (host, path), res in sorted(web.resources.items()):
        rel = path.lstrip("/")
        if not rel or rel.endswith("/"):
            rel += "index.html"
        target = root / host / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if res.stream == "large":
            target.write_text("(streamed: more than 10 MiB generated on request)\n", encoding="utf-8")
        elif res.location:
            target.write_text(f"{res.status} -> {res.location}\n", encoding="utf-8")
        else:
            target.write_bytes(res.body)
        files += 1
    with open(root / "truth.jsonl", "w", encoding="utf-8") as fh:
        for truth in web.truth():
            fh.write(json.dumps(asdict(truth), ensure_ascii=False, sort_keys=True) + "\n")
    (root / "aliases.json").write_text(json.dumps(web.aliases, indent=1, sort_keys=True), encoding="utf-8")
    return {"files": files, "truth": len(web.truth()), "rows": len(web.pages())}
