package io.curvefs.tools;

import io.curvefs.proto.mds.DeleteFsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.Console;

/**
 * Deletes a file system. Deletion cannot be undone, so without --yes the operator must type the name on a
 * terminal; a script that forgot --yes is refused rather than left waiting on a prompt nobody sees.
 */
@Command(name = "delete-fs", description = "delete a file system (asks for confirmation unless --yes)")
final class DeleteFsCommand extends MdsCommand {
    @Option(names = "--fsname", required = true, paramLabel = "NAME")
    String fsName;

    @Option(names = "--yes", description = "do not ask for confirmation")
    boolean yes;

    @Override
    void checkArguments() {
        if (yes) {
            return;
        }
        Console console = System.console();
        if (console == null) {
            throw ToolException.usage(name() + ": refusing to delete fs " + fsName
                    + " without confirmation: stdin is not a terminal (add --yes)");
        }
        String typed = console.readLine("this deletes fs %s and all its files; type the fs name to confirm: ",
                fsName);
        if (typed == null || !typed.trim().equals(fsName)) {
            throw new ToolException(ToolException.REFUSED, name() + ": confirmation did not match, fs " + fsName
                    + " not deleted");
        }
    }

    @Override
    int run(MdsClient mds) {
        mds.call(name(), DeleteFsRequest.newBuilder().setFsName(fsName).build(), MdsClient.MULTI_STEP_POLICY);
        out().printf("fs %s deleted%n", fsName);
        return 0;
    }
}
