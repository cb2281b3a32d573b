#!/bin/sh
# Create (or check) .venv-peers: the virtualenv of the GPL test peers (django-pyas2, pyas2lib).
#
# Why a second venv: django-pyas2 and pyas2lib are GPL. Aiguillage is Apache-2.0 and must never
# import them, so they are kept out of .venv (the product's venv) entirely. The interop tests
# and bench/as2_peer.py run django-pyas2 as a subprocess with .venv-peers/bin/python, so no
# Aiguillage process ever loads GPL code.
#
# Idempotent: a stamp file records the pins and the patch; when it matches, nothing is done.
# Usage: sh tests/support/make_peers_venv.sh [VENV_DIR]   (default: .venv-peers beside the repo root)
set -eu

REPO=$(CDPATH='' cd -- "$(dirname -- "$0")/../.." && pwd)
VENV=${1:-$REPO/.venv-peers}
PYTHON=${PYTHON:-python3}

# Exact pins, as resolved on 2026-11 (Python 3.11). django-pyas2 1.2.3 pins pyas2lib==1.4.3,
# which needs pyOpenSSL==23.0.0 and breaks with any newer cryptography; pyas2lib 1.4.4 works,
# so django-pyas2 is installed with --no-deps on top (pip check then reports that pin only).
# gunicorn serves django-pyas2 the way a production install would (runserver is a dev server);
# like every WSGI server it hands Django an empty body for chunked requests without
# Content-Length, so our sender must not use http_chunked towards it.
PINS="pyas2lib==1.4.4 Django==5.2.19 requests==2.34.2 asgiref==3.13.0 asn1crypto==1.5.1
certifi==2026.10.19.post1 cffi==2.1.1 charset-normalizer==3.5.3 cryptography==50.0.2 idna==3.20
oscrypto==1.3.0 pycparser==3.12 pyOpenSSL==26.4.0 sqlparse==0.6.1 typing_extensions==4.16.0
urllib3==2.8.0 gunicorn==27.0.1"
PEER="django-pyas2==1.2.3"
PATCH_ID="oscrypto-version-regex-1"
STAMP="$VENV/.peers-stamp"
WANT=$(printf '%s\n%s\n%s\n' "$PINS" "$PEER" "$PATCH_ID")

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$VENV/bin/python" ]; then
    exit 0
fi

echo "creating the test-peer venv $VENV (django-pyas2, GPL, test-only)"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
# shellcheck disable=SC2086  # PINS is a word list on purpose
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $PINS
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$PEER"

# oscrypto 1.3.0 reads the OpenSSL version with the regex \d\.\d\.\d, which does not match
# two-digit parts ("3.0.19"): importing pyas2lib then fails with "LibraryNotFoundError: Error
# detecting the version of libcrypto". Upstream master and Debian's python3-oscrypto
# 1.3.0-1+deb12u1 carry the same fix (\d+\.\d+\.\d+); there is no release with it yet. Patched
# in this venv only; the replace is a no-op when already applied.
"$VENV/bin/python" - <<'EOF'
import pathlib

import oscrypto

base = pathlib.Path(oscrypto.__file__).parent / "_openssl"
old, new = r"\\d\\.\\d\\.\\d[a-z]*", r"\\d+\\.\\d+\\.\\d+[a-z]*"
for name in ("_libcrypto_cffi.py", "_libcrypto_ctypes.py"):
    path = base / name
    text = path.read_text()
    if old in text:
        path.write_text(text.replace(old, new))
EOF

# Fail here, not in the tests, if the peer still cannot load.
"$VENV/bin/python" -c "import pyas2lib, django; import oscrypto.asymmetric"
printf '%s' "$WANT" > "$STAMP"
echo "test-peer venv ready: $VENV"
