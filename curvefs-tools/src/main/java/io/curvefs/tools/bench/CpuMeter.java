package io.curvefs.tools.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * CPU time of the CurveFS processes on this host and of the whole machine, from /proc: the figure that
 * stays put on a shared 2-core box where wall-clock rates swing. A process is named by its role and
 * its conf file (metaserver0, mds1) or, for a client, "client" when it serves the measured directory and
 * "other clients" otherwise; the machine's busy time (all but idle and iowait) counts everything.
 */
final class CpuMeter {
    static final String MACHINE = "machine";
    static final String CLIENT = "client";
    static final String OTHER_CLIENTS = "other clients";
    private static final double MS_PER_TICK = 1000.0 / 100;   // USER_HZ is 100 on Linux

    private final Optional<CurveFuseProcess> client;

    CpuMeter(Optional<CurveFuseProcess> client) {
        this.client = client;
    }

    /** CPU ms used so far, by process name (processes sharing a name summed), and by the machine. */
    Map<String, Double> snapshot() throws IOException {
        Map<String, Double> out = new TreeMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                nameOf(proc).ifPresent(name -> cpuMs(proc).ifPresent(ms -> out.merge(name, ms, Double::sum)));
            }
        }
        out.put(MACHINE, machineMs());
        return out;
    }

    /** The CurveFS JVMs on this host now, by pid, with their names (clients other than ours by pid too). */
    Map<Long, String> processes() throws IOException {
        Map<Long, String> out = new TreeMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                nameOf(proc).ifPresent(name -> out.put(pid, name.equals(OTHER_CLIENTS) ? "client-" + pid : name));
            }
        }
        return out;
    }

    /** CPU ms per unit of work between two snapshots; processes that started or ended in between are left out. */
    static Map<String, Double> perUnit(Map<String, Double> before, Map<String, Double> after, double units) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((name, ms) -> {
            Double b = before.get(name);
            if (b != null) {
                out.put(name, (ms - b) / units);
            }
        });
        return out;
    }

    private Optional<String> nameOf(Path proc) {
        List<String> args = CurveFuseProcess.commandLine(proc);
        if (args.isEmpty() || !args.get(0).endsWith("java")) {
            return Optional.empty();
        }
        if (args.contains("io.curvefs.client.CurveFuseMain")) {
            boolean ours = client.isPresent() && proc.getFileName().toString().equals(Long.toString(client.get().pid()));
            return Optional.of(ours ? CLIENT : OTHER_CLIENTS);
        }
        String role = args.contains("io.curvefs.metaserver.MetaserverMain") ? "metaserver"
                : args.contains("io.curvefs.mds.MdsMain") ? "mds" : null;
        if (role == null) {
            return Optional.empty();
        }
        int conf = args.indexOf("--conf");
        if (conf >= 0 && conf + 1 < args.size()) {
            String file = Path.of(args.get(conf + 1)).getFileName().toString();
            return Optional.of(file.endsWith(".conf") ? file.substring(0, file.length() - 5) : file);
        }
        return Optional.of(role + " " + proc.getFileName());
    }

    /** utime + stime, fields 14 and 15 of /proc/PID/stat (counted after the command name's parenthesis). */
    private static Optional<Double> cpuMs(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of((Long.parseLong(f[11]) + Long.parseLong(f[12])) * MS_PER_TICK);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // gone meanwhile
        }
    }

    /**
     * The first line of /proc/stat: cpu user nice system idle iowait irq softirq steal ...; busy is user,
     * nice, system, irq and softirq (steal is the hypervisor's, not ours).
     */
    private static double machineMs() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7}) {
            busy += Long.parseLong(f[i]);
        }
        return busy * MS_PER_TICK;
    }

}
