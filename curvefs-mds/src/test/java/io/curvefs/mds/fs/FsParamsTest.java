package io.curvefs.mds.fs;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.FsType;
import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.CreateFsRequest;
import io.curvefs.proto.mds.FsInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FsParamsTest {
    private static final CreateFsRequest REQUEST = CreateFsRequest.newBuilder().setFsName("fs-1")
            .setFsType(FsType.TYPE_S3).setS3Info(S3Info.newBuilder().setEndpoint("127.0.0.1:9000")
                    .setBucket("b").setAk("ak").setSk("sk")).build();

    @Test
    void namesFollowTheOriginalRule() {
        for (String good : List.of("a", "fs1", "my-fs-2", "a-", "x".repeat(64))) {
            assertDoesNotThrow(() -> FsParams.checkName(good), good);
        }
        for (String bad : List.of("", "-a", "a--b", "A", "a_b", "a.b", "x".repeat(65))) {
            RpcException e = assertThrows(RpcException.class, () -> FsParams.checkName(bad), bad);
            assertEquals(StatusCode.FSNAME_INVALID, e.code());
        }
    }

    @Test
    void defaultsAreAppliedBeforeComparing() {
        FsInfo implicit = FsParams.from(REQUEST);
        FsInfo explicit = FsParams.from(REQUEST.toBuilder().setBlockSize(4096).setS3Info(REQUEST.getS3Info().toBuilder()
                .setBlockSize(4L << 20).setChunkSize(64L << 20)).build());
        assertTrue(FsParams.sameParams(implicit, explicit));
        assertFalse(FsParams.sameParams(implicit, FsParams.from(REQUEST.toBuilder().setCapacity(1).build())));
        FsInfo shortTrash = FsParams.from(REQUEST.toBuilder().setTrashRetentionSec(0).build());
        assertEquals(0, shortTrash.getTrashRetentionSec());
        assertTrue(shortTrash.hasTrashRetentionSec(), "0 is a retention, unlike leaving it unset");
        assertFalse(FsParams.sameParams(implicit, shortTrash));
        // status, id and mountpoints are not parameters
        assertTrue(FsParams.sameParams(implicit.toBuilder().setFsId(7).build(), explicit));
    }

    @Test
    void missingS3FieldsAreNamed() {
        RpcException e = assertThrows(RpcException.class, () -> FsParams.from(REQUEST.toBuilder()
                .setS3Info(REQUEST.getS3Info().toBuilder().clearBucket()).build()));
        assertEquals(StatusCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("bucket"));
    }
}
