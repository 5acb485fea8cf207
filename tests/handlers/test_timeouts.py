"""Honest timeouts (issue 12.6): the numbers the constructs configure are the ones the handlers' worst case needs
(lambda/README.md "Timeouts")."""

from __future__ import annotations

from pki_constructs import _provider
from tests.handler_loading import load_handler

aws = load_handler("aws")
ca_expiry = load_handler("ca_expiry")


def test_the_worst_call_is_what_the_client_configuration_allows() -> None:
    computed = aws.worst_call_seconds(
        connect_timeout=aws.CONNECT_TIMEOUT, read_timeout=aws.READ_TIMEOUT, attempts=aws.MAX_ATTEMPTS
    )
    assert computed == aws.WORST_CALL_SECONDS == _provider.WORST_CALL.to_seconds()
    config = aws.config()
    assert (config.connect_timeout, config.read_timeout) == (aws.CONNECT_TIMEOUT, aws.READ_TIMEOUT)
    assert config.retries == {"mode": "standard", "total_max_attempts": aws.MAX_ATTEMPTS}


def test_a_poll_makes_progress_within_the_function_timeout() -> None:
    """Each poll re-reads the CA (two calls) before it can do anything new."""
    calls_per_invocation = _provider.HANDLER_TIMEOUT.to_seconds() // aws.WORST_CALL_SECONDS
    assert calls_per_invocation >= 4


def test_the_provider_waits_for_the_slowest_activation_the_matrix_allows() -> None:
    calls, repeated_per_poll, per_poll = (
        12,
        2,
        _provider.HANDLER_TIMEOUT.to_seconds() // aws.WORST_CALL_SECONDS,
    )
    polls = -(-(calls - repeated_per_poll) // (per_poll - repeated_per_poll))
    slowest = polls * (_provider.HANDLER_TIMEOUT.to_seconds() + _provider.QUERY_INTERVAL.to_seconds())
    assert slowest <= _provider.TOTAL_TIMEOUT.to_seconds() < 3600  # CloudFormation's custom-resource timeout


def test_the_expiry_checker_survives_several_dead_regions() -> None:
    assert ca_expiry.WORST_CALL_SECONDS == 42
    assert _provider.HANDLER_TIMEOUT.to_seconds() // ca_expiry.WORST_CALL_SECONDS >= 7
