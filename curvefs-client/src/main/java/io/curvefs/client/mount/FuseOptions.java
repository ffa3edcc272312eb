package io.curvefs.client.mount;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The libfuse2 options of a mount (DESIGN.md §5, dependencies.md §2): 128 KiB writes instead of 4 KiB
 * ones, kernel permission checks, access for every user of the host, real inode numbers, the kernel's
 * cache timeouts from client.conf, and a recognisable name in /proc/mounts. Extra {@code -o} options of
 * the command line come last, so they can override.
 */
public final class FuseOptions {
    private FuseOptions() {
    }

    public static String[] of(String fsName, Duration attrTimeout, Duration entryTimeout, List<String> extra) {
        List<String> args = new ArrayList<>();
        args.add("-o");
        args.add("big_writes,max_write=131072,default_permissions,allow_other,use_ino"
                + ",fsname=curvefs-" + fsName + ",subtype=curvefs"
                + ",attr_timeout=" + seconds(attrTimeout) + ",entry_timeout=" + seconds(entryTimeout));
        for (String o : extra) {
            args.add("-o");
            args.add(o);
        }
        return args.toArray(String[]::new);
    }

    private static String seconds(Duration d) {
        return String.valueOf(d.toMillis() / 1000.0);
    }
}
