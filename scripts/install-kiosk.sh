#!/usr/bin/env bash
# Installs this kiosk as a set of systemd services on a Debian 12 machine, as root. Idempotent: run it again after
# an upgrade and it changes only what changed; an existing /etc/cccd-kiosk/kiosk.toml is never overwritten.
#
#   bash scripts/install-kiosk.sh                 install into /opt/cccd-kiosk and enable the services
#   bash scripts/install-kiosk.sh --dry-run       print every step, change nothing
#   bash scripts/install-kiosk.sh --root DIR      write the files under DIR only (packaging, checks); runs nothing
#
# What it sets up: Debian packages (cage, pcscd, CUPS, systemd), the project in $PREFIX with its own venv, the
# dedicated user `cccd-kiosk` (deploy/sysusers.d), udev rules for reader, camera and printer (deploy/udev), the
# polkit rule that lets that user use pcscd (deploy/polkit), the units (deploy/systemd: the kiosk window with its
# watchdog and the signed-update timer), and a starting configuration with JSON logs for journald.
set -euo pipefail

PREFIX=/opt/cccd-kiosk
ROOT=""
DRY_RUN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    --root) ROOT=${2:?--root needs a folder}; shift ;;
    --prefix) PREFIX=${2:?--prefix needs a folder}; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install-kiosk: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

SRC=$(cd "$(dirname "$0")/.." && pwd)
APT_PACKAGES=(python3-venv cage pcscd libccid cups systemd polkitd)

run() {  # a command that changes the system: shown, and run only for a real installation
  if [ "$DRY_RUN" = 1 ] || [ -n "$ROOT" ]; then
    echo "+ $*"
  else
    "$@"
  fi
}

put() {  # put SOURCE DEST MODE: install a file (prefix rewritten in text files) when its content differs
  local source=$1 dest=$ROOT$2 mode=$3 tmp
  tmp=$(mktemp)
  sed "s|/opt/cccd-kiosk|$PREFIX|g" "$source" > "$tmp"
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then
    rm -f "$tmp"
    return 0
  fi
  if [ "$DRY_RUN" = 1 ]; then
    echo "+ install -m $mode $source $dest"
    rm -f "$tmp"
    return 0
  fi
  mkdir -p "$(dirname "$dest")"
  install -m "$mode" "$tmp" "$dest"
  rm -f "$tmp"
  CHANGED=1
}

if [ -z "$ROOT" ] && [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "install-kiosk: run as root (or with --dry-run / --root DIR)" >&2
  exit 2
fi
CHANGED=0

# 1. Debian packages.
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  run apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# 2. The project and its virtual environment (runtime dependencies only).
if [ "$SRC" != "$PREFIX" ]; then
  run mkdir -p "$ROOT$PREFIX"
  run tar -C "$SRC" --exclude=./.venv --exclude=./var --exclude=./demo-output --exclude='*.egg-info' \
    --exclude='__pycache__' -cf "$ROOT$PREFIX.tar" .
  run tar -C "$ROOT$PREFIX" -xf "$ROOT$PREFIX.tar"
  run rm -f "$ROOT$PREFIX.tar"
fi
if [ ! -x "$ROOT$PREFIX/.venv/bin/kiosk" ] || [ "$SRC" != "$PREFIX" ]; then
  run python3 -m venv "$ROOT$PREFIX/.venv"
  run "$ROOT$PREFIX/.venv/bin/pip" install -q "$ROOT$PREFIX"
fi

# 3. The dedicated user, devices and pcscd access.
put "$SRC/deploy/sysusers.d/cccd-kiosk.conf" /etc/sysusers.d/cccd-kiosk.conf 0644
put "$SRC/deploy/udev/70-cccd-kiosk.rules" /etc/udev/rules.d/70-cccd-kiosk.rules 0644
put "$SRC/deploy/polkit/50-cccd-kiosk-pcscd.rules" /etc/polkit-1/rules.d/50-cccd-kiosk-pcscd.rules 0644
run systemd-sysusers /etc/sysusers.d/cccd-kiosk.conf
run udevadm control --reload
run udevadm trigger --subsystem-match=usb --subsystem-match=video4linux --subsystem-match=usbmisc

# 4. A starting configuration (never replaced once there): demo-free devices are chosen by the technician.
config="$ROOT/etc/cccd-kiosk/kiosk.toml"
if [ ! -f "$config" ]; then
  if [ "$DRY_RUN" = 1 ]; then
    echo "+ write $config"
  else
    mkdir -p "$(dirname "$config")"
    cat > "$config" <<TOML
# Start from config/kiosk.example.toml in $PREFIX for every setting.
[kiosk]
data_dir = "/var/lib/cccd-kiosk"

[ui]
fullscreen = true

[logging]
format = "json"
TOML
    chmod 0640 "$config"
  fi
fi
run chown -R root:cccd-kiosk "$ROOT/etc/cccd-kiosk"

# 5. The services.
for unit in cccd-kiosk.service cccd-kiosk-update.service cccd-kiosk-update.timer; do
  put "$SRC/deploy/systemd/$unit" "/etc/systemd/system/$unit" 0644
done
run systemctl daemon-reload
run systemctl enable cccd-kiosk.service cccd-kiosk-update.timer
run systemctl set-default graphical.target
if [ "$CHANGED" = 1 ]; then
  run systemctl restart cccd-kiosk.service
fi
run systemctl start cccd-kiosk-update.timer
echo "install-kiosk: done (prefix $PREFIX${ROOT:+, under $ROOT})"
