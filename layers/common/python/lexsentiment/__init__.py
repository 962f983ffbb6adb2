"""Sentiment-aware Amazon Lex code hook: models, domain, service and adapters shared by the functions."""
