package io.curvefs.client.fuse;

import io.curvefs.proto.metaserver.Inode;
import jnr.ffi.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A message to the kernel, built in one direct buffer and written with one write(2): a reply (the
 * request's unique id, an error or the opcode's result) or a notification (unique 0). Data read for a
 * READ goes straight into this buffer after the header. One per thread, reused.
 */
final class Reply {
    private static final long NANOS = 1_000_000_000L;

    private final FuseDevice device;
    private final ByteBuffer buf;
    private final Pointer memory;
    private long unique;

    Reply(FuseDevice device, int size) {
        this.device = device;
        this.buf = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
        this.memory = LibC.pointerTo(buf);
    }

    /** Starts the reply to request {@code unique}; its result follows the header. */
    Reply start(long unique) {
        this.unique = unique;
        buf.clear().position(Protocol.OUT_HEADER);
        return this;
    }

    /** The buffer at the result's current end, for data to be put in place (at most {@code max} bytes). */
    ByteBuffer room(int max) {
        return buf.slice(buf.position(), Math.min(max, buf.capacity() - buf.position()));
    }

    void skip(int n) {
        buf.position(buf.position() + n);
    }

    int position() {
        return buf.position();
    }

    int capacity() {
        return buf.capacity();
    }

    Reply u32(int v) {
        buf.putInt(v);
        return this;
    }

    Reply u64(long v) {
        buf.putLong(v);
        return this;
    }

    Reply u16(int v) {
        buf.putShort((short) v);
        return this;
    }

    Reply bytes(byte[] b) {
        buf.put(b);
        return this;
    }

    Reply zeros(int n) {
        for (int i = 0; i < n; i++) {
            buf.put((byte) 0);
        }
        return this;
    }

    /** struct fuse_entry_out: the kernel caches the name for {@code entryNanos}, the attributes for {@code attrNanos}. */
    Reply entry(Inode inode, long entryNanos, long attrNanos) {
        u64(inode.getInodeId()).u64(0);
        u64(entryNanos / NANOS).u64(attrNanos / NANOS);
        u32((int) (entryNanos % NANOS)).u32((int) (attrNanos % NANOS));
        Attrs.put(buf, buf.position(), inode);
        skip(Protocol.ATTR);
        return this;
    }

    /** A fuse_entry_out that names nothing (readdirplus entries the kernel should not cache). */
    Reply noEntry() {
        return zeros(Protocol.ENTRY_OUT);
    }

    /** struct fuse_attr_out. */
    Reply attr(Inode inode, long attrNanos) {
        u64(attrNanos / NANOS).u32((int) (attrNanos % NANOS)).u32(0);
        Attrs.put(buf, buf.position(), inode);
        skip(Protocol.ATTR);
        return this;
    }

    /** struct fuse_open_out. */
    Reply open(long fh, int openFlags) {
        return u64(fh).u32(openFlags).u32(0);
    }

    /** Sends what was built; 0 or the errno the kernel refused it with. */
    int send() {
        int len = buf.position();
        buf.putInt(0, len).putInt(4, 0).putLong(8, unique);
        return device.send(memory, len);
    }

    int ok(long unique) {
        return start(unique).send();
    }

    int error(long unique, int errno) {
        buf.clear();
        buf.putInt(0, Protocol.OUT_HEADER).putInt(4, -errno).putLong(8, unique);
        return device.send(memory, Protocol.OUT_HEADER);
    }

    /** Forget the attributes (and, for {@code off >= 0}, the cached data from {@code off}) of an inode. */
    int invalidateInode(long ino, long off, long len) {
        startNotice();
        u64(ino).u64(off).u64(len);
        return sendNotice(Protocol.NOTIFY_INVAL_INODE);
    }

    /** Forget a name in a directory (the kernel looks it up again). */
    int invalidateEntry(long parent, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        startNotice();
        u64(parent).u32(n.length).u32(0).bytes(n).zeros(1);
        return sendNotice(Protocol.NOTIFY_INVAL_ENTRY);
    }

    private void startNotice() {
        buf.clear().position(Protocol.OUT_HEADER);
    }

    private int sendNotice(int code) {
        int len = buf.position();
        buf.putInt(0, len).putInt(4, code).putLong(8, 0);
        return device.send(memory, len);
    }
}
