"""Erase one customer's sentiment data from a terminal, as DELETE /users/{userId} does, and say what went.

    python -m local.forget --user ID [--dry-run] [--backend embedded|aws] [--stack-name NAME]
    make forget USER=<id> [DRY_RUN=1] [BACKEND=aws]

Prints counts only, never an id. A dry run counts what would go and deletes nothing. With no time
limit (unlike the API's function), it runs until everything is erased.
"""

from __future__ import annotations

import argparse
import os
import sys

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import TypeAdapter, ValidationError

from lexsentiment.adapters.aws import error_code
from lexsentiment.erasure import DynamoDbErasure, Erased
from lexsentiment.errors import StoreUnavailable
from lexsentiment.insights.queries import Identifier
from local.store import open_backend

_identifier: TypeAdapter[str] = TypeAdapter(Identifier)


def describe(erased: Erased, *, dry_run: bool) -> str:
    counted = f"{erased.conversations} conversation(s), {erased.items} item(s)"
    if erased.items == 0:
        return "Nothing to forget: no sentiment data is stored for this customer."
    if dry_run:
        return f"Dry run, nothing deleted: this customer has {counted}."
    return f"Forgotten: {counted} deleted."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # `make forget USER=...` passes the id through the environment (see the Makefile).
    parser.add_argument("--user", default=os.environ.get("FORGET_USER", ""), help="the customer's user id")
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    parser.add_argument("--backend", choices=("embedded", "aws"), default=os.environ.get("BACKEND", "embedded"))
    parser.add_argument("--stack-name", default=os.environ.get("STACK_NAME"))
    args = parser.parse_args(argv)
    if not args.user:
        return _fail("name the customer: make forget USER=<id> (or --user ID)", status=2)
    try:
        user = _identifier.validate_python(args.user)
    except ValidationError:
        return _fail("USER is not a valid user id (1 to 256 printable characters)", status=2)
    try:
        with open_backend(args.backend, args.stack_name) as backend:
            erasure = DynamoDbErasure(backend.tables.sentiment, backend.client)
            erased = erasure.erase_user(user, dry_run=args.dry_run)
    except StoreUnavailable as error:
        return _fail(f"the sentiment table could not be reached ({error.cause}): run it again to finish")
    except (BotoCoreError, ClientError) as error:
        return _fail(f"AWS could not be reached ({error_code(error)}): check the region and credentials")
    print(describe(erased, dry_run=args.dry_run))
    return 0


def _fail(message: str, *, status: int = 1) -> int:
    print(f"forget: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
