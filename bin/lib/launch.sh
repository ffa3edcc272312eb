# Sourced by the bin/ launchers: finds the installation from the script's own path and runs one of its
# Java main classes from <module>/target (the jar plus the runtime dependencies copied to target/lib).

CURVEFS_JVM_OPTS=()
CURVEFS_HOME="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"

# The module's jar, or nothing when the module has not been packaged.
curvefs_module_jar() {
    local module=$1 jar
    for jar in "$CURVEFS_HOME/$module/target/$module"-*.jar; do
        case $jar in
            *-sources.jar | *-tests.jar | *-javadoc.jar) continue ;;
        esac
        if [[ -f $jar && -d $CURVEFS_HOME/$module/target/lib ]]; then
            echo "$jar"
            return 0
        fi
    done
    return 1
}

# Fails (exit 2) rather than building: a surprise multi-minute build is worse than a clear instruction.
curvefs_require_built() {
    local name=$1 module=$2
    if ! curvefs_module_jar "$module" >/dev/null; then
        echo "$name is not built: run 'mvn -DskipTests package' in $CURVEFS_HOME" >&2
        exit 2
    fi
}

# curvefs_launch NAME MODULE MAIN_CLASS args...; the caller may set the array CURVEFS_JVM_OPTS first.
# Replaces the shell with the JVM, so the caller's pid (and its signals) are the JVM's.
curvefs_launch() {
    local name=$1 module=$2 main=$3
    shift 3
    local jvm_opts=("${CURVEFS_JVM_OPTS[@]}")
    curvefs_require_built "$name" "$module"
    local jar
    jar=$(curvefs_module_jar "$module")
    # JAVA_OPTS is split on spaces on purpose: it holds several options.
    # shellcheck disable=SC2086
    exec java -Dcom.google.protobuf.use_unsafe_pre22_gencode=true \
        -Dcurvefs.home="$CURVEFS_HOME" \
        -Dorg.slf4j.simpleLogger.showDateTime=true \
        -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \
        "${jvm_opts[@]}" ${JAVA_OPTS:-} \
        -cp "$jar:$CURVEFS_HOME/$module/target/lib/*" "$main" "$@"
}

# Installs the Debian packages given that are missing (needs root and apt-get); fails with one line otherwise.
curvefs_install_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
        echo "curvefs: missing packages ${missing[*]} and cannot install them (need root and apt-get)" >&2
        return 1
    fi
    echo "curvefs: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
