package io.curvefs.tools;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.curvefs.proto.common.CopysetInfo;
import io.curvefs.proto.topology.MetaServerInfo;
import io.curvefs.proto.topology.OnlineState;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * Cluster health in one screen: each MDS (up or down, who leads), each metaserver's heartbeat state, and
 * copyset health. The last line is the verdict and the exit code agrees with it (0 only when healthy), so
 * scripts and people read the same thing.
 */
@Command(name = "status", description = "show MDS, metaserver and copyset health; exit 0 only when healthy")
final class StatusCommand extends ListingCommand {
    @Override
    int run(MdsClient mds) {
        List<String> problems = new ArrayList<>();
        List<MdsClient.MdsProbe> probes = mds.mdsAddrs().stream().map(mds::probe).toList();
        probes.stream().filter(p -> !p.up()).forEach(p -> problems.add("mds " + p.address() + " is down"));
        if (probes.stream().noneMatch(p -> p.leader() && p.serving())) {
            problems.add("no MDS leader is serving");
        }

        TopologyView view = null;
        boolean unreachable = false;
        try {
            view = new TopologyView(mds.topology(name()));
        } catch (ToolException e) {
            unreachable = e.exitCode() == ToolException.UNREACHABLE;
            problems.add("cannot list the topology: " + e.getMessage());
        }
        List<String> copysetProblems = new ArrayList<>();
        if (view != null) {
            if (view.metaservers().isEmpty()) {
                problems.add("no metaserver is registered");
            }
            view.serversWithoutMetaserver().forEach(s -> problems.add("server " + s.getInternalIp() + ":"
                    + s.getInternalPort() + " has no registered metaserver"));
            for (MetaServerInfo m : view.metaservers()) {
                if (m.getState() != OnlineState.ONLINE) {
                    problems.add("metaserver " + m.getMetaserverId() + " (" + TopologyView.address(m) + ") is "
                            + m.getState());
                }
            }
            for (CopysetInfo c : view.copysets()) {
                view.problemOf(c).ifPresent(copysetProblems::add);
            }
            problems.addAll(copysetProblems);
        }

        String verdict = problems.isEmpty() ? "cluster is healthy"
                : "cluster is NOT healthy: " + String.join("; ", problems);
        if (json()) {
            JsonOut.print(out(), toJson(probes, view, copysetProblems, problems));
        } else {
            printTables(probes, view, copysetProblems);
            out().println(verdict);
        }
        if (problems.isEmpty()) {
            return 0;
        }
        return unreachable ? ToolException.UNREACHABLE : ToolException.REFUSED;
    }

    private void printTables(List<MdsClient.MdsProbe> probes, TopologyView view, List<String> copysetProblems) {
        Table mdsTable = new Table("MDS", "STATE", "ROLE", "NOTE");
        for (MdsClient.MdsProbe p : probes) {
            mdsTable.row(p.address(), p.up() ? "up" : "down", role(p), p.problem());
        }
        mdsTable.print(out());
        if (view == null) {
            return;
        }
        out().println();
        Table msTable = new Table("METASERVER", "ADDRESS", "ZONE", "STATE", "COPYSETS", "LEADERS");
        for (MetaServerInfo m : view.metaservers()) {
            msTable.row(m.getMetaserverId(), TopologyView.address(m), view.zoneOf(m.getMetaserverId()),
                    m.getState(), m.getCopysetCount(), m.getLeaderCount());
        }
        msTable.print(out());
        out().println();
        out().printf("copysets: %d total, %d healthy%n", view.copysets().size(),
                view.copysets().size() - copysetProblems.size());
    }

    private static String role(MdsClient.MdsProbe p) {
        if (!p.up()) {
            return "";
        }
        if (p.leader()) {
            return p.serving() ? "leader" : "leader (not serving yet)";
        }
        return p.leaderAddress().isEmpty() ? "follower" : "follower of " + p.leaderAddress();
    }

    private static JsonObject toJson(List<MdsClient.MdsProbe> probes, TopologyView view,
                                     List<String> copysetProblems, List<String> problems) {
        JsonObject root = new JsonObject();
        JsonArray mdsArray = new JsonArray();
        for (MdsClient.MdsProbe p : probes) {
            JsonObject o = new JsonObject();
            o.addProperty("address", p.address());
            o.addProperty("up", p.up());
            o.addProperty("leader", p.leader());
            o.addProperty("serving", p.serving());
            mdsArray.add(o);
        }
        root.add("mds", mdsArray);
        if (view != null) {
            JsonArray msArray = new JsonArray();
            for (MetaServerInfo m : view.metaservers()) {
                JsonObject o = new JsonObject();
                o.addProperty("metaserverId", m.getMetaserverId());
                o.addProperty("address", TopologyView.address(m));
                o.addProperty("zone", view.zoneOf(m.getMetaserverId()));
                o.addProperty("state", m.getState().name());
                msArray.add(o);
            }
            root.add("metaservers", msArray);
            root.addProperty("copysets", view.copysets().size());
            root.addProperty("healthyCopysets", view.copysets().size() - copysetProblems.size());
        }
        JsonArray problemArray = new JsonArray();
        problems.forEach(problemArray::add);
        root.add("problems", problemArray);
        root.addProperty("healthy", problems.isEmpty());
        return root;
    }
}
