"""`make bench`: run every benchmark, write bench/results/<stamp>.json and .md, update docs/PERFORMANCE.md.

    .venv/bin/python -m bench.run_all [--quick] [--only whole-stack,long-conversation,micro,connections,queue-push,scale-out,soak,capacity,first-answer]
                                      [--no-doc]

Whole stack and long conversations need the trained model (var/models/lyt.tar.gz) and the knowledge
index; the stock `rasa init` project is generated and trained once outside the repository. A section
that fails is recorded with its error and the others still run. Benchmarks never fail on speed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

import psutil

from bench import report, sections
from bench.procs import Processes
from tests.conftest import REPO

RESULTS_DIR = REPO / "bench" / "results"
PERFORMANCE_DOC = REPO / "docs" / "PERFORMANCE.md"
SECTIONS: dict[str, Callable[[Processes, sections.Sizes], dict[str, Any]]] = {
    "whole-stack": sections.whole_stack_and_long,  # also long-conversation (shares the stacks)
    "scale-out": sections.scale_out,
    "micro": sections.micro,
    "connections": sections.connections,
    "queue-push": sections.queue_push,
    "soak": sections.soak,  # minutes long: only with --only soak
    "capacity": sections.capacity,
    "first-answer": sections.first_answer,  # the stack of `make run`: first answer after ready vs warm
}
NOT_BY_DEFAULT = {"soak"}
RESULT_KEYS = {
    "whole-stack": "whole_stack",
    "scale-out": "scale_out",
    "micro": "micro",
    "connections": "connections",
    "soak": "soak",
    "queue-push": "queue_push",
    "capacity": "capacity",
    "first-answer": "first_answer",
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    memory = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GB RAM, Python {platform.python_version()}, {platform.system()}"
    )


def run(names: list[str], sizes: sections.Sizes) -> dict[str, Any]:
    results: dict[str, Any] = {
        "meta": {
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "machine": machine(),
            "sizes": sizes.__dict__,
            "load_average_before": round(os.getloadavg()[0], 2),
        },
    }
    for name in names:
        began = time.monotonic()
        print(f"== {name}", flush=True)
        try:
            with Processes() as procs:
                output = SECTIONS[name](procs, sizes)
        except Exception as exc:  # noqa: BLE001 - recorded in the report; other sections still run
            traceback.print_exc()
            output = {RESULT_KEYS[name]: {"error": f"{type(exc).__name__}: {exc}"}}
            if name == "whole-stack":
                output["long_conversation"] = {"error": output["whole_stack"]["error"]}
        if name == "whole-stack" and "whole_stack" in output:
            results.update(output)
        else:
            results[RESULT_KEYS[name]] = output.get(RESULT_KEYS[name], output)
        results["meta"][f"{name}_seconds"] = round(time.monotonic() - began, 1)
        # Other work on the machine skews every figure: keep the 1-minute load average with the results.
        results["meta"][f"{name}_load_average_after"] = round(os.getloadavg()[0], 2)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short runs (for trying things out)")
    parser.add_argument("--only", default="", help="comma-separated sections: " + ", ".join(SECTIONS))
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/PERFORMANCE.md")
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or [n for n in SECTIONS if n not in NOT_BY_DEFAULT]
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        parser.error(f"unknown sections: {', '.join(unknown)}")
    sizes = sections.Sizes.quick() if args.quick else sections.Sizes()
    results = run(names, sizes)

    stamp = time.strftime("%Y%m%d-%H%M%S")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    json_path, md_path = RESULTS_DIR / f"bench-{stamp}.json", RESULTS_DIR / f"bench-{stamp}.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(report.full_report(results))
    print(f"wrote {json_path.relative_to(REPO)} and {md_path.relative_to(REPO)}")
    if not args.no_doc and not args.quick:
        meta = results["meta"]
        stamp_text = (
            f"{meta['started']}, {meta['machine']}; 1-minute load average before the run {meta['load_average_before']}"
        )
        report.update_performance_doc(PERFORMANCE_DOC, report.render_blocks(results), stamp_text)
        print(f"updated {PERFORMANCE_DOC.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
