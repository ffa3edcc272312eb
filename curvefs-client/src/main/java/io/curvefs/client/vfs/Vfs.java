package io.curvefs.client.vfs;

import com.google.protobuf.ByteString;
import io.curvefs.client.data.DataStore;
import io.curvefs.client.data.FileHandle;
import io.curvefs.common.meta.EntryRemover;
import io.curvefs.common.meta.MetaClient;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.GetDentryResponse;
import io.curvefs.proto.metaserver.FileLock;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.LockChange;
import io.curvefs.proto.metaserver.LinkResponse;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.proto.metaserver.UpdateInodeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * POSIX semantics of one mount over inode ids, independent of FUSE: every operation either succeeds or
 * throws {@link VfsException} / {@link RpcException}, which {@link Errno#of(Throwable)} turns into an
 * errno. Thread-safe; no lock is held across a network call.
 *
 * <p>Consistency: strong within the mount (its own mutations update its caches), close-to-open across
 * mounts: {@link #open} reads the inode from the metaserver and drops cached chunk lists, and release
 * or fsync publish data and length.
 *
 * <p>Names change with one metaserver command each (create, link, unlink, rmdir, rename within a
 * partition), which also changes the inode when it lives with its parent. A file whose last name goes
 * waits in its partition's trash (still readable through open handles of any mount); the partition
 * leader deletes its objects after the retention.
 *
 * <p>Rename across partitions is a transaction (see {@link Renamer}).
 */
public final class Vfs {
    private static final Logger LOG = LoggerFactory.getLogger(Vfs.class);
    public static final long ROOT = 1;
    /** Linux open flag bit shared by O_SYNC and O_DSYNC. */
    private static final int O_DSYNC = 010000;
    private static final int O_ACCMODE = 03;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_EXCL = 0200;
    private static final int O_TRUNC = 01000;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int FALLOC_FL_ZERO_RANGE = 0x10;
    /** Source of the zeros that punching a hole writes; never written to. */
    private static final byte[] ZEROS = new byte[1 << 20];

    final MetaClient meta;
    final MetaCache cache;
    final DirListings listings;
    private final DataStore data;
    private final FsUsage usage;
    private final OpenFiles openFiles = new OpenFiles();
    /**
     * Nameless inodes this mount holds in the trash at the metaserver because it has them open: its own
     * unlink left them so, or another mount's did and this one claimed them ({@link #holdNamelessOpenFiles}).
     */
    private final Set<Long> holds = ConcurrentHashMap.newKeySet();
    final Renamer renamer;
    private final EntryRemover remover;
    private final Linker linker;
    private final RecycleBin recycle;
    private final SharedLocks locks;

    /** {@code recycleBin}: the fs has a recycle bin (see {@link RecycleBin}). */
    public Vfs(MetaClient meta, DataStore data, FsUsage usage, Duration attrTimeout, Duration entryTimeout,
               boolean recycleBin) {
        this.meta = meta;
        this.data = data;
        this.usage = usage;
        this.cache = new MetaCache(attrTimeout, entryTimeout);
        this.listings = new DirListings(entryTimeout);
        this.renamer = new Renamer(this);
        this.remover = new EntryRemover(meta, Clock::now);
        this.linker = new Linker(this);
        this.recycle = new RecycleBin(this, recycleBin);
        this.locks = new SharedLocks(meta);
    }

    // ---- names and attributes ----

    /** The inode named {@code name} in directory {@code parent}. */
    public Inode lookup(long parent, String name) {
        Long ino = cache.entry(parent, name);
        if (ino != null) {
            return getattr(ino);
        }
        if (listings.knownAbsent(parent, name)) {
            throw new VfsException(Errno.ENOENT, "no entry '" + name + "' in " + parent + " (listed)");
        }
        if (listings.missed(parent)) {
            list(parent);
            return lookupListed(parent, name);
        }
        return withLiveLength(lookupFresh(parent, name));
    }

    /**
     * The inode named {@code name} in {@code parent}, asked of the metaserver whatever the caches hold:
     * for an answer the caches may have kept past a move by another mount.
     */
    public Inode lookupUncached(long parent, String name) {
        return withLiveLength(lookupFresh(parent, name));
    }

    /** A lookup right after listing the directory: the caches answer, unless the listing was not kept. */
    private Inode lookupListed(long parent, String name) {
        Long ino = cache.entry(parent, name);
        if (ino != null) {
            return getattr(ino);
        }
        if (listings.knownAbsent(parent, name)) {
            throw new VfsException(Errno.ENOENT, "no entry '" + name + "' in " + parent + " (listed)");
        }
        return withLiveLength(lookupFresh(parent, name));
    }

    /** Attributes, with the live length of a file this mount has open (its unflushed writes count). */
    public Inode getattr(long ino) {
        Inode inode = cache.attr(ino);
        return withLiveLength(inode != null ? inode : fetch(ino));
    }

    private Inode withLiveLength(Inode inode) {
        OptionalLong live = data.liveLength(inode.getInodeId());
        return live.isPresent() && live.getAsLong() != inode.getLength()
                ? inode.toBuilder().setLength(live.getAsLong()).build() : inode;
    }

    /** Attributes of an open file, by its handle. */
    public Inode fgetattr(long fh) {
        return getattr(openFiles.get(fh).inode());
    }

    /** How long ago the attributes {@link #getattr} serves for {@code ino} were fetched (0: just now). */
    public long attrAgeNanos(long ino) {
        return cache.attrAgeNanos(ino);
    }

    /** How long ago the lookup {@link #lookup} serves for the name was made (0: just now). */
    public long entryAgeNanos(long parent, String name) {
        return cache.entryAgeNanos(parent, name);
    }

    /** The inode this mount last saw named so, without asking anyone; null when it has none cached. */
    public Long cachedIno(long parent, String name) {
        return cache.entry(parent, name);
    }

    /** Whether this mount has the inode open (its attributes then include unflushed writes). */
    public boolean isOpen(long ino) {
        return openFiles.isOpen(ino);
    }

    /**
     * The inode turned out gone or without names (another mount removed it): no cached name or
     * attributes of it are served any more, so the kernel's next lookup of the name asks the metaserver.
     */
    public void forgetNames(long ino) {
        cache.dropEntriesNaming(ino);
        if (!openFiles.isOpen(ino)) {
            cache.dropAttr(ino);
        }
    }

    /** The kernel dropped the inode: its attributes are not kept here either, unless it is open. */
    public void forget(long ino) {
        if (!openFiles.isOpen(ino)) {
            cache.dropAttr(ino);
        }
    }

    /** Reads the inode from the metaserver and caches it. */
    Inode fetch(long ino) {
        Inode inode = meta.getInode(ino, false);
        cache.putAttr(inode);
        if (inode.getNlink() == 0) {
            holdIfNameless(inode);
        }
        return inode;
    }

    /** The whole directory; its entries and their attributes are cached, for the lookups (ls -l) that follow. */
    public List<Dentry> readdir(long dir) {
        return list(dir);
    }

    private List<Dentry> list(long dir) {
        long generation = listings.generation(dir);
        Set<String> before = listings.names(dir);
        List<Dentry> all = meta.listAll(dir);
        List<Long> ids = new ArrayList<>(all.size());
        Set<String> names = new java.util.HashSet<>(all.size() * 2);
        for (Dentry d : all) {
            cache.putEntry(dir, d.getName(), d.getInodeId());
            ids.add(d.getInodeId());
            names.add(d.getName());
        }
        // names another mount removed since the last listing are not served from the cache any more
        for (String gone : before) {
            if (!names.contains(gone)) {
                cache.dropEntry(dir, gone);
            }
        }
        meta.batchGetInodeAttr(ids).forEach(cache::putAttr);
        listings.put(dir, names, generation);
        return all;
    }

    /**
     * Runs a change of directory {@code dir}'s entries and tells the listings: {@code done} on success;
     * on any failure (even a timeout, after which the change may have happened) the listing is dropped.
     */
    <T> T changing(long dir, Supplier<T> change, Consumer<DirListings> done) {
        T result;
        try {
            result = change.get();
        } catch (RuntimeException e) {
            listings.drop(dir);
            throw e;
        }
        done.accept(listings);
        return result;
    }

    public String readlink(long ino) {
        Inode inode = getattr(ino);
        if (inode.getType() != FsFileType.TYPE_SYM_LINK) {
            throw new VfsException(Errno.EINVAL, "inode " + ino + " is not a symlink");
        }
        return inode.getSymlink();
    }

    // ---- creating names ----

    public Inode mkdir(Caller c, long parent, String name, int mode) {
        return createNode(c, parent, name, Modes.S_IFDIR | (mode & Modes.PERMISSIONS), 0, "");
    }

    /** Regular files, fifos, sockets and devices ({@code mode} carries the type bits). */
    public Inode mknod(Caller c, long parent, String name, int mode, long rdev) {
        int type = (mode & Modes.S_IFMT) == 0 ? Modes.S_IFREG : mode & Modes.S_IFMT;
        return createNode(c, parent, name, type | (mode & Modes.PERMISSIONS), rdev, "");
    }

    public Inode symlink(Caller c, long parent, String name, String target) {
        return createNode(c, parent, name, Modes.S_IFLNK | 0777, 0, target);
    }

    /**
     * New inode owned by the caller, with the caller's umask applied (a no-op when the kernel applied it
     * already). A set-group-ID directory passes its group on, and the bit itself to subdirectories.
     */
    private Inode createNode(Caller c, long parent, String name, int mode, long rdev, String symlink) {
        recycle.requireOutside(parent);
        return createNodeAnywhere(c, parent, name, mode, rdev, symlink);
    }

    /** {@link #createNode} without the recycle bin's refusal: for the bin's own hour directories. */
    Inode createNodeAnywhere(Caller c, long parent, String name, int mode, long rdev, String symlink) {
        Inode dir = getattr(parent);
        if (!Modes.isDir(dir.getMode())) {
            throw new VfsException(Errno.ENOTDIR, "inode " + parent + " is not a directory");
        }
        boolean setgidDir = (dir.getMode() & Modes.S_ISGID) != 0;
        int gid = setgidDir ? dir.getGid() : c.gid();
        int masked = Modes.isSymlinkMode(mode) ? mode : mode & ~(c.umask() & 0777);
        int effective = setgidDir && Modes.isDir(mode) ? masked | Modes.S_ISGID : masked;
        MetaClient.Created created = changing(parent, () -> meta.createNode(parent, name, Modes.typeOf(mode),
                effective, c.uid(), gid, rdev, symlink, Clock.now()), l -> l.added(parent, name));
        cache.putAttr(created.inode());
        cache.putEntry(parent, name, created.inode().getInodeId());
        if (created.parent() != null) {
            cache.putAttr(created.parent());
        } else {
            cache.dropAttr(parent);
        }
        return created.inode();
    }

    /**
     * A new name for an existing non-directory inode: one command when the inode lives with the new
     * parent, else a transaction ({@link Linker#link}), so the name and the link count come together.
     */
    public Inode link(long ino, long newParent, String newName) {
        recycle.requireOutside(newParent);
        Inode inode = getattr(ino);
        if (Modes.isDir(inode.getMode())) {
            throw new VfsException(Errno.EPERM, "hard link to directory " + ino);
        }
        Time now = Clock.now();
        Inode after;
        try {
            LinkResponse linked = changing(newParent, () -> meta.link(newParent, newName, ino, inode.getType(), now),
                    l -> l.added(newParent, newName));
            cache.putAttr(linked.getParent());
            after = linked.getInode();
        } catch (RpcException e) {
            if (e.code() != StatusCode.CROSS_PARTITION) {
                throw e;
            }
            changing(newParent, () -> {
                linker.link(newParent, newName, inode, now);
                return null;
            }, l -> l.added(newParent, newName));
            cache.dropAttr(newParent);
            after = fetch(ino);
        }
        cache.putAttr(after);
        cache.putEntry(newParent, newName, ino);
        return withLiveLength(after);
    }

    // ---- removing names ----

    /** With a recycle bin, outside it: a move into the bin, with the checks of unlink. */
    public void unlink(Caller c, long parent, String name) {
        if (recycle.takes(parent, name) && recycle.moveIn(c, parent, name, requireNotDir(parent, name))) {
            return;
        }
        EntryRemover.Removed r = removeEntry(c, parent, name, false, mayBeHeld(parent, name));
        nameRemoved(r.ino(), r.inode(), r.deleted());
    }

    private Inode requireNotDir(long parent, String name) {
        Inode victim = lookupFresh(parent, name);
        if (Modes.isDir(victim.getMode())) {
            throw new VfsException(Errno.EISDIR, "'" + name + "' is a directory");
        }
        return victim;
    }

    /**
     * With a recycle bin, outside it: a move of the empty directory into the bin (a file created in it by
     * another mount between the emptiness check and the move goes into the bin with it).
     */
    public void rmdir(Caller c, long parent, String name) {
        if (recycle.takes(parent, name)) {
            Inode victim = lookupFresh(parent, name);
            requireEmptyDir(victim, name);
            if (recycle.moveIn(c, parent, name, victim)) {
                return;
            }
        }
        EntryRemover.Removed r = removeEntry(c, parent, name, true, false);
        cache.dropAttr(r.ino());
    }

    /**
     * The entry goes and its inode loses the link together (see {@link EntryRemover}); this mount's own
     * check of the sticky bit comes before a transaction.
     */
    private EntryRemover.Removed removeEntry(Caller c, long parent, String name, boolean directory, boolean keep) {
        EntryRemover.Removed r = changing(parent, () -> remover.remove(parent, name, directory, c.uid(), keep,
                new EntryRemover.Victims() {
                    @Override
                    public Inode lookup(long dir, String entry) {
                        return lookupFresh(dir, entry);
                    }

                    @Override
                    public void check(long dir, Inode victim) {
                        requireMayDelete(c, dir, victim);
                    }
                }), l -> l.removed(parent, name));
        cache.dropEntry(parent, name);
        if (r.parent() != null) {
            cache.putAttr(r.parent());
        } else {
            cache.dropAttr(parent);
        }
        return r;
    }

    /**
     * Whether the inode named so may be open here, in which case the metaserver must keep it when its last
     * name goes. Without a cached entry, any open file makes the answer yes (a kept orphan that nobody
     * holds is deleted right after by {@link #nameRemoved}).
     */
    private boolean mayBeHeld(long parent, String name) {
        Long ino = cache.entry(parent, name);
        return ino != null ? isHeld(ino) : openFiles.anyOpen();
    }

    boolean isHeld(long ino) {
        return openFiles.isOpen(ino);
    }

    /** See {@link Renamer}. Nothing moves into the recycle bin this way, and {@code .recycle} stays. */
    public void rename(Caller c, long srcParent, String srcName, long dstParent, String dstName) {
        rename(c, srcParent, srcName, dstParent, dstName, false);
    }

    /**
     * {@code noReplace}: renameat2's RENAME_NOREPLACE, EEXIST when the new name exists (checked just
     * before the rename: a name another mount creates in between is replaced).
     */
    public void rename(Caller c, long srcParent, String srcName, long dstParent, String dstName, boolean noReplace) {
        if (noReplace && exists(dstParent, dstName)) {
            throw new VfsException(Errno.EEXIST, "'" + dstName + "' exists (RENAME_NOREPLACE)");
        }
        recycle.requireNotBin(srcParent, srcName);
        recycle.requireNotBin(dstParent, dstName);
        recycle.requireOutside(dstParent);
        renamer.rename(c, srcParent, srcName, dstParent, dstName);
    }

    private boolean exists(long parent, String name) {
        try {
            lookupFresh(parent, name);
            return true;
        } catch (RpcException e) {
            if (Errno.of(e) == Errno.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    /** The entry and its inode from the metaserver (usually one call), both cached. */
    Inode lookupFresh(long parent, String name) {
        cache.dropEntry(parent, name);
        GetDentryResponse found = meta.lookup(parent, name);
        long ino = found.getDentry().getInodeId();
        cache.putEntry(parent, name, ino);
        if (!found.hasInode()) {
            return fetch(ino);
        }
        cache.putAttr(found.getInode());
        return found.getInode();
    }

    void requireEmptyDir(Inode dir, String name) {
        if (!Modes.isDir(dir.getMode())) {
            throw new VfsException(Errno.ENOTDIR, "'" + name + "' is not a directory");
        }
        if (!meta.listDentry(dir.getInodeId(), "", 1).entries().isEmpty()) {
            throw new VfsException(Errno.ENOTEMPTY, "directory '" + name + "' is not empty");
        }
    }

    /** The sticky bit: in such a directory only the owner of the entry or of the directory may remove it. */
    void requireMayDelete(Caller c, long parent, Inode victim) {
        Inode dir = getattr(parent);
        if ((dir.getMode() & Modes.S_ISVTX) != 0 && !c.isRoot()
                && c.uid() != dir.getUid() && c.uid() != victim.getUid()) {
            throw new VfsException(Errno.EPERM, "sticky directory " + parent + ": not the owner");
        }
    }

    /**
     * An inode lost a name ({@code after}: the inode afterwards, null when unknown). An inode without names
     * is in its partition's trash; when this mount has it open ({@code deleted} false), the trash holds it
     * for this mount until its last release here, and the retention starts after the last holder's.
     */
    void nameRemoved(long ino, Inode after, boolean deleted) {
        if (deleted || after == null) {
            cache.dropAttr(ino);
            return;
        }
        cache.putAttr(after);
        if (after.getNlink() == 0) {
            holds.add(ino);
            releaseIfUnused(ino);
        }
    }

    /** This mount's hold of a nameless inode ends once it has no handle open on it any more. */
    private void releaseIfUnused(long ino) {
        if (isHeld(ino) || !holds.remove(ino)) {
            return;
        }
        cache.dropAttr(ino);
        try {
            meta.releaseInode(ino, Clock.now());
        } catch (RpcException e) {
            if (e.code() != StatusCode.INODE_NOT_FOUND) {
                throw e;
            }
        }
    }

    /**
     * Claims the open files of this mount that lost their last name on another mount, so the trash keeps
     * them until they are closed here (its retention could otherwise pass while they are still read and
     * written). One batch read per partition of the open inodes; run every few seconds.
     */
    public void holdNamelessOpenFiles() {
        List<Long> open = new ArrayList<>();
        for (long ino : openFiles.openInodes()) {
            if (!holds.contains(ino)) {
                open.add(ino);
            }
        }
        if (!open.isEmpty()) {
            meta.batchGetInodeAttr(open).forEach(this::holdIfNameless);
        }
    }

    /** {@code fresh}: just read from the metaserver. */
    private void holdIfNameless(Inode fresh) {
        long ino = fresh.getInodeId();
        if (fresh.getNlink() != 0 || !Modes.isRegular(fresh.getMode()) || !openFiles.isOpen(ino) || !holds.add(ino)) {
            return;
        }
        try {
            meta.holdInode(ino);
            LOG.info("inode {} lost its last name elsewhere while open here: held until its last close", ino);
        } catch (RpcException e) {
            holds.remove(ino);
            LOG.warn("inode {} lost its last name elsewhere; holding it failed: {} {}", ino, e.code(), e.getMessage());
            return;
        }
        releaseIfUnused(ino);   // closed meanwhile
    }

    // ---- attributes ----

    /**
     * setattr(2) as the kernel sends it: one truncate and at most one inode update. Every change sets
     * ctime (to {@code change.ctime()} when given); a truncate that changed the length stamped mtime
     * and ctime already. {@code fh} > 0: the handle the change came through (ftruncate).
     */
    public Inode setattr(long ino, long fh, AttrChange change) throws IOException {
        Inode before = getattr(ino);
        boolean truncated = false;
        if (change.size() != null) {
            long oldLength = before.getLength();
            if (fh > 0) {
                ftruncate(fh, change.size());
            } else {
                truncate(ino, change.size());
            }
            truncated = oldLength != change.size();
        }
        boolean owner = change.uid() != null || change.gid() != null;
        // a truncate that changed the length has stamped mtime (and ctime) itself
        boolean setsMtime = change.mtime() != null && !(truncated && change.mtimeIsNow());
        if (change.mode() == null && !owner && !change.killSuidGid() && change.atime() == null && !setsMtime
                && change.ctime() == null) {
            return getattr(ino);
        }
        if (setsMtime && !change.mtimeIsNow()) {
            FileHandle open = openFiles.anyHandle(ino);
            if (open != null) {
                // the flush stamps an mtime of its own, which must not overwrite the one asked for
                open.flush();
            }
        }
        Time now = Clock.now();
        return update(ino, b -> {
            int mode = before.getMode();
            if (change.mode() != null) {
                mode = (mode & Modes.S_IFMT) | (change.mode() & Modes.PERMISSIONS);
            }
            if (owner) {
                change.uidValue().ifPresent(b::setUid);
                change.gidValue().ifPresent(b::setGid);
                mode = Modes.afterChown(mode);
            }
            if (change.killSuidGid()) {
                mode = Modes.afterChown(mode);
            }
            if (mode != before.getMode()) {
                b.setMode(mode);
            }
            if (change.atime() != null) {
                b.setAtime(change.atime());
            }
            if (setsMtime) {
                b.setMtime(change.mtime());
            }
            b.setCtime(change.ctime() != null ? change.ctime() : now);
        });
    }

    /**
     * What one setattr changes; null = unchanged. uid/gid of -1 (as 32-bit) mean unchanged too.
     * {@code mtimeIsNow}: the mtime is "now" (truncate(2), utimes(NULL)), not a value the caller chose.
     */
    public record AttrChange(Integer mode, Long uid, Long gid, Long size, Time atime, Time mtime, boolean mtimeIsNow,
                             Time ctime, boolean killSuidGid) {
        java.util.OptionalInt uidValue() {
            return uid == null || uid == 0xFFFFFFFFL || uid == -1 ? java.util.OptionalInt.empty()
                    : java.util.OptionalInt.of((int) (long) uid);
        }

        java.util.OptionalInt gidValue() {
            return gid == null || gid == 0xFFFFFFFFL || gid == -1 ? java.util.OptionalInt.empty()
                    : java.util.OptionalInt.of((int) (long) gid);
        }
    }

    /**
     * A write by a caller without CAP_FSETID clears set-user-ID, and set-group-ID with group execute
     * (the kernel leaves that to us, FUSE_HANDLE_KILLPRIV_V2): one update, only when a bit is set.
     * Answers whether the mode changed.
     */
    public boolean killSuidGid(long ino) {
        Inode inode = getattr(ino);
        int mode = Modes.afterChown(inode.getMode());
        if (mode == inode.getMode()) {
            return false;
        }
        update(ino, b -> b.setMode(mode).setCtime(Clock.now()));
        return true;
    }

    public Inode chmod(long ino, int mode) {
        Inode inode = getattr(ino);
        int newMode = (inode.getMode() & Modes.S_IFMT) | (mode & Modes.PERMISSIONS);
        return update(ino, b -> b.setMode(newMode).setCtime(Clock.now()));
    }

    /** uid or gid -1 = unchanged; clears set-ID bits as Linux does. */
    public Inode chown(long ino, long uid, long gid) {
        Inode inode = getattr(ino);
        int newMode = Modes.afterChown(inode.getMode());
        return update(ino, b -> {
            if (uid != -1 && uid != 0xFFFFFFFFL) {
                b.setUid((int) uid);
            }
            if (gid != -1 && gid != 0xFFFFFFFFL) {
                b.setGid((int) gid);
            }
            if (newMode != inode.getMode()) {
                b.setMode(newMode);
            }
            b.setCtime(Clock.now());
        });
    }

    /**
     * Null = leave that time as it is. A file open here is flushed first when its mtime is set: the
     * flush stamps its own mtime and must not overwrite the one asked for (tar sets times before close).
     */
    public Inode utimens(long ino, Time atime, Time mtime) throws IOException {
        FileHandle open = mtime == null ? null : openFiles.anyHandle(ino);
        if (open != null) {
            open.flush();
        }
        return update(ino, b -> {
            if (atime != null) {
                b.setAtime(atime);
            }
            if (mtime != null) {
                b.setMtime(mtime);
            }
            b.setCtime(Clock.now());
        });
    }

    public void truncate(long ino, long length) throws IOException {
        Inode inode = getattr(ino);
        if (Modes.isDir(inode.getMode())) {
            throw new VfsException(Errno.EISDIR, "truncate of directory " + ino);
        }
        if (!Modes.isRegular(inode.getMode())) {
            throw new VfsException(Errno.EINVAL, "truncate of a special file " + ino);
        }
        FileHandle open = openFiles.anyHandle(ino);
        if (open != null) {
            open.truncate(length);
        } else {
            FileHandle temp = data.open(ino, fetch(ino).getLength());
            try {
                temp.truncate(length);
            } finally {
                temp.release();
            }
        }
        cache.dropAttr(ino);
    }

    private Inode update(long ino, Consumer<UpdateInodeRequest.Builder> change) {
        Inode after = meta.updateInode(ino, change);
        cache.putAttr(after);
        return after;
    }

    // ---- extended attributes (values live in the inode; each change is one UpdateInode) ----

    public byte[] getxattr(long ino, String name) {
        return Xattrs.get(getattr(ino), name);
    }

    public List<String> listxattr(long ino) {
        return Xattrs.names(getattr(ino));
    }

    /** {@code flags}: {@link Xattrs#XATTR_CREATE} / {@link Xattrs#XATTR_REPLACE}, checked against fresh attributes. */
    public void setxattr(long ino, String name, byte[] value, int flags) {
        Xattrs.checkSet(fetch(ino), name, flags);
        update(ino, b -> b.putXattrSet(name, ByteString.copyFrom(value)).setCtime(Clock.now()));
    }

    public void removexattr(long ino, String name) {
        Xattrs.checkRemove(fetch(ino), name);
        update(ino, b -> b.addXattrRemove(name).setCtime(Clock.now()));
    }

    // ---- permission and fs ----

    /**
     * access(2). The mount uses default_permissions, so the kernel checks permissions itself and sends
     * no ACCESS request; this answers callers that reach the vfs without the kernel in between.
     */
    public void access(Caller c, long ino, int mask) {
        Permissions.check(c, getattr(ino), mask);
    }

    public FsUsage usage() {
        return usage;
    }

    // ---- file data ----

    /** A new regular file, opened with the open(2) {@code flags}: returns its handle number. */
    public Opened create(Caller c, long parent, String name, int mode, int flags) throws IOException {
        Inode inode;
        try {
            inode = mknod(c, parent, name, Modes.S_IFREG | (mode & Modes.PERMISSIONS), 0);
        } catch (RpcException e) {
            if (e.code() != StatusCode.DENTRY_EXIST || (flags & O_EXCL) != 0) {
                throw e;
            }
            return openExisting(c, parent, name, flags);
        }
        return new Opened(inode, openFiles.add(data.open(inode.getInodeId(), inode.getLength()), isSync(flags)));
    }

    /**
     * open(O_CREAT) without O_EXCL of a name that another mount created after the kernel looked it up:
     * opens that file, with the checks the kernel made for neither.
     */
    private Opened openExisting(Caller c, long parent, String name, int flags) throws IOException {
        Inode existing = lookupFresh(parent, name);
        if (Modes.isDir(existing.getMode())) {
            throw new VfsException(Errno.EISDIR, "'" + name + "' is a directory");
        }
        int access = flags & O_ACCMODE;
        Permissions.check(c, existing, access == O_RDONLY ? Permissions.R_OK
                : access == O_WRONLY ? Permissions.W_OK : Permissions.R_OK | Permissions.W_OK);
        return open(existing.getInodeId(), flags);
    }

    private static boolean isSync(int flags) {
        return (flags & O_DSYNC) != 0;
    }

    /**
     * Close-to-open: the attributes and chunk lists are read fresh unless this mount has it open already.
     * O_TRUNC (the kernel leaves it to us) empties the file and, even when it was empty, sets mtime and
     * ctime, as local file systems do.
     */
    public Opened open(long ino, int flags) throws IOException {
        boolean openHere = openFiles.isOpen(ino);
        Inode inode = fetch(ino);
        if (Modes.isDir(inode.getMode())) {
            throw new VfsException(Errno.EISDIR, "open of directory " + ino);
        }
        if (!openHere) {
            data.invalidate(ino);
        }
        long fh = openFiles.add(data.open(ino, inode.getLength()), isSync(flags));
        // even with O_RDONLY, as Linux does (the kernel checked the caller may write)
        if ((flags & O_TRUNC) != 0 && Modes.isRegular(inode.getMode())) {
            try {
                inode = truncateOnOpen(fh, inode);
            } catch (IOException | RuntimeException e) {
                release(fh);
                throw e;
            }
        }
        return new Opened(withLiveLength(inode), fh);
    }

    private Inode truncateOnOpen(long fh, Inode inode) throws IOException {
        if (inode.getLength() > 0) {
            ftruncate(fh, 0);
            return fetch(inode.getInodeId());
        }
        Time now = Clock.now();
        return update(inode.getInodeId(), b -> b.setMtime(now).setCtime(now));
    }

    public int read(long fh, long offset, ByteBuffer dst) throws IOException {
        return openFiles.get(fh).read(offset, dst);
    }

    /** Buffered (write-back) unless the handle was opened with O_SYNC/O_DSYNC. */
    public void write(long fh, long offset, ByteBuffer src) throws IOException {
        FileHandle h = openFiles.get(fh);
        h.write(offset, src);
        if (openFiles.isSync(fh)) {
            h.flush();
        }
    }

    /**
     * flush(2) (the close of one descriptor): what this handle wrote becomes durable and visible to
     * other mounts (close-to-open). A handle that wrote nothing has nothing to wait for, and the cached
     * attributes stay valid (e.g. a file created and closed empty).
     */
    public void flush(long fh) throws IOException {
        FileHandle h = openFiles.get(fh);
        if (h.hasWritten()) {
            h.flush();
            cache.dropAttr(h.inode());
        }
    }

    /** fsync(2): every write of the file made in this mount becomes durable, whichever descriptor made it. */
    public void fsync(long fh) throws IOException {
        FileHandle h = openFiles.get(fh);
        h.flush();
        cache.dropAttr(h.inode());
    }

    public void ftruncate(long fh, long length) throws IOException {
        FileHandle h = openFiles.get(fh);
        h.truncate(length);
        cache.dropAttr(h.inode());
    }

    /**
     * fallocate(2). An object store has no space to reserve, so allocating only extends the length
     * (mode 0) or does nothing (KEEP_SIZE); PUNCH_HOLE and ZERO_RANGE make the range read as zeros by
     * writing zeros over it (the old objects stay referenced until compaction).
     */
    public void fallocate(long fh, int mode, long offset, long length) throws IOException {
        if (offset < 0 || length <= 0) {
            throw new VfsException(Errno.EINVAL, "fallocate range " + offset + "+" + length);
        }
        boolean keepSize = (mode & FALLOC_FL_KEEP_SIZE) != 0;
        int kind = mode & ~FALLOC_FL_KEEP_SIZE;
        if (kind == FALLOC_FL_PUNCH_HOLE && !keepSize) {
            throw new VfsException(Errno.EOPNOTSUPP, "PUNCH_HOLE needs KEEP_SIZE");
        }
        if (kind != 0 && kind != FALLOC_FL_PUNCH_HOLE && kind != FALLOC_FL_ZERO_RANGE) {
            throw new VfsException(Errno.EOPNOTSUPP, "fallocate mode " + mode);
        }
        FileHandle h = openFiles.get(fh);
        long end = offset + length;
        if (kind != 0) {
            writeZeros(h, offset, Math.min(end, h.length()));
        }
        if (!keepSize && end > h.length()) {
            h.truncate(end);
        }
        cache.dropAttr(h.inode());
    }

    private static void writeZeros(FileHandle h, long from, long to) throws IOException {
        for (long pos = from; pos < to; pos += ZEROS.length) {
            h.write(pos, ByteBuffer.wrap(ZEROS, 0, (int) Math.min(ZEROS.length, to - pos)));
        }
    }

    /**
     * Last close of a handle: flushes, drops the record locks the open file itself still holds, and
     * deletes the inode if its last name went away meanwhile.
     */
    public void release(long fh) throws IOException {
        FileHandle h = openFiles.remove(fh);
        if (h == null) {
            return;
        }
        try {
            try {
                h.release();
            } finally {
                locks.handleClosed(fh, h.inode());   // after the flush: the next holder reads what was written
            }
        } finally {
            if (h.hasWritten()) {
                cache.dropAttr(h.inode());
            }
            if (holds.contains(h.inode())) {
                try {
                    releaseIfUnused(h.inode());
                } catch (RpcException e) {
                    LOG.warn("inode {} has no name left but releasing it failed: {} {}", h.inode(), e.code(), e.getMessage());
                }
            }
        }
    }

    // ---- locks, shared by every mount of the fs ----

    /** This mount's id at the metaservers (the holder of its locks and of its nameless open files). */
    public String clientId() {
        return meta.clientId();
    }

    /** F_GETLK: the lock of another owner (of any mount) that {@code wanted} would conflict with. */
    public Optional<FileLock> conflictingLock(long fh, FileLock wanted) {
        return locks.conflicting(openFiles.get(fh).inode(), wanted);
    }

    /**
     * Takes, converts or releases a lock on the file open as {@code fh}; EAGAIN when another owner's
     * lock is in the way. Locks order the accesses of several mounts to one file (sqlite, mail spools),
     * so what this mount wrote is committed before any lock of it changes, and once a lock is taken
     * the file is read anew: a mount that held the lock before may have written it. Answers the file's
     * attributes after a lock was taken (null after an unlock).
     */
    public Inode lock(long fh, LockChange change, FileLock lock) throws IOException {
        FileHandle h = openFiles.get(fh);
        commitBeforeLockChange(h);
        locks.change(fh, h.inode(), change, lock);
        if (change == LockChange.UNLOCK) {
            return null;
        }
        Inode fresh = fetch(h.inode());
        data.reload(h.inode(), fresh.getLength());
        return withLiveLength(fresh);
    }

    /**
     * Names of {@code dir} this mount served within the entry timeout (so the kernel may still hold them)
     * that a fresh listing no longer has as they were: another mount removed or replaced them. They leave
     * this mount's caches; the caller tells the kernel. Used when a lock is granted: a program that
     * coordinates through locks looks at its other files next (sqlite's journal), and must not find one
     * that the previous holder deleted.
     */
    public List<String> staleNames(long dir) {
        Map<String, Long> served = cache.entriesIn(dir);
        if (served.isEmpty()) {
            return List.of();
        }
        Map<String, Long> now = new java.util.HashMap<>();
        for (Dentry d : list(dir)) {
            now.put(d.getName(), d.getInodeId());
        }
        List<String> stale = new ArrayList<>();
        served.forEach((name, ino) -> {
            if (!ino.equals(now.get(name))) {
                stale.add(name);
                if (!now.containsKey(name)) {
                    cache.dropEntry(dir, name);
                }
            }
        });
        return stale;
    }

    /**
     * The owner's locks of the kind on the file go, if it has any here: record locks at the close of any
     * descriptor of the file by the process (POSIX), a flock at the last close of its open file.
     */
    public void unlockOwner(long fh, long owner, boolean flock) throws IOException {
        FileHandle h = openFiles.get(fh);
        if (locks.mayHold(h.inode(), owner, flock)) {
            try {
                commitBeforeLockChange(h);
            } finally {
                locks.releaseAll(h.inode(), owner, flock);   // the descriptor is closed either way
            }
        }
    }

    private void commitBeforeLockChange(FileHandle h) throws IOException {
        if (h.hasUnflushed()) {
            h.flush();
            cache.dropAttr(h.inode());
        }
    }

    /** Flushes every file (umount, sync). */
    public void flushAll() throws IOException {
        data.flushAll();
    }

    /** A just-opened file: its attributes and the handle number for fi.fh. */
    public record Opened(Inode inode, long fh) {
    }
}
