#!/usr/bin/env python3
"""Turns the JSON lines of one scripts/bench run into bench-results/bench-<stamp>.json and .md.

Each row is a (section, workload, load, metric); its value per target is the median over the runs, and the
ratio is Signet's median divided by the peer's (above 1 is better for rates, below 1 for times and sizes).

    report.py RESULTS.jsonl META.json OUT-STEM
"""

from __future__ import annotations

import json
import statistics
import sys

SECTION_TITLES = {
    "control": "Control plane (SigV4-signed, wrk)",
    "data": "Data plane (/v2/)",
    "signing": "Signing",
    "resources": "Resources",
}


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def main() -> None:
    results_path, meta_path, stem = sys.argv[1:4]
    records = [json.loads(line) for line in open(results_path) if line.strip()]
    meta = json.load(open(meta_path))
    peers = meta.get("peers", {})

    rows: dict[tuple, dict] = {}
    order: list[tuple] = []
    for r in records:
        key = (r["section"], r["workload"], r["load"], r["metric"])
        if key not in rows:
            rows[key] = {"section": r["section"], "workload": r["workload"], "load": r["load"], "metric": r["metric"],
                         "better": r["better"], "runs": {}, "errors": {}}
            order.append(key)
        rows[key]["runs"].setdefault(r["target"], []).append(r["value"])
        if r.get("errors"):
            rows[key]["errors"][r["target"]] = rows[key]["errors"].get(r["target"], 0) + r["errors"]

    table = []
    for key in order:
        row = rows[key]
        medians = {target: statistics.median(values) for target, values in row["runs"].items()}
        signet = medians.get("signet")
        peer_name = next((t for t in medians if t != "signet"), None)
        peer = medians.get(peer_name) if peer_name else None
        ratio = signet / peer if signet is not None and peer not in (None, 0) else None
        row.update(median=medians, peer=peer_name, ratio=ratio)
        table.append(row)

    runs = meta.get("runs")
    lines = [
        f"Signet vs peers — {meta.get('date', '')}, {meta.get('cpus', '?')} CPUs ({meta.get('cpu_model', '')}), "
        f"{meta.get('kernel', '')}; client and servers share the machine.",
        f"Medians of {runs} run(s) per cell, A/B order alternating per run{' (BENCH_QUICK=1: reduced sizes, not for publishing)' if meta.get('quick') else ''}.",
        f"Signet {meta.get('signet_version', '?')}; " + ", ".join(f"{name} {version}" for name, version in peers.items()) + ".",
        "",
    ]
    for section, title in SECTION_TITLES.items():
        section_rows = [row for row in table if row["section"] == section]
        if not section_rows:
            continue
        lines += [f"**{title}**", ""]
        # one line per (workload, load); consecutive ones with the same metrics share a table
        groups: list[tuple[tuple, list[dict]]] = []
        for row in section_rows:
            key = (row["workload"], row["load"])
            if groups and groups[-1][0] == key:
                groups[-1][1].append(row)
            else:
                groups.append((key, [row]))
        previous_metrics = None
        for (workload, load), cells in groups:
            metrics = [f"{c['metric']} {'↑' if c['better'] == 'higher' else '↓'}" for c in cells]
            if metrics != previous_metrics:
                if previous_metrics is not None:
                    lines.append("")
                lines.append("| workload | load | peer | " + " | ".join(metrics) + " |")
                lines.append("| --- | --- | --- | " + " | ".join("---:" for _ in metrics) + " |")
                previous_metrics = metrics
            peer = next((c["peer"] for c in cells if c["peer"]), None)
            values = []
            for c in cells:
                text = fmt(c["median"].get("signet"))
                if c["peer"]:
                    text += f" / {fmt(c['median'][c['peer']])}"
                    if c["ratio"] is not None:
                        text += f" ({c['ratio']:.2f}×)"
                values.append(text)
            errors = {t: n for c in cells for t, n in c["errors"].items()}
            note = (" ⚠ errors: " + ", ".join(f"{t} {n}" for t, n in errors.items())) if errors else ""
            lines.append(f"| {workload}{note} | {load} | {peer or '— (Signet alone)'} | " + " | ".join(values) + " |")
        lines.append("")
    lines.append("Cells: Signet / peer (Signet ÷ peer); ↑ higher is better, ↓ lower is better.")
    lines.append("")
    for note in meta.get("notes", []):
        lines.append(f"- {note}")
    markdown = "\n".join(lines).rstrip() + "\n"

    with open(stem + ".md", "w") as out:
        out.write(markdown)
    with open(stem + ".json", "w") as out:
        json.dump({"meta": meta, "rows": table, "records": records}, out, indent=1, sort_keys=True)
    sys.stdout.write(markdown)


if __name__ == "__main__":
    main()
