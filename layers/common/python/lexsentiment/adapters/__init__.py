"""Edges: the Lex wire formats and DynamoDB. The only code that knows keys, expressions and response shapes."""
