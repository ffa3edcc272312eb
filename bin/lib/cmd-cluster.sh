# shellcheck shell=bash
# start|stop|status: the local cluster of conf/ (3 MDS + 3 metaservers on 127.0.0.1)
#
# Processes run in the background with logs in data/logs/<name>.log and pid files in data/run/<name>.pid.
# Only processes named by those pid files (and still running with our conf file) are ever signalled.

CLUSTER_CONF_DIR="$CURVEFS_HOME/conf"
CLUSTER_DATA_DIR="$CURVEFS_HOME/data"
CLUSTER_LOG_DIR="$CLUSTER_DATA_DIR/logs"
CLUSTER_RUN_DIR="$CLUSTER_DATA_DIR/run"
CLUSTER_LEADER_WAIT_SECS=60
CLUSTER_ONLINE_WAIT_SECS=60
CLUSTER_STOP_WAIT_SECS=15

curvefs_cmd_cluster() {
    case ${1:-} in
        start) cluster_start ;;
        stop) cluster_stop ;;
        status) shift; exec "$BIN_DIR/curvefs-tool" --conf "$CLUSTER_CONF_DIR/tools.conf" status "$@" ;;
        *)
            echo "usage: curvefs cluster start|stop|status" >&2
            exit 2
            ;;
    esac
}

# name -> conf file, in start order: the MDS group first, so the metaservers find it
cluster_members() {
    local f
    for f in "$CLUSTER_CONF_DIR"/mds[0-9]*.conf "$CLUSTER_CONF_DIR"/metaserver[0-9]*.conf; do
        [[ -f $f ]] && echo "$(basename "$f" .conf) $f"
    done
}

# The pid of a running member, or nothing. A pid file whose process is gone, or now runs something else
# (pid reuse), does not count.
cluster_pid_of() {
    local name=$1 conf=$2 pid
    [[ -f $CLUSTER_RUN_DIR/$name.pid ]] || return 1
    pid=$(<"$CLUSTER_RUN_DIR/$name.pid")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--conf $conf" || return 1
    echo "$pid"
}

cluster_tool() {
    "$BIN_DIR/curvefs-tool" --conf "$CLUSTER_CONF_DIR/tools.conf" "$@"
}

# Fails when a member of kind $1 (mds, metaserver) has exited, showing the end of its log.
cluster_check_alive() {
    local kind=$1 name conf
    while read -r name conf; do
        [[ $name == "$kind"[0-9]* ]] || continue
        if ! cluster_pid_of "$name" "$conf" >/dev/null; then
            echo "curvefs: $name exited; last lines of $CLUSTER_LOG_DIR/$name.log:" >&2
            tail -n 20 "$CLUSTER_LOG_DIR/$name.log" >&2
            return 1
        fi
    done < <(cluster_members)
}

# Starts the members whose names begin with $1 (mds, metaserver) that are not running yet.
cluster_start_members() {
    local kind=$1 name conf
    while read -r name conf; do
        [[ $name == "$kind"[0-9]* ]] || continue
        if cluster_pid_of "$name" "$conf" >/dev/null; then
            echo "$name is already running"
            continue
        fi
        nohup "$BIN_DIR/curvefs-$kind" --conf "$conf" >>"$CLUSTER_LOG_DIR/$name.log" 2>&1 </dev/null &
        echo $! >"$CLUSTER_RUN_DIR/$name.pid"
        echo "started $name (pid $!), log $CLUSTER_LOG_DIR/$name.log"
    done < <(cluster_members)
}

cluster_start() {
    curvefs_require_built curvefs-mds curvefs-mds
    curvefs_require_built curvefs-metaserver curvefs-metaserver
    curvefs_require_built curvefs-tool curvefs-tools
    mkdir -p "$CLUSTER_LOG_DIR" "$CLUSTER_RUN_DIR"
    cluster_start_members mds

    echo "waiting up to ${CLUSTER_LEADER_WAIT_SECS}s for an MDS leader..."
    local deadline=$((SECONDS + CLUSTER_LEADER_WAIT_SECS))
    until cluster_tool list-fs >/dev/null 2>&1; do
        cluster_check_alive mds || exit 1
        if ((SECONDS >= deadline)); then
            echo "curvefs: no MDS leader after ${CLUSTER_LEADER_WAIT_SECS}s; see $CLUSTER_LOG_DIR/mds*.log" >&2
            exit 1
        fi
        sleep 1
    done

    # the topology first: the MDS refuses to register a metaserver whose ip:port is not a server of it
    cluster_tool create-topology --file "$CLUSTER_CONF_DIR/topology.json" || exit 1
    cluster_start_members metaserver

    echo "waiting up to ${CLUSTER_ONLINE_WAIT_SECS}s for the metaservers to be online..."
    deadline=$((SECONDS + CLUSTER_ONLINE_WAIT_SECS))
    until cluster_tool status >/dev/null 2>&1; do
        cluster_check_alive metaserver || exit 1
        if ((SECONDS >= deadline)); then
            cluster_tool status >&2 || true
            exit 1
        fi
        sleep 2
    done
    cluster_tool status
    cat <<EOM

The cluster is up. Next:
  bin/curvefs-tool create-fs --fsname fs1 --s3-endpoint http://127.0.0.1:9000 --s3-ak AK --s3-sk SK --s3-bucket curvefs
  bin/curvefs-tool list-fs | list-partition | list-copyset | usage | status
  bin/curvefs cluster stop
(the tool reads conf/tools.conf; logs are in $CLUSTER_LOG_DIR)
EOM
}

cluster_stop() {
    local name conf pid pids=()
    while read -r name conf; do
        if pid=$(cluster_pid_of "$name" "$conf"); then
            kill -TERM "$pid" 2>/dev/null && pids+=("$name:$pid")
        fi
        rm -f "$CLUSTER_RUN_DIR/$name.pid"
    done < <(cluster_members)
    local deadline=$((SECONDS + CLUSTER_STOP_WAIT_SECS)) entry alive
    while :; do
        alive=()
        for entry in "${pids[@]}"; do
            kill -0 "${entry#*:}" 2>/dev/null && alive+=("$entry")
        done
        ((${#alive[@]} == 0)) && break
        if ((SECONDS >= deadline)); then
            for entry in "${alive[@]}"; do
                echo "${entry%%:*} did not stop within ${CLUSTER_STOP_WAIT_SECS}s: killing it"
                kill -KILL "${entry#*:}" 2>/dev/null || true
            done
            break
        fi
        sleep 0.5
    done
    for entry in "${pids[@]}"; do
        echo "stopped ${entry%%:*}"
    done
    ((${#pids[@]} > 0)) || echo "no cluster process was running"
}
