"""Settings from the environment (and a .env file), as pydantic-settings reads them."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TASKFLOW_", env_file=".env", extra="ignore")

    broker_url: str
    result_backend: str
    database_url: str
    monday_signing_secret: str = Field(min_length=16)
    log_dir: str = "/tmp/taskflow-logs"
    environment: str = "production"
    verify_signatures: bool = True
    webhook_queue_ttl_ms: int = 0  # 0: no TTL on the webhook queue
    max_body_bytes: int = 1 << 20
    database_pool_size: int = 16  # the webhook's connections; requests beyond wait for one


@lru_cache
def settings() -> Settings:
    return Settings()
