"""The OpenAPI description checked against the running server by schemathesis: every check, a bounded run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


# A request line over the server's limit is refused with 414 before the API sees it (documented in the
# description); schemathesis must count that as rejecting invalid data.
CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "404", "405", "414"]
"""

# A fixed seed keeps a CI run reproducible; set HTTPSTATUS_FUZZ_SEED to explore other inputs.
SEED = os.environ.get("HTTPSTATUS_FUZZ_SEED", "4040429")


def test_api_conforms_to_its_openapi_description(server_url, tmp_path):
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        SCHEMATHESIS,
        "--config-file", str(config),
        "run",
        f"{server_url}/api/openapi.json",
        "--checks", "all",
        "--max-examples", "40",
        "--max-time", "40",
        "--workers", "2",
        "--request-timeout", "10",
        "--seed", SEED,
        "--no-color",
    ]
    # Run from a temporary directory so that no schemathesis configuration or cache of the tree is picked up.
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=240)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "Operations:       3 selected / 3 total" in output, output[-3000:]
    assert "No issues found" in output, output[-3000:]
