"""Shared test setup: text output is compared byte for byte, so colour settings from the
environment (FORCE_COLOR is common in CI) must not leak into the tests."""

from __future__ import annotations

import pytest

pytest_plugins = ["openai_fake"]  # the fake_openai fixture


@pytest.fixture(autouse=True)
def _plain_output(monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
