package io.curvefs.client.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * mount(2) of a FUSE file system served through a /dev/fuse descriptor, and its unmount. Needs
 * CAP_SYS_ADMIN (root): the mount is made by the daemon itself, without fusermount.
 */
final class KernelMount {
    private static final String ROOT_MODE = "40000";

    private KernelMount() {
    }

    static void mount(FuseDevice device, Path mountpoint, MountOptions options) throws IOException {
        String data = "fd=" + device.fd() + ",rootmode=" + ROOT_MODE + ",user_id=0,group_id=0" + options.kernelOptions();
        int rc = LibC.INSTANCE.mount(options.source(), mountpoint.toString(), options.type(), options.flags(), data);
        if (rc != 0) {
            int errno = LibC.errno();
            throw new IOException("mount(2) of " + mountpoint + " failed: " + LibC.INSTANCE.strerror(errno)
                    + (errno == LibC.EPERM ? " (mounting needs root)" : ""));
        }
    }

    /**
     * Detaches the mount at once (as {@code fusermount -u -z}): new accesses fail, open files keep
     * working, and the kernel ends the connection when the last of them closes. 0 or an errno.
     */
    static int detach(Path mountpoint) {
        return LibC.INSTANCE.umount2(mountpoint.toString(), LibC.MNT_DETACH) == 0 ? 0 : LibC.errno();
    }

    /**
     * Lets the kernel read ahead {@code bytes} (its default is 128 KiB, which would cap sequential reads
     * at requests of that size whatever max_pages allows): the mount's backing device info in sysfs,
     * found by the device number /proc/self/mountinfo gives the mount. False when it cannot be set.
     */
    static boolean setReadAhead(Path mountpoint, int bytes) {
        try {
            String escaped = mountpoint.toString().replace("\\", "\\134").replace(" ", "\\040")
                    .replace("\t", "\\011").replace("\n", "\\012");
            List<String> lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
            for (int i = lines.size() - 1; i >= 0; i--) {
                String[] f = lines.get(i).split(" ");
                if (f.length > 4 && f[4].equals(escaped)) {
                    Files.writeString(Path.of("/sys/class/bdi", f[2], "read_ahead_kb"), Integer.toString(bytes >> 10));
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
