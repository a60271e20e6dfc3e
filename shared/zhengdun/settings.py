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
    relay_batch_size: int = 2000
    relay_poll_seconds: float = 0.5
    consumer_batch_size: int = 2000
    # The garbage collector's youngest generation is collected after this many more objects were made than freed
    # (Python's default 700): see ServiceRuntime.lifespan.
    gc_young_threshold: int = 10_000
    # Tests and the demo set the platform clock (zhengdun.clock); production follows the wall clock.
    clock_settable: bool = False
    # "development" (the local platform, the tests) allows the development defaults of every credential;
    # anything else (deploy/k8s sets "production") refuses to start while one is still in use.
    environment: str = "development"
    # Locally a service creates missing topics (one broker: replication 1). In production the topics are
    # KafkaTopics with 3 replicas, and a service never creates one.
    create_topics: bool = True
    topic_replication: int = 1
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
    # Acceptance: encrypts the units' seal keys at rest (a Secret in production: refused there while the default).
    seal_passphrase: str = "zhengdun-local-seal-passphrase"
    # Reporting's public contract names the broker address outside platforms reach (default: kafka_bootstrap).
    public_kafka_bootstrap: str = ""
    # Screening: how often its copy of Keycloak's accounts (screening.user_directory) is read again from the whole
    # realm (accounts made or edited in Keycloak by hand); its own changes are written there as they are made.
    user_directory_sync_seconds: float = 600.0
    # Tests only: the crash point the process dies at, "name@n" (zhengdun.faults); never set in production.
    fault: str = ""

    @property
    def realm_url(self) -> str:
        return f"{self.keycloak_url.rstrip('/')}/realms/{self.keycloak_realm}"

    @property
    def issuer(self) -> str:
        return self.token_issuer or self.realm_url


# The development defaults of credentials, by environment variable: what may never run outside development.
DEVELOPMENT_SECRETS = {
    "ZD_CLIENT_SECRET": lambda service: f"zhengdun-{service}-secret",
    "ZD_SEAL_PASSPHRASE": lambda service: "zhengdun-local-seal-passphrase",
}
LOCAL_DATABASE_PASSWORD = "zhengdun:zhengdun@"


class DefaultSecretInProduction(SystemExit):
    pass


def refuse_development_secrets(settings: "ServiceSettings", secrets: tuple[str, ...] = ("ZD_CLIENT_SECRET",),
                               environ: dict[str, str] | None = None) -> None:
    """Outside development, stop the process when a credential it needs is missing or still its
    development default: a production service never runs on a secret published in this repository."""
    import os

    if settings.environment == "development":
        return
    environ = os.environ if environ is None else environ
    bad = [name for name in secrets
           if not environ.get(name) or environ[name] == DEVELOPMENT_SECRETS[name](settings.service)]
    if LOCAL_DATABASE_PASSWORD in settings.database_url:
        bad.append("ZD_DATABASE_URL")
    if bad:
        raise DefaultSecretInProduction(
            f"zhengdun-{settings.service}: refusing to start in {settings.environment!r}: "
            f"{', '.join(bad)} missing or still the development default (set it from a Secret)")


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
