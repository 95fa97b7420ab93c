package dev.planexec.cli;

import dev.planexec.store.LogFile;
import dev.planexec.store.StateDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;

/**
 * What commands get from outside, passed in rather than read from globals so tests can run commands in process:
 * output writers, the environment, and whether a person sits at a terminal.
 *
 * @param interactive whether stdin and stdout are a terminal
 * @param utf8 whether the output can show characters such as {@code →}
 */
public record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env, boolean interactive, boolean utf8) {

    public StateDir stateDir() {
        try {
            return StateDir.resolve(env).create();
        } catch (IOException e) {
            throw PlanexecException.invalidInput(
                    "cannot create the state folder " + StateDir.resolve(env).root() + ": " + e.getMessage()
                            + " (set PLANEXEC_HOME to a writable folder)");
        }
    }

    public LogFile log() {
        return new LogFile(StateDir.resolve(env).logFile());
    }

    public String arrow() {
        return utf8 ? "→" : "->";
    }
}
