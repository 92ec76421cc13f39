"""Recomputes SigV4 query signatures of presigned URLs with botocore's own signer.

Reads JSON from stdin: {"accessKeyId", "secretAccessKey", "region", "cases": [{"name", "method",
"url", "headers"}]}. For each case it strips the auth parameters from the URL, has botocore's
S3SigV4QueryAuth presign the same request (method, path, remaining query, headers) with the same
credentials at the URL's X-Amz-Date for its X-Amz-Expires, and prints, as JSON, botocore's
signature, signed headers and credential next to the ones in the URL.
"""

import datetime
import json
import sys
from unittest import mock
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit, quote

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AUTH_PARAMS = {
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
}


def resign(case, credentials, region):
    parts = urlsplit(case["url"])
    query = parse_qsl(parts.query, keep_blank_values=True)
    given = dict(query)
    operation = [(k, v) for k, v in query if k not in AUTH_PARAMS]
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(operation, quote_via=quote), ""))
    request = AWSRequest(method=case["method"], url=url, headers=case.get("headers") or {})
    signer = S3SigV4QueryAuth(credentials, "s3", region, expires=int(given["X-Amz-Expires"]))
    when = datetime.datetime.strptime(given["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    # botocore reads the clock inside add_auth; pin it to the URL's signing date.
    with mock.patch("botocore.auth.datetime") as clock:
        clock.datetime.utcnow.return_value = when
        signer.add_auth(request)
    signed = dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
    return {
        "name": case["name"],
        "botocore": {
            "signature": signed["X-Amz-Signature"],
            "signedHeaders": signed["X-Amz-SignedHeaders"],
            "credential": signed["X-Amz-Credential"],
        },
        "given": {
            "signature": given.get("X-Amz-Signature"),
            "signedHeaders": given.get("X-Amz-SignedHeaders"),
            "credential": given.get("X-Amz-Credential"),
        },
    }


def main():
    payload = json.load(sys.stdin)
    credentials = Credentials(payload["accessKeyId"], payload["secretAccessKey"])
    results = [resign(case, credentials, payload["region"]) for case in payload["cases"]]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
