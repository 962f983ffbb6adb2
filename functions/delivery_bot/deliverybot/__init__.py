"""DeliveryBot, the reference bot on the sentiment layer: its dialogue per intent and its deliveries."""
