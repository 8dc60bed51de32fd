"""A benchmark's end: its floors judged and printed, its result written as JSON under bench/results/."""
from __future__ import annotations

import json
from pathlib import Path


def record_floors(result: dict, floors: dict[str, bool], *, indent: str = "") -> None:
    """Set `floors` and `floors_met` on the result and print each floor as met or NOT MET."""
    result["floors"] = floors
    result["floors_met"] = all(floors.values())
    for name, ok in floors.items():
        print(f"{indent}floor {name}: {'met' if ok else 'NOT MET'}")


def write_result(result: dict, out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"wrote {out}")
    return out
