package io.curvefs.metaserver;

import io.curvefs.common.conf.Config;
import io.curvefs.common.conf.ConfigException;
import io.curvefs.metaserver.compaction.CompactionSettings;
import io.curvefs.metaserver.trash.TrashSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaserverConfigTest {
    private static final String GOOD = """
            cluster.token=secret
            metaserver.listen.addr=127.0.0.1:6800
            mds.addrs=127.0.0.1:6700,127.0.0.1:6701
            metaserver.data.dir=../data/metaserver0
            metaserver.raft.sync=false
            """;

    @Test
    void readsKeysWithDefaultsAndRelativeDataDir(@TempDir Path dir) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf")).resolve("metaserver0.conf");
        Files.writeString(conf, GOOD);
        MetaserverConfig c = MetaserverConfig.from(Config.load(conf));
        assertEquals("127.0.0.1", c.listenIp());
        assertEquals(6800, c.listenPort());
        assertEquals("127.0.0.1", c.hostname());
        assertEquals(List.of("127.0.0.1:6700", "127.0.0.1:6701"), c.mdsAddrs());
        assertEquals(dir.resolve("data/metaserver0").toAbsolutePath(), c.dataDir());
        assertEquals(2000, c.heartbeatIntervalMs());
        assertEquals(false, c.raft().sync());
        assertEquals(TrashSettings.defaults(), c.trash());
        assertEquals(CompactionSettings.defaults(), c.compaction());
    }

    @Test
    void compactionSettingsAreRead(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("metaserver.conf");
        Files.writeString(conf, GOOD + """
                metaserver.compaction.intervalMs=700
                metaserver.compaction.fragmentThreshold=5
                metaserver.compaction.chunksPerRound=3
                metaserver.compaction.deleteGraceSec=2
                """);
        assertEquals(new CompactionSettings(700, 5, 3, 2000), MetaserverConfig.from(Config.load(conf)).compaction());
    }

    @Test
    void trashSettingsAreRead(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("metaserver.conf");
        Files.writeString(conf, GOOD + "metaserver.trash.retentionSec=0\nmetaserver.trash.scanIntervalMs=500\n"
                + "metaserver.trash.perRound=7\n");
        assertEquals(new TrashSettings(0, 500, 7), MetaserverConfig.from(Config.load(conf)).trash());
    }

    @Test
    void unknownKeyIsAnError(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("metaserver.conf");
        Files.writeString(conf, GOOD + "metaserver.heartbeat.intervalMS=10\n");
        ConfigException e = assertThrows(ConfigException.class, () -> MetaserverConfig.from(Config.load(conf)));
        assertTrue(e.getMessage().contains("metaserver.heartbeat.intervalMS"), e.getMessage());
    }
}
