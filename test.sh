#!/usr/bin/env bash
# Runs every test of the project: the README's test command, and what CI runs (.ci/run).
# The demo page's browser tests drive Debian's headless Chromium and ChromeDriver (a browser
# downloaded by a test tool is not an option on these machines), and the proxy tests run
# Debian's squid: they are installed here with apt-get when missing and the script runs as
# root; otherwise it says what to install.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -x /usr/sbin/squid ] || missing+=(squid)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "Installing ${missing[*]} for the browser and proxy tests (apt-get)"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
	else
		echo "The demo page's browser tests need Chromium and ChromeDriver at /usr/bin/chromium and" >&2
		echo "/usr/bin/chromedriver, the proxy tests squid at /usr/sbin/squid. Install them first," >&2
		echo "then run ./test.sh again:" >&2
		echo "  sudo apt-get install ${missing[*]}" >&2
		exit 1
	fi
fi

exec ./mvnw -B -ntp verify "$@"
