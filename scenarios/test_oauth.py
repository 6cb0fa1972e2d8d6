"""Monday OAuth (``--oauth-test``): token acquisition, scopes, bearer calls, 429 and refresh handling, and
the full path from the webhook to a change on the board, against the emulator (or Monday itself with
``--monday-live``).
"""

import pytest

from harness.checks.oauth import usage
from harness.checks.oauth.flow import Flow
from harness.session import Session

pytestmark = pytest.mark.oauth
SUBJECT = "Monday OAuth"


@pytest.mark.check("oauth.token_acquired", subject=SUBJECT)
def test_token_acquired(harness_session: Session, oauth_flow: Flow) -> None:
    usage.token_acquired(harness_session, oauth_flow)


@pytest.mark.check("oauth.requested_scopes_exist", subject=SUBJECT)
def test_requested_scopes_exist(harness_session: Session, oauth_flow: Flow) -> None:
    usage.requested_scopes_exist(harness_session, oauth_flow)


@pytest.mark.check("oauth.bearer_calls_authenticated", subject=SUBJECT)
def test_bearer_calls_authenticated(harness_session: Session, oauth_flow: Flow) -> None:
    usage.bearer_calls_authenticated(harness_session, oauth_flow)


@pytest.mark.check("oauth.webhook_updates_board", subject=SUBJECT)
def test_webhook_updates_board(harness_session: Session, oauth_flow: Flow) -> None:
    usage.webhook_updates_board(harness_session, oauth_flow)


@pytest.mark.check("oauth.retry_after_honoured", subject=SUBJECT)
def test_retry_after_honoured(harness_session: Session, oauth_flow: Flow) -> None:
    usage.retry_after_honoured(harness_session, oauth_flow)


@pytest.mark.check("oauth.expired_token_refreshed", subject=SUBJECT)
def test_expired_token_refreshed(harness_session: Session, oauth_flow: Flow) -> None:
    usage.expired_token_refreshed(harness_session, oauth_flow)
