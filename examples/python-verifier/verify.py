#!/usr/bin/env python3
"""A Python service that trusts the access tokens of @tetrastack/backend, written the way a
FastAPI app would (`current_user` is the dependency a route declares with `Depends`), on the
standard library plus PyJWT only, so it runs with Debian's python3-jwt and python3-cryptography.

Configuration, from the environment:
  TOKEN_ISSUER        the app's `accessTokens.issuer` (its public URL by default); required
  TOKEN_AUDIENCE      the audience this service accepts; required
  TOKEN_JWKS_URL      EdDSA/ES256/RS256: the app's `GET /api/auth/jwks`
  TOKEN_HS256_SECRET  HS256: the app's `accessTokens.secret` (never its AUTH_SECRET)
  TOKEN_ALGORITHMS    the algorithms accepted with the JWKS, comma-separated (default "EdDSA")

  python3 verify.py serve [--port 8000] [--max-requests N]
      GET /me with `Authorization: Bearer <token>` answers {"sub": "<user id>"}, else 401
      {"detail": "..."}, as FastAPI's HTTPException does. Listens on 127.0.0.1 only.
  python3 verify.py check
      Reads one JSON object per line ({"authorization": "Bearer ..."}) and prints, per line,
      {"sub": "..."} or {"error": "<PyJWT's exception class>"}.
"""

import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt  # PyJWT

ISSUER = os.environ["TOKEN_ISSUER"]
AUDIENCE = os.environ["TOKEN_AUDIENCE"]
HS256_SECRET = os.environ.get("TOKEN_HS256_SECRET")
JWKS_URL = os.environ.get("TOKEN_JWKS_URL")
# Always pin the algorithms: never let the token's header choose how it is checked.
ALGORITHMS = ["HS256"] if HS256_SECRET else os.environ.get("TOKEN_ALGORITHMS", "EdDSA").split(",")
if not HS256_SECRET and not JWKS_URL:
    sys.exit("set TOKEN_JWKS_URL (EdDSA, ES256, RS256) or TOKEN_HS256_SECRET (HS256)")

# Fetches the key set over HTTP once, caches it, and fetches it again for a kid it does not know
# (the app publishes its next key a whole rotation period before it signs with it).
jwks_client = jwt.PyJWKClient(JWKS_URL) if JWKS_URL else None


class Unauthorized(Exception):
    """What FastAPI's `HTTPException(status_code=401)` stands for here."""


def current_user(authorization):
    """The user id (`sub`) of the request's bearer token; Unauthorized otherwise."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthorized("MissingToken")
    token = authorization[len("Bearer ") :]
    try:
        key = HS256_SECRET if HS256_SECRET else jwks_client.get_signing_key_from_jwt(token).key
        claims = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "sid", "iss", "aud"]},
        )
    except (jwt.PyJWTError, jwt.PyJWKClientError) as error:
        raise Unauthorized(type(error).__name__) from error
    return claims["sub"]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/me":
            return self.answer(404, {"detail": "Not Found"})
        try:
            return self.answer(200, {"sub": current_user(self.headers.get("Authorization"))})
        except Unauthorized as error:
            return self.answer(401, {"detail": str(error)})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass  # no token ever reaches a log


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["serve", "check"])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--max-requests", type=int, default=0, help="stop after this many requests (0: never)")
    args = parser.parse_args()
    if args.mode == "check":
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                result = {"sub": current_user(json.loads(line).get("authorization"))}
            except Unauthorized as error:
                result = {"error": str(error)}
            print(json.dumps(result), flush=True)
        return
    server = HTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    served = 0
    while args.max_requests == 0 or served < args.max_requests:
        server.handle_request()
        served += 1
    server.server_close()


if __name__ == "__main__":
    main()
