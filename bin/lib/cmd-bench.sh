# shellcheck shell=bash
# [--quick] DIR...: metadata ops/s and throughput of each DIR (a mount, a local disk) side by side

curvefs_cmd_bench() {
    # the bench's own allocations are small buffers; a modest heap leaves the memory to what is measured
    CURVEFS_JVM_OPTS=(-Xmx512m)
    curvefs_launch curvefs-bench curvefs-tools io.curvefs.tools.bench.BenchMain "$@"
}
