package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Caller;
import io.curvefs.client.vfs.Errno;
import io.curvefs.client.vfs.VfsException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One request as the kernel wrote it into a worker's buffer: the header, then the opcode's arguments,
 * read in place (offsets are relative to the arguments). Reused for every request of one worker.
 */
final class Request {
    static final int NAME_MAX = 255;

    private final ByteBuffer buf;
    int length;
    int opcode;
    long unique;
    long nodeid;
    int uid;
    int gid;
    int pid;

    Request(ByteBuffer buf) {
        this.buf = buf.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Decodes the header of the {@code length} bytes just received; false if they are not a whole request. */
    boolean decode(int received) {
        if (received < Protocol.IN_HEADER) {
            return false;
        }
        length = buf.getInt(0);
        opcode = buf.getInt(4);
        unique = buf.getLong(8);
        nodeid = buf.getLong(16);
        uid = buf.getInt(24);
        gid = buf.getInt(28);
        pid = buf.getInt(32);
        return length == received;
    }

    int u32(int off) {
        return buf.getInt(Protocol.IN_HEADER + off);
    }

    long u64(int off) {
        return buf.getLong(Protocol.IN_HEADER + off);
    }

    /** Bytes of arguments after the header. */
    int argLength() {
        return length - Protocol.IN_HEADER;
    }

    /** The request's caller; {@code umask} as the kernel sent it (it applied it already). */
    Caller caller(int umask) {
        return new Caller(uid, gid, umask);
    }

    /** {@code len} argument bytes from {@code off}, as a buffer sharing this request's memory. */
    ByteBuffer slice(int off, int len) {
        return buf.slice(Protocol.IN_HEADER + off, len);
    }

    byte[] bytes(int off, int len) {
        byte[] out = new byte[len];
        buf.get(Protocol.IN_HEADER + off, out);
        return out;
    }

    /** Where the NUL-terminated string at {@code off} ends (the NUL's offset). */
    int end(int off) {
        int limit = argLength();
        for (int i = off; i < limit; i++) {
            if (buf.get(Protocol.IN_HEADER + i) == 0) {
                return i;
            }
        }
        throw new VfsException(Errno.EINVAL, "unterminated string in request " + opcode);
    }

    /** A file name at {@code off}: ENAMETOOLONG beyond NAME_MAX bytes, as local file systems answer. */
    String name(int off) {
        int end = end(off);
        if (end - off > NAME_MAX) {
            throw new VfsException(Errno.ENAMETOOLONG, "name of " + (end - off) + " bytes");
        }
        return string(off, end);
    }

    /** Any string at {@code off} (a symlink target, an xattr name). */
    String string(int off) {
        return string(off, end(off));
    }

    /** Names are stored as UTF-8 strings: other bytes are refused rather than silently replaced. */
    private String string(int off, int end) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(buf.slice(Protocol.IN_HEADER + off, end - off)).toString();
        } catch (CharacterCodingException e) {
            throw new VfsException(Errno.EILSEQ, "a name that is not UTF-8");
        }
    }
}
