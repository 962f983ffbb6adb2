"""Entry point of the lex-helper comparison handler (a benchmark fixture, not product code).

As lex-helper's README shows: a Config and a LexHelper per invocation, which routes the turn to
intents/<snake_case intent name>.py by name.
"""

from __future__ import annotations

from typing import Any

from lex_helper import Config, LexHelper

from scripts.lex_helper_hook.session_attributes import DeliverySessionAttributes


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    config: Config[DeliverySessionAttributes] = Config(
        session_attributes=DeliverySessionAttributes(), package_name="scripts.lex_helper_hook"
    )
    response: dict[str, Any] = LexHelper(config=config).handler(event, context)
    return response
