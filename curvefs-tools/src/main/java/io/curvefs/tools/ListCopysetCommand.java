package io.curvefs.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.common.Peer;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Optional;

/**
 * Lists copysets with their replicas, the zone of each replica and whether the copyset is healthy: the zones
 * are what an operator checks to see that losing one zone cannot lose a copyset's majority.
 */
@Command(name = "list-copyset", description = "list copysets with replicas, zones and health")
final class ListCopysetCommand extends ListingCommand {
    @Override
    int run(MdsClient mds) {
        TopologyView view = new TopologyView(mds.topology(name()));
        if (json()) {
            JsonArray array = new JsonArray();
            for (CopysetInfo c : view.copysets()) {
                JsonObject o = JsonOut.of(c);
                JsonArray zones = new JsonArray();
                view.zonesOf(c).forEach(zones::add);
                o.add("zones", zones);
                Optional<String> problem = view.problemOf(c);
                o.addProperty("healthy", problem.isEmpty());
                o.addProperty("problem", problem.orElse(""));
                array.add(o);
            }
            JsonObject root = new JsonObject();
            root.add("copysets", array);
            JsonOut.print(out(), root);
            return 0;
        }
        Table table = new Table("POOL", "COPYSET", "LEADER", "PEERS", "ZONES", "PARTITIONS", "HEALTH");
        for (CopysetInfo c : view.copysets()) {
            List<String> peers = c.getPeersList().stream().map(Peer::getAddress).toList();
            table.row(c.getPoolId(), c.getCopysetId(), c.getLeader().isEmpty() ? "-" : c.getLeader(),
                    String.join(",", peers), String.join(",", view.zonesOf(c)),
                    c.getPartitionCount(), view.problemOf(c).map(p -> "NOT healthy").orElse("healthy"));
        }
        table.print(out());
        return 0;
    }
}
