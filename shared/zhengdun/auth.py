"""Bearer tokens from the realm, validated against its JWKS; the principal they carry.

Checks signature, issuer, audience (the service's own client id) and expiry. Keys are cached
by key id; a token signed with an unknown key id triggers one refresh of the key set (at most
every few seconds), so a realm key rotation is picked up without a restart.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import httpx
import jwt
from fastapi import Request
from fastapi.security import HTTPBearer, OAuth2AuthorizationCodeBearer

from zhengdun.divisions import InvalidDivisionCode, is_within, level_of
from zhengdun.events.base import Actor
from zhengdun.logs import current_user
from zhengdun.problems import forbidden, unauthorized
from zhengdun.roles import Level

# Tokens already verified, until they expire: a client sends the same token with every request for minutes,
# and checking its signature again each time was a tenth of a list's time. Bounded; oldest out first.
VERIFIED_TOKENS_KEPT = 10_000
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


@dataclass(frozen=True)
class Principal:
    user_id: str
    username: str
    name: str
    roles: frozenset[str]
    division_code: str | None
    claims: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def level(self) -> Level | None:
        return level_of(self.division_code) if self.division_code else None

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def can_see(self, code: str) -> bool:
        """Inside the user's jurisdiction: the user's unit itself or below it."""
        return bool(self.division_code) and is_within(code, self.division_code)

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.user_id, name=self.name, roles=sorted(self.roles), division_code=self.division_code)


class TokenVerifier:
    def __init__(self, *, issuer: str, audience: str, jwks_url: str, refresh_interval: float = 5.0):
        self.issuer = issuer
        self.audience = audience
        self.jwks_url = jwks_url
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._refresh_interval = refresh_interval
        self._lock = asyncio.Lock()
        self._verified: dict[str, Principal] = {}

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self._refresh_interval and self._keys:
                return
            async with httpx.AsyncClient(timeout=5) as client:
                response = await client.get(self.jwks_url)
                response.raise_for_status()
            keys = {}
            for jwk in response.json().get("keys", []):
                if jwk.get("use", "sig") != "sig" or "kid" not in jwk:
                    continue
                try:
                    keys[jwk["kid"]] = jwt.PyJWK(jwk)
                except jwt.PyJWTError:
                    continue  # a key type this library cannot use
            self._keys = keys
            self._fetched_at = time.monotonic()

    async def preload(self) -> None:
        """Fetch the realm's keys now, so tokens stay verifiable if Keycloak is briefly unreachable later."""
        await self._refresh()

    @property
    def cached_keys(self) -> int:
        return len(self._keys)

    async def key_for(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys:
            try:
                await self._refresh()
            except httpx.HTTPError as exc:
                raise unauthorized(f"无法获取认证服务的公钥 (cannot fetch the realm keys: {exc})") from exc
        try:
            return self._keys[kid]
        except KeyError:
            raise unauthorized("令牌的签名密钥未知 (token signed with an unknown key)") from None

    async def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None and known.claims["exp"] > time.time():
            return known
        principal = await self._verify(token)
        if len(self._verified) >= VERIFIED_TOKENS_KEPT:
            del self._verified[next(iter(self._verified))]
        self._verified[token] = principal
        return principal

    async def _verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise unauthorized(f"令牌格式错误 (malformed token: {exc})") from exc
        if header.get("alg") not in SIGNING_ALGORITHMS:
            raise unauthorized("令牌签名算法不被接受 (signing algorithm not accepted)")
        key = await self.key_for(header.get("kid", ""))
        try:
            claims = jwt.decode(
                token, key, algorithms=[header["alg"]], audience=self.audience, issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "sub"]}, leeway=5,
            )
        except jwt.ExpiredSignatureError:
            raise unauthorized("令牌已过期 (token expired)") from None
        except jwt.MissingRequiredClaimError as exc:
            if exc.claim == "aud":
                raise unauthorized(f"令牌不是签发给本服务的 (no audience; audience must include {self.audience})") from None
            raise unauthorized(f"令牌缺少声明 {exc.claim} (token is missing the {exc.claim} claim)") from None
        except jwt.InvalidAudienceError:
            raise unauthorized(f"令牌不是签发给本服务的 (audience must include {self.audience})") from None
        except jwt.InvalidIssuerError:
            raise unauthorized(f"令牌签发者不正确 (issuer must be {self.issuer})") from None
        except jwt.PyJWTError as exc:
            raise unauthorized(f"令牌无效 (invalid token: {exc})") from None
        return principal_from_claims(claims)


def principal_from_claims(claims: dict) -> Principal:
    division = claims.get("division_code")
    if isinstance(division, list):
        if len(division) > 1:
            raise forbidden("用户属于多个单位，无法确定辖区 (user belongs to more than one unit)")
        division = division[0] if division else None
    if division is not None:
        try:
            level_of(division)
        except InvalidDivisionCode:
            raise forbidden(f"用户单位的区划代码无效: {division}") from None
    roles = frozenset(claims.get("realm_access", {}).get("roles", []))
    username = claims.get("preferred_username") or claims.get("client_id") or claims["sub"]
    family, given = claims.get("family_name"), claims.get("given_name")
    # Chinese names read family name first, without a space (李县组, not "县组 李").
    name = f"{family}{given}" if family and given else claims.get("name") or username
    return Principal(
        user_id=claims["sub"], username=username, name=name,
        roles=roles, division_code=division, claims=claims,
    )


# The ways of logging in that /openapi.json names on every route that needs a caller (zhengdun.openapi adds
# them and the realm's URLs). They are not dependencies of the routes: FastAPI would resolve each on every
# request, and with the scopes of the first every dependency above it too (seen: a tenth of a list read's CPU).
LOGIN = OAuth2AuthorizationCodeBearer(authorizationUrl="", tokenUrl="", scheme_name="zhengdun", auto_error=False,
                                      scopes={"openid": "OpenID Connect"})
BEARER = HTTPBearer(scheme_name="bearer", bearerFormat="JWT", auto_error=False)


async def current_principal(request: Request) -> Principal:
    """The authenticated caller, or 401 problem+json (read by every guard: zhengdun.access.authorized)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("需要 Bearer 令牌 (a bearer token from the zhengdun realm is required)")
    principal = await request.app.state.runtime.verifier.verify(token.strip())
    request.state.principal = principal
    current_user.set(principal.username)  # every log line of this request names its user
    return principal
