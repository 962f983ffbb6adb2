"""Wire models for Lex events (pydantic) and the internal Turn and Reply every later layer uses."""
