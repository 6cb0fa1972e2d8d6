"""taskflow writes its own log files, one per process kind."""

import logging
import os
from pathlib import Path

from taskflow.config import settings


def configure(kind: str) -> logging.Logger:
    folder = Path(settings().log_dir)
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(folder / f"{kind}-{os.getpid()}.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("taskflow")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger
