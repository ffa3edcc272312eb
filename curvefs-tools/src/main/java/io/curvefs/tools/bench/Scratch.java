package io.curvefs.tools.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a chain's workloads share: their directory, the run's sizes, the cache dropper, the data source,
 * the client process of the mount (if any), the client's peak memory, which the sequential write
 * measures and a later row reports, and the CPU the last timed workload cost.
 */
final class Scratch {
    final Path dir;
    final BenchParams params;
    final Caches caches;
    final RandomBytes data;
    final Optional<CurveFuseProcess> client;
    final CpuMeter cpu;
    double clientPeakRssMiB = Double.NaN;
    /** CPU ms per unit of the last timed workload, by process (see {@link CpuMeter}); null: not timed. */
    Map<String, Double> cpuPerUnit;

    Scratch(Path dir, BenchParams params, Caches caches, RandomBytes data, Optional<CurveFuseProcess> client) {
        this.dir = dir;
        this.params = params;
        this.caches = caches;
        this.data = data;
        this.client = client;
        this.cpu = new CpuMeter(client);
    }

    /** The CPU of the workload that just ran, once. */
    Map<String, Double> takeCpu() {
        Map<String, Double> taken = cpuPerUnit;
        cpuPerUnit = null;
        return taken;
    }
}
