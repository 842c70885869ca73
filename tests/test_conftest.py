"""The fixtures' own rule: a missing service is a failure in CI and a skip elsewhere."""

from __future__ import annotations

import pytest

from tests.conftest import service_unreachable


def test_a_missing_service_fails_in_ci_and_skips_elsewhere(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception):
        service_unreachable("PostgreSQL is not reachable")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        service_unreachable("PostgreSQL is not reachable")
