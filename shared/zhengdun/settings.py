"""Settings from the environment (prefix ``ZD_``), one place per service.

Defaults are the local platform's (deploy/local); production sets every value by environment
(deploy/k8s/). ``settings_for("casework")`` gives casework its port, database and client id.
"""
from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_PORTS = {"screening": 8101, "casework": 8102, "supervision": 8103, "acceptance": 8104, "reporting": 8105}


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZD_", extra="ignore")

    service: str
    host: str = "127.0.0.1"
    port: int = Field(0, validation_alias="PORT")
    database_url: str = ""
    kafka_bootstrap: str = "127.0.0.1:9092"
    # Prepended to every topic and consumer group: lets a test run use its own, fresh topics.
    topic_prefix: str = ""
    topic_partitions: int = 6
    keycloak_url: str = "http://127.0.0.1:8180"
    keycloak_realm: str = "zhengdun"
    client_id: str = ""
    client_secret: str = ""
    # Accepted token issuer; defaults to the realm URL above.
    token_issuer: str = ""
    relay_batch_size: int = 500
    relay_poll_seconds: float = 0.5
    consumer_batch_size: int = 500
    # Tests and the demo set the platform clock (zhengdun.clock); production follows the wall clock.
    clock_settable: bool = False
    # How often a service with a wall clock looks whether the date in China changed (screening publishes it).
    clock_tick_seconds: float = 20.0
    # Notifications by email (supervision's sender): locally the SMTP server `make up` starts
    # (deploy/local/smtp.sh, mail kept in a maildir); in production the organisation's relay.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_sender: str = "zhengdun-noreply@localhost"
    notify_poll_seconds: float = 2.0

    @property
    def realm_url(self) -> str:
        return f"{self.keycloak_url.rstrip('/')}/realms/{self.keycloak_realm}"

    @property
    def issuer(self) -> str:
        return self.token_issuer or self.realm_url


def settings_for(service: str) -> ServiceSettings:
    settings = ServiceSettings(service=service)
    if not settings.port:
        settings.port = SERVICE_PORTS[service]
    if not settings.database_url:
        settings.database_url = f"postgresql+asyncpg://zhengdun:zhengdun@127.0.0.1:5432/zhengdun_{service}"
    if not settings.client_id:
        settings.client_id = f"zhengdun-{service}"
    if not settings.client_secret:
        settings.client_secret = f"{settings.client_id}-secret"
    return settings
