"""Each service's /openapi.json, completed centrally: where to log in (the realm's OAuth2 flow,
authorization code + PKCE through the public client zhengdun-web, or a bearer token)."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi


def security_schemes(issuer: str) -> dict[str, Any]:
    endpoints = f"{issuer.rstrip('/')}/protocol/openid-connect"
    return {
        "zhengdun": {
            "type": "oauth2",
            "description": "登录：整顿平台统一认证 (Keycloak realm zhengdun, public client zhengdun-web, "
                           "authorization code + PKCE)",
            "flows": {"authorizationCode": {"authorizationUrl": f"{endpoints}/auth", "tokenUrl": f"{endpoints}/token",
                                            "refreshUrl": f"{endpoints}/token",
                                            "scopes": {"openid": "OpenID Connect"}}},
        },
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "同一认证服务签发的访问令牌 (an access token of the zhengdun realm)"},
    }


def install_openapi(app: FastAPI, *, issuer: str) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schema.setdefault("components", {})["securitySchemes"] = security_schemes(issuer)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
