#!/bin/sh
# Demo Prosody: create a self-signed certificate and the demo accounts on first start, then run
# Prosody in the foreground. Runs as the prosody user (see Dockerfile).
set -eu

DOMAIN=localhost
DATA=/var/lib/prosody
CRT="$DATA/$DOMAIN.crt"
KEY="$DATA/$DOMAIN.key"

if [ ! -s "$KEY" ] || [ ! -s "$CRT" ]; then
  echo "entrypoint: creating a self-signed certificate for $DOMAIN (demo only)"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 \
    -subj "/CN=$DOMAIN" -addext "subjectAltName=DNS:$DOMAIN" \
    -keyout "$KEY" -out "$CRT" 2>/dev/null
  chmod 600 "$KEY"
fi

# DEMO_USERS: space-separated local parts; DEMO_PASSWORD: one password for all (demo only).
for user in ${DEMO_USERS:-alice bob}; do
  if prosodyctl register "$user" "$DOMAIN" "${DEMO_PASSWORD:-demo-password}" >/dev/null 2>&1; then
    echo "entrypoint: account $user@$DOMAIN ready"
  else
    echo "entrypoint: could not register $user@$DOMAIN (it may exist already)"
  fi
done

exec prosody -F
