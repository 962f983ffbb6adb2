"""Our copy of AWS's V2 response schema stays the one the team's reference holds."""

from __future__ import annotations

import hashlib

import pytest

from tests.support import SHARED_V2_SCHEMA, V2_SCHEMA

UPSTREAM_SHA256 = "d11202da6f405d0c7a3a3581759a71e9a0021584e5e5cd9316cf7cd29273e133"


def test_the_schema_copy_is_unmodified() -> None:
    assert hashlib.sha256(V2_SCHEMA.read_bytes()).hexdigest() == UPSTREAM_SHA256


def test_the_schema_copy_matches_the_shared_reference_when_present() -> None:
    if not SHARED_V2_SCHEMA.exists():
        pytest.skip("no ../shared/reference beside this clone")
    assert SHARED_V2_SCHEMA.read_bytes() == V2_SCHEMA.read_bytes()
