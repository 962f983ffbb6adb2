"""The insights API on localhost, over the local store: the deployed functions, the same routes and JSON.

    python -m local.api [--port 8321]        (make api [PORT=8321])

Each HTTP request becomes the API Gateway (HTTP API, payload 2.0) event the deployed API would send,
and goes to the very handlers Lambda runs: the insights function, and the erasure function for
DELETE /users/{userId}. So `curl "localhost:8321/conversations?shift=positive_to_negative"` answers
as the README's `awscurl` example does against AWS. It listens on 127.0.0.1 only (the local API has
no IAM in front of it). It holds the local store while it runs, as every local command does for its
duration, so other `make` commands wait until it stops (Ctrl-C), and what an erasure deleted is kept.

The standard library's HTTP server, one request at a time: enough for a person with curl, and moto,
which holds the local tables, is not built for concurrent writers.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from local.lambda_context import FakeLambdaContext
from local.store import open_backend, use_tables

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8321
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def http_api_event(method: str, target: str, headers: dict[str, str]) -> dict[str, Any]:
    """What API Gateway's HTTP API hands the function for this request (payload format 2.0)."""
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path,
        "rawQueryString": parts.query,
        "headers": {name.lower(): value for name, value in headers.items()},
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": "localhost",
            "http": {
                "method": method,
                "path": parts.path,
                "protocol": "HTTP/1.1",
                "sourceIp": LOOPBACK,
                "userAgent": headers.get("User-Agent", ""),
            },
            "requestId": "local-api",
            "routeKey": "$default",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }


def handlers() -> tuple[Handler, Handler]:
    """The insights and erasure functions' handlers, imported after the settings point at the tables."""
    insights = importlib.import_module("functions.insights.app").lambda_handler
    erasure = importlib.import_module("functions.erasure.app").lambda_handler
    return insights, erasure


def make_server(port: int, insights: Handler, erasure: Handler) -> HTTPServer:
    class Request(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(insights)

        def do_DELETE(self) -> None:
            self._answer(erasure)

        def _answer(self, handler: Handler) -> None:
            event = http_api_event(self.command, self.path, dict(self.headers.items()))
            response = handler(event, FakeLambdaContext(function_name="LocalInsightsApi", timeout_millis=28_000))
            body = (response.get("body") or "").encode()
            self.send_response(int(response.get("statusCode", 500)))
            for name, value in (response.get("headers") or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard library's name
            # One line per request on stderr, without the query string (it can name a customer).
            print(f"{self.command} {urlsplit(self.path).path} -> {args[1] if len(args) > 1 else ''}", file=sys.stderr)

    return HTTPServer((LOOPBACK, port), Request)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or DEFAULT_PORT))
    args = parser.parse_args(argv)
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    with open_backend("embedded") as backend:
        use_tables(backend.tables)
        insights, erasure = handlers()
        try:
            server = make_server(args.port, insights, erasure)
        except OSError as error:
            print(
                f"Cannot listen on {LOOPBACK}:{args.port} ({error.strerror}): try PORT=<another port>", file=sys.stderr
            )
            return 2
        print(
            f"Insights API on http://{LOOPBACK}:{server.server_port} (loopback only, no IAM). It holds the local"
            " store: other make commands wait until Ctrl-C stops it."
        )
        print(f'  curl "http://{LOOPBACK}:{server.server_port}/conversations?shift=positive_to_negative"', flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("Stopped.", file=sys.stderr)
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
