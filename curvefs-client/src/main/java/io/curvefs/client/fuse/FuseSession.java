package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Errno;
import io.curvefs.client.vfs.Vfs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A mounted file system and the threads that serve it: the kernel's requests are read from /dev/fuse
 * by long-lived worker threads, each with its own request and reply buffers, dispatched to the vfs and
 * answered from the same thread (no thread is created or attached per request). The first request is
 * the INIT handshake ({@link Init}); the session ends when the kernel ends the connection (unmount,
 * or a detach after the last open file closed).
 */
public final class FuseSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FuseSession.class);

    private final FuseDevice device;
    private final Path mountpoint;
    private final FuseConfig config;
    private final Notifier notifier;
    private final LockOps locks;
    private final Dispatcher dispatcher;

    private FuseSession(FuseDevice device, Path mountpoint, FuseConfig config, Dispatcher dispatcher, Notifier notifier,
                        LockOps locks) {
        this.device = device;
        this.mountpoint = mountpoint;
        this.config = config;
        this.dispatcher = dispatcher;
        this.notifier = notifier;
        this.locks = locks;
    }

    /** Fails with IllegalArgumentException naming an option that mounting would refuse. */
    public static void checkOptions(String fsName, List<String> options) {
        MountOptions.parse(fsName, options);
    }

    /**
     * Mounts {@code vfs} at {@code mountpoint} with the {@code -o} option lists given. Throws
     * IllegalArgumentException for an unknown option, IOException when the kernel refuses the mount.
     */
    public static FuseSession mount(Vfs vfs, Path mountpoint, String fsName, List<String> options, FuseConfig config,
                                    Duration attrTimeout, Duration entryTimeout) throws IOException {
        MountOptions mountOptions = MountOptions.parse(fsName, options);
        FuseDevice device = FuseDevice.open();
        try {
            KernelMount.mount(device, mountpoint, mountOptions);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        Notifier notifier = new Notifier(device);
        Nodes nodes = new Nodes();
        RequestStats stats = new RequestStats();
        DirectoryUse use = new DirectoryUse(nodes);
        NodeOps nodeOps = new NodeOps(vfs, nodes, Timeouts.of(attrTimeout, entryTimeout), stats, notifier, use);
        LockOps locks = new LockOps(vfs, nodes, notifier, device);
        Dispatcher dispatcher = new Dispatcher(nodeOps, new FileOps(vfs, nodes, nodeOps),
                new DirOps(vfs, nodes, nodeOps, notifier, use), locks, stats, use);
        return new FuseSession(device, mountpoint, config, dispatcher, notifier, locks);
    }

    /** Serves requests until the kernel ends the connection. */
    public void serve() throws IOException, InterruptedException {
        ByteBuffer first = ByteBuffer.allocateDirect(Protocol.REQUEST_BUFFER);
        Request init = new Request(first);
        Reply reply = new Reply(device, Protocol.REQUEST_BUFFER);
        int n = device.receive(LibC.pointerTo(first), first.capacity());
        if (n < 0) {
            return;
        }
        if (!init.decode(n) || init.opcode != Protocol.INIT) {
            throw new IOException("the kernel's first FUSE request is " + init.opcode + ", not INIT");
        }
        Init.answer(init, reply, config);
        if (!KernelMount.setReadAhead(mountpoint, Protocol.MAX_IO)) {
            LOG.info("could not raise the read-ahead of {}: sequential reads come in 128 KiB requests", mountpoint);
        }
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < config.threads(); i++) {
            Thread t = new Thread(this::work, "fuse-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
    }

    private void work() {
        ByteBuffer in = ByteBuffer.allocateDirect(Protocol.REQUEST_BUFFER);
        jnr.ffi.Pointer memory = LibC.pointerTo(in);
        Request request = new Request(in);
        Reply reply = new Reply(device, Protocol.REQUEST_BUFFER);
        try {
            while (true) {
                int n = device.receive(memory, in.capacity());
                if (n < 0) {
                    return;
                }
                if (!request.decode(n)) {
                    LOG.warn("a malformed FUSE request of {} bytes (opcode {})", n, request.opcode);
                    if (n >= Protocol.IN_HEADER) {
                        reply.error(request.unique, Errno.EIO);   // its caller must not wait forever
                    }
                    continue;
                }
                dispatcher.dispatch(request, reply);
            }
        } catch (IOException e) {
            LOG.error("FUSE worker stops: {}", e.getMessage());
        }
    }

    /** Detaches the mount (umount -l): open files keep working; the session ends after the last one. */
    public void unmount() {
        int errno = KernelMount.detach(mountpoint);
        if (errno != 0 && errno != LibC.EINVAL) {
            LOG.warn("unmounting {}: {}", mountpoint, LibC.INSTANCE.strerror(errno));
        }
    }

    @Override
    public void close() {
        notifier.close();
        locks.close();
        device.close();
    }
}
