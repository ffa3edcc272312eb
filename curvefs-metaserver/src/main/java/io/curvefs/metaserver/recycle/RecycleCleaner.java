package io.curvefs.metaserver.recycle;

import io.curvefs.common.meta.EntryRemover;
import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.meta.MetaClients;
import io.curvefs.common.meta.RecycleNames;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.metaserver.copyset.CopysetManager;
import io.curvefs.metaserver.copyset.CopysetNode;
import io.curvefs.metaserver.copyset.LeaderRounds;
import io.curvefs.metaserver.storage.MetaReader;
import io.curvefs.proto.common.PartitionInfo;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.mds.FsInfo;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Empties the recycle bins (DESIGN.md §4): every interval, on each copyset this metaserver leads, the
 * partition holding a file system's {@code /.recycle} (inode 2) has its hour directories listed locally,
 * and those whose hour ended more than the fs's {@code recycle_hours} ago are deleted with everything in
 * them as a mount's {@code rm -rf} would, through the metadata client: entries and inodes in whichever
 * partition they live, files into their partition's trash (the trash reclaimer deletes their objects
 * later). At most {@link #PER_ROUND} entries go per round; the rest, and whatever failed (logged), is
 * taken up again by the next round.
 */
public final class RecycleCleaner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecycleCleaner.class);
    /** Entries removed per round at most, as the original's scan limit. */
    static final int PER_ROUND = 1000;
    /** Hour directories hold files and empty directories; a deeper tree (an operator's) is refused, logged each round. */
    private static final int MAX_DEPTH = 64;
    private static final Duration HOUR = Duration.ofHours(1);

    private final IntFunction<FsInfo> fsInfos;
    private final MetaClients clients;
    private final LongSupplier nowMs;
    private final LeaderRounds rounds;

    /** @param fsInfos a file system's settings by id; may throw (that fs then waits for a later round) */
    public RecycleCleaner(CopysetManager copysets, IntFunction<FsInfo> fsInfos, MetaClients clients,
                          long intervalMs, LongSupplier nowMs) {
        this.fsInfos = fsInfos;
        this.clients = clients;
        this.nowMs = nowMs;
        this.rounds = new LeaderRounds("recycle-cleaner", copysets, intervalMs, PER_ROUND, this::clean);
    }

    public void start() {
        rounds.start();
    }

    /** One round over the copysets this node leads; answers how many entries it removed. */
    public int round() {
        return rounds.round();
    }

    private static boolean holdsBin(MetaReader reader, PartitionInfo p) {
        return p.getStart() <= RecycleNames.INODE && RecycleNames.INODE <= p.getEnd()
                && reader.inode(p.getPartitionId(), RecycleNames.INODE).isPresent();
    }

    /** Removes expired hour directories of the partition's bin within {@code budget}; answers how many entries went. */
    private int clean(CopysetNode copyset, PartitionInfo p, int budget) {
        MetaReader reader = copyset.reader();
        if (!holdsBin(reader, p)) {
            return 0;
        }
        FsInfo fs;
        try {
            fs = fsInfos.apply(p.getFsId());
        } catch (RuntimeException e) {
            LOG.warn("recycle bin of fs {} waits: its settings are unavailable: {}", p.getFsId(), e.getMessage());
            return 0;
        }
        if (fs.getRecycleHours() == 0) {
            return 0;
        }
        Instant expiredBefore = Instant.ofEpochMilli(nowMs.getAsLong()).minus(Duration.ofHours(fs.getRecycleHours()));
        List<Dentry> hours = reader.listDentries(p.getPartitionId(), RecycleNames.INODE, "", PER_ROUND, true);
        MetaClient meta = clients.of(p.getFsId());
        EntryRemover remover = new EntryRemover(meta, this::now);
        int left = budget;
        for (Dentry hour : hours) {
            Optional<Instant> start = RecycleNames.hourStart(hour.getName());
            if (left == 0 || start.isEmpty() || start.get().plus(HOUR).isAfter(expiredBefore)) {
                continue;
            }
            try {
                left = removeTree(meta, remover, RecycleNames.INODE, hour, left, 0);
                if (left > 0) {
                    LOG.info("fs {}: recycle hour {} expired and was emptied", fs.getFsName(), hour.getName());
                }
            } catch (RpcException e) {
                LOG.warn("fs {}: emptying recycle hour {} failed, next round tries again: {} {}", fs.getFsName(),
                        hour.getName(), e.code(), e.getMessage());
            }
        }
        return budget - left;
    }

    /**
     * Removes directory {@code dir} (an entry of {@code parent}) with everything below it, depth first, as
     * rm -rf does; stops when {@code budget} entries went and answers what is left of it.
     */
    private int removeTree(MetaClient meta, EntryRemover remover, long parent, Dentry dir, int budget, int depth) {
        if (depth > MAX_DEPTH) {
            throw new RpcException(StatusCode.INTERNAL_ERROR, "recycle tree deeper than " + MAX_DEPTH + " at "
                    + dir.getInodeId());
        }
        int left = budget;
        while (left > 0) {
            List<Dentry> children = meta.listDentry(dir.getInodeId(), "", left).entries();
            if (children.isEmpty()) {
                remover.remove(parent, dir.getName(), true, 0, false, remover.plainVictims());
                return left - 1;
            }
            for (Dentry child : children) {
                if (left == 0) {
                    break;
                }
                if (child.getType() == FsFileType.TYPE_DIRECTORY) {
                    left = removeTree(meta, remover, dir.getInodeId(), child, left, depth + 1);
                } else {
                    remover.remove(dir.getInodeId(), child.getName(), false, 0, false, remover.plainVictims());
                    left--;
                }
            }
        }
        return 0;
    }

    private Time now() {
        long ms = nowMs.getAsLong();
        return Time.newBuilder().setSec(ms / 1000).setNsec((int) (ms % 1000) * 1_000_000).build();
    }

    @Override
    public void close() {
        rounds.close();
    }
}
