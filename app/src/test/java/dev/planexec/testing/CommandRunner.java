package dev.planexec.testing;

import dev.planexec.cli.CliContext;
import dev.planexec.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs planexec in this JVM, as {@code Main.execute(args, context)}, with its output captured and its state folder
 * ({@code PLANEXEC_HOME}) in a folder of the test's own.
 *
 * <pre>{@code
 * CommandRunner planexec = new CommandRunner(tempDir.resolve("home"));
 * CommandRunner.Result r = planexec.run("validate", plan.toString());
 * assertEquals(0, r.exitCode(), r::toString);
 * }</pre>
 */
public final class CommandRunner {
    private final Map<String, String> env;

    /** @param stateHome becomes {@code PLANEXEC_HOME}; it need not exist yet */
    public CommandRunner(Path stateHome) {
        this(Map.of("PLANEXEC_HOME", stateHome.toString()));
    }

    private CommandRunner(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The same runner with one more environment variable. */
    public CommandRunner withEnv(String name, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return new CommandRunner(more);
    }

    public Map<String, String> env() {
        return env;
    }

    /** Runs planexec with {@code args}, as if there were no terminal (line mode, no prompts). */
    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), env, false, true);
        int code = Main.execute(args, context);
        return new Result(code, out.toString(), err.toString());
    }

    /** What a command did: its exit code and everything it printed. */
    public record Result(int exitCode, String out, String err) {

        public List<String> outLines() {
            return out.lines().toList();
        }

        public List<String> errLines() {
            return err.lines().toList();
        }

        /** Whether anything that looks like a Java stack trace or exception name reached the user. */
        public boolean showsStackTrace() {
            String all = out + err;
            return all.contains("Exception") || all.contains("\tat ") || all.contains("\n\tat");
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err + "---";
        }
    }
}
