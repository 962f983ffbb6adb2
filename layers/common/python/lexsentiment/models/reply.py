"""What the code hook answers, independent of the Lex version it is rendered for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from lexsentiment.models.turn import ConfirmationState, SlotValue


class DialogActionType(StrEnum):
    CLOSE = "Close"
    CONFIRM_INTENT = "ConfirmIntent"
    DELEGATE = "Delegate"
    ELICIT_INTENT = "ElicitIntent"
    ELICIT_SLOT = "ElicitSlot"


class IntentState(StrEnum):
    FAILED = "Failed"
    FULFILLED = "Fulfilled"
    IN_PROGRESS = "InProgress"
    READY_FOR_FULFILLMENT = "ReadyForFulfillment"


@dataclass(frozen=True, slots=True)
class Reply:
    action: DialogActionType
    session_attributes: Mapping[str, str]
    message: str | None = None
    intent_name: str | None = None
    intent_state: IntentState | None = None
    slots: Mapping[str, SlotValue | None] = field(default_factory=dict)
    slot_to_elicit: str | None = None
    confirmation_state: ConfirmationState | None = None
