package io.curvefs.mds.fs;

import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.FsType;
import io.curvefs.proto.common.S3Info;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.CreateFsRequest;
import io.curvefs.proto.mds.FsInfo;

import java.util.regex.Pattern;

/** Validates a create-fs request and turns it into the parameters an fs is created (and compared) with. */
final class FsParams {
    static final int MAX_NAME_LENGTH = 64;
    private static final Pattern NAME = Pattern.compile("^([a-z0-9]+-?)+$");
    static final long DEFAULT_BLOCK_SIZE = 4096;
    static final long DEFAULT_S3_BLOCK_SIZE = 4L << 20;
    static final long DEFAULT_S3_CHUNK_SIZE = 64L << 20;

    private FsParams() {
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new RpcException(StatusCode.FSNAME_INVALID, "fs name '" + name + "' is invalid: use 1 to "
                    + MAX_NAME_LENGTH + " characters a-z, 0-9 and single '-' between them, e.g. 'my-fs1'");
        }
    }

    /** The FsInfo fields that define the fs, with defaults applied; no id, status or mountpoints. */
    static FsInfo from(CreateFsRequest req) {
        checkName(req.getFsName());
        if (req.getFsType() != FsType.TYPE_S3) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "fs type " + req.getFsType()
                    + " is not supported; use TYPE_S3");
        }
        if (!req.hasS3Info()) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "a TYPE_S3 fs needs s3 info (endpoint, bucket, ak, sk)");
        }
        S3Info s3 = req.getS3Info();
        requireField("endpoint", s3.getEndpoint());
        requireField("bucket", s3.getBucket());
        requireField("ak", s3.getAk());
        requireField("sk", s3.getSk());
        S3Info.Builder s3Defaults = s3.toBuilder();
        if (s3.getBlockSize() == 0) {
            s3Defaults.setBlockSize(DEFAULT_S3_BLOCK_SIZE);
        }
        if (s3.getChunkSize() == 0) {
            s3Defaults.setChunkSize(DEFAULT_S3_CHUNK_SIZE);
        }
        if (s3Defaults.getChunkSize() % s3Defaults.getBlockSize() != 0) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "s3 chunk size " + s3Defaults.getChunkSize()
                    + " is not a multiple of the s3 block size " + s3Defaults.getBlockSize());
        }
        FsInfo.Builder fs = FsInfo.newBuilder().setFsName(req.getFsName())
                .setBlockSize(req.getBlockSize() == 0 ? DEFAULT_BLOCK_SIZE : req.getBlockSize())
                .setFsType(req.getFsType()).setS3Info(s3Defaults).setCapacity(req.getCapacity())
                .setOwner(req.getOwner()).setRecycleHours(req.getRecycleHours()).setRootInodeId(1);
        if (req.hasTrashRetentionSec()) {
            fs.setTrashRetentionSec(req.getTrashRetentionSec());
        }
        return fs.build();
    }

    private static void requireField(String field, String value) {
        if (value.isBlank()) {
            throw new RpcException(StatusCode.INVALID_ARGUMENT, "s3 info has no " + field);
        }
    }

    /** True when {@code existing} was created with the parameters in {@code wanted}. */
    static boolean sameParams(FsInfo existing, FsInfo wanted) {
        return definingFields(existing).equals(definingFields(wanted));
    }

    private static FsInfo definingFields(FsInfo fs) {
        FsInfo.Builder b = FsInfo.newBuilder().setFsName(fs.getFsName()).setBlockSize(fs.getBlockSize())
                .setFsType(fs.getFsType()).setS3Info(fs.getS3Info()).setVolume(fs.getVolume())
                .setCapacity(fs.getCapacity()).setOwner(fs.getOwner()).setRecycleHours(fs.getRecycleHours());
        if (fs.hasTrashRetentionSec()) {
            b.setTrashRetentionSec(fs.getTrashRetentionSec());
        }
        return b.build();
    }
}
