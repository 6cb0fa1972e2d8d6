"""The web UI tab: HDR percentiles against the SLO and the floor, with the verdict, refreshed live.

It follows Locust's ``examples/extend_web_ui.py``: the tab and its table structure go into the UI's
``template_args``; an ``after_request`` hook adds the rows to every ``/stats/requests`` answer, which
the UI polls every couple of seconds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from flask import Response, request

from harness.load.stats import webtab

log = logging.getLogger("harness.load")


def install_tab(web_ui: Any, current_summary: Callable[[], dict[str, Any] | None]) -> None:
    web_ui.template_args.update(webtab.template_args())
    web_ui.app.after_request(_hook(current_summary))


def _hook(current_summary: Callable[[], dict[str, Any] | None]) -> Callable[[Response], Response]:
    def add_hdr_rows(response: Response) -> Response:
        if not request.path.endswith("/stats/requests") or response.status_code != 200:
            return response
        try:
            summary = current_summary()
            if summary is not None:
                data = json.loads(response.get_data())
                data["extended_stats"] = webtab.extended_stats(summary)
                response.set_data(json.dumps(data))
        except Exception:  # never break the UI's polling over the extra tab
            log.exception("could not add the HDR tab's rows")
        return response
    return add_hdr_rows
