package dev.planexec.agent.copilot;

import dev.planexec.store.LogFile;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Where the Copilot backend and the SDK write what went wrong: planexec's log file, never the terminal, and with
 * every known secret masked.
 *
 * <p>The SDK logs through {@code java.util.logging}, whose default handler prints to stderr (over the full-screen
 * UI, and with stack traces). {@link #install} takes the SDK's loggers off that handler and sends records of level
 * INFO and above to the log file instead, with what the CLI writes to stderr; other finer records are dropped,
 * because they hold the raw JSON-RPC traffic, provider keys included.
 */
final class CopilotLog {
    /** Held strongly: {@code java.util.logging} forgets the settings of loggers nobody references. */
    private static final Logger SDK = Logger.getLogger("com.github.copilot");
    /** Logs each line the CLI writes to stderr, at FINE, as {@code [CLI] line}. */
    private static final Logger CLI_STDERR = Logger.getLogger("com.github.copilot.sdk.CliServerManager");

    private static final String STDERR_PREFIX = "[CLI] ";
    private static final int STDERR_LINES = 20;
    private static final Deque<String> STDERR = new ArrayDeque<>();

    private static volatile LogFile target;
    private static boolean installed;

    private final LogFile log;

    CopilotLog(LogFile log) {
        this.log = log;
    }

    /** Sends the SDK's logging to {@code log} from now on. */
    static synchronized CopilotLog install(LogFile log) {
        target = log;
        if (!installed) {
            SDK.setUseParentHandlers(false);
            SDK.setLevel(Level.INFO);
            CLI_STDERR.setLevel(Level.FINE);
            SDK.addHandler(new ToLogFile());
            installed = true;
        }
        return new CopilotLog(log);
    }

    /**
     * Stops sending the SDK's logging to this log, unless another runtime has taken it over since: a closed runtime's
     * folder may be gone (a test's), and a later client's records must not make it again.
     */
    void release() {
        synchronized (CopilotLog.class) {
            if (target == log) {
                target = null;
            }
        }
    }

    /** Forgets the CLI's stderr so far: a new CLI starts. */
    static void clearCliStderr() {
        synchronized (STDERR) {
            STDERR.clear();
        }
    }

    /** The last lines the CLI wrote to stderr, secrets masked. */
    static List<String> cliStderr() {
        synchronized (STDERR) {
            return List.copyOf(STDERR);
        }
    }

    void info(String message) {
        log.info(Secrets.redact(message));
    }

    /** The message and the whole trace, secrets masked. */
    void error(String message, Throwable error) {
        log.error(Secrets.redact(message), new Redacted(error));
    }

    /** Prints another throwable's trace with secrets masked; the log file asks for a Throwable to print. */
    private static final class Redacted extends Throwable {
        private static final long serialVersionUID = 1L;
        private final String trace;

        Redacted(Throwable error) {
            super(null, null, false, false);
            StringWriter text = new StringWriter();
            error.printStackTrace(new PrintWriter(text));
            this.trace = Secrets.redact(text.toString());
        }

        @Override
        public void printStackTrace(PrintWriter s) {
            s.print(trace);
        }

        @Override
        public void printStackTrace(PrintStream s) {
            s.print(trace);
        }
    }

    private static final class ToLogFile extends Handler {
        @Override
        public void publish(LogRecord record) {
            LogFile log = target;
            if (log == null || !isLoggable(record)) {
                return;
            }
            String text = record.getMessage();
            if (text != null
                    && text.startsWith(STDERR_PREFIX)
                    && record.getLevel().intValue() < Level.INFO.intValue()) {
                String line = Secrets.redact(text.substring(STDERR_PREFIX.length()));
                synchronized (STDERR) {
                    STDERR.addLast(line);
                    if (STDERR.size() > STDERR_LINES) {
                        STDERR.removeFirst();
                    }
                }
                log.info("copilot cli stderr: " + line);
                return;
            }
            if (record.getLevel().intValue() < Level.INFO.intValue()) {
                return; // finer records of the SDK carry the raw JSON-RPC traffic, keys included
            }
            String message =
                    "copilot sdk " + record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage();
            if (record.getThrown() != null) {
                log.error(Secrets.redact(message), new Redacted(record.getThrown()));
            } else {
                log.info(Secrets.redact(message));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
