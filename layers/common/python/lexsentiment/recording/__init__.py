"""The write side: a scored turn becomes a TurnRecord, written once to the sentiment table or kept for later."""
