package io.curvefs.tools;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** A command that talks to the MDS group: loads tools.conf, connects, runs, and always disconnects. */
abstract class MdsCommand implements Callable<Integer> {
    @ParentCommand
    private CurveFsTool tool;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        checkArguments();
        try (MdsClient mds = new MdsClient(tool.conf())) {
            return run(mds);
        }
    }

    /** Refuses bad arguments before anything is sent; the default accepts what picocli accepted. */
    void checkArguments() {
    }

    abstract int run(MdsClient mds);

    /** The command's name as the user typed it, to prefix its failures. */
    String name() {
        return spec.name();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
