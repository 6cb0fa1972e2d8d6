"""Bundled targets. Each file is a standalone module (Celery, kombu, FastAPI only), run by the
target's interpreter with this folder on its path, so it never imports the harness."""
