package io.curvefs.client.mount;

import io.curvefs.client.data.ChunkInfoStore;
import io.curvefs.common.meta.MetaClient;
import io.curvefs.client.vfs.Clock;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.metaserver.S3ChunkInfo;
import io.curvefs.proto.metaserver.S3ChunkInfoList;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The data path's chunk lists, kept in the inode on the metaserver. */
public final class MetaChunkInfoStore implements ChunkInfoStore {
    private final MetaClient meta;

    public MetaChunkInfoStore(MetaClient meta) {
        this.meta = meta;
    }

    @Override
    public Map<Long, List<S3ChunkInfo>> load(long inodeId) throws IOException {
        try {
            Map<Long, List<S3ChunkInfo>> out = new HashMap<>();
            meta.getChunkInfo(inodeId, List.of()).forEach((index, list) -> out.put(index, list.getInfosList()));
            return out;
        } catch (RpcException e) {
            throw new IOException("loading chunk infos of inode " + inodeId + ": " + e.code() + " " + e.getMessage(), e);
        }
    }

    /** Also stamps the inode's mtime: a flush is where written data becomes the file's content. */
    @Override
    public void append(long inodeId, Map<Long, List<S3ChunkInfo>> add, OptionalLong newLength) throws IOException {
        Map<Long, S3ChunkInfoList> lists = new HashMap<>();
        add.forEach((index, infos) -> lists.put(index, S3ChunkInfoList.newBuilder().addAllInfos(infos).build()));
        try {
            meta.appendChunkInfo(inodeId, lists, newLength, Clock.now());
        } catch (RpcException e) {
            throw new IOException("committing chunk infos of inode " + inodeId + ": " + e.code() + " " + e.getMessage(), e);
        }
    }
}
