package io.curvefs.tools;

import io.curvefs.proto.topology.CreateTopologyRequest;
import io.curvefs.proto.topology.CreateTopologyResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sends the pools, zones and servers of a topology.json to the MDS; repeating the same file is harmless. */
@Command(name = "create-topology", description = "create pools, zones and servers from a topology.json")
final class CreateTopologyCommand extends MdsCommand {
    @Option(names = "--file", required = true, paramLabel = "FILE", description = "topology.json")
    Path file;

    private CreateTopologyRequest request;

    @Override
    void checkArguments() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ToolException.usage(name() + ": cannot read " + file + ": " + e.getMessage());
        }
        try {
            request = TopologyFile.parse(text);
        } catch (IllegalArgumentException e) {
            throw ToolException.usage(name() + ": " + file + ": " + e.getMessage());
        }
    }

    @Override
    int run(MdsClient mds) {
        CreateTopologyResponse r = mds.call(name(), request);
        out().printf("topology applied: %d pool(s), %d zone(s), %d server(s) created%n",
                r.getPoolsCreated(), r.getZonesCreated(), r.getServersCreated());
        return 0;
    }
}
