# Sourced by ./vigil and .ci/run: makes sure a Java 17 (or newer) is there, the one in $JAVA_HOME when it is set (as
# ./mvnw takes it), else the one on PATH; with VIGIL_NEED_JDK=1 (a build is coming) javac too. When it is missing
# and we are root with apt-get, installs openjdk-17-jdk-headless; else exits naming what to install.
vigil_need_java() {
  local bin=""
  [ -n "${JAVA_HOME:-}" ] && bin="$JAVA_HOME/bin/"
  command -v "${bin}java" >/dev/null 2>&1 || return 0
  if [ "${VIGIL_NEED_JDK:-}" = 1 ]; then
    command -v "${bin}javac" >/dev/null 2>&1 || return 0
  fi
  local v
  v="$("${bin}java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')"
  [ "${v%%.*}" -ge 17 ] 2>/dev/null && return 1 || return 0
}

if vigil_need_java; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "vigil: installing a Java 17 JDK (openjdk-17-jdk-headless)..." >&2
    apt-get update -qq >&2 && apt-get install -y -qq openjdk-17-jdk-headless >&2
    if [ -n "${JAVA_HOME:-}" ] && vigil_need_java; then
      unset JAVA_HOME # it names an older one: take the one just installed, on PATH
    fi
  else
    echo "vigil: needs Java 17 or newer${VIGIL_NEED_JDK:+ with javac} (${JAVA_HOME:+\$JAVA_HOME/bin/java, else }java on PATH; e.g. apt-get install openjdk-17-jdk-headless)" >&2
    exit 1
  fi
fi
