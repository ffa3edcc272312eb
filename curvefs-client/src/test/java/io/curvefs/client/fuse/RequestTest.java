package io.curvefs.client.fuse;

import io.curvefs.client.vfs.Errno;
import io.curvefs.client.vfs.VfsException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestTest {
    /** A LOOKUP request as the kernel writes it: header, then the NUL-terminated name. */
    private static Request lookup(byte[] name) {
        ByteBuffer b = ByteBuffer.allocateDirect(Protocol.IN_HEADER + name.length + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, b.capacity()).putInt(4, Protocol.LOOKUP).putLong(8, 42).putLong(16, 1).putInt(24, 1000)
                .putInt(28, 100).putInt(32, 77);
        b.put(Protocol.IN_HEADER, name);
        Request q = new Request(b);
        assertTrue(q.decode(b.capacity()));
        return q;
    }

    @Test
    void theHeaderIsDecodedAndAShortReadIsNoRequest() {
        Request q = lookup("f".getBytes(StandardCharsets.UTF_8));
        assertEquals(Protocol.LOOKUP, q.opcode);
        assertEquals(42, q.unique);
        assertEquals(1, q.nodeid);
        assertEquals(1000, q.caller(0).uid());
        assertEquals(100, q.caller(0).gid());
        assertFalse(q.decode(Protocol.IN_HEADER + 1), "fewer bytes than the header says");
    }

    @Test
    void namesUpTo255BytesOfUtf8AreTakenLongerOnesAreEnametoolong() {
        String ok = "é".repeat(127) + "a";
        assertEquals(ok, lookup(ok.getBytes(StandardCharsets.UTF_8)).name(0));
        VfsException e = assertThrows(VfsException.class,
                () -> lookup("é".repeat(128).getBytes(StandardCharsets.UTF_8)).name(0));
        assertEquals(Errno.ENAMETOOLONG, e.errno());
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedNotReplaced() {
        VfsException e = assertThrows(VfsException.class, () -> lookup(new byte[]{'a', (byte) 0xe9, 'b'}).name(0));
        assertEquals(Errno.EILSEQ, e.errno());
    }
}
