package io.curvefs.common.meta;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Optional;

/**
 * The layout of a file system's recycle bin, shared by the mounts that fill it and the metaserver that
 * empties it: directory {@code /.recycle} (inode 2), one directory per UTC hour {@code YYYY-mm-dd-HH}
 * below it, and in those the deleted entries as {@code <parentIno>_<ino>_<name>}.
 */
public final class RecycleNames {
    public static final long INODE = 2;
    public static final String NAME = ".recycle";
    /** Root-owned and writable by root only: users cannot put anything there themselves. */
    public static final int MODE = 040755;
    /** The longest entry name in bytes (UTF-8), as everywhere in the fs. */
    public static final int MAX_NAME_BYTES = 255;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd-HH").withZone(ZoneOffset.UTC);
    /** Parsing needs a minute field to make a time of day; {@link #hourStart} appends one. */
    private static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("uuuu-MM-dd-HH:mm")
            .withResolverStyle(ResolverStyle.STRICT);

    private RecycleNames() {
    }

    /** The hour directory for something deleted at {@code time}. */
    public static String hourName(Instant time) {
        return HOUR.format(time);
    }

    /** The start of the UTC hour an hour directory is named after; empty for any other name. */
    public static Optional<Instant> hourStart(String name) {
        if (name.length() != "YYYY-mm-dd-HH".length()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(name + ":00", HOUR_MINUTE).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@code <parentIno>_<ino>_<name>}, cut to {@link #MAX_NAME_BYTES} bytes without splitting a character. */
    public static String entryName(long parent, long ino, String name) {
        String full = parent + "_" + ino + "_" + name;
        CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer out = ByteBuffer.allocate(MAX_NAME_BYTES);
        CharBuffer in = CharBuffer.wrap(full);
        utf8.encode(in, out, true); // stops before the first character that does not fit whole
        return full.substring(0, in.position());
    }
}
