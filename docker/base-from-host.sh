#!/usr/bin/env bash
# A Java 17 base image assembled without a registry, for machines that cannot pull eclipse-temurin:17-jre:
# a jlink runtime made from this machine's JDK 17 at /opt/java/openjdk (where the Temurin images keep it),
# the shared libraries it and the engine's native libraries (ONNX Runtime, RocksDB) load, the CA
# certificates, and a passwd entry for uid 10001, imported with `docker import`.
#   docker/base-from-host.sh [TAG]      # TAG defaults to switchboard-base:17
#   docker build --build-arg BASE=switchboard-base:17 -t switchboard:dev .
# Needs a JDK 17 with its jmods (Debian: openjdk-17-jdk-headless), ldd, and a running Docker daemon.
set -euo pipefail

tag="${1:-switchboard-base:17}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
if [ ! -x "$java_home/bin/jlink" ] || [ ! -d "$java_home/jmods" ]; then
  echo "No jlink or jmods in JAVA_HOME at $java_home: got a JRE, expected a JDK 17 with its jmods. Install openjdk-17-jdk-headless or set JAVA_HOME." >&2
  exit 1
fi
release="$(grep -o 'JAVA_VERSION="[^"]*"' "$java_home/release" || true)"
case "$release" in
  'JAVA_VERSION="17'*) ;;
  *) echo "Java version at $java_home/release: got '$release', expected 17. Set JAVA_HOME to a JDK 17." >&2; exit 1 ;;
esac

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
java="$root/opt/java/openjdk"

# Every module of the JDK but the incubating ones; no man pages, headers or debug symbols.
modules="$("$java_home/bin/java" --list-modules | sed 's/@.*//' | grep -v '^jdk\.incubator\.' | paste -sd, -)"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --output "$java"
# Debian's JDK keeps its CA store outside the java home (a symlink into /etc/ssl/certs/java).
if [ -s /etc/ssl/certs/java/cacerts ]; then
  cp -L /etc/ssl/certs/java/cacerts "$java/lib/security/cacerts"
fi

# The shared libraries the runtime links against, and those the engine's JNI libraries (extracted from
# their jars at run time, so ldd cannot see them here) need beyond that: all of glibc's (ONNX Runtime
# links libdl.so.2), the C++ runtime and zlib.
extra=()
for name in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libresolv.so.2 libutil.so.1 \
    libnss_files.so.2 libnss_dns.so.2 libstdc++.so.6 libgcc_s.so.1 libz.so.1; do
  path="$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64|64bit/ { print $NF; exit }')"
  [ -n "$path" ] && extra+=("$path")
done
{
  find "$java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null || true
  for lib in "${extra[@]}"; do echo "$lib => $lib"; ldd "$lib"; done
} | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u |
  while read -r lib; do
    case "$lib" in "$root"/*) continue ;; esac
    cp -L --parents "$lib" "$root"
  done

# C.UTF-8 (LANG below): without it Java 17 reads and writes file names and text as ASCII.
if [ -d /usr/lib/locale/C.utf8 ]; then
  cp -r --parents /usr/lib/locale/C.utf8 "$root"
fi
mkdir -p "$root/etc" "$root/tmp" "$root/var/lib/switchboard" "$root/etc/switchboard"
chmod 1777 "$root/tmp"
chown 10001:10001 "$root/var/lib/switchboard"
printf 'root:x:0:0:root:/root:/sbin/nologin\nswitchboard:x:10001:10001:Switchboard:/var/lib/switchboard:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nswitchboard:x:10001:\n' > "$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"

tar --numeric-owner -C "$root" -c . | docker import \
  --change 'ENV JAVA_HOME=/opt/java/openjdk' \
  --change 'ENV PATH=/opt/java/openjdk/bin:/usr/bin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  - "$tag" >/dev/null
echo "Imported $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%d MB", $1 / 1e6 }'))"
