package dev.planexec.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentEventListener;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.SessionContext;
import dev.planexec.agent.SessionRecord;
import dev.planexec.agent.SessionRecords;
import dev.planexec.agent.SessionSpec;
import dev.planexec.agent.SessionUnavailableException;
import dev.planexec.agent.TransientErrors;
import dev.planexec.agent.TurnResult;
import dev.planexec.agent.process.ProcessTrees;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A task's conversation with a CLI agent. Each {@link #send} runs the CLI once, in a process group of its own, reads
 * its JSON-lines stdout as it comes and keeps the last lines of its stderr; {@link #abort} stops the CLI's whole
 * process tree. The session id the CLI names in its output is read on every run: a new one is reported with
 * {@link AgentEvent.SessionIdChanged} (saved to the plan by the scheduler) and then recorded.
 */
final class CliSession implements AgentSession {
    /** Lines of stderr kept for the message of a failed run. */
    static final int STDERR_LINES = 10;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lines that say nothing to a user: blank ones, and a Rust backtrace's frames without symbols (Codex). */
    private static final java.util.regex.Pattern NOISE =
            java.util.regex.Pattern.compile("\\s*|\\s*(Stack backtrace:|\\d+: <unknown>)\\s*");

    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private final CliAgent agent;
    private final Path cli;
    private final AgentEnvironment environment;
    private final SessionSpec spec;
    private final SessionContext context;
    private final SessionRecords records;
    private SessionRecord record;
    /** Whether the session has a conversation to go on with: it was resumed, or a run already went through. */
    private boolean started;
    /** The id the CLI knows the session by; {@code null} while a CLI that names its sessions has not yet. */
    private volatile String cliId;

    private volatile boolean aborted;
    private volatile Process current;
    private Runnable onClose = () -> {};

    CliSession(
            CliAgent agent,
            Path cli,
            AgentEnvironment environment,
            SessionSpec spec,
            SessionContext context,
            SessionRecords records,
            SessionRecord record,
            boolean resumed) {
        this.agent = agent;
        this.cli = cli;
        this.environment = environment;
        this.spec = spec;
        this.context = context;
        this.records = records;
        this.record = record;
        this.started = resumed;
        this.cliId = agent.isPlaceholder(spec.sessionId()) ? null : spec.sessionId();
    }

    void onClose(Runnable action) {
        this.onClose = action;
    }

    @Override
    public String id() {
        String id = cliId;
        return id == null ? spec.sessionId() : id;
    }

    @Override
    public SessionContext context() {
        return context;
    }

    @Override
    public TurnResult send(String prompt, AgentEventListener listener) throws AgentException {
        if (aborted) {
            return new TurnResult.Aborted();
        }
        Turn turn = new Turn(listener);
        boolean resumeRun = started;
        if (cliId == null && agent.createArguments() != null) {
            String created = createSession();
            if (created == null) {
                return new TurnResult.Aborted();
            }
            learned(created, listener);
            resumeRun = false;
        }
        Path sessionFile = record.sessionFile() == null ? null : Path.of(record.sessionFile());
        Invocation run = new Invocation(prompt, cliId, resumeRun, sessionFile, model());
        List<String> command = new ArrayList<>();
        command.add(cli.toString());
        command.addAll(agent.arguments(run));

        Process process = start(command);
        Deque<String> stderr = new ArrayDeque<>();
        Thread stderrReader = keepTail(process.getErrorStream(), stderr);
        try {
            readStream(process.getInputStream(), turn, listener);
            process.waitFor();
            stderrReader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            aborted = true;
        } finally {
            ProcessTrees.kill(process.toHandle(), KILL_GRACE); // whatever the CLI left behind ends with its run
            current = null;
        }
        touch();
        if (sessionFile != null && java.nio.file.Files.isRegularFile(sessionFile)) {
            try {
                // The CLI wrote it with its own mode; a conversation is the user's alone.
                java.nio.file.Files.setPosixFilePermissions(sessionFile, dev.planexec.store.SecureFiles.FILE);
            } catch (IOException e) {
                listener.onEvent(new AgentEvent.Notice("cannot make " + sessionFile + " private: " + e.getMessage()));
            }
        }
        if (aborted) {
            return new TurnResult.Aborted();
        }
        int exit = process.exitValue();
        String tail = tail(stderr);
        if (exit != 0 || turn.error() != null) {
            String reported = turn.error() == null ? "" : turn.error();
            if (resumeRun && CliAgent.REJECTED.matcher(tail + "\n" + reported).find()) {
                throw new SessionUnavailableException(agent.name() + " rejected session " + id() + ": "
                        + lastLine(reported.isBlank() ? tail : reported));
            }
        }
        started = started || turn.sessionId() != null || cliId != null;
        // Transient, and so retried: an error the model's server answered with (HTTP 429 or 5xx), and a CLI that
        // ended without reporting how its turn went (it crashed or was killed). An error the agent reported about
        // the task itself is not.
        boolean transientFailure = turn.error() == null
                ? !turn.ended()
                : TransientErrors.mentionsTransientHttp(turn.error() + "\n" + tail);
        if (exit != 0) {
            return new TurnResult.Failed(
                    agent.name() + " exited with code " + exit
                            + (turn.error() == null ? "" : ": " + turn.error())
                            + (tail.isBlank() ? "" : "; last stderr lines:\n" + tail),
                    transientFailure);
        }
        if (turn.error() != null) {
            return new TurnResult.Failed(
                    turn.error() + (tail.isBlank() ? "" : "; last stderr lines:\n" + tail), transientFailure);
        }
        if (!turn.ended()) {
            return TurnResult.Failed.transientFailure(agent.name() + " exited without finishing its turn (exit code 0)"
                    + (tail.isBlank() ? "" : "; last stderr lines:\n" + tail));
        }
        listener.onEvent(new AgentEvent.Idle());
        return new TurnResult.Completed(turn.finalText());
    }

    private void readStream(InputStream stdout, Turn turn, AgentEventListener listener) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event;
                try {
                    event = JSON.readTree(line);
                } catch (IOException e) {
                    event = null;
                }
                if (event == null || !event.isObject()) {
                    listener.onEvent(new AgentEvent.Output(AgentEvent.Stream.STDOUT, line));
                    continue;
                }
                agent.onEvent(event, turn);
                String named = turn.sessionId();
                if (named != null && !named.equals(cliId)) {
                    learned(named, listener);
                }
            }
        } catch (IOException e) {
            // The stream closed under us (the CLI was killed); its exit code says the rest.
        }
    }

    /**
     * The CLI named the session (for the first time, or anew): the plan is told first, then planexec's record, so
     * whatever a crash interrupts, the plan names the session the record lists.
     */
    private void learned(String newId, AgentEventListener listener) {
        String before = cliId == null ? spec.sessionId() : cliId;
        cliId = newId;
        listener.onEvent(new AgentEvent.SessionIdChanged(newId));
        try {
            boolean hadRecord = records.find(before).isPresent();
            record = whileRunning(hadRecord ? record.movedTo(newId, Instant.now()) : withId(newId));
            records.save(record);
            if (hadRecord) {
                records.delete(before);
            }
        } catch (IOException e) {
            listener.onEvent(new AgentEvent.Notice(
                    "cannot record " + agent.name() + " session " + newId + ": " + e.getMessage()));
        }
    }

    /**
     * The record, with the CLI running this turn if it has none yet (a CLI that names the session itself started
     * before there was a record to put it in): a run killed with {@code kill -9} now leaves a process the next stops.
     */
    private SessionRecord whileRunning(SessionRecord r) {
        Process running = current;
        if (r.pid() > 0 || running == null || !running.isAlive()) {
            return r;
        }
        Instant started = running.toHandle().info().startInstant().orElse(null);
        return started == null ? r : r.running(running.pid(), started);
    }

    private SessionRecord withId(String id) {
        return new SessionRecord(
                record.agent(),
                id,
                record.taskId(),
                record.planFile(),
                record.context(),
                record.createdAt(),
                Instant.now(),
                record.previousIds(),
                record.sessionFile(),
                0,
                null);
    }

    private void touch() {
        if (cliId == null || records.find(cliId).isEmpty()) {
            return;
        }
        try {
            record = record.touched(Instant.now());
            records.save(record);
        } catch (IOException e) {
            // the last activity shown is older than it should be; nothing else depends on it
        }
    }

    /** Runs the CLI's own create command (Cursor's {@code create-chat}); its output's last line is the new id. */
    private String createSession() throws AgentException {
        List<String> command = new ArrayList<>();
        command.add(cli.toString());
        command.addAll(agent.createArguments());
        Process process = start(command);
        Deque<String> stderr = new ArrayDeque<>();
        Thread stderrReader = keepTail(process.getErrorStream(), stderr);
        String id = null;
        try {
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AgentException(agent.name() + ": " + String.join(" ", agent.createArguments())
                        + " did not answer within 60 seconds");
            }
            stderrReader.join(1000);
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    id = line.trim();
                }
            }
        } catch (IOException e) {
            // killed by abort
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            aborted = true;
        } finally {
            ProcessTrees.kill(process.toHandle(), KILL_GRACE);
            current = null;
        }
        if (aborted) {
            return null;
        }
        if (process.exitValue() != 0 || id == null) {
            String tail = tail(stderr);
            throw new AgentException(agent.name() + ": " + String.join(" ", agent.createArguments())
                    + " exited with code " + process.exitValue() + " and no session id"
                    + (tail.isBlank() ? "" : "; last stderr lines:\n" + tail));
        }
        return id;
    }

    private Process start(List<String> command) throws AgentException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(spec.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment.env());
        builder.environment().putAll(spec.environment());
        Process process;
        try {
            process = ProcessTrees.start(builder);
        } catch (IOException e) {
            throw new AgentException(
                    "cannot start " + cli + " in " + spec.workingDirectory() + ": " + e.getMessage(), e);
        }
        current = process;
        if (aborted) {
            ProcessTrees.kill(process.toHandle(), KILL_GRACE);
        }
        Instant started = process.toHandle().info().startInstant().orElse(null);
        if (cliId != null && started != null && records.find(cliId).isPresent()) {
            try {
                record = record.running(process.pid(), started);
                records.save(record);
            } catch (IOException e) {
                // a kill -9 of planexec now would leave this CLI running until it ends by itself
            }
        }
        return process;
    }

    private String model() {
        return spec.model() != null ? spec.model() : environment.model();
    }

    private Thread keepTail(InputStream in, Deque<String> tail) {
        Thread thread = new Thread(
                () -> {
                    try (BufferedReader reader =
                            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            if (NOISE.matcher(line).matches()) {
                                continue;
                            }
                            synchronized (tail) {
                                tail.addLast(line.length() > 500 ? line.substring(0, 500) + "…" : line);
                                if (tail.size() > STDERR_LINES) {
                                    tail.removeFirst();
                                }
                            }
                        }
                    } catch (IOException e) {
                        // closed when the CLI was killed
                    }
                },
                "planexec-" + agent.name() + "-stderr");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String tail(Deque<String> lines) {
        synchronized (lines) {
            return String.join("\n", lines).strip();
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    @Override
    public void abort() {
        aborted = true;
        Process process = current;
        if (process != null) {
            ProcessTrees.kill(process.toHandle(), KILL_GRACE);
        }
    }

    @Override
    public void close() {
        onClose.run();
    }
}
