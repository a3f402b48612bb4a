"""A receipt verifier written from the text of DESIGN §4 alone, sharing no code with Gongzhi.

    python tests/independent/verify_receipt.py RECEIPT.json KEYS.json

Exit 0 and "OK" when the receipt is genuine; exit 1 and the reason otherwise.
It imports only the standard library and ``cryptography``, as any other
program checking Gongzhi receipts would.
"""

import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ENTRY = ["v", "type", "session", "seq", "cast_at", "voter", "weights", "choices", "supersedes", "prev"]


def canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def main(receipt_path: str, keys_path: str) -> str | None:
    with open(receipt_path, encoding="utf-8") as fh:
        receipt = json.load(fh)
    with open(keys_path, encoding="utf-8") as fh:
        keys = json.load(fh)["keys"]
    entry = {field: receipt[field] for field in ENTRY}
    digest = hashlib.sha256(canonical(entry)).hexdigest()
    if digest != receipt["hash"]:
        return "hash mismatch"
    key = next((k for k in keys if k["key_id"] == receipt["key_id"]), None)
    if key is None:
        return "unknown key"
    raw = b64url_decode(key["public_key"])
    if hashlib.sha256(raw).hexdigest()[:16] != key["key_id"]:
        return "key_id mismatch"
    if not key["not_before"] <= receipt["cast_at"] or (key["not_after"] is not None and receipt["cast_at"] > key["not_after"]):
        return "key not valid at cast_at"
    signed = canonical({**entry, "hash": receipt["hash"], "key_id": receipt["key_id"]})
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(b64url_decode(receipt["sig"]), signed)
    except InvalidSignature:
        return "bad signature"
    return None


if __name__ == "__main__":
    problem = main(sys.argv[1], sys.argv[2])
    print(problem or "OK")
    sys.exit(1 if problem else 0)
