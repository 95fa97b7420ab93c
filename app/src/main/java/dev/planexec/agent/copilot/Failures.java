package dev.planexec.agent.copilot;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns what the SDK throws into one line a user can act on. */
final class Failures {
    private Failures() {}

    /** The cause that says what happened, under the SDK's and the futures' wrappers. */
    static Throwable root(Throwable error) {
        Throwable t = error;
        while ((t instanceof ExecutionException
                        || t instanceof CompletionException
                        || (t instanceof RuntimeException
                                && t.getClass() == RuntimeException.class
                                && t.getCause() != null
                                && t.getMessage() != null
                                && t.getMessage().equals(String.valueOf(t.getCause()))))
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether the CLI answered {@code ping} in a form this SDK cannot read (even with {@link PingCompatibility}). */
    static boolean isProtocolMismatch(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MismatchedInputException
                    && String.valueOf(t.getMessage()).contains("PingResponse")) {
                return true;
            }
            if (String.valueOf(t.getMessage()).contains("SDK protocol version mismatch")) {
                return true;
            }
        }
        return false;
    }

    /** Why the CLI could not be started, in a line. */
    static String startFailure(Throwable error, CopilotSettings settings) {
        String cli = settings.cli().toString();
        if (isProtocolMismatch(error)) {
            // Whatever version it reported, it speaks a newer protocol than the SDK reads.
            return "the Copilot CLI (" + cli + ") speaks a protocol planexec's Copilot SDK cannot read; planexec is "
                    + "tested with CLI " + CliVersion.range() + ": run '" + CliVersion.INSTALL + "'";
        }
        Throwable root = root(error);
        if (root instanceof CliProcesses.CliExitedException) {
            List<String> stderr = CopilotLog.cliStderr();
            String last = stderr.stream()
                    .filter(l -> !l.isBlank())
                    .reduce((a, b) -> b)
                    .orElse(null);
            return "the Copilot CLI (" + cli + ") exited while starting"
                    + (last == null
                            ? "; see its logs in " + settings.copilotHome().resolve("logs")
                            : ": " + oneLine(last));
        }
        if (root instanceof TimeoutException) {
            return "the Copilot CLI (" + cli + ") did not answer within 60 s of starting; see its logs in "
                    + settings.copilotHome().resolve("logs");
        }
        String message = oneLine(root.getMessage());
        if (root instanceof IOException && message.startsWith("Cannot run program")) {
            return "cannot run the Copilot CLI (" + cli + "): "
                    + message.replaceFirst("^Cannot run program \"[^\"]*\"", "")
                            .replaceFirst("^ \\(in directory [^)]*\\)", "")
                            .replaceFirst("^: ", "")
                    + "; install it with '" + CliVersion.INSTALL + "'";
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            int stderr = m.indexOf("stderr: ");
            if (m.startsWith("CLI process exited unexpectedly") && stderr >= 0) {
                return "the Copilot CLI (" + cli + ") exited while starting: " + oneLine(m.substring(stderr + 8));
            }
        }
        return "the Copilot CLI (" + cli + ") could not be started: " + message;
    }

    /** What went wrong in a call to the CLI, in a line, without the SDK's wrapping words. */
    static String message(Throwable error) {
        Throwable root = root(error);
        if (root instanceof TimeoutException) {
            return "no answer from the Copilot CLI in time";
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // The SDK's JSON-RPC errors (its exception class is not public) wrap the CLI's own words.
        message = message.replaceFirst("^Request \\S+ failed with message: ", "");
        return oneLine(message);
    }

    /** The first line, trimmed and bounded; secrets masked. */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.strip().lines().findFirst().orElse("").strip();
        if (line.length() > 300) {
            line = line.substring(0, 300) + "...";
        }
        return Secrets.redact(line);
    }
}
