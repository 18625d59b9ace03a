# Sourced by ./vigil and .ci/run: makes sure a Java 17 (or newer) JDK is on PATH, installing
# openjdk-17-jdk-headless with apt-get when it is missing and we are root; else exits naming what to install.
vigil_need_java() {
  command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 || return 0
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')"
  [ "${v%%.*}" -ge 17 ] 2>/dev/null && return 1 || return 0
}

if vigil_need_java; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "vigil: installing a Java 17 JDK (openjdk-17-jdk-headless)..." >&2
    apt-get update -qq >&2 && apt-get install -y -qq openjdk-17-jdk-headless >&2
  else
    echo "vigil: needs a Java 17 or newer JDK on PATH (e.g. apt-get install openjdk-17-jdk-headless)" >&2
    exit 1
  fi
fi
