package io.curvefs.client.fuse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathNamesTest {
    @Test
    void splitsIntoParentAndName() {
        assertEquals(new PathNames.Split("/", "a"), PathNames.split("/a"));
        assertEquals(new PathNames.Split("/a/b", "c"), PathNames.split("/a/b/c"));
    }

    @Test
    void recognisesLibfuseHiddenNames() {
        assertTrue(PathNames.isHiddenName(".fuse_hidden0000000a00000001"));
        assertFalse(PathNames.isHiddenName("fuse_hidden"));
        assertFalse(PathNames.isHiddenName(".hidden"));
    }
}
