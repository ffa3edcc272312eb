package io.curvefs.common.meta;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecycleNamesTest {
    @Test
    void hourNamesAreUtcAndParseBack() {
        Instant t = Instant.parse("2026-11-22T04:59:59.999Z");
        assertEquals("2026-11-22-04", RecycleNames.hourName(t));
        assertEquals(Optional.of(Instant.parse("2026-11-22T04:00:00Z")), RecycleNames.hourStart("2026-11-22-04"));
    }

    @Test
    void otherNamesAreNoHours() {
        for (String name : new String[] {"", "x", "2026-11-22", "2026-11-22-4", "2026-11-22-24", "2026-13-01-00",
                "2026-11-22-04x", "12026-11-22-04"}) {
            assertTrue(RecycleNames.hourStart(name).isEmpty(), name);
        }
    }

    @Test
    void entryNamesAreCutOnACharacterBoundary() {
        assertEquals("1_17_file", RecycleNames.entryName(1, 17, "file"));
        String prefix = "123_456_";
        String name = "a" + "\u00e9".repeat(200); // 1 + 400 bytes
        String cut = RecycleNames.entryName(123, 456, name);
        int bytes = cut.getBytes(StandardCharsets.UTF_8).length;
        assertEquals(prefix.length() + 1 + 2 * ((255 - prefix.length() - 1) / 2), bytes, cut);
        assertTrue(cut.startsWith(prefix + "a\u00e9"));
        String emoji = "\uD83D\uDE00".repeat(100); // 4 bytes each, two chars each
        String cutEmoji = RecycleNames.entryName(1, 2, emoji);
        assertTrue(cutEmoji.getBytes(StandardCharsets.UTF_8).length <= 255);
        assertEquals(0, (cutEmoji.length() - "1_2_".length()) % 2, "no half surrogate pair");
        assertEquals((255 - 4) / 4 * 4 + 4, cutEmoji.getBytes(StandardCharsets.UTF_8).length);
    }
}
