package io.curvefs.tools;

import picocli.CommandLine.Option;

/** A command that prints records, as a table by default or as JSON with {@code --format json}. */
abstract class ListingCommand extends MdsCommand {
    @Option(names = "--format", paramLabel = "table|json", defaultValue = "table",
            description = "output format: table (default) or json")
    OutputFormat format;

    boolean json() {
        return format == OutputFormat.JSON;
    }
}
