"""Prints Python's http.HTTPStatus as JSON: every member with its code, canonical name first, then aliases."""

import json
import platform
from http import HTTPStatus

entries = {}
for name, member in HTTPStatus.__members__.items():
    entry = entries.setdefault(int(member), {"code": int(member), "names": [], "deprecated": [], "phrase": member.phrase})
    if name == member.name:
        entry["names"].insert(0, name)
    else:
        entry["names"].append(name)
print(json.dumps({"version": platform.python_version(), "entries": sorted(entries.values(), key=lambda e: e["code"])}))
