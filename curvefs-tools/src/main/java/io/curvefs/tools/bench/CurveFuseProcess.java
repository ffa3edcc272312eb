package io.curvefs.tools.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The curve-fuse process serving a directory, found the way an operator would: the mount holding the
 * directory in /proc/self/mountinfo, then the process whose command line is CurveFuseMain on that mount
 * point. Its resident memory is what the performance bar bounds while writing.
 */
final class CurveFuseProcess {
    private static final String MAIN_CLASS = "io.curvefs.client.CurveFuseMain";
    private static final String FS_TYPE = "fuse.curvefs";
    private static final long SAMPLE_MS = 100;

    private final long pid;
    private final Path mountpoint;

    private CurveFuseProcess(long pid, Path mountpoint) {
        this.pid = pid;
        this.mountpoint = mountpoint;
    }

    long pid() {
        return pid;
    }

    Path mountpoint() {
        return mountpoint;
    }

    /** Empty when dir is not on a CurveFS mount or its client runs elsewhere (another pid namespace). */
    static Optional<CurveFuseProcess> serving(Path dir) throws IOException {
        Path real = dir.toRealPath();
        Path best = null;
        String bestType = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            List<String> fields = Arrays.asList(line.split(" "));
            Path mountpoint = Path.of(unescape(fields.get(4)));
            if (real.startsWith(mountpoint) && (best == null || mountpoint.getNameCount() >= best.getNameCount())) {
                best = mountpoint;
                bestType = fields.get(fields.indexOf("-") + 1);
            }
        }
        if (best == null || !FS_TYPE.equals(bestType)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                List<String> args = commandLine(proc);
                if (args.contains(MAIN_CLASS) && args.contains(best.toString())) {
                    return Optional.of(new CurveFuseProcess(Long.parseLong(proc.getFileName().toString()), best));
                }
            }
        }
        return Optional.empty();
    }

    /** Samples the resident set every 100 ms until closed; {@link RssSampler#peakMiB} is the largest seen. */
    RssSampler sampleRss() {
        return new RssSampler(this);
    }

    static final class RssSampler implements AutoCloseable {
        private final AtomicLong peakKib = new AtomicLong();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-rss");
            t.setDaemon(true);
            return t;
        });

        private RssSampler(CurveFuseProcess process) {
            timer.scheduleAtFixedRate(() -> peakKib.accumulateAndGet(process.rssKib(), Math::max),
                    0, SAMPLE_MS, TimeUnit.MILLISECONDS);
        }

        double peakMiB() {
            return peakKib.get() / 1024.0;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** 0 once the process is gone: a vanished client shows as a missing figure, not a crash of the sampler. */
    private long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    static List<String> commandLine(Path proc) {
        try {
            return Arrays.asList(new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of(); // gone meanwhile, or not ours to read
        }
    }

    /** mountinfo writes space, tab, newline and backslash in paths as \ooo octal escapes. */
    static String unescape(String field) {
        StringBuilder s = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                s.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
