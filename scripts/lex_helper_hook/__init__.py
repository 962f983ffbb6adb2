"""The comparison handler of `make bench` section 6: CheckDeliveryStatus written with the lex-helper library.

A benchmark fixture, not product code: the smallest idiomatic lex-helper bot (the layout of its README:
session attributes model, main handler, one module per intent under intents/) doing the same turn as
DeliveryBot's code hook, so scripts/bench_lex_helper.py can time both under one interpreter. It runs only
in .venv-bench (lex-helper needs Python >= 3.12); nothing deployed imports it.
"""
