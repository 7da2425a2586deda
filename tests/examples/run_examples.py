"""Checks the examples of the given content pages: `python tests/examples/run_examples.py content/codes/429.md ...`.

Compiles every JavaScript and Python example, runs every server example and checks its status lines.
Client examples run too when `--base-url URL` (or BASE_URL) names a running `httpstatus serve`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from examples import ExampleFailure, check_framework, compile_example, examples_of, run_client_example, run_server_example  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--base-url", default=os.environ.get("BASE_URL"))
    args = parser.parse_args()
    failures = passed = 0
    for file in args.files:
        for example in examples_of(file):
            if example.language not in ("javascript", "python"):
                continue
            steps = ["compile"]
            try:
                check_framework(example)
                compile_example(example)
                if example.role == "server":
                    responses = run_server_example(example)
                    steps.append("ran: " + " ".join(str(r.status) for r in responses))
                elif example.role == "client" and args.base_url:
                    run_client_example(example, args.base_url)
                    steps.append("ran against " + args.base_url)
                elif example.role == "client":
                    steps.append("not run (no --base-url)")
                print(f"ok   {example.id} ({', '.join(steps)})")
                passed += 1
            except ExampleFailure as e:
                print(f"FAIL {example.id}\n{e}\n")
                failures += 1
    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
