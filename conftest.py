"""In-repo pytest configuration. The harness plugin itself is registered by its pytest11 entry point
(``pip install -e .``); this file only loads the Hypothesis profiles so failures reproduce in CI."""

import os

from hypothesis import settings

from harness.payloads.hypothesis_profiles import register_profiles

register_profiles()
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
