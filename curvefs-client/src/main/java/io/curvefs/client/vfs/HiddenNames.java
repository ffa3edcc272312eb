package io.curvefs.client.vfs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names that exist in this mount only: the aliases under which libfuse keeps a file that was unlinked
 * while open (see {@link Vfs#hide}). They are resolvable by lookup in their directory, never listed,
 * and never stored on the metaserver, so other mounts and a remount never see them. libfuse makes each
 * alias unique within the mount, so the final unlink finds it by name alone.
 */
final class HiddenNames {
    private record Alias(long parent, long ino) {
    }

    private final Map<String, Alias> aliases = new ConcurrentHashMap<>();

    void put(long parent, String name, long ino) {
        aliases.put(name, new Alias(parent, ino));
    }

    /** The inode behind {@code name} in {@code parent}, or null. */
    Long get(long parent, String name) {
        Alias a = aliases.get(name);
        return a != null && a.parent() == parent ? a.ino() : null;
    }

    /** Forgets the alias; returns its inode, or null when there was none. */
    Long remove(String name) {
        Alias a = aliases.remove(name);
        return a == null ? null : a.ino();
    }

    /** Whether directory {@code parent} holds an alias (it is then not empty for rmdir). */
    boolean isEmpty() {
        return aliases.isEmpty();
    }

    boolean anyIn(long parent) {
        return aliases.values().stream().anyMatch(a -> a.parent() == parent);
    }

    boolean holds(long ino) {
        return aliases.values().stream().anyMatch(a -> a.ino() == ino);
    }
}
