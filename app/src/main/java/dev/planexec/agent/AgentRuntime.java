package dev.planexec.agent;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One agent backend for the length of a run: the embedded {@code local} agent, Copilot, Claude Code, ... Every
 * backend offers the same operations, modelled on the Copilot SDK, so the scheduler and recovery never need to know
 * which one a task uses. Found by name through {@link AgentRegistry}.
 *
 * <p>Implementations are thread-safe: the scheduler runs several sessions at once.
 */
public interface AgentRuntime extends AutoCloseable {

    /** The agent's name in plan files ({@code local}, {@code copilot}, ...). */
    String name();

    /**
     * Creates a session with the id in {@code spec} (planexec chose it and saved it to the plan first).
     *
     * @throws AgentException if the backend cannot create it
     */
    AgentSession create(SessionSpec spec) throws AgentException;

    /**
     * Reattaches to the session {@code spec.sessionId()} so the task can go on in it.
     *
     * @throws SessionUnavailableException if that session is gone, corrupt or refused; the caller may start fresh
     */
    AgentSession resume(SessionSpec spec) throws AgentException;

    /**
     * Checks, before a run starts anything, that this backend can work on tasks here: for a model-driven agent, that
     * it is signed in or has a key, knows its model, and can reach it. Listing and deleting sessions need none of
     * this, so it is not part of opening the backend. The default has nothing to check.
     *
     * @throws AgentException with a one-line message saying what to do
     */
    default void checkReady() throws AgentException {}

    /**
     * Where a session about to be created or resumed will run, as entries the scheduler adds to the task's
     * {@code sessionContext} in the plan, saved before the session is created or resumed (write-ahead), so a later
     * run resumes it in the same place. {@code recorded} is the task's {@code sessionContext} as the plan has it (for
     * a resumed session, where it ran before). The default: one place only, nothing to record.
     */
    default Map<String, String> place(String sessionId, Map<String, String> recorded) {
        return Map.of();
    }

    /**
     * What the user should know about this backend before the run, a line each, e.g. that its CLI is newer than the
     * newest planexec is tested with. The default has nothing to say.
     */
    default List<String> notices() {
        return List.of();
    }

    /** The sessions this backend knows that match {@code filter}, newest activity first. */
    List<SessionInfo> list(SessionFilter filter) throws AgentException;

    /** The session with this id, if it still exists. */
    Optional<SessionInfo> find(String sessionId) throws AgentException;

    /** Disposes of a session and what the backend stored for it; a session that is already gone is not an error. */
    void delete(String sessionId) throws AgentException;

    /** Ends the backend: aborts what still runs and stops every process it started. Sessions are kept. */
    @Override
    void close();
}
