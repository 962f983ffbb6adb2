"""Session attributes of the lex-helper comparison handler (a benchmark fixture, not product code)."""

from __future__ import annotations

from lex_helper import SessionAttributes
from pydantic import ConfigDict


class DeliverySessionAttributes(SessionAttributes):
    # As lex-helper's README does: extra="allow" keeps the caller's own attributes (here DeliveryBot's
    # bookkeeping in the sample event), which the base model would otherwise drop from the reply.
    model_config = ConfigDict(extra="allow")
    tracking_number: str | None = None
