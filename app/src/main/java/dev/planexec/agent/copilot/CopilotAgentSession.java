package dev.planexec.agent.copilot;

import com.github.copilot.sdk.CopilotSession;
import com.github.copilot.sdk.generated.SessionEvent;
import com.github.copilot.sdk.generated.SessionResumeEvent;
import com.github.copilot.sdk.generated.SessionStartEvent;
import com.github.copilot.sdk.generated.WorkingDirectoryContext;
import com.github.copilot.sdk.json.MessageOptions;
import dev.planexec.agent.AgentEventListener;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentSession;
import dev.planexec.agent.SessionContext;
import dev.planexec.agent.TurnResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A task's Copilot session. {@link #send} sends the prompt and waits for the turn to end, watching three things
 * while it waits: an {@link #abort} asked for (the turn is aborted in the CLI, the task becomes interrupted), no
 * event for longer than the inactivity timeout (the turn is aborted and the task fails, saying so), and the CLI
 * process dying (the backend broke).
 */
final class CopilotAgentSession implements AgentSession {
    private static final Duration POLL = Duration.ofMillis(250);
    /** How long an aborted turn may take to report itself idle before planexec stops waiting for it. */
    private static final Duration ABORT_GRACE = Duration.ofSeconds(10);

    private final String id;
    private final CopilotRuntime runtime;
    private final CompletableFuture<SessionContext> reported = new CompletableFuture<>();
    private volatile SessionContext context;
    private volatile CopilotSession sdk;
    private volatile Turn turn;
    private volatile boolean abortRequested;
    private volatile boolean closed;

    CopilotAgentSession(String id, SessionContext fallbackContext, CopilotRuntime runtime) {
        this.id = id;
        this.context = fallbackContext;
        this.runtime = runtime;
    }

    /** Takes every event of the session, from the SDK's reader thread; registered before the session exists. */
    void onEvent(SessionEvent event) {
        if (event instanceof SessionStartEvent start && start.getData() != null) {
            contextReported(start.getData().context());
        } else if (event instanceof SessionResumeEvent resume && resume.getData() != null) {
            contextReported(resume.getData().context());
        }
        Turn current = turn;
        if (current != null) {
            current.accept(event);
        }
    }

    void attach(CopilotSession session) {
        this.sdk = session;
    }

    /** The context the CLI reported when the session started or resumed, waiting up to {@code wait} for it. */
    SessionContext reportedContext(Duration wait) {
        try {
            return reported.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return context;
        }
    }

    private void contextReported(WorkingDirectoryContext c) {
        if (c == null) {
            return;
        }
        SessionContext fallback = context;
        SessionContext fromCli = new SessionContext(
                c.cwd() != null ? c.cwd() : fallback.cwd(),
                c.gitRoot() != null ? c.gitRoot() : fallback.gitRoot(),
                c.repository() != null ? c.repository() : fallback.repository(),
                c.branch() != null ? c.branch() : fallback.branch());
        context = fromCli;
        reported.complete(fromCli);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SessionContext context() {
        return context;
    }

    @Override
    public TurnResult send(String prompt, AgentEventListener listener) throws AgentException {
        Turn current = new Turn(listener, System::nanoTime);
        synchronized (this) {
            if (abortRequested) {
                return new TurnResult.Aborted();
            }
            turn = current;
        }
        try {
            try {
                runtime.await(sdk.send(new MessageOptions().setPrompt(prompt)), Duration.ofSeconds(60));
            } catch (AgentException e) {
                if (abortRequested) {
                    return new TurnResult.Aborted();
                }
                throw new AgentException("Copilot did not take the prompt of session " + id + ": " + e.getMessage(), e);
            }
            Duration limit = runtime.settings().inactivity();
            while (true) {
                TurnResult result = current.await(POLL);
                if (result != null) {
                    return settle(result);
                }
                if (abortRequested) {
                    // Again: an abort that came before the prompt reached the CLI found nothing to stop.
                    abortInCli();
                    current.await(ABORT_GRACE);
                    return new TurnResult.Aborted();
                }
                if (!runtime.cliAlive()) {
                    throw new AgentException(runtime.cliGone());
                }
                if (current.silence().compareTo(limit) >= 0) {
                    return timedOut(current, limit);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            return new TurnResult.Aborted();
        } finally {
            synchronized (this) {
                turn = null;
            }
        }
    }

    /** An idle after an abort nobody here asked for is not the task's success. */
    private TurnResult settle(TurnResult result) {
        if (result instanceof TurnResult.Aborted && !abortRequested) {
            return new TurnResult.Failed("the Copilot session aborted the turn by itself");
        }
        return result;
    }

    private TurnResult timedOut(Turn current, Duration limit) throws InterruptedException {
        runtime.log().info("session " + id + ": no event for " + limit.toSeconds() + " s; aborting its turn");
        abortInCli();
        current.await(ABORT_GRACE);
        // Transient, and a failure even if some text came: partial output is never counted as success.
        return TurnResult.Failed.transientFailure("no activity from Copilot for " + limit.toSeconds() + " s (the "
                + "inactivity timeout, " + CopilotSettings.TIMEOUT_VARIABLE + "); the turn was aborted");
    }

    @Override
    public void abort() {
        boolean inTurn;
        synchronized (this) {
            abortRequested = true;
            inTurn = turn != null;
        }
        if (inTurn) {
            abortInCli();
        }
    }

    private void abortInCli() {
        CopilotSession session = sdk;
        if (session == null) {
            return;
        }
        try {
            session.abort().exceptionally(e -> {
                runtime.log().info("session " + id + ": abort failed: " + Failures.message(e));
                return null;
            });
        } catch (RuntimeException e) {
            // The session is closed already: nothing runs in it.
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CopilotSession session = sdk;
        if (session != null) {
            try {
                // session.destroy: the CLI lets go of the session and keeps it on disk, so it can be resumed.
                session.close();
            } catch (RuntimeException e) {
                runtime.log().info("session " + id + ": close failed: " + Failures.message(e));
            }
        }
        runtime.closed(this);
    }
}
