#!/usr/bin/env bash
# The project's test command: every unit test and integration test (`mvn -B verify`).
#
# On Debian 12, as root or with sudo, it first installs what the integration tests need and is
# missing: prosody and ejabberd (real XMPP servers, started by the tests on free loopback ports), haproxy
# (the documented multi-node config, run by HaproxyRoutingIT on a free loopback port), chromium
# (headless, for strophe.js), openssl (test certificates), node/npm (playwright-core), and the npm
# packages in cm-server/src/test/js. See docs/testing.md.
#
# Extra arguments go to Maven, for example:
#   scripts/test.sh -Dbosh.target=prosody                 # client ITs against Prosody's mod_bosh
#   scripts/test.sh -pl cm-server -am -Dit.test=SmackBoshIT -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test.sh] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else log "need root or sudo for: $*"; exit 1
  fi
}

apt_install() {
  log "installing: $*"
  # Keep maintainer scripts from starting services (Prosody's and ejabberd's postinst would start
  # a system server on 5222/5269/5280, HAProxy's a system haproxy). policy-rc.d exit 101 = "action forbidden".
  local created_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    created_policy=yes
  fi
  if [ -z "$apt_updated" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=yes
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
  if [ -n "$created_policy" ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
}
apt_updated=""

missing=()
command -v prosody >/dev/null 2>&1 || missing+=(prosody)
[ -x /usr/sbin/ejabberdctl ] || missing+=(ejabberd)
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)

if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
  if printf '%s\n' "${missing[@]}" | grep -qx prosody; then
    # In case an init system started it anyway (pidfile based; the tests never use it).
    as_root service prosody stop >/dev/null 2>&1 || true
  fi
  if printf '%s\n' "${missing[@]}" | grep -qx ejabberd; then
    # Same for ejabberd (5222/5269/5280/5443); the tests start their own node (EjabberdServer).
    as_root service ejabberd stop >/dev/null 2>&1 || true
  fi
  if printf '%s\n' "${missing[@]}" | grep -qx haproxy; then
    # Same for HAProxy; HaproxyRoutingIT runs its own in the foreground (Haproxy.java).
    as_root service haproxy stop >/dev/null 2>&1 || true
  fi
fi
# After nodejs: NodeSource's nodejs bundles npm and conflicts with Debian's npm package.
command -v npm >/dev/null 2>&1 || apt_install npm

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  log "warning: node $(node --version) is older than playwright-core needs (>= 20); StropheBoshIT may fail"
fi

js=cm-server/src/test/js
if [ ! -d "$js/node_modules" ] || [ "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
  log "npm ci in $js"
  (cd "$js" && npm ci --no-audit --no-fund)
fi

log "mvn -B verify $*"
exec mvn -B verify "$@"
