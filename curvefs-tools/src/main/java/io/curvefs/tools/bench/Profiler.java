package io.curvefs.tools.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench --profile DIR}: async-profiler (CPU, itimer: works in VMs without perf events) attached to
 * every CurveFS JVM on this host for the whole run, through jcmd, so nothing needs restarting. Each
 * process leaves NAME.html (a flame graph) and NAME.collapsed (one line per stack with its samples, for
 * grep and other flame graph tools) in DIR. No JFR: its signal makes jraft dump metrics files.
 */
final class Profiler implements AutoCloseable {
    private static final long JCMD_TIMEOUT_SEC = 60;

    private final Path out;
    private final Path library;
    private final Map<Long, String> targets;
    private final List<String> problems = new ArrayList<>();

    private Profiler(Path out, Path library, Map<Long, String> targets) {
        this.out = out;
        this.library = library;
        this.targets = targets;
    }

    /** Attaches to {@code targets}; a process it cannot attach to is named in {@link #problems}. */
    static Profiler start(Path out, Map<Long, String> targets) throws IOException {
        Files.createDirectories(out);
        Profiler p = new Profiler(out, extractLibrary(out), targets);
        for (Map.Entry<Long, String> t : targets.entrySet()) {
            p.command(t.getKey(), t.getValue(), "start,event=itimer");
        }
        return p;
    }

    /** Where the profiles went, and what could not be profiled. */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        notes.add("CPU profiles (async-profiler, itimer) of " + String.join(", ", targets.values()) + " in " + out
                + " (NAME.html flame graphs, NAME.collapsed stacks)");
        notes.addAll(problems);
        return notes;
    }

    @Override
    public void close() {
        for (Map.Entry<Long, String> t : targets.entrySet()) {
            Path base = out.resolve(t.getValue().replace(' ', '-'));
            if (command(t.getKey(), t.getValue(), "dump,file=" + base + ".html")) {
                command(t.getKey(), t.getValue(), "stop,collapsed,file=" + base + ".collapsed");
            }
        }
    }

    /** jcmd PID JVMTI.agent_load LIB "OPTIONS": the inner quotes keep jcmd from splitting the options at '='. */
    private boolean command(long pid, String name, String options) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "JVMTI.agent_load", library.toString(),
                    "\"" + options + "\"").redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(JCMD_TIMEOUT_SEC, TimeUnit.SECONDS) || p.exitValue() != 0 || said.contains("rror")) {
                problems.add("profiling " + name + " (pid " + pid + "): " + options + ": " + said);
                return false;
            }
            return true;
        } catch (IOException e) {
            problems.add("profiling " + name + " (pid " + pid + "): " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The agent library in async-profiler's jar on our class path, written out where every JVM can load it. */
    private static Path extractLibrary(Path out) throws IOException {
        String arch = System.getProperty("os.arch").equals("aarch64") ? "linux-arm64" : "linux-x64";
        String resource = arch + "/libasyncProfiler.so";
        try (InputStream in = Profiler.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + resource + " on the class path (the async-profiler jar is missing)");
            }
            Path lib = out.resolve("libasyncProfiler.so").toAbsolutePath();
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            return lib;
        }
    }
}
