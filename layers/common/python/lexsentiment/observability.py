"""The layer's one Logger and Metrics; the Tracer is opt-in because its import costs cold start.

Names come from the environment, as Powertools reads them (the template sets them per function):
POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE. A team's own Powertools Logger with the
same service name writes through the same logger. Without them, these defaults apply.
"""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics

DEFAULT_SERVICE = "lex-sentiment"
DEFAULT_NAMESPACE = "LexSentiment"

service = os.environ.get("POWERTOOLS_SERVICE_NAME") or DEFAULT_SERVICE
logger = Logger(service=service)
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or DEFAULT_NAMESPACE, service=service)
