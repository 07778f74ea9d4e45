#!/usr/bin/env bash
# Builds a release binary and installs it with the schema, docs and systemd unit.
# Run from the repository root as root: deploy/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product uade
BIN="$(swift build -c release --show-bin-path)"
install -d /usr/share/uade/schema /usr/share/uade/docs /etc/uade
install -m 0755 "$BIN/uade" /usr/local/bin/uade
# The demo's resources (territories, catalogue) ship as a bundle beside the binary.
cp -r "$BIN"/*.resources /usr/local/bin/ 2>/dev/null || true
install -m 0644 schema/*.sql /usr/share/uade/schema/
install -m 0644 docs/openapi.yaml /usr/share/uade/docs/
install -m 0644 deploy/uade.service deploy/uade-evaluate.service deploy/uade-evaluate.timer /etc/systemd/system/
[ -f /etc/uade/uade.env ] || install -m 0640 deploy/uade.env.example /etc/uade/uade.env
id uade >/dev/null 2>&1 || useradd --system --home /nonexistent --shell /usr/sbin/nologin uade
chgrp uade /etc/uade/uade.env
systemctl daemon-reload
echo "Installed. Edit /etc/uade/uade.env, then: systemctl enable --now uade uade-evaluate.timer"
