"""BookTrip: a plain Lex V2 code hook for booking hotels and rental cars, made sentiment-aware by the layer."""
