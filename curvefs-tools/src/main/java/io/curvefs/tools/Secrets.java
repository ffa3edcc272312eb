package io.curvefs.tools;

import io.curvefs.proto.mds.FsInfo;

/** The tool never prints an S3 secret key: output carries a mask that still shows whether one is set. */
final class Secrets {
    static final String MASK = "******";

    private Secrets() {
    }

    static FsInfo masked(FsInfo fs) {
        if (!fs.hasS3Info() || fs.getS3Info().getSk().isEmpty()) {
            return fs;
        }
        FsInfo.Builder b = fs.toBuilder();
        b.getS3InfoBuilder().setSk(MASK);
        return b.build();
    }
}
