"""An outside government platform reads the public event stream with its own Keycloak client
credentials (SASL/OAUTHBEARER on Kafka's external listener, 127.0.0.1:9094) and nothing else.
See deploy/local/EXTERNAL-PLATFORMS.md and deploy/local/kafka.sh.

The broker's standing ACLs name the unprefixed `zhengdun.public.v1`; this run's topics carry the
run's prefix, so the test grants the demo platform the same two ACLs on the run's public topic
(through the internal listener, a super user) and removes them afterwards. The internal topics
get no ACL at all: that is what keeps outside platforms out of them."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
import uuid

import httpx
import jwt
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.abc import AbstractTokenProvider
from aiokafka.conn import create_conn
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    NoError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    UnknownTopicOrPartitionError,
    for_code,
)
from aiokafka.protocol.admin import SaslAuthenticateRequest, SaslHandShakeRequest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.platform import ROOT
from zhengdun.messaging.topics import Topics

INTERNAL = os.environ.get("ZD_KAFKA_BOOTSTRAP", "127.0.0.1:9092")   # the services' listener
EXTERNAL_PORT = int(os.environ.get("ZD_KAFKA_EXTERNAL_PORT", "9094"))  # outside platforms' listener
EXTERNAL = f"127.0.0.1:{EXTERNAL_PORT}"
TOKEN_URL = "http://127.0.0.1:8180/realms/zhengdun/protocol/openid-connect/token"
DEMO_PLATFORM, DEMO_SECRET = "zhengdun-ext-demo", "zhengdun-ext-demo-secret"  # deploy/keycloak/build_realm.py


def client_credentials_token(client_id: str, secret: str) -> str:
    response = httpx.post(TOKEN_URL, data={"grant_type": "client_credentials", "client_id": client_id,
                                           "client_secret": secret})
    response.raise_for_status()
    return response.json()["access_token"]


def person_token(username: str) -> str:
    response = httpx.post(TOKEN_URL, data={"grant_type": "password", "client_id": "zhengdun-dev", "username": username,
                                           "password": "demo"})
    response.raise_for_status()
    return response.json()["access_token"]


class KeycloakTokens(AbstractTokenProvider):
    """What an outside platform runs: a client-credentials token from the realm, reused until shortly
    before it expires (aiokafka asks for a token on every new connection)."""

    def __init__(self, client_id: str, secret: str):
        self.client_id, self.secret = client_id, secret
        self._token, self._expires = "", 0.0

    async def token(self) -> str:
        if time.time() > self._expires - 30:
            async with httpx.AsyncClient() as http:
                response = await http.post(TOKEN_URL, data={"grant_type": "client_credentials",
                                                            "client_id": self.client_id, "client_secret": self.secret})
            body = response.raise_for_status().json()
            self._token, self._expires = body["access_token"], time.time() + body["expires_in"]
        return self._token


def external_consumer(topic: str, group: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(topic, bootstrap_servers=EXTERNAL, security_protocol="SASL_PLAINTEXT",
                            sasl_mechanism="OAUTHBEARER", sasl_oauth_token_provider=KeycloakTokens(DEMO_PLATFORM, DEMO_SECRET),
                            group_id=group, auto_offset_reset="earliest", enable_auto_commit=True)


async def started_reader(topic: str, group: str, attempts: int = 5) -> AIOKafkaConsumer:
    """Start as an outside platform would: retrying. After the realm rotates its signing key (the
    identity tests do) the broker refuses the first token signed with the new key while it fetches
    the keys again; aiokafka then sees no broker and reports the topic unknown."""
    for attempt in range(1, attempts + 1):
        reader = external_consumer(topic, group)
        try:
            await reader.start()
            return reader
        except (UnknownTopicOrPartitionError, KafkaConnectionError):
            await reader.stop()
            if attempt == attempts:
                raise
            await asyncio.sleep(3)


def kafka_acls(*args: str) -> None:
    subprocess.run(["bash", str(ROOT / "deploy/local/kafka.sh"), "acls", *args], check=True, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def public_topic(platform):
    topic = Topics(platform.topic_prefix).public
    grant = ["--allow-principal", f"User:{DEMO_PLATFORM}", "--operation", "Read", "--operation", "Describe",
             "--topic", topic, "--resource-pattern-type", "literal"]
    kafka_acls("--add", *grant)
    yield topic
    kafka_acls("--remove", "--force", *grant)


async def broker_verdict(token: str) -> tuple[type, str]:
    """The external listener's answer to one SASL/OAUTHBEARER authentication with this token.
    (aiokafka's own client does not report a refused token: it sees a closed connection.)"""
    conn = await create_conn("127.0.0.1", EXTERNAL_PORT)
    try:
        handshake = await conn.send(SaslHandShakeRequest("OAUTHBEARER"))
        assert handshake.error_code == 0 and "OAUTHBEARER" in handshake.enabled_mechanisms
        response = await conn.send(SaslAuthenticateRequest(f"n,,\x01auth=Bearer {token}\x01\x01".encode()))
        if response.error_code == 0 and response.sasl_auth_bytes:
            # RFC 7628: the server's error is a challenge ({"status":"invalid_token"}); the client answers %x01
            response = await conn.send(SaslAuthenticateRequest(b"\x01"))
        return for_code(response.error_code), response.error_message
    finally:
        conn.close()


def forged_token() -> str:
    """The demo platform's own claims and key id, signed with a key that is not the realm's."""
    real = client_credentials_token(DEMO_PLATFORM, DEMO_SECRET)
    claims = jwt.decode(real, options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": jwt.get_unverified_header(real)["kid"]})


async def read_until(consumer: AIOKafkaConsumer, wanted: bytes, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batches = await consumer.getmany(timeout_ms=1000)
        for records in batches.values():
            for record in records:
                if record.value == wanted:
                    return record
    raise AssertionError(f"{wanted!r} not read within {timeout}s")


def test_an_outside_platform_reads_the_public_topic_and_nothing_else(platform, public_topic):
    internal_topic = Topics(platform.topic_prefix).of("screening")
    event = json.dumps({"id": str(uuid.uuid4()), "type": "zhengdun.public.test.v1", "divisioncode": "990102101201"}).encode()

    async def scenario():
        producer = AIOKafkaProducer(bootstrap_servers=INTERNAL, acks="all")  # the platform itself, internal listener
        await producer.start()
        try:
            await producer.send_and_wait(public_topic, event, key=b"990102101201")
            await producer.send_and_wait(internal_topic, b'{"internal": true}', key=b"990102101201")
        finally:
            await producer.stop()

        reader = await started_reader(public_topic, f"{DEMO_PLATFORM}.{platform.run_id}")
        try:
            record = await read_until(reader, event)
            assert record.key == b"990102101201"
            # the platform does not even see the internal topics (no Describe on them)
            visible = await reader.topics()
            assert public_topic in visible and internal_topic not in visible
            assert all(topic.endswith("zhengdun.public.v1") for topic in visible), visible
        finally:
            await reader.stop()

        # an internal topic: the broker refuses the topic itself (when the consumer starts or fetches)
        snoop = external_consumer(internal_topic, f"{DEMO_PLATFORM}.{platform.run_id}.snoop")
        try:
            with pytest.raises(TopicAuthorizationFailedError):
                await snoop.start()
                await asyncio.wait_for(snoop.getone(), 30)
        finally:
            await snoop.stop()

        # a consumer group that is not named after the platform
        foreign_group = external_consumer(public_topic, f"zhengdun-reporting.{platform.run_id}")
        try:
            with pytest.raises(GroupAuthorizationFailedError):
                await foreign_group.start()
                await asyncio.wait_for(foreign_group.getone(), 30)
        finally:
            await foreign_group.stop()

        # and it may not write, not even to the public topic
        writer = AIOKafkaProducer(bootstrap_servers=EXTERNAL, security_protocol="SASL_PLAINTEXT", sasl_mechanism="OAUTHBEARER",
                                  sasl_oauth_token_provider=KeycloakTokens(DEMO_PLATFORM, DEMO_SECRET))
        try:
            with pytest.raises(TopicAuthorizationFailedError):
                await writer.start()
                await asyncio.wait_for(writer.send_and_wait(public_topic, b"forged event"), 30)
        finally:
            await writer.stop()

    asyncio.run(scenario())


def test_only_the_realms_kafka_tokens_authenticate(platform):
    async def scenario():
        # the outside platform's own token
        assert (await broker_verdict(client_credentials_token(DEMO_PLATFORM, DEMO_SECRET)))[0] is NoError
        # genuine realm tokens of other clients, not issued for Kafka: an internal service's, and a person's
        # (signed by the realm, with a scope, but without the audience "kafka")
        verdict, message = await broker_verdict(client_credentials_token("zhengdun-screening", "zhengdun-screening-secret"))
        assert verdict is SaslAuthenticationFailed and "invalid_token" in message
        verdict, message = await broker_verdict(person_token("ops"))
        assert verdict is SaslAuthenticationFailed and "invalid_token" in message
        # the demo platform's claims signed with another key: the signature is checked against the realm's keys
        verdict, message = await broker_verdict(forged_token())
        assert verdict is SaslAuthenticationFailed and "invalid_token" in message
        # no token at all, or not a token
        assert (await broker_verdict(""))[0] is SaslAuthenticationFailed
        assert (await broker_verdict("not-a-token"))[0] is SaslAuthenticationFailed
        # and without SASL the external listener answers nothing
        plain = AIOKafkaConsumer(bootstrap_servers=EXTERNAL, request_timeout_ms=5000)
        with pytest.raises(KafkaConnectionError):
            await plain.start()
        await plain.stop()

    asyncio.run(scenario())


def test_the_script_issues_and_revokes_a_new_platforms_credentials(platform):
    """deploy/local/external-platform.sh: a Keycloak client whose token Kafka accepts, with ACLs, and back."""
    name = f"test-{platform.run_id.lower()}"
    client_id = f"zhengdun-ext-{name}"
    script = str(ROOT / "deploy/local/external-platform.sh")
    try:
        issued = subprocess.run(["bash", script, name, "测试平台"], check=True, capture_output=True, text=True).stdout
        secret = next(line.split()[-1] for line in issued.splitlines() if line.strip().startswith("client secret"))
        token = client_credentials_token(client_id, secret)
        claims = jwt.decode(token, options={"verify_signature": False})
        assert (claims["azp"], claims["aud"], claims["scope"]) == (client_id, "kafka", "kafka")
        assert asyncio.run(broker_verdict(token))[0] is NoError
        acls = subprocess.run(["bash", str(ROOT / "deploy/local/kafka.sh"), "acls", "--list", "--principal", f"User:{client_id}"],
                              check=True, capture_output=True, text=True).stdout
        assert "name=zhengdun.public.v1, patternType=LITERAL" in acls and f"name={client_id}, patternType=PREFIXED" in acls
        # run again: the same client and secret
        again = subprocess.run(["bash", script, name], check=True, capture_output=True, text=True).stdout
        assert f"client secret       {secret}" in again
    finally:
        subprocess.run(["bash", script, "--remove", name], check=True, capture_output=True)
    refused = httpx.post(TOKEN_URL, data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    assert refused.status_code == 401
    acls = subprocess.run(["bash", str(ROOT / "deploy/local/kafka.sh"), "acls", "--list", "--principal", f"User:{client_id}"],
                          check=True, capture_output=True, text=True).stdout
    assert "ResourcePattern" not in acls
