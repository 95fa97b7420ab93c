package dev.planexec.agent;

/**
 * A conversation with an agent about one task. {@link #send} blocks for one turn, handing each event to the
 * listener as it happens; {@link #abort} may be called from any thread to end that turn early.
 */
public interface AgentSession extends AutoCloseable {

    String id();

    /** Where the session runs: working directory, git root, repository, branch. */
    SessionContext context();

    /**
     * Sends a prompt and waits for the turn to end.
     *
     * @param listener receives events on the calling thread or a backend thread; it must be quick and thread-safe
     * @return how the turn ended; a failure of the task is a {@link TurnResult.Failed}, not an exception
     * @throws AgentException if the backend itself broke (its process died, its connection failed)
     */
    TurnResult send(String prompt, AgentEventListener listener) throws AgentException;

    /** Ends the turn in progress and stops everything it started; {@link #send} then returns {@link TurnResult.Aborted}. */
    void abort();

    /** Lets go of the session without deleting it, so it can be resumed later. */
    @Override
    void close();
}
