package io.curvefs.client.mount;

import io.curvefs.client.fuse.FuseConfig;
import io.curvefs.common.conf.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientConfigTest {
    @TempDir
    Path dir;

    @Test
    void theShippedConfLoadsWithOneSecondCacheTimeouts() {
        ClientConfig c = ClientConfig.load(shippedConf());
        assertEquals(List.of("127.0.0.1:6700", "127.0.0.1:6701", "127.0.0.1:6702"), c.mdsAddrs());
        assertEquals(Duration.ofSeconds(1), c.attrTimeout());
        assertEquals(Duration.ofSeconds(1), c.entryTimeout());
        assertEquals(1000, c.chunkIdBatch());
        assertNull(c.data().diskCacheDir());
    }

    @Test
    void optionalKeysOverrideTheDefaults() throws Exception {
        Path conf = write("cluster.token=t\nmds.addrs=127.0.0.1:1\nclient.attrTimeoutMs=2500\n"
                + "data.writeBuffer.bytes=67108864\ndata.diskCache.dir=cache\n");
        ClientConfig c = ClientConfig.load(conf);
        assertEquals(Duration.ofMillis(2500), c.attrTimeout());
        assertEquals(64L << 20, c.data().writeBufferBytes());
        assertEquals(dir.resolve("cache"), c.data().diskCacheDir());
    }

    @Test
    void aTypoIsAnErrorNamingTheKey() throws Exception {
        Path conf = write("cluster.token=t\nmds.addrs=127.0.0.1:1\nclient.atrTimeoutMs=5\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ClientConfig.load(conf));
        assertTrue(e.getMessage().contains("client.atrTimeoutMs"), e.getMessage());
    }

    @Test
    void fuseSettingsHaveDefaultsAndAreRead() throws Exception {
        assertEquals(FuseConfig.DEFAULTS, ClientConfig.load(write("cluster.token=t\nmds.addrs=127.0.0.1:1\n")).fuse());
        ClientConfig c = ClientConfig.load(write("cluster.token=t\nmds.addrs=127.0.0.1:1\n"
                + "client.fuse.threads=3\nclient.fuse.writebackCache=true\n"));
        assertEquals(new FuseConfig(3, true), c.fuse());
    }

    private Path write(String text) throws Exception {
        Path conf = dir.resolve("client.conf");
        Files.writeString(conf, text);
        return conf;
    }

    private static Path shippedConf() {
        // surefire runs in the module directory; conf/ is at the repository root
        return Path.of("..", "conf", "client.conf").toAbsolutePath().normalize();
    }
}
