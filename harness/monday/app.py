"""Assemble the emulator's ASGI app from its route groups and one fresh state."""

from __future__ import annotations

from starlette.applications import Starlette

from harness.monday.admin_routes import AdminRoutes
from harness.monday.api_routes import GraphQLRoute
from harness.monday.config import EmulatorConfig
from harness.monday.oauth_routes import OAuthRoutes
from harness.monday.state import EmulatorState


def create_app(config: EmulatorConfig | None = None) -> Starlette:
    """A Monday.com emulator app with its own :class:`EmulatorState` (``app.state.emulator``)."""
    state = EmulatorState(config or EmulatorConfig())
    routes = [
        *OAuthRoutes(state).routes(),
        *GraphQLRoute(state).routes(),
        *AdminRoutes(state).routes(),
    ]
    app = Starlette(routes=routes)
    app.state.emulator = state
    return app


def emulator_state(app: Starlette) -> EmulatorState:
    """The state held by an app made by :func:`create_app`."""
    state = app.state.emulator
    if not isinstance(state, EmulatorState):
        raise TypeError("this app was not made by harness.monday.create_app")
    return state
