package dev.planexec.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/** The entry point: builds the command line, runs it, maps every outcome to an exit code. */
public final class Main {
    /** Words that name a subcommand or a top-level option; anything else starts {@code run}. */
    private static final Set<String> TOP_LEVEL =
            Set.of("run", "validate", "list", "sessions", "reset", "agents", "help", "-h", "--help", "-V", "--version");

    private Main() {}

    public static void main(String[] args) {
        Charset charset = outputCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
        boolean interactive = System.console() != null;
        CliContext context = new CliContext(
                out,
                err,
                System.getenv(),
                interactive,
                charset.name().toUpperCase().startsWith("UTF"));
        int code = execute(args, context);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs planexec with {@code args}; returns the exit code. Never throws, never exits. */
    public static int execute(String[] args, CliContext context) {
        CommandLine cli = commandLine(context);
        try {
            return cli.execute(withDefaultCommand(args));
        } finally {
            context.out().flush();
            context.err().flush();
        }
    }

    static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new PlanexecCommand(context));
        cli.setOut(context.out());
        cli.setErr(context.err());
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            context.err().println("planexec: " + ex.getMessage());
            context.err().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more.");
            return ExitCodes.BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof PlanexecException pe) {
                pe.lines().forEach(line -> context.err().println("planexec: " + line));
                return pe.exitCode();
            }
            context.log().error("unexpected error", ex);
            context.err()
                    .println("planexec: internal error: " + ex + " (details in "
                            + context.log().path() + ")");
            return ExitCodes.NOT_DONE;
        });
        return cli;
    }

    /** {@code planexec plans/demo.json} means {@code planexec run plans/demo.json}. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length == 0 || TOP_LEVEL.contains(args[0])) {
            return args;
        }
        List<String> all = new ArrayList<>(List.of(args));
        all.add(0, "run");
        return all.toArray(String[]::new);
    }

    private static Charset outputCharset() {
        for (String property : List.of("stdout.encoding", "sun.stdout.encoding", "native.encoding")) {
            String name = System.getProperty(property);
            if (name != null && Charset.isSupported(name)) {
                return Charset.forName(name);
            }
        }
        return Charset.defaultCharset();
    }
}
