#!/usr/bin/env bash
# Installs the system peers of the second test tier (`npm run test:system`): Dovecot (IMAP/POP3
# XOAUTH2 logins), a headless JDK (keytool + the JVM truststore proofs), Apache httpd and nginx (the
# real-proxy qsh matrix) and Chromium (the console's browser tests, driven by playwright-core at
# /usr/bin/chromium). Idempotent.
set -euo pipefail

need=()
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-core)
dpkg -s dovecot-imapd >/dev/null 2>&1 || need+=(dovecot-imapd)
dpkg -s dovecot-pop3d >/dev/null 2>&1 || need+=(dovecot-pop3d)
{ command -v java && command -v javac && command -v keytool; } >/dev/null 2>&1 || need+=(default-jdk-headless)
# Apache httpd and nginx: the real-proxy qsh matrix (test/e2e/proxies) starts its own on loopback.
[[ -x /usr/sbin/apache2 ]] || need+=(apache2)
[[ -x /usr/sbin/nginx ]] || need+=(nginx)
# Chromium: the console's browser tests (test/e2e/console.test.ts) drive it with playwright-core.
[[ -x /usr/bin/chromium ]] || need+=(chromium)

if ((${#need[@]} == 0)); then
  echo "setup:system: all system peers present (dovecot, java, javac, keytool, apache2, nginx, chromium)."
  exit 0
fi

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "setup:system: installing ${need[*]} with apt-get"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
# The packaged service is not wanted: tests start their own Dovecot in a temp dir.
if command -v systemctl >/dev/null 2>&1; then "${sudo[@]}" systemctl disable --now dovecot >/dev/null 2>&1 || true; fi
"${sudo[@]}" service dovecot stop >/dev/null 2>&1 || true
# Nor the packaged web servers: the proxy tests start theirs with generated configurations.
for service in apache2 nginx; do "${sudo[@]}" service "$service" stop >/dev/null 2>&1 || true; done
echo "setup:system: done."
