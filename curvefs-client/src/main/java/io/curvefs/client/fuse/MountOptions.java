package io.curvefs.client.fuse;

import java.util.List;

/**
 * The {@code -o} options of a mount, parsed into mount(2)'s flags and the FUSE kernel options. As
 * libfuse does, a mount is nosuid and nodev unless {@code suid} / {@code dev} say otherwise; the kernel
 * checks permissions (default_permissions) and lets every user of the host in (allow_other). An option
 * nobody knows fails the mount with its name.
 */
record MountOptions(String source, String type, long flags, String kernelOptions) {
    private static final String KNOWN = "ro, rw, suid, nosuid, dev, nodev, exec, noexec, atime, noatime, diratime, "
            + "nodiratime, relatime, norelatime, strictatime, sync, async, dirsync, max_read=N, default_permissions, "
            + "allow_other";

    /** {@code lists}: the values of every {@code -o} (comma-separated options). */
    static MountOptions parse(String fsName, List<String> lists) {
        long flags = LibC.MS_NOSUID | LibC.MS_NODEV | LibC.MS_RELATIME;
        StringBuilder kernel = new StringBuilder(",default_permissions,allow_other");
        for (String list : lists) {
            for (String o : list.split(",")) {
                switch (o) {
                    case "", "rw", "async", "default_permissions", "allow_other" -> {
                    }
                    case "ro" -> flags |= LibC.MS_RDONLY;
                    case "suid" -> flags &= ~LibC.MS_NOSUID;
                    case "nosuid" -> flags |= LibC.MS_NOSUID;
                    case "dev" -> flags &= ~LibC.MS_NODEV;
                    case "nodev" -> flags |= LibC.MS_NODEV;
                    case "exec" -> flags &= ~LibC.MS_NOEXEC;
                    case "noexec" -> flags |= LibC.MS_NOEXEC;
                    case "atime" -> flags &= ~(LibC.MS_NOATIME | LibC.MS_RELATIME | LibC.MS_STRICTATIME);
                    case "noatime" -> flags = (flags & ~(LibC.MS_RELATIME | LibC.MS_STRICTATIME)) | LibC.MS_NOATIME;
                    case "diratime" -> flags &= ~LibC.MS_NODIRATIME;
                    case "nodiratime" -> flags |= LibC.MS_NODIRATIME;
                    case "relatime" -> flags = (flags & ~(LibC.MS_NOATIME | LibC.MS_STRICTATIME)) | LibC.MS_RELATIME;
                    case "norelatime" -> flags &= ~LibC.MS_RELATIME;
                    case "strictatime" -> flags = (flags & ~(LibC.MS_NOATIME | LibC.MS_RELATIME)) | LibC.MS_STRICTATIME;
                    case "sync" -> flags |= LibC.MS_SYNCHRONOUS;
                    case "dirsync" -> flags |= LibC.MS_DIRSYNC;
                    default -> {
                        if (o.matches("max_read=[1-9][0-9]{0,9}")) {
                            kernel.append(',').append(o);
                        } else {
                            throw new IllegalArgumentException("unknown mount option '" + o + "' (known: " + KNOWN + ")");
                        }
                    }
                }
            }
        }
        return new MountOptions("curvefs-" + fsName, "fuse.curvefs", flags, kernel.toString());
    }
}
