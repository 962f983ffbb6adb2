"""lex-helper finds an intent's handler here by name: CheckDeliveryStatus -> check_delivery_status.handler."""
