"""Machine and versions, summary statistics, and the two outputs: results.json and results.md."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = {"dagster": "dagster", "dbt-core": "dbt-core", "duckdb": "duckdb", "ibis": "ibis-framework"}


def machine() -> dict:
    model, ram = None, None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        pass
    return {"cpu_count": os.cpu_count(), "cpu_model": model or platform.processor() or None,
            "ram_gb": round(ram / 2**30, 1) if ram else None, "platform": platform.platform()}


def versions() -> dict:
    out = {"python": platform.python_version()}
    for label, dist in PACKAGES.items():
        try:
            out[label] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[label] = None  # not installed
    return out


def summary(times: list[float] | None) -> dict | None:
    if not times:
        return None
    return {"min": min(times), "median": statistics.median(times), "max": max(times),
            "runs": [round(t, 4) for t in times]}


def case_entry(result) -> dict:
    """One case as stored in results.json."""
    pipeline, baseline = summary(result.times), summary(result.baseline_times)
    ratio = pipeline["median"] / baseline["median"] if pipeline and baseline and baseline["median"] > 0 else None
    return {"title": result.title, "params": result.params, "seconds": pipeline,
            "baseline": ({"title": result.baseline_title, "seconds": baseline} if baseline else None),
            "ratio": ratio, "extra": result.extra}


def document(results: list, args: dict) -> dict:
    return {"machine": machine(), "versions": versions(), "arguments": args,
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "cases": {r.name: case_entry(r) for r in results}}


def _s(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def markdown(doc: dict) -> str:
    m, v = doc["machine"], doc["versions"]
    lines = [
        "# retail-assets benchmarks", "",
        f"Machine: {m['cpu_count']} CPUs ({m['cpu_model']}), {m['ram_gb']} GB RAM, {m['platform']}  ",
        "Versions: " + ", ".join(f"{k} {val or 'not installed'}" for k, val in v.items()) + "  ",
        f"Arguments: {', '.join(f'{k}={val}' for k, val in doc['arguments'].items())}", "",
        "Seconds of wall time over repeated runs. ratio = pipeline median / baseline median. "
        "No case asserts a time.", "",
        "| case | what | pipeline min | median | max | baseline min | median | max | ratio | runs launched |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, c in doc["cases"].items():
        p, b = c["seconds"] or {}, (c["baseline"] or {}).get("seconds") or {}
        launched = c["extra"].get("runs_launched")
        ratio = "" if c["ratio"] is None else f"{c['ratio']:.1f}x"
        lines.append(
            f"| {name} | {c['title']} | {_s(p.get('min'))} | {_s(p.get('median'))} | {_s(p.get('max'))} | "
            f"{_s(b.get('min'))} | {_s(b.get('median'))} | {_s(b.get('max'))} | "
            f"{ratio} | "
            f"{'' if launched is None else ', '.join(map(str, launched))} |")
    lines += ["", "## Details", ""]
    for name, c in doc["cases"].items():
        lines.append(f"- **{name}**: {c['title']}; params {json.dumps(c['params'], default=str)}")
        if c["baseline"]:
            lines.append(f"  - baseline: {c['baseline']['title']}")
        if c["extra"]:
            lines.append(f"  - {json.dumps(c['extra'], default=str)}")
    return "\n".join(lines) + "\n"


def write(doc: dict, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    js, md = out / "results.json", out / "results.md"
    js.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    md.write_text(markdown(doc))
    return js, md
