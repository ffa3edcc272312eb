package io.curvefs.tests.mount;

import io.curvefs.tests.cluster.CommandRunner;
import io.curvefs.tests.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9: fcntl record locks and flock are shared by every mount of a file system, as on one local
 * disk they are shared by every process. This JVM's locks through mount a stand in the way of its own
 * locks through mount b (the kernel gives each mount its own lock owners, so that is what two hosts
 * see), and of other processes (flock(1), python3, sqlite3) on either mount. Blocking locks wait and are
 * granted when the way is free, or end with EINTR on a signal; a descriptor's close drops its process's
 * record locks; a killed process's locks go with its files; a killed mount's locks go with its session.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FileLockTest {
    /** The MDS ends a silent mount's session after this; its locks go a scan later. */
    private static final int LEASE_MS = 3_000;
    private static final long GRANT_BOUND_MS = 10_000;
    private static final long SESSION_BOUND_MS = 60_000;
    private static final int INCREMENTS = 100;

    private static MountCluster env;
    private static MountedFs a;
    private static MountedFs b;

    @BeforeAll
    static void start() throws IOException {
        LocalCluster.Options d = LocalCluster.Options.defaults();
        env = MountCluster.start(FileLockTest.class, "lockfs", new LocalCluster.Options(d.mdsCount(),
                d.metaserverCount(), d.idsPerPartition(), Map.of("mds.session.leaseMs", Integer.toString(LEASE_MS)),
                Map.of("metaserver.lock.scanIntervalMs", "500")));
        a = env.mount("a");
        b = env.mount("b");
    }

    @AfterAll
    static void stop() {
        MountCluster.closeInOrder(b, a, env);
    }

    @Test
    void aRecordLockOnOneMountStandsInTheWayOfTheOther() throws Exception {
        Path onA = a.path().resolve("ranges");
        Files.write(onA, new byte[200]);
        Path onB = seenOnB("ranges");
        try (FileChannel chA = FileChannel.open(onA, READ, WRITE); FileChannel chB = FileChannel.open(onB, READ, WRITE)) {
            FileLock held = chA.lock(0, 100, false);
            assertNull(chB.tryLock(50, 10, false), "b's write lock over a's range");
            assertNull(chB.tryLock(99, 1, true), "b's read lock over a's write lock");
            FileLock beside = chB.tryLock(100, 100, false);
            assertNotNull(beside, "b's lock right after a's range");
            // F_GETLK from other processes: on b the lock of the other mount shows without a pid, on a with
            // the pid of this JVM, which holds it
            assertEquals("1 0 100 0", getlk(onB, 0, 1), "F_GETLK on b");
            assertEquals("1 0 100 " + ProcessHandle.current().pid(), getlk(onA, 10, 1), "F_GETLK on a");
            assertEquals("1 100 100 0", getlk(onA, 150, 0), "F_GETLK on a of b's lock");
            beside.release();
            assertEquals("2", getlk(onB, 150, 0).split(" ")[0], "b's lock is gone");
            held.release();
            FileLock whole = chB.tryLock(0, Long.MAX_VALUE, false);
            assertNotNull(whole, "a unlocked: b locks the whole file");
            whole.release();

            FileLock shared = chA.lock(0, 100, true);
            FileLock alsoShared = chB.tryLock(0, 100, true);
            assertNotNull(alsoShared, "read locks of two mounts share");
            alsoShared.release();
            assertNull(chB.tryLock(0, 100, false), "b cannot write-lock while a reads");
            shared.release();
        }
    }

    @Test
    void aBlockedLockIsGrantedWhenTheOtherMountUnlocksAndSeesWhatItWrote() throws Exception {
        Path onA = a.path().resolve("handoff");
        Files.write(onA, "old".getBytes(StandardCharsets.US_ASCII));
        Path onB = seenOnB("handoff");
        try (FileChannel chA = FileChannel.open(onA, READ, WRITE); FileChannel chB = FileChannel.open(onB, READ, WRITE)) {
            assertEquals("old", read(chB), "b read the file before the handoff");
            FileLock held = chA.lock();
            CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
                try (FileLock granted = chB.lock()) {
                    return read(chB);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(700);
            assertFalse(waiter.isDone(), "b's blocking lock waits while a holds the file");
            byte[] next = "written under a's lock, longer than before".getBytes(StandardCharsets.US_ASCII);
            chA.write(ByteBuffer.wrap(next), 0);
            long released = System.nanoTime();
            held.release();
            String seen = waiter.get(GRANT_BOUND_MS, TimeUnit.MILLISECONDS);
            long waitedMs = (System.nanoTime() - released) / 1_000_000;
            // no close, no reopen on either side: the lock alone hands a's bytes over
            assertEquals(new String(next, StandardCharsets.US_ASCII), seen, "b under its lock reads what a wrote");
            System.out.println("FileLockTest: b's lock granted " + waitedMs + " ms after a's unlock");
        }
    }

    @Test
    void closingAnyDescriptorOfTheFileDropsTheProcesssRecordLocks() throws Exception {
        Path onA = a.path().resolve("closing");
        Files.write(onA, new byte[10]);
        try (FileChannel chA = FileChannel.open(onA, READ, WRITE);
             FileChannel chB = FileChannel.open(seenOnB("closing"), READ, WRITE)) {
            chA.lock(0, 10, false);
            assertNull(chB.tryLock(0, 10, false));
            FileChannel.open(onA, READ).close();   // POSIX: every lock of this process on the file goes
            FileLock after = chB.tryLock(0, 10, false);
            assertNotNull(after, "the close of another descriptor on a released the lock");
            after.release();
        }
    }

    @Test
    void anOpenFileDescriptionLockGoesWhenItsFileIsClosed() throws Exception {
        Path onA = a.path().resolve("ofd");
        Files.write(onA, new byte[10]);
        String program = "import fcntl, os, struct, sys\n"
                + "fd = os.open(sys.argv[1], os.O_RDWR)\n"
                + "fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack('hhqqi', fcntl.F_WRLCK, 0, 0, 0, 0))\n"
                + "print('locked', flush=True)\n"
                + "sys.stdin.readline()\n"
                + "os.close(fd)\n"
                + "print('closed', flush=True)\n"
                + "sys.stdin.readline()\n";
        Process holder = new ProcessBuilder("python3", "-c", program, onA.toString()).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()));
             var in = holder.getOutputStream();
             FileChannel chB = FileChannel.open(seenOnB("ofd"), READ, WRITE)) {
            assertEquals("locked", out.readLine());
            assertNull(chB.tryLock(), "a's OFD lock stands in b's way");
            in.write('\n');
            in.flush();
            assertEquals("closed", out.readLine());
            // the kernel sends RELEASE after close(2) returned, in the background: the lock goes with it
            long closed = System.nanoTime();
            FileLock after;
            while ((after = chB.tryLock()) == null) {
                assertTrue(System.nanoTime() - closed < TimeUnit.SECONDS.toNanos(5),
                        "the OFD lock still held 5 s after the last close of its open file (the process lives on)");
                Thread.sleep(20);
            }
            after.release();
            in.write('\n');
            in.flush();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void flockIsSharedByBothMountsAndWaitsEndOnASignal() throws Exception {
        Path onA = a.path().resolve("flocked");
        Files.write(onA, new byte[1]);
        String onB = seenOnB("flocked").toString();
        Process holder = new ProcessBuilder("flock", "-x", "-o", onA.toString(), "sleep", "300")
                .redirectErrorStream(true).start();
        try {
            awaitHeld(onB);
            assertEquals(1, flock("-n", onA.toString()), "another process on the same mount");
            assertEquals(1, flock("-n", "-s", onB), "a shared flock on b");
            long t0 = System.nanoTime();
            assertEquals(1, flock("-w", "1", onB), "flock -w 1 on b gives up");
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(waitedMs >= 900 && waitedMs < 10_000, "flock -w 1 waited " + waitedMs + " ms (its alarm "
                    + "interrupts the blocked flock(2))");
            try (FileChannel ch = FileChannel.open(Path.of(onB), READ, WRITE); FileLock record = ch.tryLock()) {
                assertNotNull(record, "record locks and flocks do not meet");
            }
            kill(holder);   // SIGKILL: the kernel closes its file, and with it the flock goes
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            long killed = System.nanoTime();
            assertEquals(0, flock("-w", "10", onB), "b gets the flock of the killed process");
            System.out.println("FileLockTest: flock granted on b " + (System.nanoTime() - killed) / 1_000_000
                    + " ms after its holder was killed on a");
        } finally {
            kill(holder);
        }
    }

    @Test
    void sharedFlocksOnTwoMountsConvertToExclusiveOneAfterTheOther() throws Exception {
        Path onA = a.path().resolve("convert");
        Files.write(onA, new byte[1]);
        Path onB = seenOnB("convert");
        // as flock(2) says, a conversion drops the old lock first: both get their exclusive lock in turn
        String program = "import fcntl, os, sys, time\n"
                + "fd = os.open(sys.argv[1], os.O_RDWR)\n"
                + "fcntl.flock(fd, fcntl.LOCK_SH)\n"
                + "print('shared', flush=True)\n"
                + "sys.stdin.readline()\n"
                + "fcntl.flock(fd, fcntl.LOCK_EX)\n"
                + "print('exclusive', flush=True)\n"
                + "time.sleep(0.2)\n"
                + "fcntl.flock(fd, fcntl.LOCK_UN)\n";
        List<Process> holders = new ArrayList<>();
        try {
            for (Path file : List.of(onA, onB)) {
                holders.add(new ProcessBuilder("python3", "-c", program, file.toString()).start());
            }
            List<java.io.BufferedReader> outs = new ArrayList<>();
            for (Process p : holders) {
                outs.add(new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())));
            }
            for (java.io.BufferedReader out : outs) {
                assertEquals("shared", out.readLine(), "both mounts hold the flock shared");
            }
            for (Process p : holders) {
                p.getOutputStream().write('\n');
                p.getOutputStream().flush();
            }
            for (int i = 0; i < holders.size(); i++) {
                assertTrue(holders.get(i).waitFor(30, TimeUnit.SECONDS), "a conversion waited for the other forever");
                assertEquals(0, holders.get(i).exitValue());
                assertEquals("exclusive", outs.get(i).readLine());
            }
        } finally {
            holders.forEach(Process::destroyForcibly);
        }
    }

    @Test
    void theLocksOfAKilledMountGoWithItsSession() throws Exception {
        MountedFs c = env.mount("c");
        Process holder = null;
        try {
            Path onC = c.path().resolve("orphan");
            Files.write(onC, new byte[1]);
            String onB = seenOnB("orphan").toString();
            holder = new ProcessBuilder("flock", "-x", "-o", onC.toString(), "sleep", "600").redirectErrorStream(true)
                    .start();
            awaitHeld(onB);
            c.kill();
            long killed = System.nanoTime();
            assertEquals(1, flock("-n", onB), "the lock outlives its mount's process for the lease");
            long deadline = killed + TimeUnit.MILLISECONDS.toNanos(SESSION_BOUND_MS);
            while (flock("-n", onB) != 0) {
                assertTrue(System.nanoTime() < deadline, "the dead mount's flock still held after "
                        + SESSION_BOUND_MS + " ms");
                Thread.sleep(200);
            }
            System.out.println("FileLockTest: the killed mount's flock went after "
                    + (System.nanoTime() - killed) / 1_000_000 + " ms (lease " + LEASE_MS + " ms)");
        } finally {
            if (holder != null) {
                kill(holder);
            }
            c.close();
        }
    }

    @Test
    void sqliteOnTwoMountsCountsEveryIncrement() throws Exception {
        Path db = a.path().resolve("counter.db");
        assertEquals(0, run(List.of("sqlite3", db.toString(), "CREATE TABLE c(n INTEGER); INSERT INTO c VALUES (0);"))
                .exitCode());
        StringBuilder script = new StringBuilder(".timeout 60000\n");
        for (int i = 0; i < INCREMENTS; i++) {
            script.append("UPDATE c SET n = n + 1;\n");
        }
        Path sql = env.workDir.resolve("increments.sql");
        Files.writeString(sql, script);
        List<Process> writers = new ArrayList<>();
        for (MountedFs m : List.of(a, b)) {
            writers.add(new ProcessBuilder("sqlite3", "-bail", m.path().resolve("counter.db").toString())
                    .redirectInput(sql.toFile()).redirectErrorStream(true)
                    .redirectOutput(env.workDir.resolve("sqlite-" + m.path().getFileName() + ".out").toFile())
                    .start());
        }
        for (Process w : writers) {
            assertTrue(w.waitFor(5, TimeUnit.MINUTES), "sqlite3 finished");
            assertEquals(0, w.exitValue(), () -> "sqlite3 failed: " + outputs());
        }
        LocalCluster.ToolResult count = run(List.of("sqlite3", b.path().resolve("counter.db").toString(),
                "SELECT n FROM c; PRAGMA integrity_check;"));
        assertEquals(0, count.exitCode(), count::stderr);
        assertEquals((2 * INCREMENTS) + "\nok", count.stdout().strip(), "every increment of both mounts counted");
    }

    /** flock(1) and the command it runs: the lock is flock's (-o), the sleep must not outlive the test. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static String outputs() {
        StringBuilder out = new StringBuilder();
        for (String m : List.of("a", "b")) {
            try {
                out.append(m).append(": ").append(Files.readString(env.workDir.resolve("sqlite-" + m + ".out")));
            } catch (IOException e) {
                out.append(m).append(": ").append(e.getMessage());
            }
        }
        return out.toString();
    }

    /**
     * A file a just created, once b sees it: a name new to b shows within its 1 s entry timeout (it may
     * have listed the directory just before).
     */
    private static Path seenOnB(String name) throws InterruptedException {
        Path onB = b.path().resolve(name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(onB)) {
            assertTrue(System.nanoTime() < deadline, name + " not seen on b within 5 s");
            Thread.sleep(50);
        }
        return onB;
    }

    /** Waits until a non-blocking flock from b fails: the holder process has its lock. */
    private static void awaitHeld(String onB) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (flock("-n", onB) == 0) {
            assertTrue(System.nanoTime() < deadline, "the holder never got its flock");
            Thread.sleep(100);
        }
    }

    private static int flock(String... args) {
        List<String> command = new ArrayList<>(List.of("flock"));
        command.addAll(List.of(args));
        command.add("true");
        return run(command).exitCode();
    }

    /** F_GETLK for a write lock over [start, start+len) from a python3 process: "type start len pid". */
    private static String getlk(Path file, long start, long len) {
        String program = "import fcntl, os, struct, sys\n"
                + "fd = os.open(sys.argv[1], os.O_RDWR)\n"
                + "res = fcntl.fcntl(fd, fcntl.F_GETLK, struct.pack('hhqqi', fcntl.F_WRLCK, 0, int(sys.argv[2]), int(sys.argv[3]), 0))\n"
                + "t, w, s, l, p = struct.unpack('hhqqi', res)\n"
                + "print(t, s, l, p) if t != fcntl.F_UNLCK else print(t)\n";
        LocalCluster.ToolResult r = run(List.of("python3", "-c", program, file.toString(), Long.toString(start),
                Long.toString(len)));
        assertEquals(0, r.exitCode(), r::stderr);
        return r.stdout().strip();
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // reads until the length the channel sees now
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    private static LocalCluster.ToolResult run(List<String> command) {
        return CommandRunner.run(command, env.workDir.resolve("scratch"), 120);
    }
}
