#!/usr/bin/env bash
# Runs every test of the project: the README's test command, and what CI runs (.ci/run).
# Besides Java 17 and the Maven wrapper, the tests need
#  - Debian's headless Chromium and ChromeDriver for the demo page's browser tests (a browser
#    downloaded by a test tool is not an option on these machines),
#  - Debian's squid for the proxy tests,
#  - Node.js and npm for the Socket.IO tests, which run a real Socket.IO server and install its
#    npm package (from the npm registry) on their first run,
#  - PostgreSQL and MariaDB on localhost, or a Docker engine for Testcontainers (see README).
# The programs are installed here with apt-get when missing and the script runs as root;
# otherwise it says what to install.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -x /usr/sbin/squid ] || missing+=(squid)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "Installing ${missing[*]} for the browser, proxy and Socket.IO tests (apt-get)"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
	else
		echo "The demo page's browser tests need Chromium and ChromeDriver at /usr/bin/chromium and" >&2
		echo "/usr/bin/chromedriver, the proxy tests squid at /usr/sbin/squid, the Socket.IO tests" >&2
		echo "Node.js and npm. Install them first, then run ./test.sh again:" >&2
		echo "  sudo apt-get install ${missing[*]}" >&2
		exit 1
	fi
fi

echo "Found: $(/usr/bin/chromium --version 2>/dev/null | head -n 1), squid, Node.js $(node --version), npm $(npm --version)"
exec ./mvnw -B -ntp verify "$@"
