#!/usr/bin/env python3
"""json-check.py RESDIR - checks pe_json's files (testsuite/vm/procevents):
meta1.json, data1.json (before any pewl) and data2.json (after two) must
parse as JSON with the values json.stp gave.  Prints "ok" or what differs."""
import json
import sys

d = sys.argv[1]
errors = []


def load(name):
    try:
        with open(f"{d}/{name}") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        errors.append(f"{name}: {e}")
        return None


def want(what, got, expected):
    if got != expected:
        errors.append(f"{what}: got {got!r}, expected {expected!r}")


meta = load("meta1.json")
if meta is not None:
    want("metadata", meta, {
        "prefix": "pe",
        "generation": 6,
        "metrics": [
            {"name": "starts", "pointer": "/starts", "type": "integer",
             "description": "pewl processes started", "units": "count"},
            {"name": "last", "pointer": "/last", "type": "string",
             "description": "the last one's command \"line\""},
            {"name": "procs", "pointer": "/procs", "type": "array",
             "description": "per program", "index": "/__id",
             "metrics": [
                 {"name": "count", "pointer": "/count", "type": "integer",
                  "description": "started", "units": "count"},
                 {"name": "name", "pointer": "/name", "type": "string",
                  "description": "its name"}]}]})
last = "tab\there \"q\" \\"
data = load("data1.json")
if data is not None:
    want("data.json before", data, {
        "generation": 6, "starts": 0, "last": last,
        "procs": [{"__id": "zero", "count": 0}]})
data = load("data2.json")
if data is not None:
    want("data.json after two pewl runs", data, {
        "generation": 6, "starts": 2, "last": last,
        "procs": [{"__id": "pewl", "count": 2, "name": "pewl!"},
                  {"__id": "zero", "count": 0}]})
if len(sys.argv) > 2 and sys.argv[2] == "example":
    # examples/general/json-metrics.stp after two pewl runs, read by cat
    errors = []
    meta = load("ex_meta.json")
    if meta is not None:
        want("example metadata: prefix, generation",
             (meta.get("prefix"), meta.get("generation")), ("jsonmetrics", 5))
        want("example metadata: metrics",
             [(m["name"], m["type"]) for m in meta.get("metrics", [])],
             [("begins", "integer"), ("last", "string"),
              ("programs", "array")])
        want("example metadata: the array's metric",
             meta["metrics"][2].get("metrics"),
             [{"name": "begins", "pointer": "/begins", "type": "integer",
               "description": "processes begun", "units": "count"}])
    data = load("ex_data.json")
    if data is not None:
        progs = {p["__id"]: p["begins"] for p in data.get("programs", [])}
        want("example data: pewl's begins", progs.get("pewl"), 2)
        want("example data: the last one is one of the programs",
             data.get("last") in progs, True)
        want("example data: begins is the sum over programs",
             data.get("begins"), sum(progs.values()))
print("\n".join(errors) if errors else "ok")
