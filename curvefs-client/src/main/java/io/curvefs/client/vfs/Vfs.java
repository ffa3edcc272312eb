package io.curvefs.client.vfs;

import com.google.protobuf.ByteString;
import io.curvefs.client.data.DataStore;
import io.curvefs.client.data.FileHandle;
import io.curvefs.client.meta.MetaClient;
import io.curvefs.common.rpc.RpcException;
import io.curvefs.proto.common.StatusCode;
import io.curvefs.proto.metaserver.Dentry;
import io.curvefs.proto.metaserver.FsFileType;
import io.curvefs.proto.metaserver.Inode;
import io.curvefs.proto.metaserver.Time;
import io.curvefs.proto.metaserver.UpdateInodeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * POSIX semantics of one mount over inode ids, independent of FUSE: every operation either succeeds or
 * throws {@link VfsException} / {@link RpcException}, which {@link Errno#of(Throwable)} turns into an
 * errno. Thread-safe; no lock is held across a network call.
 *
 * <p>Consistency: strong within the mount (its own mutations update its caches), close-to-open across
 * mounts: {@link #open} reads the inode from the metaserver and drops cached chunk lists, and release
 * or fsync publish data and length.
 *
 * <p>Not yet here (later issues): deleting the S3 objects of a removed file (the inode is deleted now;
 * its objects stay in the bucket), the trash keeping an unlinked inode for other mounts' open handles,
 * and an atomic rename (see {@link Renamer}).
 */
public final class Vfs {
    private static final Logger LOG = LoggerFactory.getLogger(Vfs.class);
    public static final long ROOT = 1;
    /** Linux open flag bit shared by O_SYNC and O_DSYNC. */
    private static final int O_DSYNC = 010000;

    final MetaClient meta;
    final MetaCache cache;
    private final DataStore data;
    private final FsUsage usage;
    private final OpenFiles openFiles = new OpenFiles();
    private final HiddenNames hidden = new HiddenNames();
    /** Inodes whose last name is gone but that an open handle or hidden alias still holds. */
    private final Set<Long> orphans = ConcurrentHashMap.newKeySet();
    private final Renamer renamer;

    public Vfs(MetaClient meta, DataStore data, FsUsage usage, Duration attrTimeout, Duration entryTimeout) {
        this.meta = meta;
        this.data = data;
        this.usage = usage;
        this.cache = new MetaCache(attrTimeout, entryTimeout);
        this.renamer = new Renamer(this);
    }

    // ---- names and attributes ----

    /** The inode named {@code name} in directory {@code parent}. */
    public Inode lookup(long parent, String name) {
        Long ino = hidden.get(parent, name);
        if (ino == null) {
            ino = cache.entry(parent, name);
        }
        if (ino == null) {
            Dentry d = meta.getDentry(parent, name);
            ino = d.getInodeId();
            cache.putEntry(parent, name, ino);
        }
        return getattr(ino);
    }

    /** Attributes, with the live length of a file this mount has open (its unflushed writes count). */
    public Inode getattr(long ino) {
        Inode inode = cache.attr(ino);
        if (inode == null) {
            inode = fetch(ino);
        }
        OptionalLong live = openFiles.liveLength(ino);
        return live.isPresent() && live.getAsLong() != inode.getLength()
                ? inode.toBuilder().setLength(live.getAsLong()).build() : inode;
    }

    /** Attributes of an open file, by its handle. */
    public Inode fgetattr(long fh) {
        return getattr(openFiles.get(fh).inode());
    }

    /** Reads the inode from the metaserver and caches it. */
    Inode fetch(long ino) {
        Inode inode = meta.getInode(ino, false);
        cache.putAttr(inode);
        return inode;
    }

    public List<Dentry> readdir(long dir) {
        return meta.listAll(dir);
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
        Inode dir = getattr(parent);
        if (!Modes.isDir(dir.getMode())) {
            throw new VfsException(Errno.ENOTDIR, "inode " + parent + " is not a directory");
        }
        int gid = c.gid();
        int effective = Modes.isSymlinkMode(mode) ? mode : mode & ~(c.umask() & 0777);
        if ((dir.getMode() & Modes.S_ISGID) != 0) {
            gid = dir.getGid();
            if (Modes.isDir(mode)) {
                effective |= Modes.S_ISGID;
            }
        }
        Inode inode = meta.createNode(parent, name, Modes.typeOf(mode), effective, c.uid(), gid, rdev, symlink,
                Clock.now());
        cache.putAttr(inode);
        cache.putEntry(parent, name, inode.getInodeId());
        cache.dropAttr(parent);
        return inode;
    }

    /** A new name for an existing non-directory inode. */
    public Inode link(long ino, long newParent, String newName) {
        Inode inode = fetch(ino);
        if (Modes.isDir(inode.getMode())) {
            throw new VfsException(Errno.EPERM, "hard link to directory " + ino);
        }
        Time now = Clock.now();
        meta.createDentry(Dentry.newBuilder().setParentInodeId(newParent).setName(newName).setInodeId(ino)
                .setType(inode.getType()).build(), now);
        Inode linked = meta.updateInode(ino, b -> b.setNlink(inode.getNlink() + 1).setCtime(now)
                .addParentAdd(newParent));
        cache.putAttr(linked);
        cache.putEntry(newParent, newName, ino);
        cache.dropAttr(newParent);
        return linked;
    }

    // ---- removing names ----

    public void unlink(Caller c, long parent, String name) {
        Inode victim = lookupFresh(parent, name);
        if (Modes.isDir(victim.getMode())) {
            throw new VfsException(Errno.EISDIR, "'" + name + "' is a directory");
        }
        requireMayDelete(c, parent, victim);
        removeName(parent, name);
        dropLink(victim.getInodeId(), parent);
    }

    public void rmdir(Caller c, long parent, String name) {
        Inode victim = lookupFresh(parent, name);
        requireEmptyDir(victim, name);
        requireMayDelete(c, parent, victim);
        removeName(parent, name);
        deleteInode(victim.getInodeId());
    }

    /** See {@link Renamer}: not atomic across crashes until the rename transaction (issue 4). */
    public void rename(Caller c, long srcParent, String srcName, long dstParent, String dstName) {
        renamer.rename(c, srcParent, srcName, dstParent, dstName);
    }

    /**
     * Removes a name of a file that is still open in this mount but keeps the inode for the open handles,
     * reachable in this mount only under {@code alias} in {@code aliasParent}; never listed. This is how
     * the FUSE layer serves libfuse's hiding rename of an unlinked-open file.
     */
    public void hide(Caller c, long parent, String name, long aliasParent, String alias) {
        Inode victim = lookupFresh(parent, name);
        requireMayDelete(c, parent, victim);
        removeName(parent, name);
        hidden.put(aliasParent, alias, victim.getInodeId());
        dropLink(victim.getInodeId(), parent);
    }

    /**
     * The final unlink of a hidden alias: forgets it; the inode goes once nothing holds it. Returns false
     * when no such alias exists (then the name is an ordinary one).
     */
    public boolean unhide(String alias) {
        Long ino = hidden.remove(alias);
        if (ino == null) {
            return false;
        }
        deleteIfUnreferenced(ino);
        return true;
    }

    Inode lookupFresh(long parent, String name) {
        cache.dropEntry(parent, name);
        Dentry d = meta.getDentry(parent, name);
        return fetch(d.getInodeId());
    }

    void requireEmptyDir(Inode dir, String name) {
        if (!Modes.isDir(dir.getMode())) {
            throw new VfsException(Errno.ENOTDIR, "'" + name + "' is not a directory");
        }
        // A hidden unlinked-open file counts: libfuse2 needs its directory to build the path for fstat
        // and reads of the open file, so the directory stays until the file is closed (unlike ext4).
        if (hidden.anyIn(dir.getInodeId()) || !meta.listDentry(dir.getInodeId(), "", 1).entries().isEmpty()) {
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

    void removeName(long parent, String name) {
        cache.dropEntry(parent, name);
        meta.deleteDentry(parent, name, Clock.now());
        cache.dropAttr(parent);
    }

    /** One name of a non-directory is gone: nlink - 1, and the inode goes when nothing holds it. */
    void dropLink(long ino, long formerParent) {
        Inode inode = fetch(ino);
        int nlink = Math.max(0, inode.getNlink() - 1);
        Inode after = meta.updateInode(ino, b -> b.setNlink(nlink).setCtime(Clock.now()).addParentRemove(formerParent));
        cache.putAttr(after);
        if (nlink == 0) {
            orphans.add(ino);
            deleteIfUnreferenced(ino);
        }
    }

    /**
     * An orphan (an inode whose last name is gone) is deleted now, or, while an open handle or a hidden
     * alias of this mount holds it, by the last of those (see {@link #release} and {@link #unhide}).
     */
    private void deleteIfUnreferenced(long ino) {
        if (openFiles.isOpen(ino) || hidden.holds(ino)) {
            return;
        }
        if (orphans.remove(ino)) {
            try {
                deleteInode(ino);
            } catch (RpcException e) {
                if (e.code() != StatusCode.INODE_NOT_FOUND) {
                    throw e;
                }
            }
        }
    }

    void deleteInode(long ino) {
        cache.dropAttr(ino);
        meta.deleteInode(ino);
    }

    // ---- attributes ----

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

    /** Null = leave that time as it is. */
    public Inode utimens(long ino, Time atime, Time mtime) {
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
    public Opened create(Caller c, long parent, String name, int mode, int flags) {
        Inode inode = mknod(c, parent, name, Modes.S_IFREG | (mode & Modes.PERMISSIONS), 0);
        return new Opened(inode, openFiles.add(data.open(inode.getInodeId(), inode.getLength()), isSync(flags)));
    }

    private static boolean isSync(int flags) {
        return (flags & O_DSYNC) != 0;
    }

    /** Close-to-open: the attributes and chunk lists are read fresh unless this mount has it open already. */
    public Opened open(long ino, int flags) {
        boolean openHere = openFiles.isOpen(ino);
        Inode inode = fetch(ino);
        if (Modes.isDir(inode.getMode())) {
            throw new VfsException(Errno.EISDIR, "open of directory " + ino);
        }
        if (!openHere) {
            data.invalidate(ino);
        }
        return new Opened(inode, openFiles.add(data.open(ino, inode.getLength()), isSync(flags)));
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

    /** flush (close of one descriptor) and fsync: data and length become durable and visible. */
    public void flush(long fh) throws IOException {
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
     * fallocate(2) mode 0 only: extends the length to cover the range (reads there give zeros). No
     * space is reserved, an object store has none to reserve; punching holes and KEEP_SIZE are not
     * supported yet (EOPNOTSUPP, which makes posix_fallocate fall back to writing).
     */
    public void fallocate(long fh, int mode, long offset, long length) throws IOException {
        if (mode != 0) {
            throw new VfsException(Errno.EOPNOTSUPP, "fallocate mode " + mode);
        }
        if (offset < 0 || length <= 0) {
            throw new VfsException(Errno.EINVAL, "fallocate range " + offset + "+" + length);
        }
        FileHandle h = openFiles.get(fh);
        if (offset + length > h.length()) {
            h.truncate(offset + length);
            cache.dropAttr(h.inode());
        }
    }

    /** Last close of a handle: flushes, and deletes the inode if its last name went away meanwhile. */
    public void release(long fh) throws IOException {
        FileHandle h = openFiles.remove(fh);
        if (h == null) {
            return;
        }
        try {
            h.release();
        } finally {
            cache.dropAttr(h.inode());
            if (orphans.contains(h.inode())) {
                try {
                    deleteIfUnreferenced(h.inode());
                } catch (RpcException e) {
                    LOG.warn("inode {} has no name left but deleting it failed: {} {}", h.inode(), e.code(), e.getMessage());
                }
            }
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
