# shellcheck shell=bash
# Sourced by ./mvnw and ./sluice: makes sure JAVA_HOME points at a JDK 21 or newer.
# Keeps a suitable JAVA_HOME or `java`; otherwise picks the newest JDK 21+ from the usual places.
# Set SLUICE_JDK_SEARCH (space-separated globs) to change where it looks.

sluice_java_major() {
  # Prints the feature version of the java binary $1 (e.g. 17, 21, 25), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

sluice_pick_jdk() {
  local current="" major=""
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    current="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    current="$(command -v java)"
  fi
  if [ -n "$current" ]; then
    major="$(sluice_java_major "$current")"
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      if [ -z "${JAVA_HOME:-}" ]; then
        JAVA_HOME="$(cd "$(dirname "$(readlink -f "$current")")/.." && pwd)"
        export JAVA_HOME
      fi
      return 0
    fi
  fi
  local best="" best_major=0 candidate m
  local search="${SLUICE_JDK_SEARCH:-/usr/lib/jvm/* /opt/java/* /opt/jdk* $HOME/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home}"
  for candidate in $search; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    m="$(sluice_java_major "$candidate/bin/java")"
    [ -n "$m" ] || continue
    if [ "$m" -ge 21 ] && [ "$m" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$m"
    fi
  done
  if [ -z "$best" ]; then
    echo "sluice needs JDK 21 or newer to build and run; found ${major:-no java} (${current:-not on PATH})." >&2
    echo "Install one (for example Temurin 21 or 25) or set JAVA_HOME to it." >&2
    return 1
  fi
  JAVA_HOME="$best"
  export JAVA_HOME
  PATH="$JAVA_HOME/bin:$PATH"
  export PATH
}
