package io.curvefs.tests.mount;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A file on the mount and its twin on local disk, driven by the same seeded random operations (writes at
 * offsets chosen to straddle 4 MiB block and 64 MiB chunk boundaries, overwrites, O_APPEND writes,
 * truncates both ways, writes far beyond the end, fsyncs, close and reopen) and compared byte for byte.
 * Every failure names the seed and the last operations, so a run can be replayed exactly.
 */
final class DifferentialFile implements AutoCloseable {
    static final int MIB = 1 << 20;
    static final long BLOCK = 4L * MIB;
    static final long CHUNK = 64L * MIB;
    private static final int MAX_WRITE = 4 * MIB;
    private static final int COMPARE_UNIT = MIB;
    private static final int LOG_LINES = 40;

    private final Path mounted;
    private final Path local;
    private final String seedNote;
    private final long maxLength;
    private final Random random;
    private final Deque<String> recent = new ArrayDeque<>();
    private RandomAccessFile onMount;
    private RandomAccessFile onDisk;
    private long length;
    private int ops;

    /** {@code seedNote} says in failure messages how to replay this file's operations. */
    DifferentialFile(Path mounted, Path local, long seed, String seedNote, long maxLength) throws IOException {
        this.mounted = mounted;
        this.local = local;
        this.seedNote = seedNote;
        this.maxLength = maxLength;
        this.random = new Random(seed);
        reopen();
    }

    /** One random operation on both files; an I/O error fails with the replay information. */
    void step() {
        ops++;
        try {
            randomOp();
        } catch (IOException e) {
            throw new AssertionError(failure("at op #" + ops, e.toString()), e);
        }
    }

    private void randomOp() throws IOException {
        int dice = random.nextInt(100);
        if (dice < 40) {
            int size = size();
            write(offset(size), size);
        } else if (dice < 55 && length > 0) {
            long at = (long) (random.nextDouble() * length);
            write(at, (int) Math.min(size(), length - at));
        } else if (dice < 65) {
            append(size());
        } else if (dice < 75) {
            long to = random.nextBoolean()
                    ? (long) (random.nextDouble() * length)
                    : Math.min(maxLength, length + random.nextInt(8 * MIB));
            truncate(to);
        } else if (dice < 79) {
            int size = 1 + random.nextInt(64 << 10);
            long far = Math.max(length, maxLength - 32L * MIB);
            write(far + (long) (random.nextDouble() * (maxLength - size - far)), size);
        } else if (dice < 90) {
            log("fsync");
            onMount.getFD().sync();
            onDisk.getFD().sync();
        } else {
            log("close+reopen");
            closeFiles();
            reopen();
        }
    }

    /** Writes a few bytes just below maxLength, leaving a hole of (almost) the whole file behind. */
    void writeAtTheFarEnd() throws IOException {
        write(maxLength - 4097, 4097);
    }

    /** Both files, through fresh descriptors (the mount's kernel page cache is dropped at open), are identical. */
    void verify(String when) {
        String context = when + " after " + ops + " ops";
        try {
            compare(context);
        } catch (IOException e) {
            throw new AssertionError(failure(context, e.toString()), e);
        }
    }

    private void compare(String context) throws IOException {
        try (FileChannel m = FileChannel.open(mounted, StandardOpenOption.READ);
             FileChannel d = FileChannel.open(local, StandardOpenOption.READ)) {
            assertEquals(d.size(), m.size(), () -> failure(context, "length differs"));
            ByteBuffer mb = ByteBuffer.allocate(COMPARE_UNIT);
            ByteBuffer db = ByteBuffer.allocate(COMPARE_UNIT);
            for (long pos = 0; pos < d.size(); pos += COMPARE_UNIT) {
                readFully(m, mb, pos, (int) Math.min(COMPARE_UNIT, d.size() - pos));
                readFully(d, db, pos, (int) Math.min(COMPARE_UNIT, d.size() - pos));
                int at = mb.mismatch(db);
                if (at >= 0) {
                    long off = pos + at;
                    fail(failure(context, "first differing byte at offset " + off + " (block " + off / BLOCK
                            + ", chunk " + off / CHUNK + "): mount " + mb.get(at) + ", local " + db.get(at)));
                }
            }
        }
    }

    String failure(String context, String what) {
        return mounted.getFileName() + ": " + what + " " + context + "; " + seedNote + "; last operations:\n  "
                + String.join("\n  ", recent);
    }

    @Override
    public void close() throws IOException {
        closeFiles();
    }

    private void write(long at, int size) throws IOException {
        size = (int) Math.min(size, maxLength - at);
        if (size <= 0) {
            return;
        }
        log("write " + size + " B at " + at);
        byte[] data = new byte[size];
        random.nextBytes(data);
        writeFully(onMount.getChannel(), data, at);
        writeFully(onDisk.getChannel(), data, at);
        length = Math.max(length, at + size);
    }

    private void append(int size) throws IOException {
        size = (int) Math.min(size, maxLength - length);
        if (size <= 0) {
            return;
        }
        log("O_APPEND write " + size + " B (length " + length + ")");
        byte[] data = new byte[size];
        random.nextBytes(data);
        for (Path p : new Path[] {mounted, local}) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        }
        length += size;
    }

    private void truncate(long to) throws IOException {
        log("truncate " + length + " -> " + to);
        onMount.setLength(to);
        onDisk.setLength(to);
        length = to;
    }

    /** 1 B to 4 MiB, log-uniform: small writes as often as whole blocks. */
    private int size() {
        return 1 + random.nextInt(1 << random.nextInt(23));
    }

    /** Anywhere up to the end, or straddling a block or chunk boundary, or just past the end (a small hole). */
    private long offset(int size) {
        int kind = random.nextInt(10);
        if (kind < 4) {
            return (long) (random.nextDouble() * (length + 1));
        }
        if (kind < 7) {
            long unit = random.nextInt(3) == 0 ? CHUNK : BLOCK;
            long boundary = unit * (1 + random.nextInt((int) Math.max(1, (length + CHUNK) / unit)));
            long at = boundary - 1 - random.nextInt(Math.max(1, size - 1));
            return Math.max(0, Math.min(at, maxLength - size));
        }
        return length + (random.nextBoolean() ? 0 : random.nextInt(2 * MIB));
    }

    private void reopen() throws IOException {
        onMount = new RandomAccessFile(mounted.toFile(), "rw");
        onDisk = new RandomAccessFile(local.toFile(), "rw");
    }

    private void closeFiles() throws IOException {
        try (RandomAccessFile m = onMount; RandomAccessFile d = onDisk) {
            onMount = null;
            onDisk = null;
        }
    }

    private void log(String op) {
        if (recent.size() == LOG_LINES) {
            recent.removeFirst();
        }
        recent.addLast("#" + ops + " " + op);
    }

    private static void writeFully(FileChannel ch, byte[] data, long at) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            at += ch.write(buf, at);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long at, int n) throws IOException {
        buf.clear().limit(n);
        while (buf.hasRemaining()) {
            int r = ch.read(buf, at + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of " + ch + " at " + (at + buf.position()));
            }
        }
        buf.flip();
    }
}
