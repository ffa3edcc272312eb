package io.curvefs.common.s3;

import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Pins the documented mapping (package-info.java): other tools and the GC compute the same names. */
class ObjectLayoutTest {
    private static final long MIB = 1 << 20;
    private final ObjectLayout layout = new ObjectLayout(S3Info.newBuilder().setObjectPrefix("p/").build(), 3);

    @Test
    void anUnalignedInfoIsSplitAtBlockBoundariesOfItsChunk() {
        // chunk 1 = [64 MiB, 128 MiB); the info covers [67 MiB, 73 MiB)
        S3ChunkInfo info = S3ChunkInfo.newBuilder().setChunkId(9).setOffset(67 * MIB).setLen(6 * MIB).setSize(6 * MIB).build();
        assertEquals(List.of(
                new ObjectLayout.ObjectSpan("p/3_5_9_0_0", 67 * MIB, MIB),
                new ObjectLayout.ObjectSpan("p/3_5_9_1_0", 68 * MIB, 4 * MIB),
                new ObjectLayout.ObjectSpan("p/3_5_9_2_0", 72 * MIB, MIB)), layout.objectsOf(5, info));
        // file offset 70 MiB is byte 2 MiB of the second object
        ObjectLayout.ObjectSpan at = layout.objectAt(5, info, 70 * MIB);
        assertEquals("p/3_5_9_1_0", at.name());
        assertEquals(2 * MIB, 70 * MIB - at.fileStart());
    }

    @Test
    void defaultsAndValidation() {
        assertEquals(4 * MIB, layout.blockSize());
        assertEquals(64 * MIB, layout.chunkSize());
        assertThrows(IllegalArgumentException.class,
                () -> new ObjectLayout(S3Info.newBuilder().setBlockSize(3 * MIB).setChunkSize(64 * MIB).build(), 1));
    }
}
