package io.curvefs.tools;

import io.curvefs.common.conf.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code curvefs-tool [--conf FILE] <command> ...}: the operator's view of a CurveFS/J cluster. */
@Command(name = "curvefs-tool", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "curvefs-tool 0.1.0",
        description = "Administers a CurveFS/J cluster through its MDS.",
        subcommands = {CreateTopologyCommand.class, CreateFsCommand.class, ListFsCommand.class,
                DeleteFsCommand.class, UmountFsCommand.class, StatusCommand.class, ListPartitionCommand.class,
                ListCopysetCommand.class, ListMountpointCommand.class, UsageCommand.class})
public final class CurveFsTool implements Callable<Integer> {
    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    @Spec
    private CommandSpec spec;

    @Option(names = "--conf", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "tools.conf (default: $CURVEFS_TOOLS_CONF, else conf/tools.conf of the installation)")
    private Path confFile;

    public static void main(String[] args) {
        // The RPC library logs every failed connection attempt; the tool reports failures itself, in one line.
        // -Dorg.slf4j.simpleLogger.defaultLogLevel=info (e.g. in JAVA_OPTS) brings the library's log back.
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "off");
        }
        // ... and bolt's logging bootstrap prints a warning straight to System.out: the tool's stdout belongs to
        // its own output (scripts parse --format json), so everything else written there is discarded.
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.exit(execute(args, new PrintWriter(stdout, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; returns the exit code. Every failure is one line on {@code err}. */
    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new CurveFsTool());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            String command = e.getCommandLine().getCommandName();
            err.println("curvefs-tool: " + e.getMessage() + " (see '"
                    + ("curvefs-tool".equals(command) ? "" : "curvefs-tool ") + command + " --help')");
            return ToolException.USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            err.println("curvefs-tool: " + describe(e));
            return exitCodeOf(e);
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Without a command there is nothing to do: show what there is, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ToolException.USAGE;
    }

    ToolConf conf() {
        Path file = confFile != null ? confFile
                : ToolConf.defaultPath(System.getenv(ToolConf.ENV_VAR), System.getProperty(ToolConf.HOME_PROPERTY));
        return ToolConf.load(file);
    }

    private static String describe(Exception e) {
        if (e instanceof ToolException || e instanceof ConfigException) {
            return e.getMessage();
        }
        return "unexpected failure: " + e;
    }

    private static int exitCodeOf(Exception e) {
        if (e instanceof ToolException t) {
            return t.exitCode();
        }
        return e instanceof ConfigException ? ToolException.USAGE : ToolException.REFUSED;
    }
}
