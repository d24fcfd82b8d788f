# Parley identity verification, on your server (Python 3).
# Pass the result to Parley.identify({email, signature}) in the page you serve
# to a signed-in user. Never send the secret itself to the browser.
import hashlib
import hmac
import os
import sys


def parley_signature(email, secret=None):
    """hex(HMAC-SHA256(secret, email))"""
    secret = secret or os.environ["PARLEY_IDENTITY_SECRET"]
    return hmac.new(secret.encode(), email.encode(), hashlib.sha256).hexdigest()


# PARLEY_IDENTITY_SECRET=... python3 sign.py user@example.com
if __name__ == "__main__":
    print(parley_signature(sys.argv[1]))
