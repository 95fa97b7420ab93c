package dev.planexec.agent.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentEventListener;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.SessionContext;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.TaskBrief.StepSpec;
import dev.planexec.agent.TurnResult;
import dev.planexec.agent.process.ProcessReaper;
import dev.planexec.agent.process.ProcessTrees;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task's steps, one after another, each as {@code sh -c} in its own process group. Steps that a resumed
 * session already finished are skipped; the rest run in order.
 */
final class LocalSession implements AgentSession {
    /** Lines of output kept for the error message of a failed step. */
    private static final int TAIL_LINES = 10;
    /** Longest piece of a line without a newline handed on at once; keeps memory bounded for binary output. */
    private static final int MAX_CHUNK = 8192;
    /** How long a step's output may keep flowing after its command exited before its leftovers are stopped. */
    private static final Duration DRAIN = Duration.ofMillis(500);

    private final SessionSpec spec;
    private final SessionContext context;
    private final SessionLog log;
    private final Map<Integer, String> finishedBefore;
    private volatile boolean aborted;
    private volatile Process current;
    private Runnable onClose = () -> {};

    LocalSession(SessionSpec spec, SessionContext context, SessionLog log, Map<Integer, String> finishedBefore) {
        this.spec = spec;
        this.context = context;
        this.log = log;
        this.finishedBefore = Map.copyOf(finishedBefore);
    }

    void onClose(Runnable action) {
        this.onClose = action;
    }

    @Override
    public String id() {
        return spec.sessionId();
    }

    @Override
    public SessionContext context() {
        return context;
    }

    /** The prompt is not used: the local agent's instructions are the task's steps. */
    @Override
    public TurnResult send(String prompt, AgentEventListener listener) throws AgentException {
        List<StepSpec> steps = spec.task().steps();
        int skipped = 0;
        // A local task's result is its last output lines: what a task depending on it is shown.
        List<String> lastLines = List.of();
        try {
            for (int i = 0; i < steps.size(); i++) {
                StepSpec step = steps.get(i);
                String label = "step " + (i + 1) + "/" + steps.size();
                if (aborted) {
                    return end(new TurnResult.Aborted());
                }
                if (step.run().equals(finishedBefore.get(i))) {
                    skipped++;
                    listener.onEvent(new AgentEvent.Notice(label + " already done before the resume: " + step.run()));
                    continue;
                }
                StepOutcome outcome = runStep(i, label, step, listener);
                if (!outcome.tail.isEmpty()) {
                    lastLines = List.copyOf(outcome.tail);
                }
                if (aborted) {
                    return end(new TurnResult.Aborted());
                }
                if (outcome.timedOut) {
                    return end(new TurnResult.Failed(label + " (" + step.run() + ") timed out after "
                            + step.timeout().toSeconds() + "s" + tail(outcome)));
                }
                if (outcome.exitCode != 0) {
                    return end(new TurnResult.Failed(
                            label + " (" + step.run() + ") exited with code " + outcome.exitCode + tail(outcome),
                            stoppedFromOutside(outcome.exitCode)));
                }
            }
            listener.onEvent(new AgentEvent.Idle());
            String summary = "ran " + (steps.size() - skipped) + " of " + steps.size() + " steps"
                    + (skipped > 0 ? " (" + skipped + " already done before the resume)" : "")
                    + (lastLines.isEmpty() ? "" : "; last output:\n" + String.join("\n", lastLines));
            return end(new TurnResult.Completed(summary));
        } catch (IOException e) {
            throw new AgentException("local session " + id() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a step's exit code says a stop signal ended it (SIGHUP, SIGINT, SIGTERM: 128 plus the signal). A step
     * runs in a session of its own, so such a signal came from outside rather than from a fault of the step's: a
     * shutdown, or a closed terminal or Ctrl+C that reached the step while it was being launched, before it left
     * planexec's process group (an unavoidable moment of any launch). That is a transient failure: the task waits for
     * its retry still {@code in_progress}, so the stop that sent the signal to planexec too ends it as
     * {@code interrupted}, to be resumed, rather than {@code failed}.
     */
    static boolean stoppedFromOutside(int exitCode) {
        return exitCode == 128 + 1 || exitCode == 128 + 2 || exitCode == 128 + 15;
    }

    private TurnResult end(TurnResult result) throws IOException {
        ObjectNode event = SessionLog.event("turn_end");
        if (result instanceof TurnResult.Failed failed) {
            event.put("outcome", "failed").put("error", failed.error());
        } else {
            event.put("outcome", result instanceof TurnResult.Completed ? "completed" : "aborted");
        }
        log.append(event);
        return result;
    }

    private StepOutcome runStep(int index, String label, StepSpec step, AgentEventListener listener)
            throws IOException {
        // stdout and stderr share one pipe, as with 2>&1: lines from two pipes reach two readers in whatever order
        // the threads happen to run, and the last output of a failed step must read in the order it was printed.
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", step.run())
                .directory(spec.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().putAll(spec.environment());
        long startNanos = System.nanoTime();
        Process process;
        try {
            process = ProcessTrees.start(builder);
        } catch (IOException e) {
            throw new IOException(
                    "cannot start " + label + " in " + spec.workingDirectory() + ": " + e.getMessage(), e);
        }
        current = process;
        if (aborted) {
            ProcessTrees.kill(process.toHandle(), Duration.ofSeconds(1));
        }
        ObjectNode start = SessionLog.event("step_start").put("index", index).put("run", step.run());
        start.put("pid", process.pid());
        Instant leaderStarted = process.toHandle().info().startInstant().orElse(null);
        if (leaderStarted != null) {
            start.put("pidStarted", leaderStarted.toString());
        }
        log.append(start);
        listener.onEvent(new AgentEvent.ToolStart("step-" + (index + 1), label, step.run()));

        StepOutcome outcome = new StepOutcome();
        Thread output = pump(process.getInputStream(), AgentEvent.Stream.STDOUT, index, listener, outcome);
        try {
            boolean exited = true;
            if (step.timeout() == null) {
                process.waitFor();
            } else {
                exited = process.waitFor(step.timeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            if (!exited) {
                outcome.timedOut = true;
                ProcessTrees.kill(process.toHandle(), Duration.ofSeconds(2));
            }
            output.join(DRAIN.toMillis());
            if (output.isAlive()) {
                // Something the step started in the background still holds its output: stop it with the rest.
                ProcessTrees.kill(process.toHandle(), Duration.ofSeconds(1));
                output.join(1000);
            }
            ProcessTrees.forget(process.toHandle());
            if (!outcome.timedOut && !aborted) {
                ProcessReaper.rememberGroup(process.pid(), leaderStarted);
            }
            outcome.exitCode = outcome.timedOut ? -1 : process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTrees.kill(process.toHandle(), Duration.ofSeconds(1));
            aborted = true;
        } finally {
            current = null;
        }
        long millis = Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
        ObjectNode end = SessionLog.event("step_end").put("index", index).put("run", step.run());
        end.put("exitCode", outcome.exitCode).put("ms", millis);
        if (aborted) {
            end.put("aborted", true);
        }
        if (aborted || outcome.timedOut) {
            end.put("exitCode", -1); // not finished: a resume runs it again
        }
        log.append(end);
        log.sync(); // the next step starts only once this one's end is on disk
        listener.onEvent(new AgentEvent.ToolEnd(
                "step-" + (index + 1),
                label,
                outcome.exitCode == 0 && !aborted,
                aborted ? "aborted" : outcome.timedOut ? "timed out" : "exit code " + outcome.exitCode));
        return outcome;
    }

    private Thread pump(
            InputStream in, AgentEvent.Stream stream, int index, AgentEventListener listener, StepOutcome outcome) {
        Thread thread = new Thread(
                () -> {
                    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                        char[] buffer = new char[MAX_CHUNK];
                        StringBuilder line = new StringBuilder();
                        int n;
                        while ((n = reader.read(buffer)) >= 0) {
                            for (int i = 0; i < n; i++) {
                                char c = buffer[i];
                                if (c == '\n' || line.length() >= MAX_CHUNK) {
                                    emit(line.toString(), stream, index, listener, outcome);
                                    line.setLength(0);
                                    if (c == '\n') {
                                        continue;
                                    }
                                }
                                line.append(c);
                            }
                        }
                        if (line.length() > 0) {
                            emit(line.toString(), stream, index, listener, outcome);
                        }
                    } catch (IOException e) {
                        // The stream closed under us (the step was killed); what was read is kept.
                    }
                },
                "planexec-" + stream.name().toLowerCase(java.util.Locale.ROOT) + "-" + id());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void emit(String text, AgentEvent.Stream stream, int index, AgentEventListener listener, StepOutcome o) {
        o.remember(text);
        try {
            ObjectNode event = SessionLog.event("output").put("index", index);
            event.put("stream", stream == AgentEvent.Stream.STDOUT ? "stdout" : "stderr")
                    .put("text", text);
            log.buffer(event);
        } catch (IOException e) {
            // The transcript misses a line; the step itself goes on.
        }
        listener.onEvent(new AgentEvent.Output(stream, text));
    }

    private static String tail(StepOutcome outcome) {
        if (outcome.tail.isEmpty()) {
            return "";
        }
        return "; last output:\n" + String.join("\n", outcome.tail);
    }

    @Override
    public void abort() {
        aborted = true;
        Process process = current;
        if (process != null) {
            ProcessTrees.kill(process.toHandle(), Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        try {
            log.close();
        } catch (IOException e) {
            // Everything that mattered was forced to disk after each step.
        }
        onClose.run();
    }

    /** What one step did; filled in by the output threads and the step's own thread. */
    private static final class StepOutcome {
        final Deque<String> tail = new ArrayDeque<>();
        volatile int exitCode;
        volatile boolean timedOut;

        synchronized void remember(String line) {
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) {
                tail.removeFirst();
            }
        }
    }
}
