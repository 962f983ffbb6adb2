"""The bot as template.yaml declares it: intents, sample utterances, slots, prompts and code-hook switches.

Read from the AWS::Lex::Bot resource itself, so the simulator never keeps a second copy of the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from local.template import load_template

FALLBACK_SIGNATURE = "AMAZON.FallbackIntent"


@dataclass(frozen=True)
class SlotDefinition:
    name: str
    slot_type: str
    required: bool
    prompt: str
    max_retries: int


@dataclass(frozen=True)
class SlotTypeDefinition:
    name: str
    parent: str | None
    pattern: str | None


@dataclass(frozen=True)
class IntentDefinition:
    name: str
    sample_utterances: tuple[str, ...]
    slots: tuple[SlotDefinition, ...]  # in priority order
    dialog_hook: bool
    fulfilment_hook: bool
    confirmation_prompt: str | None
    is_fallback: bool

    def slot(self, name: str) -> SlotDefinition | None:
        return next((slot for slot in self.slots if slot.name == name), None)


@dataclass(frozen=True)
class BotDefinition:
    name: str
    locale: str
    nlu_confidence_threshold: float
    intents: tuple[IntentDefinition, ...]
    slot_types: dict[str, SlotTypeDefinition]

    def intent(self, name: str) -> IntentDefinition | None:
        return next((intent for intent in self.intents if intent.name == name), None)

    @property
    def fallback(self) -> IntentDefinition:
        return next(intent for intent in self.intents if intent.is_fallback)


def load_bot(logical_id: str = "DeliveryBot", locale: str = "en_US") -> BotDefinition:
    resource = load_template()["Resources"][logical_id]
    if resource["Type"] != "AWS::Lex::Bot":
        raise ValueError(f"{logical_id} is not an AWS::Lex::Bot")
    properties = resource["Properties"]
    bot_locale = next(item for item in properties["BotLocales"] if item["LocaleId"] == locale)
    slot_types = {
        item["Name"]: SlotTypeDefinition(
            name=item["Name"],
            parent=item.get("ParentSlotTypeSignature"),
            pattern=item.get("ValueSelectionSetting", {}).get("RegexFilter", {}).get("Pattern"),
        )
        for item in bot_locale.get("SlotTypes", [])
    }
    return BotDefinition(
        name="DeliveryBot",
        locale=locale,
        nlu_confidence_threshold=float(bot_locale["NluConfidenceThreshold"]),
        intents=tuple(_intent(item) for item in bot_locale["Intents"]),
        slot_types=slot_types,
    )


def _intent(item: dict[str, Any]) -> IntentDefinition:
    priorities = {entry["SlotName"]: entry["Priority"] for entry in item.get("SlotPriorities", [])}
    slots = sorted((_slot(slot) for slot in item.get("Slots", [])), key=lambda slot: priorities.get(slot.name, 99))
    confirmation = item.get("IntentConfirmationSetting", {}).get("PromptSpecification")
    return IntentDefinition(
        name=item["Name"],
        sample_utterances=tuple(entry["Utterance"] for entry in item.get("SampleUtterances", [])),
        slots=tuple(slots),
        dialog_hook=bool(item.get("DialogCodeHook", {}).get("Enabled")),
        fulfilment_hook=bool(item.get("FulfillmentCodeHook", {}).get("Enabled")),
        confirmation_prompt=_first_message(confirmation) if confirmation else None,
        is_fallback=item.get("ParentIntentSignature") == FALLBACK_SIGNATURE,
    )


def _slot(item: dict[str, Any]) -> SlotDefinition:
    setting = item["ValueElicitationSetting"]
    prompt = setting.get("PromptSpecification", {})
    return SlotDefinition(
        name=item["Name"],
        slot_type=item["SlotTypeName"],
        required=setting["SlotConstraint"] == "Required",
        prompt=_first_message(prompt) if prompt else f"What is the {item['Name']}?",
        max_retries=int(prompt.get("MaxRetries", 2)),
    )


def _first_message(prompt: dict[str, Any]) -> str:
    message = prompt["MessageGroupsList"][0]["Message"]
    text: str = message.get("PlainTextMessage", {}).get("Value") or message.get("SSMLMessage", {}).get("Value", "")
    return text
