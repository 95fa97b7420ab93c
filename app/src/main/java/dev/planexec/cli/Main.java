package dev.planexec.cli;

import dev.planexec.text.ControlChars;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/** The entry point: builds the command line, runs it, maps every outcome to an exit code. */
public final class Main {
    /** Top-level options; a first word that is neither one nor a subcommand's name starts {@code run}. */
    private static final Set<String> OPTIONS = Set.of("help", "-h", "--help", "-V", "--version");

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
        String[] full = withDefaultCommand(args);
        CommandLine cli = commandLine(context, full.length == 0 ? "" : full[0]);
        try {
            return cli.execute(full);
        } finally {
            context.out().flush();
            context.err().flush();
        }
    }

    /**
     * The command line for a first word: only the subcommand it names is built (each costs reflection at start-up),
     * none for {@code --version}, all for help, completion and anything else.
     */
    static CommandLine commandLine(CliContext context, String first) {
        CommandLine cli = new CommandLine(new PlanexecCommand(context));
        Class<?> named = PlanexecCommand.SUBCOMMANDS.get(first);
        if (named != null && !first.equals("completion")) {
            cli.addSubcommand(first, named);
        } else if (!first.equals("-V") && !first.equals("--version")) {
            PlanexecCommand.SUBCOMMANDS.forEach(cli::addSubcommand);
        }
        cli.setOut(context.out());
        cli.setErr(context.err());
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            context.err().println("planexec: " + ControlChars.visible(ex.getMessage()));
            context.err().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more.");
            return ExitCodes.BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof PlanexecException pe) {
                // Messages carry text from outside (ids from the plan, an agent's error): never live control codes.
                pe.lines().forEach(line -> context.err().println("planexec: " + ControlChars.visible(line)));
                return pe.exitCode();
            }
            context.log().error("unexpected error", ex);
            context.err()
                    .println("planexec: internal error: " + ControlChars.visible(ex.toString()) + " (details in "
                            + context.log().path() + ")");
            return ExitCodes.NOT_DONE;
        });
        return cli;
    }

    /** {@code planexec plans/demo.json} means {@code planexec run plans/demo.json}. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length == 0 || OPTIONS.contains(args[0]) || PlanexecCommand.SUBCOMMANDS.containsKey(args[0])) {
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
