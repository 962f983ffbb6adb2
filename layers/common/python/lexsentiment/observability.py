"""The one Logger and Metrics of the code hook; the Tracer is opt-in because its import costs cold start."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

SERVICE = "delivery-bot"
NAMESPACE = "DeliveryBot"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
