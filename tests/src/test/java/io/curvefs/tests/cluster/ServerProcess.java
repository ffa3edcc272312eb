package io.curvefs.tests.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server process run through its bin/ launcher (which execs java, so the Process is the JVM itself),
 * with stdout and stderr appended to one log file that survives restarts.
 */
final class ServerProcess {
    /** Small heaps and the serial collector: six JVMs share two cores in the tests. */
    static final String JAVA_OPTS = "-Xms64m -Xmx512m -XX:+UseSerialGC";

    private final String name;
    private final Path launcher;
    private final Path conf;
    private final Path log;
    private Process process;

    ServerProcess(String name, Path launcher, Path conf, Path log) {
        this.name = name;
        this.launcher = launcher;
        this.conf = conf;
        this.log = log;
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "---- starting " + name + " ----\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--conf", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("JAVA_OPTS", JAVA_OPTS);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " with " + launcher, e);
        }
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The exit code if the process has ended, else null. */
    synchronized Integer exitCode() {
        return process != null && !process.isAlive() ? process.exitValue() : null;
    }

    /** kill -9: no shutdown hook runs, as in a crash. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit(10);
        }
    }

    /** SIGTERM; the caller waits with {@link #awaitExit} and kills what is left. */
    synchronized void terminate() {
        if (process != null && process.isAlive()) {
            process.destroy();
        }
    }

    /** Waits up to {@code seconds} for the process to end; returns whether it did. */
    boolean awaitExit(long seconds) {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            return true;
        }
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
