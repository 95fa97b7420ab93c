package dev.planexec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code planexec}: without a subcommand, {@code run} is meant ({@link Main#withDefaultCommand}). */
@Command(
        name = "planexec",
        mixinStandardHelpOptions = true,
        versionProvider = PlanexecCommand.Version.class,
        description = {
            "Runs a plan of tasks through AI coding-agent sessions, saving the plan after every change.",
            "",
            "  planexec PLAN.json            run a plan (same as 'planexec run PLAN.json')"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every task done",
            "1:the run ended with a task not done",
            "2:bad input (usage, invalid plan)",
            "3:the plan is locked by another live run",
            "130:interrupted; the plan was saved"
        })
public final class PlanexecCommand implements Runnable {
    /**
     * The subcommands, in the order help lists them. Not in {@code @Command(subcommands = ...)}: Picocli would build
     * the model of every one (reflection, annotation proxies) on every start; {@link Main} adds only the one a
     * command line names, or all of them for help and completion.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    final CliContext context;

    @Spec
    CommandSpec spec;

    PlanexecCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        spec.commandLine().usage(context.err());
        throw PlanexecException.invalidInput("name a plan to run, e.g. planexec plans/demo.json");
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> all = new LinkedHashMap<>();
        all.put("run", RunCommand.class);
        all.put("validate", ValidateCommand.class);
        all.put("list", ListCommand.class);
        all.put("sessions", SessionsCommand.class);
        all.put("reset", ResetCommand.class);
        all.put("land", LandCommand.class);
        all.put("agents", AgentsCommand.class);
        all.put("completion", CompletionCommand.class);
        return Collections.unmodifiableMap(all);
    }

    /** The version from the build. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties props = new Properties();
            try (InputStream in = PlanexecCommand.class.getResourceAsStream("/dev/planexec/version.properties")) {
                if (in != null) {
                    props.load(in);
                }
            }
            return new String[] {"planexec " + props.getProperty("version", "unknown")};
        }
    }
}
