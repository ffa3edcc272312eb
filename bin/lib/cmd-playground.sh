#!/usr/bin/env bash
# start [--mount DIR] | stop: a whole local CurveFS (embedded S3, 3 MDS, 3 metaservers) mounted at DIR

source "$BIN_DIR/lib/cmd-cluster.sh"

PG_DIR="$CURVEFS_HOME/data/playground"
PG_FS=playground
PG_S3_PORT=6900
PG_S3_VERSION=4.1.0
PG_S3_JAR="$HOME/.m2/repository/org/gaul/s3proxy/$PG_S3_VERSION/s3proxy-$PG_S3_VERSION-jar-with-dependencies.jar"
PG_MOUNT_WAIT_SECS=60
PG_S3_WAIT_SECS=120

curvefs_cmd_playground() {
    case ${1:-} in
        start) shift; playground_start "$@" ;;
        stop) playground_stop ;;
        *)
            echo "usage: curvefs playground start [--mount DIR] | stop" >&2
            exit 2
            ;;
    esac
}

playground_build() {
    local m
    for m in curvefs-mds curvefs-metaserver curvefs-tools curvefs-client; do
        if ! curvefs_module_jar "$m" >/dev/null; then
            echo "building CurveFS/J (first run: a few minutes)..."
            (cd "$CURVEFS_HOME" && mvn -q -B -ntp -DskipTests package) || exit 1
            return
        fi
    done
}

# The embedded S3 server: s3proxy with its filesystem backend, on loopback.
playground_start_s3() {
    if [[ ! -f $PG_S3_JAR ]]; then
        echo "fetching s3proxy $PG_S3_VERSION..."
        (cd "$CURVEFS_HOME" && mvn -q -B -ntp dependency:get \
            -Dartifact="org.gaul:s3proxy:$PG_S3_VERSION:jar:jar-with-dependencies") || exit 1
    fi
    mkdir -p "$PG_DIR/s3"
    if [[ ! -f $PG_DIR/s3proxy.conf ]]; then
        (umask 077 && cat >"$PG_DIR/s3proxy.conf" <<EOC
s3proxy.endpoint=http://127.0.0.1:$PG_S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=playground
s3proxy.credential=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$PG_DIR/s3
EOC
        )
    fi
    local pid
    if pid=$(cat "$CLUSTER_RUN_DIR/s3proxy.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; then
        echo "s3proxy is already running"
    else
        nohup java -jar "$PG_S3_JAR" --properties "$PG_DIR/s3proxy.conf" >>"$CLUSTER_LOG_DIR/s3proxy.log" 2>&1 </dev/null &
        echo $! >"$CLUSTER_RUN_DIR/s3proxy.pid"
        echo "started s3proxy on 127.0.0.1:$PG_S3_PORT (pid $!), data in $PG_DIR/s3"
    fi
    # generous: a JVM can take tens of seconds to start on a loaded 2-core machine
    local deadline=$((SECONDS + PG_S3_WAIT_SECS))
    pid=$(<"$CLUSTER_RUN_DIR/s3proxy.pid")
    until (exec 3<>"/dev/tcp/127.0.0.1/$PG_S3_PORT") 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "curvefs: s3proxy exited; last lines of $CLUSTER_LOG_DIR/s3proxy.log:" >&2
            tail -n 20 "$CLUSTER_LOG_DIR/s3proxy.log" >&2
            exit 1
        fi
        if ((SECONDS >= deadline)); then
            echo "curvefs: s3proxy did not listen within ${PG_S3_WAIT_SECS}s; see $CLUSTER_LOG_DIR/s3proxy.log" >&2
            exit 1
        fi
        sleep 0.5
    done
}

playground_conf() {
    sed -n "s/^$1=//p" "$PG_DIR/s3proxy.conf"
}

playground_start() {
    local mnt="$CURVEFS_HOME/data/mnt"
    while (($#)); do
        case $1 in
            --mount) mnt=${2:?--mount needs a directory}; shift 2 ;;
            *) echo "usage: curvefs playground start [--mount DIR]" >&2; exit 2 ;;
        esac
    done
    mkdir -p "$mnt"
    mnt=$(cd "$mnt" && pwd)
    curvefs_install_packages fuse3 || exit 1
    playground_build
    mkdir -p "$CLUSTER_LOG_DIR" "$CLUSTER_RUN_DIR"
    playground_start_s3
    cluster_start >/dev/null || { echo "curvefs: the cluster did not start; see $CLUSTER_LOG_DIR" >&2; exit 1; }
    echo "cluster up (3 MDS, 3 metaservers)"
    # identical parameters make a repeat a no-op, so a restarted playground finds its fs again
    cluster_tool create-fs --fsname "$PG_FS" --s3-endpoint "http://127.0.0.1:$PG_S3_PORT" \
        --s3-ak "$(playground_conf s3proxy.identity)" --s3-sk "$(playground_conf s3proxy.credential)" \
        --s3-bucket curvefs >/dev/null || exit 1

    if grep -qs " $mnt fuse" /proc/mounts; then
        echo "$mnt is already mounted"
    else
        nohup "$BIN_DIR/curve-fuse" --conf "$CLUSTER_CONF_DIR/client.conf" --fsname "$PG_FS" "$mnt" \
            >>"$CLUSTER_LOG_DIR/curve-fuse.log" 2>&1 </dev/null &
        echo $! >"$CLUSTER_RUN_DIR/curve-fuse.pid"
        echo "$mnt" >"$CLUSTER_RUN_DIR/playground.mount"
        local deadline=$((SECONDS + PG_MOUNT_WAIT_SECS)) pid=$!
        until grep -qs " $mnt fuse" /proc/mounts; do
            if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
                echo "curvefs: curve-fuse did not mount $mnt; last lines of $CLUSTER_LOG_DIR/curve-fuse.log:" >&2
                tail -n 20 "$CLUSTER_LOG_DIR/curve-fuse.log" >&2
                exit 1
            fi
            sleep 0.5
        done
    fi
    cat <<EOM

CurveFS file system '$PG_FS' is mounted at $mnt
  data: S3 (s3proxy) on 127.0.0.1:$PG_S3_PORT, metadata: 3 metaservers, 3 MDS; logs in $CLUSTER_LOG_DIR
  bin/curvefs-tool status | list-fs | usage      look at the cluster
  bin/curvefs playground stop                    unmount and stop everything (data stays in data/)
EOM
}

playground_stop() {
    local mnt pid
    mnt=$(cat "$CLUSTER_RUN_DIR/playground.mount" 2>/dev/null || true)
    if [[ -n $mnt ]] && grep -qs " $mnt fuse" /proc/mounts; then
        # a clean unmount makes curve-fuse flush everything and end its session at the MDS
        fusermount -u "$mnt" 2>/dev/null || umount "$mnt" || umount -l "$mnt"
        echo "unmounted $mnt"
    fi
    if pid=$(cat "$CLUSTER_RUN_DIR/curve-fuse.pid" 2>/dev/null); then
        local deadline=$((SECONDS + 60))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.5
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$CLUSTER_RUN_DIR/curve-fuse.pid" "$CLUSTER_RUN_DIR/playground.mount"
    cluster_stop
    if pid=$(cat "$CLUSTER_RUN_DIR/s3proxy.pid" 2>/dev/null); then
        kill -TERM "$pid" 2>/dev/null && echo "stopped s3proxy"
        rm -f "$CLUSTER_RUN_DIR/s3proxy.pid"
    fi
}
