#!/usr/bin/env python3
"""Parses Prometheus text exposition from stdin with prometheus_client's parser (the reference one that
Python scrapers use) and prints what it understood as JSON, for the agent's /metrics tests.

Beyond what the parser enforces, it checks what the format requires of a well-behaved exporter:
every family has exactly one HELP and one TYPE line, before its samples; a family's name appears once;
counter samples end in _total; histogram buckets are cumulative and end at +Inf equal to _count.

Exit 0 and JSON {"families": [{"name", "type", "help", "samples": [{"name", "labels", "value"}]}]} on
stdout; exit 1 with one line on stderr naming the problem.
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def fail(message):
    print(f"check_prometheus_exposition: {message}", file=sys.stderr)
    sys.exit(1)


def check_comment_lines(text):
    help_seen, type_seen, sample_families, counters = {}, {}, set(), set()
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            kind, name = line[2:6], line.split(" ")[2]
            seen = help_seen if kind == "HELP" else type_seen
            if name in seen:
                fail(f"line {number}: second {kind} line for {name}")
            if name in sample_families:
                fail(f"line {number}: {kind} for {name} after its samples")
            seen[name] = number
            if kind == "TYPE" and line.split(" ")[3:4] == ["counter"]:
                if not name.endswith("_total"):
                    fail(f"line {number}: counter {name} is not named *_total")
                counters.add(name)
        elif line and not line.startswith("#"):
            sample = line.split("{")[0].split(" ")[0]
            if sample + "_total" in counters:
                fail(f"line {number}: counter sample {sample} does not end in _total")
            for family in type_seen:
                if sample == family or sample.startswith(family + "_"):
                    sample_families.add(family)
    if set(help_seen) != set(type_seen):
        fail(f"HELP and TYPE lines do not name the same families: {sorted(set(help_seen) ^ set(type_seen))}")


def value(number):
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    return number


def main():
    text = sys.stdin.read()
    check_comment_lines(text)
    try:
        families = list(text_string_to_metric_families(text))
    except Exception as error:  # the parser raises ValueError and friends
        fail(f"parser rejected the exposition: {error!r}")
    names = [family.name for family in families]
    if len(names) != len(set(names)):
        fail(f"a family appears more than once: {names}")
    output = []
    for family in families:
        if family.type == "counter":
            for sample in family.samples:
                if not sample.name.endswith("_total"):
                    fail(f"counter sample {sample.name} does not end in _total")
        if family.type == "histogram":
            series = {}
            for sample in family.samples:
                key = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "le"))
                series.setdefault(key, {"buckets": [], "count": None})
                if sample.name.endswith("_bucket"):
                    series[key]["buckets"].append((float(sample.labels["le"]), sample.value))
                elif sample.name.endswith("_count"):
                    series[key]["count"] = sample.value
            for key, entry in series.items():
                counts = [count for _, count in entry["buckets"]]
                if counts != sorted(counts):
                    fail(f"{family.name}{dict(key)}: buckets are not cumulative")
                if not entry["buckets"] or entry["buckets"][-1][0] != math.inf:
                    fail(f"{family.name}{dict(key)}: no +Inf bucket")
                if entry["buckets"][-1][1] != entry["count"]:
                    fail(f"{family.name}{dict(key)}: +Inf bucket differs from _count")
        output.append({
            "name": family.name,
            "type": family.type,
            "help": family.documentation,
            "samples": [{"name": s.name, "labels": s.labels, "value": value(s.value)} for s in family.samples],
        })
    json.dump({"families": output}, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
