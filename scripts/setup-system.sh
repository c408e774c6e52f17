#!/usr/bin/env bash
# Installs the system peers of the second test tier (`npm run test:system`): Dovecot (IMAP/POP3
# XOAUTH2 logins), a headless JDK (keytool + the JVM truststore proofs) and Chromium (the console's
# browser tests, driven by playwright-core at /usr/bin/chromium). Idempotent.
set -euo pipefail

need=()
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-core)
dpkg -s dovecot-imapd >/dev/null 2>&1 || need+=(dovecot-imapd)
dpkg -s dovecot-pop3d >/dev/null 2>&1 || need+=(dovecot-pop3d)
{ command -v java && command -v javac && command -v keytool; } >/dev/null 2>&1 || need+=(default-jdk-headless)
[[ -x /usr/bin/chromium ]] || need+=(chromium)

if ((${#need[@]} == 0)); then
  echo "setup:system: all system peers present (dovecot, java, javac, keytool, chromium)."
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
echo "setup:system: done."
