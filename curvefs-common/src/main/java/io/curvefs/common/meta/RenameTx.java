package io.curvefs.common.meta;

import io.curvefs.common.rpc.RetryPolicy;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.proto.metaserver.TxIntent;
import io.curvefs.proto.metaserver.TxRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * rename(2) across partitions as a prepare/commit transaction (DESIGN.md §4); so are unlink(2)/rmdir(2)
 * (a {@link Removal}: a rename to nowhere) and link(2) of an entry whose inode lives in another partition. Every partition involved
 * (both parents' partitions, those of the moved and of the replaced inode, and for a directory moving
 * to another parent those of the directories on the way from the new parent to the root, whose places
 * it holds so that no concurrent move can put the directory into its own subtree) prepares its part, the
 * primary (the source parent's partition) first; the commit point is one raft command at the primary;
 * then the others commit and the primary forgets the transaction. Whoever meets a name the transaction
 * holds settles it through the primary ({@link TxResolver}), so a client that vanishes at any step
 * leaves a rename that is done or undone, never half of it.
 *
 * <p>A transaction that finds a name held by another live one does not wait while it holds names itself:
 * it rolls itself back and starts again after a random pause, so two transactions never wait for each
 * other.
 */
public final class RenameTx {
    /** The steps after which a test may stop the client, as a crash would. */
    public enum Step { PRIMARY_PREPARED, ALL_PREPARED, COMMITTED }

    /** Called after each step; throwing from it abandons the transaction where it stands. */
    public interface Hook {
        void after(Step step);
    }

    /**
     * What to rename: the entry as the caller looked it up, the entry it replaces (victim 0: none) and,
     * for a directory moving to another parent, the way from the new parent up to the root as the caller
     * walked it (each directory with its parent), which must not contain the moved directory.
     */
    public record Plan(long srcParent, String srcName, long dstParent, String dstName, long inodeId,
                       FsFileType type, long victim, FsFileType victimType, boolean keepVictim, int callerUid,
                       List<Ancestor> way) {
    }

    /** A directory on the way to the root and the parent it was seen under. */
    public record Ancestor(long inodeId, long parent) {
    }

    /**
     * unlink(2) or rmdir(2) of an entry whose inode lives in another partition than its parent: a rename to
     * nowhere. The name goes and the inode loses that link (a directory must be empty) at one commit point.
     */
    public record Removal(long parent, String name, long inodeId, FsFileType type, boolean keepIfOrphaned,
                          int callerUid) {
    }

    /** Past this, a PENDING transaction may be aborted by anyone; far above a transaction's normal life. */
    public static final long DEFAULT_TTL_MS = 5_000;
    private static final long GIVE_UP_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long MAX_BACKOFF_MS = 200;

    private final MetaClient meta;
    private final TxCalls calls;
    private final TxResolver resolver;
    private final long ttlMs;
    private final Hook hook;

    public RenameTx(MetaClient meta, long ttlMs, Hook hook) {
        this.meta = meta;
        this.calls = new TxCalls(meta);
        this.resolver = new TxResolver(calls);
        this.ttlMs = ttlMs;
        this.hook = hook;
    }

    /**
     * Renames; answers the inodes that lost their last name (with chunk infos, for their objects to be
     * reclaimed). TX_CONFLICT: the names changed since the plan was made; make it again.
     */
    public List<Inode> run(Plan plan, Time time) {
        return run(plan.srcParent(), parts(plan), plan.callerUid(), time);
    }

    /**
     * link(2) of a file whose inode lives in another partition than the new name's directory: the name
     * and the link count come at one commit point. TX_CONFLICT: the name exists now.
     */
    public void link(long parent, String name, long inodeId, FsFileType type, Time time) {
        Map<Integer, List<TxIntent>> parts = new LinkedHashMap<>();
        add(parts, parent, TxIntent.newBuilder().setKind(TxIntent.Kind.PLACE_NAME).setParent(parent).setName(name)
                .setInodeId(inodeId).setType(type).setSrcParent(parent));
        add(parts, inodeId, TxIntent.newBuilder().setKind(TxIntent.Kind.LINK_INODE).setInodeId(inodeId)
                .setType(type).setParent(parent));
        run(parent, parts, 0, time);
    }

    /** Removes; answers the inodes that lost their last name. TX_CONFLICT: the name changed; look again. */
    public List<Inode> remove(Removal removal, Time time) {
        Map<Integer, List<TxIntent>> parts = new LinkedHashMap<>();
        add(parts, removal.parent(), TxIntent.newBuilder().setKind(TxIntent.Kind.REMOVE_NAME)
                .setParent(removal.parent()).setName(removal.name()).setInodeId(removal.inodeId())
                .setType(removal.type()));
        add(parts, removal.inodeId(), TxIntent.newBuilder().setKind(TxIntent.Kind.DROP_INODE)
                .setInodeId(removal.inodeId()).setType(removal.type()).setParent(removal.parent())
                .setKeepIfOrphaned(removal.keepIfOrphaned()).setHolder(meta.clientId()));
        return run(removal.parent(), parts, removal.callerUid(), time);
    }

    /** The primary is the partition of the directory {@code primaryOwner} (the source parent; for a link, the new one). */
    private List<Inode> run(long primaryOwner, Map<Integer, List<TxIntent>> parts, int callerUid, Time time) {
        long giveUp = System.nanoTime() + GIVE_UP_NS;
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(meta.partitionOf(primaryOwner), parts, callerUid, time);
            } catch (RpcException e) {
                boolean retry = e.code() == StatusCode.TX_LOCKED || e.code() == StatusCode.TX_ABORTED;
                if (!retry || System.nanoTime() > giveUp) {
                    throw e;
                }
                RetryPolicy.pause(ThreadLocalRandom.current().nextLong(1, Math.min(MAX_BACKOFF_MS, 10L * attempt) + 1));
            }
        }
    }

    private List<Inode> attempt(int primary, Map<Integer, List<TxIntent>> parts, int callerUid, Time time) {
        List<Integer> others = new ArrayList<>(parts.keySet());
        others.remove(Integer.valueOf(primary));
        TxRecord base = TxRecord.newBuilder().setTxId(UUID.randomUUID().toString()).setPrimary(primary)
                .setStartMs(System.currentTimeMillis()).setTtlMs(ttlMs).setTime(time)
                .setCallerUid(callerUid).build();
        String id = base.getTxId();
        prepare(primary, base.toBuilder().setState(TxRecord.State.PENDING).addAllParticipants(others)
                .addAllIntents(parts.get(primary)).build());
        hook.after(Step.PRIMARY_PREPARED);
        for (int other : others) {
            try {
                prepare(other, base.toBuilder().setState(TxRecord.State.PREPARED).addAllIntents(parts.get(other))
                        .build());
            } catch (RpcException e) {
                rollBack(primary, others, id);
                throw e;
            }
        }
        hook.after(Step.ALL_PREPARED);
        List<Inode> deleted = new ArrayList<>();
        try {
            deleted.addAll(calls.commit(primary, id, true));
        } catch (RpcException e) {
            if (e.code() == StatusCode.TX_ABORTED) {
                rollBack(primary, others, id); // a resolver took us for dead; it may not have reached every part
            }
            throw e;
        }
        hook.after(Step.COMMITTED);
        for (int other : others) {
            deleted.addAll(calls.commit(other, id, false));
        }
        calls.finish(primary, id);
        return deleted;
    }

    /** Prepares one part; when another transaction holds a name there, settles what can be settled first. */
    private void prepare(int partitionId, TxRecord part) {
        try {
            calls.prepare(partitionId, part);
        } catch (RpcException e) {
            if (e.code() == StatusCode.TX_LOCKED) {
                resolver.resolve(partitionId);
            }
            throw e;
        }
    }

    /** Aborts at the primary first, so that nothing can commit it, then everywhere else. */
    private void rollBack(int primary, List<Integer> others, String id) {
        calls.abort(primary, id);
        for (int other : others) {
            calls.abort(other, id);
        }
    }

    /** Each partition's part, keyed by partition id in the order the intents apply. */
    private Map<Integer, List<TxIntent>> parts(Plan plan) {
        Map<Integer, List<TxIntent>> parts = new LinkedHashMap<>();
        add(parts, plan.srcParent(), TxIntent.newBuilder().setKind(TxIntent.Kind.REMOVE_NAME)
                .setParent(plan.srcParent()).setName(plan.srcName()).setInodeId(plan.inodeId()).setType(plan.type()));
        add(parts, plan.dstParent(), TxIntent.newBuilder().setKind(TxIntent.Kind.PLACE_NAME)
                .setParent(plan.dstParent()).setName(plan.dstName()).setInodeId(plan.inodeId()).setType(plan.type())
                .setVictim(plan.victim()).setVictimType(plan.victimType()).setSrcParent(plan.srcParent()));
        add(parts, plan.inodeId(), TxIntent.newBuilder().setKind(TxIntent.Kind.MOVE_INODE)
                .setInodeId(plan.inodeId()).setType(plan.type()).setParent(plan.srcParent())
                .setNewParent(plan.dstParent()));
        for (Ancestor a : plan.way()) {
            add(parts, a.inodeId(), TxIntent.newBuilder().setKind(TxIntent.Kind.KEEP_PARENT)
                    .setInodeId(a.inodeId()).setParent(a.parent()).setType(FsFileType.TYPE_DIRECTORY));
        }
        if (plan.victim() != 0) {
            add(parts, plan.victim(), TxIntent.newBuilder().setKind(TxIntent.Kind.DROP_INODE)
                    .setInodeId(plan.victim()).setType(plan.victimType()).setParent(plan.dstParent())
                    .setKeepIfOrphaned(plan.keepVictim()).setHolder(meta.clientId()));
        }
        return parts;
    }

    /** The intent goes to the partition that owns {@code owner} (the directory of a name, or the inode). */
    private void add(Map<Integer, List<TxIntent>> parts, long owner, TxIntent.Builder intent) {
        parts.computeIfAbsent(meta.partitionOf(owner), p -> new ArrayList<>()).add(intent.build());
    }
}
