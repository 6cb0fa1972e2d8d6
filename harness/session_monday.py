"""Which Monday a run's target talks to: the harness's emulator, real Monday, or none.

With ``--oauth-test`` the session serves the emulator (:mod:`harness.monday`) on a free port, with
one registered app whose client id, client secret and signing secret are the run's own (the values
the target finds in MONDAY_CLIENT_ID, MONDAY_CLIENT_KEY and MONDAY_SIGNING_SECRET), and points the
target at it. With ``--monday-live`` as well, the target is pointed at Monday itself with the
credentials below, read from the environment the entry point hands over; when any required one is
missing the OAuth suite is skipped with the list, never run against something else.

Required for ``--monday-live``: MONDAY_LIVE_CLIENT_ID, MONDAY_LIVE_CLIENT_KEY (the app's client
secret), MONDAY_LIVE_ACCESS_TOKEN (an OAuth token of the installed app: consent needs a person, so the
harness cannot obtain one), MONDAY_LIVE_BOARD_ID and MONDAY_LIVE_ITEM_ID (a board and item the run may
write to). Optional: MONDAY_LIVE_REFRESH_TOKEN, MONDAY_LIVE_SIGNING_SECRET, MONDAY_LIVE_API_URL,
MONDAY_LIVE_AUTH_URL.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from harness.config import RunOptions
from harness.launch.env import RunSecrets, target_env
from harness.monday import ClientConfig, EmulatorConfig, serve_emulator
from harness.services.base import Services

LIVE_REQUIRED = ("MONDAY_LIVE_CLIENT_ID", "MONDAY_LIVE_CLIENT_KEY", "MONDAY_LIVE_ACCESS_TOKEN",
                 "MONDAY_LIVE_BOARD_ID", "MONDAY_LIVE_ITEM_ID")
LIVE_TO_TARGET = {"MONDAY_LIVE_CLIENT_ID": "MONDAY_CLIENT_ID", "MONDAY_LIVE_CLIENT_KEY": "MONDAY_CLIENT_KEY",
                  "MONDAY_LIVE_SIGNING_SECRET": "MONDAY_SIGNING_SECRET", "MONDAY_LIVE_BOARD_ID": "MONDAY_BOARD_ID",
                  "MONDAY_LIVE_ACCESS_TOKEN": "MONDAY_OAUTH_ACCESS_TOKEN",
                  "MONDAY_LIVE_REFRESH_TOKEN": "MONDAY_OAUTH_REFRESH_TOKEN"}
LIVE_SECRETS = ("MONDAY_LIVE_CLIENT_KEY", "MONDAY_LIVE_ACCESS_TOKEN", "MONDAY_LIVE_REFRESH_TOKEN",
                "MONDAY_LIVE_SIGNING_SECRET")


@dataclass(frozen=True)
class MondayLink:
    """Where the target's MONDAY_API_URL / MONDAY_AUTH_URL point, and what the checks may use."""

    api_url: str = ""
    auth_url: str = ""
    emulator_url: str | None = None  # the emulator's base URL (its /_emulator/* inspection endpoints)
    live: bool = False
    skip_reason: str | None = None  # why the OAuth suite cannot run in this session
    target_env: dict[str, str] = field(default_factory=dict, repr=False)
    access_token: str | None = field(default=None, repr=False)  # live: for the harness's read-back queries
    item_id: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)


def emulator_config(services: Services, run_secrets: RunSecrets, run_id: str) -> EmulatorConfig:
    """One registered app matching the identity the target is given, and the board it writes to."""
    identity = target_env(services, run_secrets, run_id=run_id, probe_log=Path(), python_path=[])
    client = ClientConfig(client_id=identity["MONDAY_CLIENT_ID"], client_secret=run_secrets.client_key,
                          signing_secret=run_secrets.signing_secret, app_id=identity["MONDAY_APP_ID"])
    return EmulatorConfig(clients=(client,), board_id=identity["MONDAY_BOARD_ID"])


def live_missing(env: Mapping[str, str]) -> str | None:
    """Why ``--monday-live`` cannot run with this environment: the required variables it lacks."""
    missing = [name for name in LIVE_REQUIRED if not env.get(name)]
    return f"--monday-live needs {', '.join(missing)} in the environment" if missing else None


def oauth_skip_reason(run: RunOptions, env: Mapping[str, str]) -> str | None:
    """Why the OAuth suite cannot run at all, known before any server or target starts."""
    if not run.oauth_test:
        return "the OAuth suite runs only with --oauth-test"
    return live_missing(env) if run.monday_live else None


def live_link(env: Mapping[str, str]) -> MondayLink:
    if missing := live_missing(env):
        return MondayLink(live=True, skip_reason=missing)
    api = env.get("MONDAY_LIVE_API_URL") or "https://api.monday.com/v2"
    auth = env.get("MONDAY_LIVE_AUTH_URL") or "https://auth.monday.com"
    target = {target: env[live] for live, target in LIVE_TO_TARGET.items() if env.get(live)}
    target.update(MONDAY_API_URL=api, MONDAY_AUTH_URL=auth)
    return MondayLink(api, auth, None, True, None, target, env["MONDAY_LIVE_ACCESS_TOKEN"],
                      env["MONDAY_LIVE_ITEM_ID"], tuple(env[n] for n in LIVE_SECRETS if env.get(n)))


@contextmanager
def monday_link(run: RunOptions, services: Services, run_secrets: RunSecrets, run_id: str,
                env: Mapping[str, str]) -> Iterator[MondayLink | None]:
    """The emulator (served for the block), real Monday, or None without ``--oauth-test``."""
    if not run.oauth_test:
        yield None
    elif run.monday_live:
        yield live_link(env)
    else:
        with serve_emulator(emulator_config(services, run_secrets, run_id)) as url:
            yield MondayLink(f"{url}/v2", url, url)
