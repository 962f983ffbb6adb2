"""Keep the Amazon Connect flow in template.yaml equal to connect/agent-handover-flow.json.

CloudFormation needs the flow as a string inside the template, while people read and edit the
JSON file (or import it in the Connect console). This copies the file into the template's
`Content: !Sub` block; `--check` fails when they differ.

    python -m local.flow [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from local.template import TEMPLATE_PATH, load_template

FLOW_PATH = TEMPLATE_PATH.parent / "connect" / "agent-handover-flow.json"
PLACEHOLDERS = ("BotAliasArn", "QueueArn")
# The block scalar under ConnectHandoverFlow's `Content: !Sub`, up to its variables map.
_CONTENT_BLOCK = re.compile(r"(      Content: !Sub\n        - \|-\n)(.*?)(\n        - BotAliasArn:)", re.DOTALL)
_INDENT = " " * 10


def load_flow(path: Path = FLOW_PATH) -> dict[str, Any]:
    flow: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return flow


def template_flow_text(template: dict[str, Any]) -> str:
    content = template["Resources"]["ConnectHandoverFlow"]["Properties"]["Content"]["Fn::Sub"]
    text: str = content[0]
    return text


def render_block(flow_text: str) -> str:
    return "\n".join(f"{_INDENT}{line}" if line else "" for line in flow_text.rstrip("\n").splitlines())


def sync(template_path: Path = TEMPLATE_PATH, flow_path: Path = FLOW_PATH) -> bool:
    """Write the flow into the template; returns True when the template changed."""
    load_flow(flow_path)  # must be valid JSON before it goes anywhere
    flow_text = flow_path.read_text(encoding="utf-8")
    template_text = template_path.read_text(encoding="utf-8")
    updated, count = _CONTENT_BLOCK.subn(
        lambda match: match.group(1) + render_block(flow_text) + match.group(3), template_text
    )
    if count != 1:
        raise SystemExit(f"{template_path}: expected one ConnectHandoverFlow `Content: !Sub` block, found {count}")
    if updated == template_text:
        return False
    template_path.write_text(updated, encoding="utf-8")
    return True


def in_sync(template_path: Path = TEMPLATE_PATH, flow_path: Path = FLOW_PATH) -> bool:
    in_template: dict[str, Any] = json.loads(template_flow_text(load_template(template_path)))
    return in_template == load_flow(flow_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if the template's flow differs from the file")
    args = parser.parse_args(argv)
    if args.check:
        if in_sync():
            return 0
        print("template.yaml's contact flow differs from connect/agent-handover-flow.json: run `make flow`")
        return 1
    print("template.yaml updated" if sync() else "template.yaml already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
