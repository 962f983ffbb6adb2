"""Lex's two wire formats: events in (V2 and legacy V1) as one Turn, replies out in the event's own format.

A handler may use these too: `read_turn(event)` gives the parsed turn (shared with the layer, so
it is parsed once), and `Reply` with `render` builds a response in either format.
"""
