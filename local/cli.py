"""How a local tool ends on a mistake: one line on stderr that says what to do, and a non-zero exit, never a traceback.

Only expected failures become that line: a file that cannot be opened, content a tool cannot use, the
code hook's settings, AWS without a region, credentials or access, and Ctrl-C. Anything else is a
bug and keeps its traceback. A line names files, settings and AWS error codes, never an exception's
message from a transcript or a table, which could quote what a customer said.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Protocol

from botocore.exceptions import (
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from lexsentiment.errors import StoreUnavailable
from lexsentiment.settings import ConfigurationError

# boto3 reads AWS_DEFAULT_REGION (or the profile's region); it ignores AWS_REGION, which other SDKs read.
NO_REGION = "No AWS region: set AWS_DEFAULT_REGION, or AWS_PROFILE to a profile with a region (or use BACKEND=embedded)"
NO_CREDENTIALS = (
    "No AWS credentials: run `aws configure` or `aws sso login`, or set AWS_PROFILE (or use BACKEND=embedded)"
)
INTERRUPTED_STATUS = 130  # what a shell reports for a command ended by Ctrl-C (128 + SIGINT)


class ToolError(SystemExit):
    """A mistake the user can fix; the message is the one line that says how.

    A SystemExit, so that a tool whose main is not wrapped by `command` still ends with just that line.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Main(Protocol):
    def __call__(self, argv: list[str] | None = None, /) -> int: ...


def command(tool: str) -> Callable[[Main], Main]:
    """Wrap a tool's `main(argv) -> exit status` so that expected failures end as `tool: what to do`."""

    def wrap(main: Main) -> Main:
        @functools.wraps(main)
        def run(argv: list[str] | None = None, /) -> int:
            try:
                return main(argv)
            except KeyboardInterrupt:
                return _fail(tool, "interrupted", INTERRUPTED_STATUS)
            except ToolError as error:
                return _fail(tool, error.message)
            except ConfigurationError as error:
                # Settings, not customer input: the message names the variable and its value.
                return _fail(tool, f"{error} (fix or unset that variable and run again)")
            except OSError as error:
                return _fail(tool, _file_problem(error))
            except (NoRegionError, NoCredentialsError, PartialCredentialsError, HTTPClientError, ClientError) as error:
                return _fail(tool, _aws_problem(error))
            except StoreUnavailable as error:
                return _fail(tool, _store_problem(error.cause))

        return run

    return wrap


def _fail(tool: str, message: str, status: int = 1) -> int:
    print(f"{tool}: {message}", file=sys.stderr)
    return status


def _file_problem(error: OSError) -> str:
    problem = error.strerror or type(error).__name__
    if error.filename is None:
        return problem
    return f"{error.filename}: {problem}: check the path and its permissions"


def _aws_problem(error: Exception) -> str:
    if isinstance(error, NoRegionError):
        return NO_REGION
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return NO_CREDENTIALS
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "ClientError")
        return (
            f"AWS refused {error.operation_name} ({code}): check the region, STACK_NAME and what your "
            "credentials may do"
        )
    return f"AWS could not be reached ({type(error).__name__}): check the network and the region"


def _store_problem(cause: str) -> str:
    # The adapters name what went wrong by AWS error code or exception type; the commonest two get their fix.
    if cause == NoCredentialsError.__name__:
        return NO_CREDENTIALS
    if cause == NoRegionError.__name__:
        return NO_REGION
    return f"a table could not answer ({cause}): check the region, STACK_NAME and the credentials, then run it again"
