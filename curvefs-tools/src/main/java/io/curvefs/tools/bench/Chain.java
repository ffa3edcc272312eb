package io.curvefs.tools.bench;

import java.util.List;

/**
 * Workloads that run in order in one fresh scratch directory, each using what the previous ones left
 * (open, rename and unlink the files create made; read the file sequential write made), so that no
 * preparation is paid twice: on a mount, writing a second 1 GiB file would double the run.
 */
record Chain(String dirName, List<Workload> workloads) {
    Chain(String dirName, Workload... workloads) {
        this(dirName, List.of(workloads));
    }
}
