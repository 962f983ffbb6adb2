"""What `make audit` does not check, and why: every checkov skip, in .checkov.yaml and in both templates.

checkov counts only the skips written beside a resource (its "Skipped checks"); the ones in
.checkov.yaml's skip-check list it drops before scanning, so its summary would read as if nothing
were skipped. This prints both, each with its reason, after the scan.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from local.template import load_template

ROOT = Path(__file__).resolve().parent.parent
# `  - CKV_AWS_116  # reason`: the config file's skips carry their reason as a comment on the line.
_CONFIG_SKIP = re.compile(r"^\s*-\s*(CKV2?_[A-Z0-9_]+)\s*#\s*(.+)$")


def config_skips(path: Path) -> list[tuple[str, str]]:
    return [
        (match.group(1), match.group(2).strip())
        for line in path.read_text(encoding="utf-8").splitlines()
        if (match := _CONFIG_SKIP.match(line))
    ]


def resource_skips(template: dict[str, object]) -> list[tuple[str, str, str]]:
    skips = []
    resources = template.get("Resources", {})
    assert isinstance(resources, dict)
    for logical_id, resource in resources.items():
        for skip in (resource.get("Metadata") or {}).get("checkov", {}).get("skip", []):
            skips.append((skip["id"], logical_id, " ".join(str(skip.get("comment", "")).split())))
    return skips


def main() -> int:
    everywhere = config_skips(ROOT / ".checkov.yaml")
    beside = [
        (check, f"{prefix}{logical_id}", reason)
        for prefix, template in (("", ROOT / "template.yaml"), ("booktrip:", ROOT / "examples/booktrip/template.yaml"))
        for check, logical_id, reason in resource_skips(load_template(template))
    ]
    print(
        f"Skipped on purpose: {len(everywhere)} checks for the whole template (.checkov.yaml), "
        f"{len(beside)} for single resources (their Metadata):"
    )
    for check, reason in everywhere:
        print(f"  {check:<12} {'every resource':<24} {reason}")
    for check, logical_id, reason in beside:
        print(f"  {check:<12} {logical_id:<24} {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
